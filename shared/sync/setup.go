package sync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"unfbridge/shared/onecrefs"
	"unfbridge/shared/secret"
	"unfbridge/shared/settings"
	"unfbridge/shared/store"
)

// ErrNotVerified means the action needs a verified connection (GateMessage).
var ErrNotVerified = errors.New("sync: the RetailCRM account URL and API key are not verified")

// ErrNotRotatable means the secret cannot be rotated through the API.
var ErrNotRotatable = errors.New("sync: this secret cannot be rotated")

// Setup is the use case of the settings form: read and save each part, verify the connection,
// refill the mapping tables from RetailCRM, export and import, rotate tokens.
type Setup struct {
	Repo    *settings.Repo
	Secrets secret.Store
	Connect Connector
	// Refs holds the latest 1C reference lists; settings pointing outside them are reported.
	Refs *onecrefs.Repo
	Now  func() time.Time
	Log  *slog.Logger
}

// View is the settings as the form shows them.
type View struct {
	Settings settings.Settings `json:"settings"`
	// APIKey is the RetailCRM API key masked (first 6 characters and "…"), "" when not set.
	APIKey string `json:"apiKey"`
	// Verified opens every tab; until then only the constants and the catalog can be saved.
	Verified     bool                  `json:"verified"`
	Verification settings.Verification `json:"verification"`
	// References tells when 1C last sent its reference lists; nil when never.
	References *ReferencesInfo `json:"references"`
	// Problems are settings pointing to 1C references absent from the latest lists.
	Problems []settings.Problem `json:"problems"`
}

// ReferencesInfo describes the latest 1C reference lists.
type ReferencesInfo struct {
	OccurredAt time.Time      `json:"occurredAt"`
	ReceivedAt time.Time      `json:"receivedAt"`
	Counts     map[string]int `json:"counts"`
}

// View returns the current settings.
func (s *Setup) View(ctx context.Context) (View, error) {
	st, err := s.Repo.Load(ctx)
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, st)
}

func (s *Setup) view(ctx context.Context, st settings.State) (View, error) {
	key, err := s.apiKey(ctx)
	if err != nil {
		return View{}, err
	}
	v := View{Settings: normalised(st.Settings), APIKey: secret.Mask(key), Verified: st.Verified(),
		Verification: st.Verification, Problems: []settings.Problem{}}
	snap, ok, err := s.Refs.Latest(ctx)
	if err != nil {
		return View{}, err
	}
	if ok {
		counts := map[string]int{}
		for kind, n := range snap.References.Counts() {
			counts[string(kind)] = n
		}
		v.References = &ReferencesInfo{OccurredAt: snap.OccurredAt, ReceivedAt: snap.ReceivedAt, Counts: counts}
		v.Problems = append(v.Problems, st.Settings.MissingReferences(&snap.References,
			snap.OccurredAt.Format("02.01.2006 15:04:05 -07:00"))...)
	}
	return v, nil
}

// apiKey reads the RetailCRM API key; "" when not set.
func (s *Setup) apiKey(ctx context.Context) (string, error) {
	key, err := s.Secrets.Get(ctx, secret.RetailCRMAPIKey)
	if errors.Is(err, secret.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sync: read the API key: %w", err)
	}
	return key, nil
}

// SaveConnection saves the constants and, when apiKey is not empty, a new API key, then
// verifies the connection. The constants are saved even when the verification fails: the
// verification in the view says why the other tabs stay closed.
func (s *Setup) SaveConnection(ctx context.Context, conn settings.Connection, apiKey string) (View, error) {
	if err := conn.Validate(); err != nil {
		return View{}, err
	}
	apiKey = strings.TrimSpace(apiKey)
	if strings.ContainsFunc(apiKey, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return View{}, &settings.ValidationError{Problems: []settings.Problem{{Field: "apiKey",
			Message: "API-ключ не может содержать пробелы и управляющие символы."}}}
	}
	if apiKey != "" {
		if err := s.Secrets.Put(ctx, secret.RetailCRMAPIKey, apiKey); err != nil {
			return View{}, fmt.Errorf("sync: save the API key: %w", err)
		}
		s.Log.InfoContext(ctx, "RetailCRM API key replaced", "key", secret.Mask(apiKey))
	}
	key, err := s.apiKey(ctx)
	if err != nil {
		return View{}, err
	}
	ver := verify(ctx, s.Connect, conn, key, s.Now())
	s.Log.InfoContext(ctx, "connection verified", "account", conn.AccountURL, "site", conn.SiteCode, "ok", ver.OK)
	st, err := s.Repo.Update(ctx, func(st *settings.State) error {
		st.Settings.Connection = conn
		st.Verification = ver
		return nil
	})
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, st)
}

// SaveCatalog saves the catalog options (allowed before verification, like the constants).
func (s *Setup) SaveCatalog(ctx context.Context, c settings.Catalog) (View, error) {
	return s.update(ctx, false, func(st *settings.State) error {
		st.Settings.Catalog = c
		return nil
	})
}

// SaveFlags saves the flags.
func (s *Setup) SaveFlags(ctx context.Context, f settings.Flags) (View, error) {
	return s.update(ctx, true, func(st *settings.State) error {
		st.Settings.Flags = f
		return nil
	})
}

// SavePush saves the options of the 1C → RetailCRM push.
func (s *Setup) SavePush(ctx context.Context, p settings.Push) (View, error) {
	return s.update(ctx, true, func(st *settings.State) error {
		st.Settings.Push = p
		return nil
	})
}

// SaveHistory sets the history position: the last record id and the date of actuality.
func (s *Setup) SaveHistory(ctx context.Context, h settings.History) (View, error) {
	return s.update(ctx, true, func(st *settings.State) error {
		st.Settings.History = h
		return nil
	})
}

// SaveTable replaces the mapping table name with the same table of from.
func (s *Setup) SaveTable(ctx context.Context, name string, from *settings.Tables) (View, error) {
	return s.update(ctx, true, func(st *settings.State) error {
		return st.Settings.Tables.Replace(name, from)
	})
}

// update applies fn to the stored state; gated updates need a verified connection.
func (s *Setup) update(ctx context.Context, gated bool, fn func(*settings.State) error) (View, error) {
	st, err := s.Repo.Update(ctx, func(st *settings.State) error {
		if gated && !st.Verified() {
			return ErrNotVerified
		}
		return fn(st)
	})
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, st)
}

// Export returns the settings file; it holds no secret.
func (s *Setup) Export(ctx context.Context) ([]byte, error) {
	st, err := s.Repo.Load(ctx)
	if err != nil {
		return nil, err
	}
	return settings.Export(normalised(st.Settings), s.Now())
}

// Import restores a settings file: everything is checked first, then applied at once, or
// nothing changes. The connection is verified again with the stored API key.
func (s *Setup) Import(ctx context.Context, data []byte) (View, error) {
	in, err := settings.Import(data)
	if err != nil {
		return View{}, err
	}
	key, err := s.apiKey(ctx)
	if err != nil {
		return View{}, err
	}
	ver := verify(ctx, s.Connect, in.Connection, key, s.Now())
	st, err := s.Repo.Update(ctx, func(st *settings.State) error {
		st.Settings = in
		st.Verification = ver
		return nil
	})
	if err != nil {
		return View{}, err
	}
	s.Log.InfoContext(ctx, "settings imported", "verified", ver.OK)
	return s.view(ctx, st)
}

// Rotatable are the secrets the admin API may rotate.
var Rotatable = []string{secret.OnecToken, secret.CRMTriggerSecret}

// Rotate replaces the 1C token or the RetailCRM trigger secret with a fresh random one and
// returns it: this is the only time it is shown.
func (s *Setup) Rotate(ctx context.Context, name string) (string, error) {
	if name != secret.OnecToken && name != secret.CRMTriggerSecret {
		return "", ErrNotRotatable
	}
	token := secret.NewToken()
	if err := s.Secrets.Put(ctx, name, token); err != nil {
		return "", fmt.Errorf("sync: rotate %s: %w", name, err)
	}
	s.Log.InfoContext(ctx, "secret rotated", "secret", name)
	return token, nil
}

// normalised has empty lists instead of nil ones, so that the form and the file show [].
func normalised(s settings.Settings) settings.Settings {
	t := &s.Tables
	t.StatusesImport = nonNil(t.StatusesImport)
	t.StatusesExport = nonNil(t.StatusesExport)
	t.Managers = nonNil(t.Managers)
	t.Warehouses = nonNil(t.Warehouses)
	t.PriceTypes = nonNil(t.PriceTypes)
	t.PaymentsImport = nonNil(t.PaymentsImport)
	t.PaymentsExport = nonNil(t.PaymentsExport)
	t.Delivery = nonNil(t.Delivery)
	s.Catalog.Groups = nonNil(s.Catalog.Groups)
	return s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// NewSetup returns the settings use case on st.
func NewSetup(st store.Store, secrets secret.Store, connect Connector, log *slog.Logger) *Setup {
	return &Setup{Repo: settings.NewRepo(st), Secrets: secrets, Connect: connect, Refs: onecrefs.New(st), Now: time.Now, Log: log}
}
