package settings

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"unfbridge/shared/store"
)

// Verification is the last check of the account URL, API key and site code. Until it holds
// for the current URL and site, only the constants and the catalog options may be changed.
type Verification struct {
	OK         bool      `json:"ok"`
	CheckedAt  time.Time `json:"checkedAt"`
	AccountURL string    `json:"accountUrl"`
	SiteCode   string    `json:"siteCode"`
	// Message says in Russian why the check failed.
	Message string `json:"message,omitempty"`
	// Warnings are problems that do not block, e.g. missing scopes of the key.
	Warnings []string `json:"warnings,omitempty"`
}

// State is what the repository keeps: the settings and the last verification.
type State struct {
	Settings     Settings
	Verification Verification
}

// Verified tells whether the last verification holds for the current account URL and site.
func (s State) Verified() bool {
	v, c := s.Verification, s.Settings.Connection
	return v.OK && c.AccountURL != "" && v.AccountURL == c.AccountURL && v.SiteCode == c.SiteCode
}

// Keys of the settings items. The history position has its own item, so that the history
// sync advancing it every minute does not collide with a user saving the other tabs.
var (
	configKey  = store.Key{PK: "settings", SK: "config"}
	historyKey = store.Key{PK: "settings", SK: "history"}
)

// config is the stored form of everything but the history position.
type config struct {
	Settings     Settings     `json:"settings"`
	Verification Verification `json:"verification"`
}

// Repo keeps the settings on the storage port.
type Repo struct {
	st store.Store
}

// NewRepo returns the settings repository on st.
func NewRepo(st store.Store) *Repo { return &Repo{st: st} }

// loaded is a State with the versions it was read at.
type loaded struct {
	state                  State
	configVer, historyVer  int64
	configData, historyRaw []byte
}

// Load returns the current state; a new connection has the Defaults.
func (r *Repo) Load(ctx context.Context) (State, error) {
	l, err := r.load(ctx)
	return l.state, err
}

func (r *Repo) load(ctx context.Context) (loaded, error) {
	l := loaded{state: State{Settings: Defaults()}}
	it, err := r.st.Get(ctx, configKey)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return l, fmt.Errorf("settings: load: %w", err)
	default:
		// Settings saved by an older version lack the newer parts: those keep their defaults.
		c := config{Settings: Defaults()}
		if err := json.Unmarshal(it.Data, &c); err != nil {
			return l, fmt.Errorf("settings: decode: %w", err)
		}
		l.state.Settings, l.state.Verification = c.Settings, c.Verification
		l.configVer, l.configData = it.Version, it.Data
	}
	it, err = r.st.Get(ctx, historyKey)
	switch {
	case errors.Is(err, store.ErrNotFound):
		l.state.Settings.History = History{}
	case err != nil:
		return l, fmt.Errorf("settings: load history: %w", err)
	default:
		if err := json.Unmarshal(it.Data, &l.state.Settings.History); err != nil {
			return l, fmt.Errorf("settings: decode history: %w", err)
		}
		l.historyVer, l.historyRaw = it.Version, it.Data
	}
	return l, nil
}

// updateAttempts bounds the retries of Update when another writer got in between.
const updateAttempts = 5

// Update reads the state, lets fn change it, validates the settings and writes them back in one
// all-or-nothing write. A concurrent change makes it start again from a fresh read; fn must
// therefore only depend on the state it is given. An error of fn or of validation is returned
// as is (a *ValidationError for invalid settings) and nothing is written.
func (r *Repo) Update(ctx context.Context, fn func(*State) error) (State, error) {
	for range updateAttempts {
		l, err := r.load(ctx)
		if err != nil {
			return State{}, err
		}
		st := l.state
		if err := fn(&st); err != nil {
			return State{}, err
		}
		if err := st.Settings.Validate(); err != nil {
			return State{}, err
		}
		ops, err := l.ops(st)
		if err != nil {
			return State{}, err
		}
		if len(ops) == 0 {
			return st, nil
		}
		err = r.st.Write(ctx, ops)
		if errors.Is(err, store.ErrConditionFailed) {
			continue
		}
		if err != nil {
			return State{}, fmt.Errorf("settings: save: %w", err)
		}
		return st, nil
	}
	return State{}, fmt.Errorf("settings: save: %w: changed concurrently %d times", store.ErrConditionFailed, updateAttempts)
}

// ops are the writes that turn the loaded items into st; unchanged items are not written.
func (l loaded) ops(st State) ([]store.Op, error) {
	history := st.Settings.History
	cfg := st
	cfg.Settings.History = History{}
	var ops []store.Op
	for _, w := range []struct {
		key     store.Key
		value   any
		current []byte
		version int64
	}{
		{configKey, config{Settings: cfg.Settings, Verification: cfg.Verification}, l.configData, l.configVer},
		{historyKey, history, l.historyRaw, l.historyVer},
	} {
		data, err := json.Marshal(w.value)
		if err != nil {
			return nil, fmt.Errorf("settings: encode: %w", err)
		}
		if bytes.Equal(data, w.current) {
			continue
		}
		cond := store.IfVersion(w.version)
		if w.current == nil {
			cond = store.IfNotExists()
		}
		ops = append(ops, store.Put(store.Item{PK: w.key.PK, SK: w.key.SK, Version: w.version + 1, Data: data}, cond))
	}
	return ops, nil
}
