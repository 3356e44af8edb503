package onec_test

import (
	"fmt"
	"strings"
	"testing"

	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
)

func TestReferencesValid(t *testing.T) {
	refs := onectest.References()
	if problems := refs.Validate(); problems != nil {
		t.Fatalf("valid sample: %v", problems)
	}
	counts := refs.Counts()
	if len(counts) != len(onec.Kinds) || counts[onec.KindOrganizations] != 2 || counts[onec.KindPaymentDocumentKinds] != 3 {
		t.Fatalf("counts = %v", counts)
	}
	for _, kind := range onec.Kinds {
		if len(refs.List(kind)) == 0 {
			t.Errorf("the sample has no %s", kind)
		}
	}
	if refs.List("unknown") != nil {
		t.Error("List of an unknown kind is not nil")
	}
}

func TestReferencesLookup(t *testing.T) {
	refs := onectest.References()
	check := func(when string) {
		t.Helper()
		org, ok := refs.Lookup(onec.KindOrganizations, onectest.Organization)
		if !ok || org.INN != "7701234567" {
			t.Errorf("%s: organization: %+v %v", when, org, ok)
		}
		if tax, ok := refs.Lookup(onec.KindTaxationSystems, "ПродажаНеОблагаетсяНДС"); !ok || tax.Name != "Продажа не облагается НДС" {
			t.Errorf("%s: taxation system: %+v %v", when, tax, ok)
		}
		if _, ok := refs.Lookup(onec.KindWarehouses, onectest.Organization); ok {
			t.Errorf("%s: an organization found among warehouses", when)
		}
		if _, ok := refs.Lookup("unknown", onectest.Organization); ok {
			t.Errorf("%s: found in an unknown kind", when)
		}
	}
	check("before Validate")
	if problems := refs.Validate(); problems != nil {
		t.Fatal(problems)
	}
	check("after Validate")
}

func TestReferencesProblems(t *testing.T) {
	tests := []struct {
		name   string
		change func(*onec.References)
		field  string
		msg    string
	}{
		{"bad GUID", func(r *onec.References) { r.Warehouses[0].Ref = "склад-1" }, "warehouses[0].ref", "Ожидается GUID"},
		{"zero GUID", func(r *onec.References) { r.Users[0].Ref = "00000000-0000-0000-0000-000000000000" }, "users[0].ref", "Нулевой GUID"},
		{"no ref", func(r *onec.References) { r.CashDesks[0].Ref = "" }, "cashDesks[0].ref", "Поле обязательно"},
		{"no name", func(r *onec.References) { r.PriceKinds[1].Name = "  " }, "priceKinds[1].name", "Поле обязательно"},
		{"long name", func(r *onec.References) { r.Carriers[0].Name = strings.Repeat("я", 1025) }, "carriers[0].name", "длиннее 1024 символов"},
		{"duplicate ref", func(r *onec.References) { r.PriceKinds[1].Ref = r.PriceKinds[0].Ref }, "priceKinds[1].ref", "уже есть в priceKinds[0]"},
		{"GUID as enumeration value", func(r *onec.References) { r.TaxationSystems[0].Ref = onectest.GUID() }, "taxationSystems[0].ref", "перечисления"},
		{"enumeration value with a space", func(r *onec.References) { r.PaymentDocumentKinds[0].Ref = "Поступление в кассу" }, "paymentDocumentKinds[0].ref", "перечисления"},
		{"duplicate enumeration value", func(r *onec.References) { r.PaymentDocumentKinds[2].Ref = "ПоступлениеВКассу" }, "paymentDocumentKinds[2].ref", "повторяется"},
		{"bad INN", func(r *onec.References) { r.Organizations[0].INN = "77012345" }, "organizations[0].inn", "ИНН"},
		{"bad KPP", func(r *onec.References) { r.Organizations[0].KPP = "7701-0100" }, "organizations[0].kpp", "КПП"},
		{"INN of a warehouse", func(r *onec.References) { r.Warehouses[0].INN = "7701234567" }, "warehouses[0].inn", "не используется в списке warehouses"},
		{"bank account without owner", func(r *onec.References) { r.BankAccounts[0].Owner = nil }, "bankAccounts[0].owner", "Поле обязательно"},
		{"bank account owner bad GUID", func(r *onec.References) { r.BankAccounts[0].Owner = &onec.Ref{Ref: "x", Name: "ООО"} }, "bankAccounts[0].owner.ref", "Ожидается GUID"},
		{"currency without code", func(r *onec.References) { r.Currencies[0].Code = "" }, "currencies[0].code", "Поле обязательно"},
		{"parent with zero GUID", func(r *onec.References) { r.NomenclatureGroups[1].Parent.Ref = "00000000-0000-0000-0000-000000000000" }, "nomenclatureGroups[1].parent.ref", "null"},
		{"parent of a service", func(r *onec.References) { r.Services[0].Parent = &onec.Ref{Ref: onectest.GUID()} }, "services[0].parent", "не используется"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			refs := onectest.References()
			tc.change(&refs)
			problems := refs.Validate()
			if len(problems) != 1 || problems[0].Field != tc.field || !strings.Contains(problems[0].Message, tc.msg) {
				t.Fatalf("problems = %v, want one on %s saying %q", problems, tc.field, tc.msg)
			}
		})
	}
}

func TestReferencesInvalidHaveNoIndex(t *testing.T) {
	refs := onectest.References()
	refs.Warehouses = append(refs.Warehouses, refs.Warehouses[0])
	refs.Warehouses[1].Name = "Копия"
	if problems := refs.Validate(); problems == nil {
		t.Fatal("duplicate accepted")
	}
	if got, ok := refs.Lookup(onec.KindWarehouses, refs.Warehouses[0].Ref); !ok || got.Name != "Основной склад" {
		t.Fatalf("Lookup after a failed Validate: %+v %v", got, ok)
	}
}

func TestReferencesTooManyItems(t *testing.T) {
	refs := onectest.References()
	refs.Users = make([]onec.RefItem, onec.MaxItemsPerKind+1)
	problems := refs.Validate()
	if len(problems) != 1 || problems[0].Field != "users" || !strings.Contains(problems[0].Message, "не больше 10000") {
		t.Fatalf("problems = %v", problems)
	}
}

func TestReferencesProblemsAreCapped(t *testing.T) {
	refs := onectest.References()
	for i := range 70 {
		refs.Warehouses = append(refs.Warehouses, onec.RefItem{Ref: fmt.Sprint(i), Name: "Склад"})
	}
	problems := refs.Validate()
	if len(problems) != onec.MaxProblems+1 {
		t.Fatalf("%d problems, want %d", len(problems), onec.MaxProblems+1)
	}
	if last := problems[onec.MaxProblems]; last.Field != "" || !strings.Contains(last.Message, "ещё не показано: 20") {
		t.Fatalf("last problem = %+v", last)
	}
}
