package settings_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"unfbridge/infra/dynamodblocal"
	"unfbridge/shared/onec"
	"unfbridge/shared/settings"
	"unfbridge/shared/store"
	"unfbridge/shared/store/boltstore"
)

func TestMain(m *testing.M) { dynamodblocal.Main(m) }

func TestNewConnectionHasDefaults(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		s, err := settings.NewRepo(st).Load(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if s.Verified() || s.Settings.Catalog.ObjectKey != "catalog_icml.xml" || s.Settings.Catalog.MaxShrinkPercent != 20 ||
			s.Settings.Connection.Operation != "ЗаказНаПродажу" || s.Settings.History.SinceID != 0 {
			t.Fatalf("defaults %+v", s)
		}
	})
}

// TestConcurrentUpdatesAllLand: parallel saves of different parts (and the history cursor)
// never lose one another.
func TestConcurrentUpdatesAllLand(t *testing.T) {
	dynamodblocal.EachStore(t, func(t *testing.T, st store.Store) {
		repo := settings.NewRepo(st)
		const n = 6
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for i := range n {
			wg.Go(func() {
				_, err := repo.Update(t.Context(), func(s *settings.State) error {
					s.Settings.Tables.Delivery = append(s.Settings.Tables.Delivery, settings.Delivery{CRMCode: fmt.Sprintf("d%d", i)})
					return nil
				})
				errs <- err
			})
			wg.Go(func() {
				_, err := repo.Update(t.Context(), func(s *settings.State) error {
					s.Settings.History.SinceID++
					return nil
				})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		failed := 0
		for err := range errs {
			if errors.Is(err, store.ErrConditionFailed) {
				failed++
			} else if err != nil {
				t.Fatal(err)
			}
		}
		s, err := repo.Load(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		// An update that gave up after repeated conflicts says so; every other one landed.
		if got := len(s.Settings.Tables.Delivery) + int(s.Settings.History.SinceID); got != 2*n-failed {
			t.Fatalf("%d rows + cursor %d, %d updates gave up", len(s.Settings.Tables.Delivery), s.Settings.History.SinceID, failed)
		}
	})
}

func TestInvalidUpdateWritesNothing(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	repo := settings.NewRepo(st)
	_, err = repo.Update(t.Context(), func(s *settings.State) error {
		s.Settings.Flags.ImportOrders = true
		s.Settings.Catalog.OfferKey = "barcode"
		return nil
	})
	var ve *settings.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Field != "catalog.offerKey" {
		t.Fatalf("err %v", err)
	}
	if page, _ := st.Query(t.Context(), store.Query{PK: "settings"}); len(page.Items) != 0 {
		t.Fatalf("stored %d items", len(page.Items))
	}
}

func TestEffectivePriceIncludesVAT(t *testing.T) {
	for taxation, want := range map[string]bool{
		"ПродажаОблагаетсяНДС": true, "ПродажаНеОблагаетсяНДС": false, "ПродажаОблагаетсяЕНВД": false, "": true,
	} {
		c := settings.Connection{PriceIncludesVAT: true}
		if taxation != "" {
			c.Taxation = &onec.Ref{Ref: taxation}
		}
		if got := c.EffectivePriceIncludesVAT(); got != want {
			t.Errorf("%q: %v", taxation, got)
		}
	}
	if (settings.Connection{}).EffectivePriceIncludesVAT() {
		t.Error("the constant off must stay off")
	}
}

func TestAccountURLIsNormalised(t *testing.T) {
	for in, want := range map[string]string{
		"myshop.retailcrm.ru":                  "https://myshop.retailcrm.ru",
		" https://MyShop.retailcrm.ru/api/v5/": "https://myshop.retailcrm.ru",
		"http://myshop.retailcrm.ru":           "https://myshop.retailcrm.ru",
	} {
		c := settings.Connection{AccountURL: in}
		if err := c.Validate(); err != nil || c.AccountURL != want {
			t.Errorf("%q: %q %v", in, c.AccountURL, err)
		}
	}
}

// TestOlderSettingsKeepDefaults: settings saved before a part existed load with its defaults.
func TestOlderSettingsKeepDefaults(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	old := `{"settings":{"connection":{"operation":"ЗаказНаПродажу"},"catalog":{"productId":"guid","offerKey":"externalId","objectKey":"catalog_icml.xml"},"flags":{"importOrders":true}},"verification":{}}`
	if err := st.Put(t.Context(), store.Item{PK: "settings", SK: "config", Version: 1, Data: []byte(old)}, store.IfNotExists()); err != nil {
		t.Fatal(err)
	}
	s, err := settings.NewRepo(st).Update(t.Context(), func(s *settings.State) error { return nil })
	if err != nil || s.Settings.Push != settings.Defaults().Push || !s.Settings.Flags.ImportOrders {
		t.Fatalf("%+v %v", s.Settings, err)
	}
	if _, err := settings.Import([]byte(`{"format":"unfbridge-settings","version":1,"settings":{"catalog":{"productId":"code","offerKey":"xmlId","objectKey":"c.xml"}}}`)); err != nil {
		t.Fatalf("an older file: %v", err)
	}
}
