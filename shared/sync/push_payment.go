package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"unfbridge/shared/onec"
	"unfbridge/shared/push"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/settings"
)

// msgUnmappedDocument says that a posted 1C payment is not exported.
const msgUnmappedDocument = "Оплата %s не выгружена в RetailCRM: вид документа «%s» не сопоставлен типу оплаты " +
	"RetailCRM на вкладке «Оплаты» (выгрузка из 1С), и тип оплаты в документе не указан."

// payment pushes one 1C payment document (flag "Выгрузка оплат в CRM").
func (o *orderPush) payment(ctx context.Context, rec *push.PaymentRecord) error {
	if !o.r.st.Flags.ExportPayments {
		o.r.note(msgExportPaymentsOff)
		return nil
	}
	if rec.Desired.Kind == push.KindPosted {
		return o.postPayment(ctx, rec)
	}
	return o.withdrawPayment(ctx, rec)
}

// postPayment makes the CRM payment of a posted 1C document what the document says: created
// once with the document's GUID as externalId, else edited in the fields that differ.
func (o *orderPush) postPayment(ctx context.Context, rec *push.PaymentRecord) error {
	doc := rec.Desired.Payment
	want, ok := o.r.wantPayment(doc)
	if !ok {
		o.r.note(fmt.Sprintf(msgUnmappedDocument, doc.Number, settings.PaymentDocuments[doc.Document]))
		return nil
	}
	id, base, err := o.paymentBase(ctx, rec)
	if err != nil {
		return err
	}
	if id == 0 {
		if id, base, err = o.createPayment(ctx, doc.Ref, want); err != nil {
			return err
		}
		o.sent.payments = append(o.sent.payments, id)
	}
	if err := o.editPayment(ctx, id, want, base); err != nil {
		return err
	}
	o.applied = append(o.applied, id)
	return o.savePayment(ctx, rec, id, want)
}

// withdrawPayment applies an unposted or deleted 1C document to its CRM payment, as the push
// options say: deleted, or set not paid. A document never exported changes nothing.
func (o *orderPush) withdrawPayment(ctx context.Context, rec *push.PaymentRecord) error {
	id, base, err := o.paymentBase(ctx, rec)
	if err != nil || id == 0 {
		return err
	}
	if o.r.st.Push.PaymentUnposted == settings.PaymentUnpostedDelete {
		if err := o.r.crm.DeletePayment(ctx, id); err != nil && !errors.Is(err, retailcrm.ErrNotFound) {
			return err
		}
		o.r.count(CountPaymentsDeleted, 1)
		o.sent.payments = append(o.sent.payments, id)
		return o.savePayment(ctx, rec, 0, push.PaymentSnapshot{Deleted: true})
	}
	want := base
	want.Status = o.r.st.Push.NotPaidStatus
	if err := o.editPayment(ctx, id, want, base); err != nil {
		return err
	}
	return o.savePayment(ctx, rec, id, want)
}

// editPayment edits the CRM payment id from base to want, in the fields that differ.
func (o *orderPush) editPayment(ctx context.Context, id int64, want, base push.PaymentSnapshot) error {
	edit, changed := paymentEdit(want, base)
	if !changed {
		return nil
	}
	if _, err := o.r.crm.EditPayment(ctx, retailcrm.ByID(id, ""), edit); err != nil {
		return err
	}
	o.r.count(CountPaymentsEdited, 1)
	o.sent.payments = append(o.sent.payments, id)
	return nil
}

// wantPayment is the CRM payment a posted document makes: the type remembered on the document,
// else the export payments table's (false: neither), the paid status, the amount, and the
// document date as paidAt.
func (r *pushRun) wantPayment(doc onec.Payment) (push.PaymentSnapshot, bool) {
	typ := ""
	if doc.CRMPaymentType != nil {
		typ = strings.TrimSpace(*doc.CRMPaymentType)
	}
	rows := r.st.Tables.PaymentsExport
	if i := slices.IndexFunc(rows, func(row settings.PaymentExport) bool {
		return row.Document == doc.Document && row.CRMCode != ""
	}); typ == "" && i >= 0 {
		typ = rows[i].CRMCode
	}
	paidAt := doc.Date
	if t, err := onec.ParseTime(doc.Date); err == nil {
		paidAt = t.In(r.mapping.Location).Format(crmDateTime)
	}
	return push.PaymentSnapshot{Type: typ, Status: r.st.Push.PaidStatus, Amount: doc.Amount, PaidAt: paidAt}, typ != ""
}

// paymentBase is the CRM payment of a document and what it holds: the snapshot of the last push,
// else (a document imported from RetailCRM, never pushed) the payment as RetailCRM has it. The
// id is 0 when there is no such payment (never exported, deleted by the push or in RetailCRM).
func (o *orderPush) paymentBase(ctx context.Context, rec *push.PaymentRecord) (int64, push.PaymentSnapshot, error) {
	if rec.Pushed != nil {
		return rec.CRMPaymentID, *rec.Pushed, nil
	}
	id := rec.Desired.Payment.CRMPaymentID
	if id == 0 {
		return 0, push.PaymentSnapshot{}, nil
	}
	p, found, err := o.crmPayment(ctx, false, func(p retailcrm.Payment) bool { return p.ID == id })
	if err != nil || !found {
		return 0, push.PaymentSnapshot{}, err
	}
	return id, paymentSnapshot(p), nil
}

// createPayment creates the CRM payment of a document, exactly once: when the outcome of the
// create is unknown (no answer) or RetailCRM answers that the externalId exists, the order is
// read again and the payment with the document's GUID as externalId is the one created.
func (o *orderPush) createPayment(ctx context.Context, ref string, want push.PaymentSnapshot) (int64, push.PaymentSnapshot, error) {
	id, err := o.r.crm.CreatePayment(ctx, o.r.st.Connection.SiteCode, retailcrm.Payment{
		Order: &retailcrm.EntityRef{ID: o.id}, ExternalID: ref, Type: want.Type, Status: want.Status,
		Amount: money(want.Amount), PaidAt: want.PaidAt})
	if err == nil {
		o.r.count(CountPaymentsCreated, 1)
		return id, want, nil
	}
	if !errors.Is(err, retailcrm.ErrTransport) && !externalIDTaken(err) {
		return 0, push.PaymentSnapshot{}, err
	}
	p, found, rerr := o.crmPayment(ctx, true, func(p retailcrm.Payment) bool { return p.ExternalID == ref })
	switch {
	case rerr != nil:
		return 0, push.PaymentSnapshot{}, rerr
	case !found:
		return 0, push.PaymentSnapshot{}, err
	}
	o.r.count(CountPaymentsCreated, 1)
	return p.ID, paymentSnapshot(p), nil
}

// externalIDTaken tells whether RetailCRM refused a create because a payment has its externalId.
func externalIDTaken(err error) bool {
	ae, ok := errors.AsType[*retailcrm.APIError](err)
	if !ok || !errors.Is(err, retailcrm.ErrValidation) {
		return false
	}
	return slices.ContainsFunc(ae.Errors, func(fe retailcrm.FieldError) bool {
		return strings.Contains(strings.ToLower(fe.Field+" "+fe.Message), "externalid")
	})
}

// crmPayment finds a payment of the order in RetailCRM, reading the order when it was not read
// yet or when fresh asks for it.
func (o *orderPush) crmPayment(ctx context.Context, fresh bool, match func(retailcrm.Payment) bool) (retailcrm.Payment, bool, error) {
	if o.crmOrder == nil || fresh {
		order, err := o.r.crm.Order(ctx, retailcrm.ByID(o.id, o.r.st.Connection.SiteCode))
		if err != nil {
			return retailcrm.Payment{}, false, err
		}
		o.crmOrder = &order
	}
	i := slices.IndexFunc(o.crmOrder.Payments, match)
	if i < 0 {
		return retailcrm.Payment{}, false, nil
	}
	return o.crmOrder.Payments[i], true, nil
}

// paymentEdit is the edit that brings a CRM payment from base to want; false when none is needed.
func paymentEdit(want, base push.PaymentSnapshot) (retailcrm.Payment, bool) {
	var e retailcrm.Payment
	if want.Type != base.Type {
		e.Type = want.Type
	}
	if want.Status != base.Status {
		e.Status = want.Status
	}
	if !want.Amount.Equal(base.Amount.Decimal) {
		e.Amount = money(want.Amount)
	}
	if want.PaidAt != base.PaidAt {
		e.PaidAt = want.PaidAt
	}
	return e, e != retailcrm.Payment{}
}

// paymentSnapshot is what a CRM payment holds in the fields the push sends.
func paymentSnapshot(p retailcrm.Payment) push.PaymentSnapshot {
	return push.PaymentSnapshot{Type: p.Type, Status: p.Status, Amount: onec.NewMoney(decOf(p.Amount)), PaidAt: p.PaidAt}
}

// savePayment records what RetailCRM holds of a document's payment after the push; nothing when
// that is what was recorded (every push of an order goes over all its documents).
func (o *orderPush) savePayment(ctx context.Context, rec *push.PaymentRecord, id int64, pushed push.PaymentSnapshot) error {
	if prev := rec.Pushed; prev != nil && rec.CRMPaymentID == id && prev.Deleted == pushed.Deleted {
		if _, changed := paymentEdit(pushed, *prev); !changed {
			return nil
		}
	}
	return o.r.p.Push.UpdatePayment(ctx, o.id, rec.Desired.Payment.Ref, func(rec *push.PaymentRecord) {
		rec.CRMPaymentID, rec.Pushed = id, &pushed
	})
}
