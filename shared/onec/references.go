package onec

import (
	"fmt"
	"slices"
)

// Kind names one list of References; it is the list's JSON field name.
type Kind string

// Kinds of reference lists.
const (
	KindOrganizations        Kind = "organizations"
	KindWarehouses           Kind = "warehouses"
	KindDepartments          Kind = "departments"
	KindPriceKinds           Kind = "priceKinds"
	KindOrderStates          Kind = "orderStates"
	KindOrderKinds           Kind = "orderKinds"
	KindUsers                Kind = "users"
	KindCashDesks            Kind = "cashDesks"
	KindBankAccounts         Kind = "bankAccounts"
	KindPaymentTerminals     Kind = "paymentTerminals"
	KindDeliveryMethods      Kind = "deliveryMethods"
	KindCarriers             Kind = "carriers"
	KindCurrencies           Kind = "currencies"
	KindTaxationSystems      Kind = "taxationSystems"
	KindNomenclatureGroups   Kind = "nomenclatureGroups"
	KindServices             Kind = "services"
	KindPaymentDocumentKinds Kind = "paymentDocumentKinds"
)

// Kinds lists every kind, in the order of the fields of References.
var Kinds = []Kind{
	KindOrganizations, KindWarehouses, KindDepartments, KindPriceKinds, KindOrderStates,
	KindOrderKinds, KindUsers, KindCashDesks, KindBankAccounts, KindPaymentTerminals,
	KindDeliveryMethods, KindCarriers, KindCurrencies, KindTaxationSystems,
	KindNomenclatureGroups, KindServices, KindPaymentDocumentKinds,
}

// Enumeration reports whether the items of the kind are values of a 1C enumeration, whose Ref is
// the value's name (e.g. "ПродажаОблагаетсяНДС") instead of a GUID.
func (k Kind) Enumeration() bool {
	return k == KindTaxationSystems || k == KindPaymentDocumentKinds
}

// Limits of References.
const (
	// MaxNameLen is the longest name, in characters.
	MaxNameLen = 1024
	// MaxItemsPerKind is the most items of one list.
	MaxItemsPerKind = 10000
	// maxCodeLen is the longest currency code, in characters.
	maxCodeLen = 10
)

// RefItem is one item of a reference list. Only some kinds carry the optional fields; Validate
// refuses them elsewhere.
type RefItem struct {
	// Ref is the GUID, or the value name for an enumeration kind.
	Ref  string `json:"ref"`
	Name string `json:"name"`
	// INN and KPP are an organization's tax numbers (ИНН, КПП).
	INN string `json:"inn,omitempty"`
	KPP string `json:"kpp,omitempty"`
	// Code is a currency's code, e.g. "643".
	Code string `json:"code,omitempty"`
	// Owner is the organization a bank account belongs to.
	Owner *Ref `json:"owner,omitempty"`
	// Parent is the parent group of a nomenclature group; nil at the top.
	Parent *Ref `json:"parent,omitempty"`
}

// References is the payload of references.snapshot: the 1C reference lists that settings are
// chosen from. A missing list is an empty one.
type References struct {
	Organizations      []RefItem `json:"organizations"`
	Warehouses         []RefItem `json:"warehouses"`
	Departments        []RefItem `json:"departments"`
	PriceKinds         []RefItem `json:"priceKinds"`
	OrderStates        []RefItem `json:"orderStates"`
	OrderKinds         []RefItem `json:"orderKinds"`
	Users              []RefItem `json:"users"`
	CashDesks          []RefItem `json:"cashDesks"`
	BankAccounts       []RefItem `json:"bankAccounts"`
	PaymentTerminals   []RefItem `json:"paymentTerminals"`
	DeliveryMethods    []RefItem `json:"deliveryMethods"`
	Carriers           []RefItem `json:"carriers"`
	Currencies         []RefItem `json:"currencies"`
	TaxationSystems    []RefItem `json:"taxationSystems"`
	NomenclatureGroups []RefItem `json:"nomenclatureGroups"`
	// Services are nomenclature items of type Service (the Доставка constant picks one).
	Services             []RefItem `json:"services"`
	PaymentDocumentKinds []RefItem `json:"paymentDocumentKinds"`

	// index maps each kind's refs to their positions; Validate builds it.
	index map[Kind]map[string]int
}

// List returns the items of a kind; nil for an unknown kind.
func (r *References) List(kind Kind) []RefItem {
	switch kind {
	case KindOrganizations:
		return r.Organizations
	case KindWarehouses:
		return r.Warehouses
	case KindDepartments:
		return r.Departments
	case KindPriceKinds:
		return r.PriceKinds
	case KindOrderStates:
		return r.OrderStates
	case KindOrderKinds:
		return r.OrderKinds
	case KindUsers:
		return r.Users
	case KindCashDesks:
		return r.CashDesks
	case KindBankAccounts:
		return r.BankAccounts
	case KindPaymentTerminals:
		return r.PaymentTerminals
	case KindDeliveryMethods:
		return r.DeliveryMethods
	case KindCarriers:
		return r.Carriers
	case KindCurrencies:
		return r.Currencies
	case KindTaxationSystems:
		return r.TaxationSystems
	case KindNomenclatureGroups:
		return r.NomenclatureGroups
	case KindServices:
		return r.Services
	case KindPaymentDocumentKinds:
		return r.PaymentDocumentKinds
	}
	return nil
}

// Lookup finds the item of a kind by its ref. It uses the index that a successful Validate
// builds, and scans the list before that; validate again after changing the lists.
func (r *References) Lookup(kind Kind, ref string) (RefItem, bool) {
	items := r.List(kind)
	i := -1
	if index, ok := r.index[kind]; ok {
		if at, found := index[ref]; found {
			i = at
		}
	} else {
		i = slices.IndexFunc(items, func(it RefItem) bool { return it.Ref == ref })
	}
	if i < 0 {
		return RefItem{}, false
	}
	return items[i], true
}

// Counts returns the number of items of every kind.
func (r *References) Counts() map[Kind]int {
	counts := make(map[Kind]int, len(Kinds))
	for _, kind := range Kinds {
		counts[kind] = len(r.List(kind))
	}
	return counts
}

// Validate returns the problems of the lists, by JSON path inside the payload (e.g.
// "organizations[2].ref"), nil when they are valid; then it also builds the index of Lookup.
// Every item needs a valid ref (a GUID, or a value name for an enumeration kind) unique in its
// list and a name; the optional fields are checked where they belong and refused elsewhere.
func (r *References) Validate() []FieldProblem {
	var p problems
	index := make(map[Kind]map[string]int, len(Kinds))
	for _, kind := range Kinds {
		items := r.List(kind)
		if len(items) > MaxItemsPerKind {
			p.add(string(kind), "В списке %d элементов, допускается не больше %d.", len(items), MaxItemsPerKind)
			continue
		}
		seen := make(map[string]int, len(items))
		for i, it := range items {
			field := fmt.Sprintf("%s[%d]", kind, i)
			validateItem(&p, kind, field, it)
			if first, dup := seen[it.Ref]; dup && it.Ref != "" {
				p.add(field+".ref", "Ссылка повторяется: она уже есть в %s[%d].", kind, first)
				continue
			}
			seen[it.Ref] = i
		}
		index[kind] = seen
	}
	problems := p.result()
	if problems == nil {
		r.index = index
	}
	return problems
}
