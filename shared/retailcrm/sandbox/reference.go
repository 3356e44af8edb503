package sandbox

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"
)

// Contragent holds legal details (of a site, a company or an order), with RetailCRM's field
// names. ContragentType is "individual", "legal-entity" or "enterpreneur" (sic).
type Contragent struct {
	ContragentType    string `json:"contragentType"`
	LegalName         string `json:"legalName,omitempty"`
	LegalAddress      string `json:"legalAddress,omitempty"`
	INN               string `json:"INN,omitempty"`
	OKPO              string `json:"OKPO,omitempty"`
	KPP               string `json:"KPP,omitempty"`
	OGRN              string `json:"OGRN,omitempty"`
	OGRNIP            string `json:"OGRNIP,omitempty"`
	CertificateNumber string `json:"certificateNumber,omitempty"`
	CertificateDate   string `json:"certificateDate,omitempty"`
	BIK               string `json:"BIK,omitempty"`
	Bank              string `json:"bank,omitempty"`
	BankAddress       string `json:"bankAddress,omitempty"`
	CorrAccount       string `json:"corrAccount,omitempty"`
	BankAccount       string `json:"bankAccount,omitempty"`
	Code              string `json:"code,omitempty"`
	CountryIso        string `json:"countryIso,omitempty"`
}

// Address is a postal address with RetailCRM's field names (stores, customers, deliveries).
type Address struct {
	ID         int    `json:"id,omitempty"`
	Name       string `json:"name,omitempty"`
	Index      string `json:"index,omitempty"`
	CountryIso string `json:"countryIso,omitempty"`
	Region     string `json:"region,omitempty"`
	RegionID   int    `json:"regionId,omitempty"`
	City       string `json:"city,omitempty"`
	CityID     int    `json:"cityId,omitempty"`
	CityType   string `json:"cityType,omitempty"`
	Street     string `json:"street,omitempty"`
	StreetID   int    `json:"streetId,omitempty"`
	StreetType string `json:"streetType,omitempty"`
	Building   string `json:"building,omitempty"`
	House      string `json:"house,omitempty"`
	Housing    string `json:"housing,omitempty"`
	Flat       string `json:"flat,omitempty"`
	Metro      string `json:"metro,omitempty"`
	Notes      string `json:"notes,omitempty"`
	Text       string `json:"text,omitempty"`
}

// Site is a shop of the account (reference/sites). Orders, customers and keys belong to sites.
type Site struct {
	ID                int         `json:"id"`
	Code              string      `json:"code"`
	Name              string      `json:"name"`
	URL               string      `json:"url"`
	Description       string      `json:"description,omitempty"`
	DefaultForCRM     bool        `json:"defaultForCrm"`
	YmlURL            string      `json:"ymlUrl,omitempty"`
	LoadFromYml       bool        `json:"loadFromYml"`
	CatalogUpdatedAt  string      `json:"catalogUpdatedAt,omitempty"`
	CatalogLoadingAt  string      `json:"catalogLoadingAt,omitempty"`
	Contragent        *Contragent `json:"contragent,omitempty"`
	CountryIso        string      `json:"countryIso"`
	Currency          string      `json:"currency"`
	SenderEmail       string      `json:"senderEmail,omitempty"`
	SenderName        string      `json:"senderName,omitempty"`
	CatalogID         string      `json:"catalogId"`
	IsCatalogMainSite bool        `json:"isCatalogMainSite"`
	Ordering          int         `json:"ordering"`
	IsDemo            bool        `json:"isDemo"`
}

// StatusGroup is a group of order statuses (reference/status-groups); its status list is
// derived from the statuses that name it.
type StatusGroup struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Active   bool   `json:"active"`
	Ordering int    `json:"ordering"`
	Process  bool   `json:"process"`
}

// Status is an order status (reference/statuses).
type Status struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Active   bool   `json:"active"`
	Ordering int    `json:"ordering"`
	Group    string `json:"group"`
}

// PaymentType is a payment type (reference/payment-types). Empty Sites means every site.
type PaymentType struct {
	Code            string   `json:"code"`
	Name            string   `json:"name"`
	Active          bool     `json:"active"`
	DefaultForCRM   bool     `json:"defaultForCrm"`
	DefaultForAPI   bool     `json:"defaultForApi"`
	Description     string   `json:"description"`
	DeliveryTypes   []string `json:"deliveryTypes"`
	PaymentStatuses []string `json:"paymentStatuses"`
	Sites           []string `json:"sites"`
}

// PaymentStatus is a payment status (reference/payment-statuses); PaymentComplete marks the
// statuses that count as paid.
type PaymentStatus struct {
	Code            string   `json:"code"`
	Name            string   `json:"name"`
	Active          bool     `json:"active"`
	DefaultForCRM   bool     `json:"defaultForCrm"`
	DefaultForAPI   bool     `json:"defaultForApi"`
	PaymentComplete bool     `json:"paymentComplete"`
	Ordering        int      `json:"ordering"`
	PaymentTypes    []string `json:"paymentTypes"`
}

// OrderType is an order type (reference/order-types).
type OrderType struct {
	Code          string `json:"code"`
	Name          string `json:"name"`
	Active        bool   `json:"active"`
	DefaultForCRM bool   `json:"defaultForCrm"`
	DefaultForAPI bool   `json:"defaultForApi"`
	Ordering      int    `json:"ordering"`
}

// OrderMethod is an order method (reference/order-methods).
type OrderMethod struct {
	Code          string `json:"code"`
	Name          string `json:"name"`
	Active        bool   `json:"active"`
	DefaultForCRM bool   `json:"defaultForCrm"`
	DefaultForAPI bool   `json:"defaultForApi"`
	IsFromPos     bool   `json:"isFromPos"`
}

// ProductStatus is a status of order lines (reference/product-statuses); CancelStatus marks the
// statuses that cancel the line. The sandbox lists them but does not check line statuses
// against them.
type ProductStatus struct {
	Code         string
	Name         string
	Active       bool
	Ordering     int
	CancelStatus bool
	CreatedAt    time.Time // default: when added
}

type productStatusView struct {
	Code         string `json:"code"`
	Ordering     int    `json:"ordering"`
	Active       bool   `json:"active"`
	CreatedAt    string `json:"createdAt"`
	CancelStatus bool   `json:"cancelStatus"`
	Name         string `json:"name"`
}

// DeliveryType is a delivery type (reference/delivery-types). Empty Sites means every site.
type DeliveryType struct {
	Code            string
	Name            string
	Active          bool
	DefaultForCRM   bool
	Description     string
	DefaultCost     decimal.Decimal
	DefaultNetCost  decimal.Decimal
	Currency        string // default "RUB"
	PaymentTypes    []string
	Sites           []string
	IntegrationCode string // set for delivery services of integration modules
}

type deliveryPaymentType struct {
	Code string `json:"code"`
	Cod  bool   `json:"cod"`
}

type deliveryTypeView struct {
	IsDynamicCostCalculation             bool                  `json:"isDynamicCostCalculation"`
	IsAutoCostCalculation                bool                  `json:"isAutoCostCalculation"`
	IsAutoNetCostCalculation             bool                  `json:"isAutoNetCostCalculation"`
	IsCostDependsOnRegionAndWeightAndSum bool                  `json:"isCostDependsOnRegionAndWeightAndSum"`
	IsCostDependsOnDateTime              bool                  `json:"isCostDependsOnDateTime"`
	Currency                             string                `json:"currency"`
	Name                                 string                `json:"name"`
	Code                                 string                `json:"code"`
	IntegrationCode                      string                `json:"integrationCode,omitempty"`
	Active                               bool                  `json:"active"`
	DefaultCost                          num                   `json:"defaultCost"`
	DefaultNetCost                       num                   `json:"defaultNetCost"`
	Description                          string                `json:"description"`
	PaymentTypes                         []string              `json:"paymentTypes"`
	DeliveryServices                     []string              `json:"deliveryServices"`
	DefaultForCRM                        bool                  `json:"defaultForCrm"`
	DeliveryPaymentTypes                 []deliveryPaymentType `json:"deliveryPaymentTypes"`
	Sites                                []string              `json:"sites"`
}

func (t DeliveryType) view() deliveryTypeView {
	v := deliveryTypeView{
		Currency: t.Currency, Name: t.Name, Code: t.Code, IntegrationCode: t.IntegrationCode, Active: t.Active,
		DefaultCost: num{t.DefaultCost}, DefaultNetCost: num{t.DefaultNetCost}, Description: t.Description,
		PaymentTypes: nonNil(t.PaymentTypes), DeliveryServices: []string{}, DefaultForCRM: t.DefaultForCRM,
		DeliveryPaymentTypes: []deliveryPaymentType{}, Sites: nonNil(t.Sites),
	}
	if v.Currency == "" {
		v.Currency = "RUB"
	}
	for _, p := range t.PaymentTypes {
		v.DeliveryPaymentTypes = append(v.DeliveryPaymentTypes, deliveryPaymentType{Code: p, Cod: p == "cash"})
	}
	return v
}

// AddDeliveryType adds a delivery type.
func (s *Sandbox) AddDeliveryType(t DeliveryType) {
	add(s, func(a *account) { a.deliveryTypes = append(a.deliveryTypes, t) })
}

// AddSite adds a site; a zero ID is assigned.
func (s *Sandbox) AddSite(st Site) {
	_ = s.do(func(a *account) error {
		if st.ID == 0 {
			st.ID = a.newID(idSite)
		}
		a.sites = append(a.sites, &st)
		return nil
	})
}

// AddStatusGroup adds an order status group.
func (s *Sandbox) AddStatusGroup(g StatusGroup) {
	add(s, func(a *account) { a.statusGroups = append(a.statusGroups, g) })
}

// AddStatus adds an order status.
func (s *Sandbox) AddStatus(st Status) {
	add(s, func(a *account) { a.statuses = append(a.statuses, st) })
}

// AddPaymentType adds a payment type.
func (s *Sandbox) AddPaymentType(t PaymentType) {
	t.DeliveryTypes, t.PaymentStatuses, t.Sites = nonNil(t.DeliveryTypes), nonNil(t.PaymentStatuses), nonNil(t.Sites)
	add(s, func(a *account) { a.paymentTypes = append(a.paymentTypes, t) })
}

// AddPaymentStatus adds a payment status.
func (s *Sandbox) AddPaymentStatus(st PaymentStatus) {
	st.PaymentTypes = nonNil(st.PaymentTypes)
	add(s, func(a *account) { a.paymentStatuses = append(a.paymentStatuses, st) })
}

// AddOrderType adds an order type.
func (s *Sandbox) AddOrderType(t OrderType) {
	add(s, func(a *account) { a.orderTypes = append(a.orderTypes, t) })
}

// AddOrderMethod adds an order method.
func (s *Sandbox) AddOrderMethod(m OrderMethod) {
	add(s, func(a *account) { a.orderMethods = append(a.orderMethods, m) })
}

// AddProductStatus adds a status of order lines.
func (s *Sandbox) AddProductStatus(st ProductStatus) {
	add(s, func(a *account) {
		if st.CreatedAt.IsZero() {
			st.CreatedAt = a.clock()
		}
		a.productStatuses = append(a.productStatuses, st)
	})
}

func add(s *Sandbox, f func(a *account)) {
	_ = s.do(func(a *account) error { f(a); return nil })
}

func (a *account) findSite(code string) *Site {
	i := slices.IndexFunc(a.sites, func(s *Site) bool { return s.Code == code })
	if i < 0 {
		return nil
	}
	return a.sites[i]
}

// find returns the entry of list whose code is code.
func find[T any](list []T, code string, codeOf func(T) string) (T, bool) {
	for _, v := range list {
		if codeOf(v) == code {
			return v, true
		}
	}
	var zero T
	return zero, false
}

func (a *account) status(code string) (Status, bool) {
	return find(a.statuses, code, func(s Status) string { return s.Code })
}

func (a *account) paymentType(code string) (PaymentType, bool) {
	return find(a.paymentTypes, code, func(t PaymentType) string { return t.Code })
}

func (a *account) paymentStatus(code string) (PaymentStatus, bool) {
	return find(a.paymentStatuses, code, func(s PaymentStatus) string { return s.Code })
}

func (a *account) deliveryType(code string) (DeliveryType, bool) {
	return find(a.deliveryTypes, code, func(t DeliveryType) string { return t.Code })
}

func (a *account) store(code string) (Store, bool) {
	return find(a.stores, code, func(s Store) string { return s.Code })
}

func (a *account) priceType(code string) (PriceType, bool) {
	return find(a.priceTypes, code, func(p PriceType) string { return p.Code })
}

func (a *account) hasOrderType(code string) bool {
	_, ok := find(a.orderTypes, code, func(t OrderType) string { return t.Code })
	return ok
}

func (a *account) hasOrderMethod(code string) bool {
	_, ok := find(a.orderMethods, code, func(m OrderMethod) string { return m.Code })
	return ok
}

// byCode renders a reference book as RetailCRM's map keyed by code.
func byCode[T, V any](list []T, codeOf func(T) string, view func(T) V) map[string]V {
	out := make(map[string]V, len(list))
	for _, v := range list {
		out[codeOf(v)] = view(v)
	}
	return out
}

func same[T any](v T) T { return v }

func handleSites(a *account, _ *call) (any, error) {
	return struct {
		Success bool             `json:"success"`
		Sites   map[string]*Site `json:"sites"`
	}{true, byCode(a.sites, func(s *Site) string { return s.Code }, same[*Site])}, nil
}

func handleStatuses(a *account, _ *call) (any, error) {
	return struct {
		Success  bool              `json:"success"`
		Statuses map[string]Status `json:"statuses"`
	}{true, byCode(a.statuses, func(s Status) string { return s.Code }, same[Status])}, nil
}

type statusGroupView struct {
	StatusGroup
	Statuses []string `json:"statuses"`
}

func handleStatusGroups(a *account, _ *call) (any, error) {
	byOrdering := slices.Clone(a.statuses)
	slices.SortStableFunc(byOrdering, func(x, y Status) int { return x.Ordering - y.Ordering })
	view := func(g StatusGroup) statusGroupView {
		members := []string{}
		for _, st := range byOrdering {
			if st.Group == g.Code {
				members = append(members, st.Code)
			}
		}
		return statusGroupView{g, members}
	}
	return struct {
		Success      bool                       `json:"success"`
		StatusGroups map[string]statusGroupView `json:"statusGroups"`
	}{true, byCode(a.statusGroups, func(g StatusGroup) string { return g.Code }, view)}, nil
}

func handlePaymentTypes(a *account, _ *call) (any, error) {
	return struct {
		Success      bool                   `json:"success"`
		PaymentTypes map[string]PaymentType `json:"paymentTypes"`
	}{true, byCode(a.paymentTypes, func(t PaymentType) string { return t.Code }, same[PaymentType])}, nil
}

func handlePaymentStatuses(a *account, _ *call) (any, error) {
	return struct {
		Success         bool                     `json:"success"`
		PaymentStatuses map[string]PaymentStatus `json:"paymentStatuses"`
	}{true, byCode(a.paymentStatuses, func(s PaymentStatus) string { return s.Code }, same[PaymentStatus])}, nil
}

func handleOrderTypes(a *account, _ *call) (any, error) {
	return struct {
		Success    bool                 `json:"success"`
		OrderTypes map[string]OrderType `json:"orderTypes"`
	}{true, byCode(a.orderTypes, func(t OrderType) string { return t.Code }, same[OrderType])}, nil
}

func handleOrderMethods(a *account, _ *call) (any, error) {
	return struct {
		Success      bool                   `json:"success"`
		OrderMethods map[string]OrderMethod `json:"orderMethods"`
	}{true, byCode(a.orderMethods, func(m OrderMethod) string { return m.Code }, same[OrderMethod])}, nil
}

func handleDeliveryTypes(a *account, _ *call) (any, error) {
	return struct {
		Success       bool                        `json:"success"`
		DeliveryTypes map[string]deliveryTypeView `json:"deliveryTypes"`
	}{true, byCode(a.deliveryTypes, func(t DeliveryType) string { return t.Code }, DeliveryType.view)}, nil
}

func handleProductStatuses(a *account, _ *call) (any, error) {
	view := func(st ProductStatus) productStatusView {
		return productStatusView{Code: st.Code, Ordering: st.Ordering, Active: st.Active, CreatedAt: a.stamp(st.CreatedAt),
			CancelStatus: st.CancelStatus, Name: st.Name}
	}
	return struct {
		Success         bool                         `json:"success"`
		ProductStatuses map[string]productStatusView `json:"productStatuses"`
	}{true, byCode(a.productStatuses, func(st ProductStatus) string { return st.Code }, view)}, nil
}
