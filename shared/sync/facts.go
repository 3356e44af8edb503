package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	// The Lambda runtime has no zone database: the account's zone must be known all the same.
	_ "time/tzdata"

	"unfbridge/shared/store"
)

// accountFacts are the facts about the RetailCRM account that every import needs and that
// rarely change: its time zone and the payment statuses that count as paid. They are kept in the
// store for factsTTL, so that a run spends its requests on history and orders only.
type accountFacts struct {
	Timezone     string          `json:"timezone"`
	PaidStatuses map[string]bool `json:"paidStatuses"`
}

const factsTTL = time.Hour

// defaultZone is the zone of an account whose settings cannot be read: most RetailCRM accounts
// of Russian shops run on Moscow time.
const defaultZone = "Europe/Moscow"

func factsKey(accountURL string) store.Key { return store.Key{PK: "crmfacts", SK: accountURL} }

// facts returns the account's facts, from the store while fresh, else from RetailCRM.
func facts(ctx context.Context, st store.Store, crm CRM, accountURL string, now time.Time) (accountFacts, *time.Location, error) {
	var f accountFacts
	it, err := st.Get(ctx, factsKey(accountURL))
	switch {
	case err == nil:
		if err := json.Unmarshal(it.Data, &f); err != nil {
			return f, nil, fmt.Errorf("sync: decode the account facts: %w", err)
		}
	case errors.Is(err, store.ErrNotFound):
		if f, err = fetchFacts(ctx, crm); err != nil {
			return f, nil, err
		}
		data, err := json.Marshal(f)
		if err != nil {
			return f, nil, err
		}
		k := factsKey(accountURL)
		if err := st.Put(ctx, store.Item{PK: k.PK, SK: k.SK, Version: 1, Data: data, ExpiresAt: now.Add(factsTTL)}, store.Condition{}); err != nil {
			return f, nil, fmt.Errorf("sync: keep the account facts: %w", err)
		}
	default:
		return f, nil, fmt.Errorf("sync: read the account facts: %w", err)
	}
	loc, err := time.LoadLocation(f.Timezone)
	if err != nil {
		loc, _ = time.LoadLocation(defaultZone)
	}
	return f, loc, nil
}

func fetchFacts(ctx context.Context, crm CRM) (accountFacts, error) {
	f := accountFacts{Timezone: defaultZone, PaidStatuses: map[string]bool{}}
	s, err := crm.Settings(ctx)
	if err != nil {
		return f, err
	}
	if s.Timezone.Value != "" {
		f.Timezone = s.Timezone.Value
	}
	statuses, err := crm.PaymentStatuses(ctx)
	if err != nil {
		return f, err
	}
	for code, st := range statuses {
		if st.PaymentComplete {
			f.PaidStatuses[code] = true
		}
	}
	return f, nil
}
