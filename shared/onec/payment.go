package onec

import "strings"

// Payment is a 1C payment document (Поступление в кассу, Поступление на счет, Оплата картой):
// the payload of the payment events.
type Payment struct {
	Ref string `json:"ref"`
	// Document is the kind: DocCashReceipt, DocBankReceipt or DocCardPayment.
	Document string `json:"document"`
	Number   string `json:"number"`
	// Date is the document date, ISO-8601 with offset.
	Date   string `json:"date"`
	Posted bool   `json:"posted"`
	Amount Money  `json:"amount"`
	// Order is the 1C customer order the payment is for.
	Order string `json:"order"`
	// CRMPaymentType is the RetailCRM payment type remembered on the document (from an earlier
	// import or export); it wins over the export payments table. Nil when none.
	CRMPaymentType *string `json:"crmPaymentType"`
	// CRMPaymentID is the RetailCRM payment the document came from or was exported to; 0 when none.
	CRMPaymentID int64 `json:"crmPaymentId,omitempty"`
}

// Validate lower-cases the references and returns the payment's problems, nil when it is valid.
func (p *Payment) Validate() []FieldProblem {
	var pr problems
	p.Ref, p.Order = strings.ToLower(p.Ref), strings.ToLower(p.Order)
	checkGUID(&pr, "ref", p.Ref)
	checkGUID(&pr, "order", p.Order)
	switch p.Document {
	case DocCashReceipt, DocBankReceipt, DocCardPayment:
	case "":
		pr.add("document", msgRequired)
	default:
		pr.add("document", "Ожидается %s, %s или %s.", DocCashReceipt, DocBankReceipt, DocCardPayment)
	}
	checkText(&pr, "number", p.Number, maxDocNumber, true)
	checkDocumentDate(&pr, "date", p.Date)
	if p.Amount.IsNegative() {
		pr.add("amount", "Сумма оплаты не может быть отрицательной.")
	}
	if p.Amount.Exponent() < -2 && !p.Amount.Equal(p.Amount.Round(2)) {
		pr.add("amount", "Сумма указывается с точностью до копеек (не больше 2 знаков после точки).")
	}
	if p.CRMPaymentType != nil {
		checkText(&pr, "crmPaymentType", *p.CRMPaymentType, maxShortText, true)
	}
	if p.CRMPaymentID < 0 {
		pr.add("crmPaymentId", "Ожидается положительный id оплаты RetailCRM.")
	}
	return pr.result()
}
