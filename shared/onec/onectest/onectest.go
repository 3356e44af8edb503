// Package onectest has sample messages of the 1C contract for the tests of the packages that
// handle them.
package onectest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"time"

	"unfbridge/shared/onec"
)

// Infobase is the infobase GUID of the samples.
const Infobase = "5a0c3f3e-8d1b-4c5e-9f00-aa11bb22cc33"

// Organization is the GUID of the sample organization ООО "Ромашка".
const Organization = "0f8fad5b-d9cb-469f-a165-70867728950e"

// GUID returns a random GUID as the contract writes it.
func GUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails.
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// References returns a valid snapshot with items of every kind.
func References() onec.References {
	org := onec.Ref{Ref: Organization, Name: `ООО "Ромашка"`}
	item := func(ref, name string) onec.RefItem { return onec.RefItem{Ref: ref, Name: name} }
	return onec.References{
		Organizations: []onec.RefItem{
			{Ref: org.Ref, Name: org.Name, INN: "7701234567", KPP: "770101001"},
			{Ref: "1b4e28ba-2fa1-11d2-883f-0016d3cca427", Name: "ИП Иванов И. И.", INN: "770123456789"},
		},
		Warehouses:  []onec.RefItem{item("2c1f0a8e-8a3b-4a57-9c5e-0b6e1d2f3a41", "Основной склад")},
		Departments: []onec.RefItem{item("3d2e1b9f-9b4c-4b68-8d6f-1c7f2e3a4b52", "Интернет-магазин")},
		PriceKinds: []onec.RefItem{
			item("4e3f2c0a-0c5d-4c79-9e70-2d803f4b5c63", "Розничная"),
			item("5f403d1b-1d6e-4d8a-8f81-3e914a5c6d74", "Закупочная"),
		},
		OrderStates:      []onec.RefItem{item("60514e2c-2e7f-4e9b-9092-4fa25b6d7e85", "В работе")},
		OrderKinds:       []onec.RefItem{item("71625f3d-3f80-4fac-81a3-50b36c7e8f96", "Основной")},
		Users:            []onec.RefItem{item("8273604e-4091-40bd-92b4-61c47d8f90a7", "Администратор")},
		CashDesks:        []onec.RefItem{item("9384715f-51a2-41ce-83c5-72d58e90a1b8", "Основная касса")},
		BankAccounts:     []onec.RefItem{{Ref: "a4958260-62b3-42df-94d6-83e69fa1b2c9", Name: "40702810900000000001, ПАО Сбербанк", Owner: &org}},
		PaymentTerminals: []onec.RefItem{item("b5a69371-73c4-43e0-85e7-94f7a0b2c3da", "Эквайринг Сбербанк")},
		DeliveryMethods:  []onec.RefItem{item("c6b7a482-84d5-44f1-96f8-a508b1c3d4eb", "Курьер")},
		Carriers:         []onec.RefItem{item("d7c8b593-95e6-4502-8709-b619c2d4e5fc", "СДЭК")},
		Currencies:       []onec.RefItem{{Ref: "e8d9c6a4-a6f7-4613-981a-c72ad3e5f60d", Name: "руб.", Code: "643"}},
		TaxationSystems: []onec.RefItem{
			item("ПродажаОблагаетсяНДС", "Продажа облагается НДС"),
			item("ПродажаНеОблагаетсяНДС", "Продажа не облагается НДС"),
		},
		NomenclatureGroups: []onec.RefItem{
			item("f9ead7b5-b708-4724-a92b-d83be4f6071e", "Товары"),
			{Ref: "0afbe8c6-c819-4835-ba3c-e94cf507182f", Name: "Посуда", Parent: &onec.Ref{Ref: "f9ead7b5-b708-4724-a92b-d83be4f6071e", Name: "Товары"}},
		},
		Services: []onec.RefItem{item("1b0cf9d7-d92a-4946-8b4d-fa5d06182930", "Доставка")},
		PaymentDocumentKinds: []onec.RefItem{
			item("ПоступлениеВКассу", "Поступление в кассу"),
			item("ПоступлениеНаСчет", "Поступление на счет"),
			item("ОперацияПоПлатежнымКартам", "Операция по платежным картам"),
		},
	}
}

// Snapshot returns a valid references.snapshot event carrying refs.
func Snapshot(eventID string, occurredAt time.Time, refs onec.References) onec.Envelope {
	payload, err := json.Marshal(refs)
	if err != nil {
		panic(err) // References always marshals.
	}
	return onec.Envelope{
		EventID:    eventID,
		Type:       onec.TypeReferencesSnapshot,
		OccurredAt: occurredAt.Format(time.RFC3339),
		Source:     onec.Source{Config: "УНФ", Version: "3.0.5.199", Infobase: Infobase},
		Payload:    payload,
	}
}
