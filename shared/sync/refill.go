package sync

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"unfbridge/shared/retailcrm"
	"unfbridge/shared/secret"
	"unfbridge/shared/settings"
)

// LoadTable is "Загрузить … из RetailCRM": it clears the mapping table name and refills it with
// the active RetailCRM entries (payment and delivery types: only those available to the site),
// the 1C side left empty.
func (s *Setup) LoadTable(ctx context.Context, name string) (View, error) {
	if _, ok := (&settings.Tables{}).Rows(name); !ok {
		return View{}, fmt.Errorf("%w %q", settings.ErrUnknownTable, name)
	}
	st, err := s.Repo.Load(ctx)
	if err != nil {
		return View{}, err
	}
	if !st.Verified() {
		return View{}, ErrNotVerified
	}
	key, err := s.Secrets.Get(ctx, secret.RetailCRMAPIKey)
	if err != nil {
		return View{}, fmt.Errorf("sync: read the API key: %w", err)
	}
	crm, err := s.Connect(st.Settings.Connection.AccountURL, key)
	if err != nil {
		return View{}, err
	}
	var fresh settings.Tables
	if err := fill(ctx, crm, name, st.Settings.Connection.SiteCode, &fresh); err != nil {
		return View{}, &CRMError{Message: "Не удалось загрузить данные из RetailCRM: " + crmProblem(err, st.Settings.Connection.AccountURL), Err: err}
	}
	s.Log.InfoContext(ctx, "mapping table loaded from RetailCRM", "table", name)
	return s.SaveTable(ctx, name, &fresh)
}

// CRMError is a RetailCRM failure explained in Russian.
type CRMError struct {
	Message string
	Err     error
}

func (e *CRMError) Error() string { return e.Err.Error() }
func (e *CRMError) Unwrap() error { return e.Err }

// fill reads the RetailCRM entries of table name into t.
func fill(ctx context.Context, crm CRM, name, site string, t *settings.Tables) error {
	switch name {
	case settings.TableStatusesImport, settings.TableStatusesExport:
		statuses, err := crm.Statuses(ctx)
		if err != nil {
			return err
		}
		for _, st := range activeStatuses(statuses) {
			if name == settings.TableStatusesImport {
				t.StatusesImport = append(t.StatusesImport, settings.StatusImport{CRMCode: st.Code, CRMName: st.Name})
			} else {
				t.StatusesExport = append(t.StatusesExport, settings.StatusExport{CRMCode: st.Code, CRMName: st.Name})
			}
		}
	case settings.TableManagers:
		users, err := crm.AllUsers(ctx, retailcrm.UsersFilter{Active: retailcrm.Ptr(true), IsManager: retailcrm.Ptr(true)})
		if err != nil {
			return err
		}
		for _, u := range users {
			if u.Active && u.IsManager {
				t.Managers = append(t.Managers, settings.Manager{CRMID: u.ID, CRMName: userName(u)})
			}
		}
	case settings.TableWarehouses:
		stores, err := crm.Stores(ctx)
		if err != nil {
			return err
		}
		for _, st := range stores {
			if st.Active {
				t.Warehouses = append(t.Warehouses, settings.Warehouse{CRMCode: st.Code, CRMName: st.Name})
			}
		}
	case settings.TablePriceTypes:
		types, err := crm.PriceTypes(ctx)
		if err != nil {
			return err
		}
		slices.SortStableFunc(types, func(a, b retailcrm.PriceType) int { return cmp.Compare(a.Ordering, b.Ordering) })
		for _, pt := range types {
			if pt.Active {
				t.PriceTypes = append(t.PriceTypes, settings.PriceType{CRMCode: pt.Code, CRMName: pt.Name})
			}
		}
	case settings.TablePaymentsImport, settings.TablePaymentsExport:
		types, err := crm.PaymentTypes(ctx)
		if err != nil {
			return err
		}
		for _, pt := range byCode(types) {
			if !pt.Active || !onSite(pt.Sites, site) {
				continue
			}
			if name == settings.TablePaymentsImport {
				t.PaymentsImport = append(t.PaymentsImport, settings.PaymentImport{CRMCode: pt.Code, CRMName: pt.Name})
			} else {
				t.PaymentsExport = append(t.PaymentsExport, settings.PaymentExport{CRMCode: pt.Code, CRMName: pt.Name})
			}
		}
	case settings.TableDelivery:
		types, err := crm.DeliveryTypes(ctx)
		if err != nil {
			return err
		}
		for _, dt := range byCode(types) {
			if dt.Active && onSite(dt.Sites, site) {
				t.Delivery = append(t.Delivery, settings.Delivery{CRMCode: dt.Code, CRMName: dt.Name})
			}
		}
	}
	return nil
}

// activeStatuses are the active statuses in RetailCRM's order.
func activeStatuses(m map[string]retailcrm.Status) []retailcrm.Status {
	var out []retailcrm.Status
	for _, st := range byCode(m) {
		if st.Active {
			out = append(out, st)
		}
	}
	slices.SortStableFunc(out, func(a, b retailcrm.Status) int { return cmp.Compare(a.Ordering, b.Ordering) })
	return out
}

// byCode returns the values of a reference book sorted by code, for a stable order.
func byCode[V any](m map[string]V) []V {
	codes := make([]string, 0, len(m))
	for code := range m {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	out := make([]V, len(codes))
	for i, code := range codes {
		out[i] = m[code]
	}
	return out
}

// onSite tells whether an entry limited to sites (none: every site) is available to site.
func onSite(sites []string, site string) bool {
	return len(sites) == 0 || slices.Contains(sites, site)
}

func userName(u retailcrm.User) string {
	name := strings.Join(strings.Fields(u.FirstName+" "+u.LastName), " ")
	if name == "" {
		return u.Email
	}
	return name
}
