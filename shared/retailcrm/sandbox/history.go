package sandbox

import (
	"encoding/json"
	"strconv"
	"time"
)

// Sources of history records.
const (
	SourceAPI  = "api"  // a change made through the API
	SourceUser = "user" // a change made by a CRM user
	SourceCode = "code" // a change made by a trigger or other automation
)

// actor is who makes a change: an API key, a user or automation.
type actor struct {
	source string
	userID int
	key    string
}

// record is one order history record. The order it shows is frozen when the record is made.
type record struct {
	id         int
	at         time.Time
	act        actor
	created    bool
	deleted    bool
	field      string
	from, to   any
	order      json.RawMessage
	orderID    int
	site       string
	externalID string
	item       *historyItem
	payment    *historyPayment
	combinedTo json.RawMessage
}

// orderStub is the order of a change record: {id, externalId?, site, status, managerId?}.
type orderStub struct {
	ID         int    `json:"id"`
	ExternalID string `json:"externalId,omitempty"`
	ManagerID  int    `json:"managerId,omitempty"`
	Site       string `json:"site"`
	Status     string `json:"status"`
}

func stub(o *order) json.RawMessage {
	return encode(orderStub{o.id, o.externalID, o.managerID, o.site, o.status})
}

func (a *account) newRecord(o *order, act actor, at time.Time) *record {
	return &record{
		id: a.newID(idHistory), at: at, act: act, order: stub(o), orderID: o.id, site: o.site, externalID: o.externalID,
	}
}

// recordCreated appends the creation record: field "status" with the full order snapshot.
func (a *account) recordCreated(o *order, act actor) {
	r := a.newRecord(o, act, a.clock())
	r.created, r.field, r.to = true, "status", codeRef{o.status}
	r.order = encode(a.orderView(o, paymentsList))
	a.history = append(a.history, r)
}

// recordChanges appends one record per field changed from before to after.
func (a *account) recordChanges(before, after *order, act actor, at time.Time) {
	for _, ch := range a.diff(before, after) {
		r := a.newRecord(after, act, at)
		r.field, r.from, r.to, r.item, r.payment = ch.field, ch.from, ch.to, ch.item, ch.payment
		a.history = append(a.history, r)
	}
}

// recordDeleted appends the record of a deleted order (unconfirmed shape: field "id" going
// from the order id to null, with deleted and, after a merge, combinedTo).
func (a *account) recordDeleted(o *order, act actor, into *order) {
	r := a.newRecord(o, act, a.clock())
	r.deleted, r.field, r.from = true, "id", o.id
	if into != nil {
		r.combinedTo = stub(into)
	}
	a.history = append(a.history, r)
}

type apiKeyRef struct {
	Current bool `json:"current"`
}

type recordView struct {
	ID         int             `json:"id"`
	CreatedAt  string          `json:"createdAt"`
	Created    bool            `json:"created,omitempty"`
	Deleted    bool            `json:"deleted,omitempty"`
	Source     string          `json:"source"`
	User       *idRef          `json:"user,omitempty"`
	Field      string          `json:"field"`
	APIKey     *apiKeyRef      `json:"apiKey,omitempty"`
	OldValue   any             `json:"oldValue"`
	NewValue   any             `json:"newValue"`
	Order      json.RawMessage `json:"order"`
	Item       *historyItem    `json:"item,omitempty"`
	Payment    *historyPayment `json:"payment,omitempty"`
	CombinedTo json.RawMessage `json:"combinedTo,omitempty"`
}

// view renders a record for the key asking: apiKey.current is true only for the key that made
// the change.
func (a *account) recordView(r *record, asking *apiKey) recordView {
	v := recordView{
		ID: r.id, CreatedAt: a.stamp(r.at), Created: r.created, Deleted: r.deleted, Source: r.act.source,
		Field: r.field, OldValue: r.from, NewValue: r.to, Order: r.order, Item: r.item, Payment: r.payment,
		CombinedTo: r.combinedTo,
	}
	if r.act.userID != 0 {
		v.User = &idRef{r.act.userID}
	}
	if r.act.source == SourceAPI {
		v.APIKey = &apiKeyRef{Current: r.act.key == asking.key}
	}
	return v
}

// handleHistory answers GET orders/history: records oldest first, with filter[sinceId]
// (records after that id), filter[startDate] and filter[endDate] (inclusive; a bare end date
// covers its whole day), filter[orderId] and filter[orderExternalId], of the sites the key
// reaches.
func handleHistory(a *account, c *call) (any, error) {
	f, err := filters(c.query, "sinceId", "startDate", "endDate", "orderId", "orderExternalId")
	if err != nil {
		return nil, err
	}
	pg, err := pageOf(c.query)
	if err != nil {
		return nil, err
	}
	q, err := a.historyQuery(f)
	if err != nil {
		return nil, err
	}
	var hits []*record
	for _, r := range a.history {
		if q.match(r) && c.key.reaches(r.site) {
			hits = append(hits, r)
		}
	}
	lo, hi, p := paginate(len(hits), pg)
	views := make([]recordView, 0, hi-lo)
	for _, r := range hits[lo:hi] {
		views = append(views, a.recordView(r, c.key))
	}
	return struct {
		Success     bool         `json:"success"`
		GeneratedAt string       `json:"generatedAt"`
		History     []recordView `json:"history"`
		Pagination  pagination   `json:"pagination"`
	}{true, a.stamp(a.clock()), views, p}, nil
}

type historyQuery struct {
	sinceID, orderID int
	start, end       time.Time
	externalID       string
}

func (a *account) historyQuery(f map[string][]string) (historyQuery, error) {
	var q historyQuery
	for name, dst := range map[string]*int{"sinceId": &q.sinceID, "orderId": &q.orderID} {
		if v := first(f[name]); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return q, errInput("filter["+name+"]", probInvalid)
			}
			*dst = n
		}
	}
	for name, dst := range map[string]*time.Time{"startDate": &q.start, "endDate": &q.end} {
		if v := first(f[name]); v != "" {
			t, ok := a.parseStamp(v)
			if !ok {
				return q, errInput("filter["+name+"]", probInvalid)
			}
			if name == "endDate" && len(v) == len(dateOnly) {
				t = t.Add(24*time.Hour - time.Second)
			}
			*dst = t
		}
	}
	q.externalID = first(f["orderExternalId"])
	return q, nil
}

func (q historyQuery) match(r *record) bool {
	return r.id > q.sinceID &&
		(q.start.IsZero() || !r.at.Before(q.start)) &&
		(q.end.IsZero() || !r.at.After(q.end)) &&
		(q.orderID == 0 || r.orderID == q.orderID) &&
		(q.externalID == "" || r.externalID == q.externalID)
}

func first(vals []string) string {
	if len(vals) == 0 {
		return ""
	}
	return vals[0]
}
