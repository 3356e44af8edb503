package onec

import "strings"

// Limits of an Ack's texts, in characters.
const (
	maxDocNumber = 50
	maxAckError  = 2000
)

// Validate lower-cases CommandID and Ref (1C may print a GUID in upper case) and returns the
// ack's problems, nil when it is valid: the status is one of AckApplied, AckFailed, AckSkipped;
// an applied ack names the 1C document (Ref, Number, Date with an offset); a failed one says why
// (Error).
func (a *Ack) Validate() []FieldProblem {
	var p problems
	a.CommandID = strings.ToLower(a.CommandID)
	a.Ref = strings.ToLower(a.Ref)
	checkGUID(&p, "commandId", a.CommandID)
	switch a.Status {
	case AckApplied:
		checkGUID(&p, "ref", a.Ref)
		checkText(&p, "number", a.Number, maxDocNumber, true)
		checkDocumentDate(&p, "date", a.Date)
	case AckFailed:
		checkText(&p, "error", a.Error, maxAckError, true)
	case AckSkipped:
	case "":
		p.add("status", msgRequired)
	default:
		p.add("status", "Ожидается applied, failed или skipped.")
	}
	if a.Status != AckApplied {
		if a.Ref != "" {
			checkGUID(&p, "ref", a.Ref)
		}
		checkText(&p, "number", a.Number, maxDocNumber, false)
	}
	if a.Status != AckFailed {
		checkText(&p, "error", a.Error, maxAckError, false)
	}
	return p.result()
}

// checkDocumentDate reports a missing or malformed document date, or 1C's empty date.
func checkDocumentDate(p *problems, field, s string) {
	if s == "" {
		p.add(field, msgRequired)
		return
	}
	t, err := ParseTime(s)
	switch {
	case err != nil:
		p.add(field, "Ожидается дата и время с часовым поясом в формате ISO 8601, например 2026-11-29T10:00:00+03:00.")
	case t.Year() < minYear:
		p.add(field, "Дата документа не заполнена или раньше %d года.", minYear)
	}
}

// AckAnswer is the body of a successful answer to POST /onec/v1/inbox/ack.
type AckAnswer struct {
	CommandID  string `json:"commandId"`
	Status     string `json:"status"`
	CRMOrderID int64  `json:"crmOrderId"`
	// Message tells the 1C user in Russian what the bridge recorded, e.g.
	// "Проведен: Заказ покупателя АСФР-000012 от 29.11.2026 10:00:00".
	Message string `json:"message"`
	// Duplicate is true when the command was acknowledged with this status before; nothing
	// changed.
	Duplicate bool `json:"duplicate"`
}
