package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"unfbridge/shared/httpapi"
	"unfbridge/shared/onec"
	"unfbridge/shared/push"
	"unfbridge/shared/runlog"
	"unfbridge/shared/store"
)

// Messages of the order and payment events.
const (
	msgOrdersOff = "Выгрузка изменений по заказам в RetailCRM выключена (вкладка «Настройки», флажок " +
		"«Выгружать изменения по заказам в RetailCRM»): заказ не выгружается."
	msgPaymentsOff = "Выгрузка оплат в RetailCRM выключена (вкладка «Настройки», флажок «Выгрузка оплат в CRM»): " +
		"оплата не выгружается."
	msgBornIn1C   = "Заказ %s создан в 1С, а не загружен из RetailCRM: такие заказы в RetailCRM не выгружаются."
	msgOtherDoc   = "Заказ %s не выгружается: заказ RetailCRM %d связан с другим документом 1С (%s от %s)."
	msgStale      = "Событие не применено: в мосте уже есть более позднее состояние документа %s (от %s)."
	msgUnknownCRM = "Заказ RetailCRM %d не знаком мосту: мост не загружал его в 1С или 1С ещё не подтвердила " +
		"его загрузку. Событие не сохранено; 1С отправит его повторно."
	msgUnknownOrder = "Заказ 1С, к которому относится оплата %s, не связан с заказом RetailCRM: мост не загружал " +
		"его в 1С или 1С ещё не подтвердила его загрузку. Событие не сохранено; 1С отправит его повторно."
	msgTooLarge = "Документ %s слишком велик, чтобы выгрузить его в RetailCRM. Событие не сохранено."
)

// What an applied event will do, by event type.
var pushMessages = map[onec.EventType]string{
	onec.TypeOrderPosted:     "Изменения заказа %s будут выгружены в RetailCRM (заказ %s).",
	onec.TypeOrderUnposted:   "Отмена проведения заказа %s будет выгружена в RetailCRM (заказ %s).",
	onec.TypeOrderDeleted:    "Удаление заказа %s будет выгружено в RetailCRM (заказ %s).",
	onec.TypePaymentPosted:   "Оплата %s будет выгружена в RetailCRM (заказ %s).",
	onec.TypePaymentUnposted: "Отмена проведения оплаты %s будет выгружена в RetailCRM (заказ %s).",
	onec.TypePaymentDeleted:  "Удаление оплаты %s будет выгружено в RetailCRM (заказ %s).",
}

// orderPayload is the payload of the order events (a type of its own, so that decoding errors
// name the fields as the payload does).
type orderPayload onec.Order

// Validate checks the order as an event carries it.
func (o *orderPayload) Validate() []onec.FieldProblem { return (*onec.Order)(o).ValidateEvent() }

// orderEvent records an order event of a 1C order linked to a CRM order as the desired state of
// that order and makes it dirty for the push; an order born in 1C, or a copy of a linked one, is
// ignored and the run log says why.
func (g *gateway) orderEvent(ctx context.Context, ev onec.Envelope) (Result, []store.Op, error) {
	var payload orderPayload
	if err := decodePayload(ev.Payload, &payload); err != nil {
		return Result{}, nil, err
	}
	o := onec.Order(payload)
	st, err := g.settings.Load(ctx)
	if err != nil {
		return Result{}, nil, err
	}
	if !st.Settings.Flags.ExportOrders {
		return ignored(msgOrdersOff), nil, nil
	}
	doc := documentLabel(o.Number, o.Date)
	if o.CRM.ID == 0 {
		return g.ignoredWithNote(ev, fmt.Sprintf(msgBornIn1C, doc))
	}
	state, known, err := g.inbox.State(ctx, o.CRM.ID)
	switch {
	case err != nil:
		return Result{}, nil, err
	case !known || state.Link == nil:
		return Result{}, nil, unknownOrder(fmt.Sprintf(msgUnknownCRM, o.CRM.ID))
	case state.Link.Ref != *o.Ref:
		return g.ignoredWithNote(ev, fmt.Sprintf(msgOtherDoc, doc, o.CRM.ID, state.Link.Number,
			documentDate(state.Link.Date)))
	}
	rec, err := g.push.OrderEventOps(ctx, o.CRM.ID, push.OrderEvent{Event: pushEvent(ev), Order: o}, g.Now())
	return recorded(ev, rec, err, doc, crmLabel(o.CRM))
}

// paymentEvent records a payment event of a 1C payment document whose order is linked to a CRM
// order as the payment's desired state and makes the order dirty for the push.
func (g *gateway) paymentEvent(ctx context.Context, ev onec.Envelope) (Result, []store.Op, error) {
	var p onec.Payment
	if err := decodePayload(ev.Payload, &p); err != nil {
		return Result{}, nil, err
	}
	st, err := g.settings.Load(ctx)
	if err != nil {
		return Result{}, nil, err
	}
	if !st.Settings.Flags.ExportPayments {
		return ignored(msgPaymentsOff), nil, nil
	}
	doc := documentLabel(p.Number, p.Date)
	crmOrderID, linked, err := g.inbox.OrderOf(ctx, p.Order)
	switch {
	case err != nil:
		return Result{}, nil, err
	case !linked:
		return Result{}, nil, unknownOrder(fmt.Sprintf(msgUnknownOrder, doc))
	}
	rec, err := g.push.PaymentEventOps(ctx, crmOrderID, push.PaymentEvent{Event: pushEvent(ev), Payment: p}, g.Now())
	return recorded(ev, rec, err, doc, fmt.Sprintf("с ИД %d", crmOrderID))
}

// recorded answers an event recorded for the push: applied with its operations, or ignored when
// stale.
func recorded(ev onec.Envelope, rec push.Recording, err error, doc, crmOrder string) (Result, []store.Op, error) {
	switch {
	case errors.Is(err, store.ErrItemTooLarge):
		return Result{}, nil, &Rejection{Status: http.StatusRequestEntityTooLarge, Err: httpapi.Error{Code: "document_too_large",
			Message: fmt.Sprintf(msgTooLarge, doc)}}
	case err != nil:
		return Result{}, nil, err
	case rec.Stale:
		return ignored(fmt.Sprintf(msgStale, doc, rec.Newer.Format("02.01.2006 15:04:05 -07:00"))), nil, nil
	}
	return Result{Status: StatusApplied, Message: fmt.Sprintf(pushMessages[ev.Type], doc, crmOrder)}, rec.Ops, nil
}

// ignoredWithNote answers an event the push does not take, and notes why in the run log.
func (g *gateway) ignoredWithNote(ev onec.Envelope, msg string) (Result, []store.Op, error) {
	now := g.Now().UTC()
	note, err := runlog.Op(runlog.Run{ID: ev.EventID, Flow: push.Flow, Trigger: "event", Start: now, End: now,
		Complete: true, Counts: map[string]int64{}, Messages: []string{msg}})
	if err != nil {
		return Result{}, nil, err
	}
	return ignored(msg), []store.Op{note}, nil
}

func ignored(msg string) Result { return Result{Status: StatusIgnored, Message: msg} }

func unknownOrder(msg string) *Rejection {
	return &Rejection{Status: http.StatusUnprocessableEntity, Err: httpapi.Error{Code: "unknown_order", Message: msg}}
}

// pushEvent is what the push keeps of an event's envelope.
func pushEvent(ev onec.Envelope) push.Event {
	kind := push.KindPosted
	switch ev.Type {
	case onec.TypeOrderUnposted, onec.TypePaymentUnposted:
		kind = push.KindUnposted
	case onec.TypeOrderDeleted, onec.TypePaymentDeleted:
		kind = push.KindDeleted
	}
	return push.Event{Kind: kind, EventID: ev.EventID, OccurredAt: ev.OccurredTime()}
}

// documentLabel names a 1C document in a message: "АСФР-000012 от 29.11.2026".
func documentLabel(number, date string) string { return number + " от " + documentDate(date) }

// documentDate is a document date as the user reads it, or as sent when it cannot be read.
func documentDate(date string) string {
	if t, err := onec.ParseTime(date); err == nil {
		return t.Format("02.01.2006")
	}
	return date
}

// crmLabel names a CRM order in a message: its number, else its id.
func crmLabel(c onec.CRMOrder) string {
	if c.Number != "" {
		return c.Number
	}
	return fmt.Sprintf("с ИД %d", c.ID)
}
