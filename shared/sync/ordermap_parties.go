package sync

import (
	"slices"
	"strings"
	"time"

	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/settings"
)

// customerCorporate is the customer type of corporate orders.
const customerCorporate = "customer_corporate"

// counterparty is the buyer: the company of a corporate order when "Корпоративные клиенты" is
// on, else the person.
func (x *orderMapper) counterparty() onec.Counterparty {
	if !x.corporate() {
		return x.individual()
	}
	if x.m.Settings.Flags.CorporateCustomers {
		return x.company()
	}
	x.warn("Заказ оформлен на корпоративного клиента, но на вкладке «Настройки» выключен флажок «Корпоративные клиенты»: покупателем в 1С будет контактное лицо.")
	return x.individual()
}

// corporate tells whether the order is placed by a corporate customer.
func (x *orderMapper) corporate() bool {
	return x.o.Company != nil || x.o.Customer != nil && x.o.Customer.Type == customerCorporate
}

// person is the individual behind the order: the contact person of a corporate order, else
// the customer (or, without one, the contact).
func (x *orderMapper) person() *retailcrm.Customer {
	if x.corporate() || x.o.Customer == nil {
		return x.o.Contact
	}
	return x.o.Customer
}

// individual is a private buyer. The name falls back to the phone and then the e-mail; a buyer
// with none of them is a reason.
func (x *orderMapper) individual() onec.Counterparty {
	c := x.contact()
	name := firstNonBlank(c.Name, c.Phone, c.Email)
	if name == "" {
		x.fail("У покупателя не указаны ни имя, ни телефон, ни e-mail: контрагента в 1С создать не из чего.")
	}
	return onec.Counterparty{Kind: onec.CounterpartyIndividual, Name: name, Phone: c.Phone, Email: c.Email,
		CRMCustomerID: c.CRMCustomerID}
}

// contact is the person of the order: the order's own name, phone and e-mail, else the
// person's.
func (x *orderMapper) contact() onec.Contact {
	p := x.person()
	if p == nil {
		p = &retailcrm.Customer{}
	}
	var phone string
	if len(p.Phones) > 0 {
		phone = p.Phones[0].Number
	}
	return onec.Contact{
		Name: firstNonBlank(fullName(x.o.LastName, x.o.FirstName, x.o.Patronymic),
			fullName(p.LastName, p.FirstName, p.Patronymic)),
		Phone:         strings.TrimSpace(firstNonBlank(x.o.Phone, phone)),
		Email:         strings.TrimSpace(firstNonBlank(x.o.Email, p.Email)),
		CRMCustomerID: p.ID,
	}
}

// company is the legal entity or entrepreneur of a corporate order, with its contact person.
// Its details are those of the order's company, else of the order's contragent.
func (x *orderMapper) company() onec.Counterparty {
	co := x.o.Company
	if co == nil {
		co = &retailcrm.Company{}
	}
	ca := co.Contragent
	if ca == nil {
		ca = x.o.Contragent
	}
	if ca == nil {
		ca = &retailcrm.Contragent{}
	}
	name := strings.TrimSpace(firstNonBlank(co.Name, ca.LegalName))
	if name == "" {
		x.fail("Заказ оформлен на корпоративного клиента, но в заказе не указана компания (название или юридическое наименование).")
	}
	kind := companyKind(ca.ContragentType)
	if ca.INN == "" && kind != onec.CounterpartyIndividual {
		x.warn("У компании «%s» не указан ИНН: 1С найдёт контрагента по телефону или e-mail, а если не найдёт — создаст нового.", name)
	}
	out := onec.Counterparty{Kind: kind, Name: name, INN: ca.INN, KPP: ca.KPP}
	if x.o.Customer != nil {
		out.CRMCustomerID = x.o.Customer.ID
	}
	if c := x.contact(); c != (onec.Contact{}) {
		out.Contact = &c
	}
	return out
}

// companyKind is the counterparty kind of a contragent type; a company is a legal entity unless
// RetailCRM says otherwise.
func companyKind(contragentType string) string {
	switch contragentType {
	case onec.CounterpartyEntrepreneur, onec.CounterpartyIndividual:
		return contragentType
	}
	return onec.CounterpartyLegalEntity
}

// fullName is "Фамилия Имя Отчество" without the missing parts.
func fullName(last, first, patronymic string) string {
	return strings.Join(strings.Fields(strings.Join([]string{last, first, patronymic}, " ")), " ")
}

// firstNonBlank is the first of values that is not blank, trimmed; "" when all are.
func firstNonBlank(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// msgPickup ends the warnings about a delivery method 1C does not know.
const msgPickup = "в заказе 1С будет способ доставки «Самовывоз»."

// delivery is the delivery of the order: method and carrier from the delivery table (none
// means Самовывоз), the address, and the cost written as a line of the Доставка service.
func (x *orderMapper) delivery() *onec.OrderDelivery {
	d := x.o.Delivery
	if d == nil {
		d = &retailcrm.Delivery{}
	}
	out := &onec.OrderDelivery{Address: deliveryAddress(d.Address), Cost: onec.NewMoney(decOf(d.Cost))}
	rows := x.m.Settings.Tables.Delivery
	i := slices.IndexFunc(rows, func(r settings.Delivery) bool { return r.CRMCode == d.Code && r.Method != nil })
	switch {
	case d.Code == "":
		x.warn("В заказе RetailCRM не указан тип доставки: " + msgPickup)
	case i < 0:
		x.warn("Тип доставки RetailCRM «%s» не сопоставлен способу доставки 1С на вкладке «Доставка»: "+msgPickup, d.Code)
	default:
		out.Method, out.Carrier = guidOf(rows[i].Method), guidOf(rows[i].Carrier)
	}
	if out.Cost.IsPositive() {
		out.Item = x.deliveryItem(out.Cost)
	}
	return out
}

// deliveryItem is the Доставка service, required for a delivery with a cost.
func (x *orderMapper) deliveryItem(cost onec.Money) *string {
	item := x.m.Settings.Connection.DeliveryItem
	if item == nil {
		x.fail("Не заполнена константа «%s» на вкладке «Константы»: она нужна для строки доставки стоимостью %s.",
			constDeliveryItem, cost.String())
	}
	return guidOf(item)
}

// deliveryAddress is the address as one line: index, region and city, then the text of the
// address (or, without it, street, house and flat), then the notes. A part the text already
// contains is not repeated.
func deliveryAddress(a *retailcrm.Address) string {
	if a == nil {
		return ""
	}
	street := strings.TrimSpace(a.Text)
	if street == "" {
		street = joinParts(withType(a.StreetType, a.Street), prefixed("д. ", a.Building), prefixed("стр. ", a.House),
			prefixed("корп. ", a.Housing), prefixed("кв. ", a.Flat))
	}
	var head []string
	for _, part := range []string{a.Index, a.Region, withType(a.CityType, a.City)} {
		if !strings.Contains(street, strings.TrimSpace(part)) {
			head = append(head, part)
		}
	}
	return joinParts(append(head, street, a.Notes)...)
}

// withType puts the type before a name ("ул." "Садовая"), unless the name already has it.
func withType(typ, name string) string {
	if name == "" || strings.HasPrefix(name, typ) {
		return name
	}
	return typ + " " + name
}

// prefixed is prefix+value, or "" for an empty value.
func prefixed(prefix, value string) string {
	if strings.TrimSpace(value) == "" {
		return ""
	}
	return prefix + strings.TrimSpace(value)
}

// joinParts joins the non-blank parts with ", ".
func joinParts(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// payments are the paid payments of the order, for which 1C creates payment documents; none
// unless "Создание документов оплаты" is on. Never nil.
func (x *orderMapper) payments() []onec.OrderPayment {
	out := []onec.OrderPayment{}
	if !x.m.Settings.Flags.CreatePayments {
		return out
	}
	for _, p := range x.o.Payments {
		if !x.m.PaidStatuses[p.Status] {
			continue
		}
		if pay, ok := x.payment(p); ok {
			out = append(out, pay)
		}
	}
	return out
}

// payment maps a paid payment to the document of its type in the payments table. A payment of
// an unmapped type, or whose document lacks its cash desk, bank account or terminal, is a
// reason; a payment of no amount is left out with a warning.
func (x *orderMapper) payment(p retailcrm.Payment) (onec.OrderPayment, bool) {
	rows := x.m.Settings.Tables.PaymentsImport
	i := slices.IndexFunc(rows, func(r settings.PaymentImport) bool { return r.CRMCode == p.Type && r.Document != "" })
	if i < 0 {
		x.fail("Тип оплаты %s не сопоставлен документу 1С на вкладке «Оплаты».", p.Type)
		return onec.OrderPayment{}, false
	}
	row := rows[i]
	amount := onec.NewMoney(decOf(p.Amount))
	if !amount.IsPositive() {
		x.warn("Оплата RetailCRM %d (тип %s) отмечена оплаченной, но её сумма %s: документ оплаты в 1С не создаётся.", p.ID, p.Type, amount.String())
		return onec.OrderPayment{}, false
	}
	x.checkPaymentDocument(row)
	out := onec.OrderPayment{CRMPaymentID: p.ID, Document: row.Document, CRMType: p.Type, Amount: amount,
		PaidAt: x.paidAt(p)}
	if row.Document == settings.DocCardPayment {
		out.Terminal = guidOf(row.Terminal)
	}
	return out, true
}

// checkPaymentDocument records what the payment document of row needs and lacks: the cash desk
// of a cash receipt, the bank account of a bank receipt, the terminal of a card payment.
func (x *orderMapper) checkPaymentDocument(row settings.PaymentImport) {
	c := x.m.Settings.Connection
	doc := settings.PaymentDocuments[row.Document]
	switch {
	case row.Document == settings.DocCashReceipt && c.CashDesk == nil:
		x.fail("Не заполнена константа «%s» на вкладке «Константы»: она нужна для документа «%s».", constCashDesk, doc)
	case row.Document == settings.DocBankReceipt && c.BankAccount == nil:
		x.fail("Не заполнена константа «%s» на вкладке «Константы»: она нужна для документа «%s».", constBankAccount, doc)
	case row.Document == settings.DocCardPayment && row.Terminal == nil:
		x.fail("Для типа оплаты %s не указан терминал на вкладке «Оплаты»: он нужен для документа «%s».", row.CRMCode, doc)
	}
}

// paidAt is the payment time with its offset; empty when RetailCRM has none.
func (x *orderMapper) paidAt(p retailcrm.Payment) string {
	if p.PaidAt == "" {
		return ""
	}
	t, err := time.ParseInLocation(crmDateTime, p.PaidAt, x.loc)
	if err != nil {
		x.fail("Не удалось прочитать дату оплаты «%s» (оплата RetailCRM %d).", p.PaidAt, p.ID)
		return ""
	}
	return t.Format(time.RFC3339)
}
