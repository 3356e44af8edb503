package onectest

import (
	"fmt"

	"github.com/shopspring/decimal"

	"unfbridge/shared/onec"
)

// Sample GUIDs of the order samples.
const (
	Warehouse  = "2c1f0a8e-8a3b-4a57-9c5e-0b6e1d2f3a41"
	Product    = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d"
	Terminal   = "b5a69371-73c4-43e0-85e7-94f7a0b2c3da"
	OrderState = "60514e2c-2e7f-4e9b-9092-4fa25b6d7e85"
)

// Order returns a valid order.upsert payload for the CRM order crmID: one line of 2 × 100.00
// with 10.00 discount, delivery 300.00, an individual buyer, no 1C reference and no payments.
func Order(crmID int64) onec.Order {
	org, wh, product, state := Organization, Warehouse, Product, OrderState
	money := func(s string) onec.Money { return onec.NewMoney(decimal.RequireFromString(s)) }
	return onec.Order{
		Date:         "2026-11-29T10:00:00+03:00",
		CRM:          onec.CRMOrder{ID: crmID, Number: fmt.Sprintf("%dA", crmID), Site: "unf"},
		Operation:    "ЗаказНаПродажу",
		Organization: &org,
		Warehouse:    &wh,
		State:        &state,
		Taxation:     "ПродажаОблагаетсяНДС",
		Comment:      "Позвонить перед доставкой",
		Counterparty: onec.Counterparty{Kind: onec.CounterpartyIndividual, Name: "Иванов Иван",
			Phone: fmt.Sprintf("+7999%07d", crmID), Email: fmt.Sprintf("buyer%d@example.ru", crmID), CRMCustomerID: 77},
		Delivery: &onec.OrderDelivery{Address: "Москва, ул. Ленина, 1", Cost: money("300.00")},
		Items: []onec.OrderItem{{CRMItemID: crmID*10 + 1, OfferKey: product, ProductBy: onec.ProductByGUID,
			Product: &product, Name: "Чашка", Quantity: onec.NewQuantity(decimal.NewFromInt(2)),
			Price: money("100.00"), Discount: money("10.00"), Total: money("190.00")}},
		PaymentCalendar: []onec.CalendarEntry{},
		Payments:        []onec.OrderPayment{},
		Total:           money("490.00"),
	}
}

// Payment returns a paid card payment of amount for an order sample.
func Payment(crmPaymentID int64, amount string) onec.OrderPayment {
	terminal := Terminal
	return onec.OrderPayment{CRMPaymentID: crmPaymentID, Document: onec.DocCardPayment, Terminal: &terminal,
		CRMType: "bank-card", Amount: onec.NewMoney(decimal.RequireFromString(amount)), PaidAt: "2026-11-29T10:05:00+03:00"}
}
