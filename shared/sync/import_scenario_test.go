package sync_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/retailcrm/sandbox"
	"unfbridge/shared/settings"
	"unfbridge/shared/sync/importtest"
)

// notImported are the statuses the scenario leaves out of the import table: orders in them
// must not reach 1C (the table loaded from RetailCRM lists every active status).
var notImported = []string{"new", "no-call"}

// Corporate customers of the scenario: the demo one (a legal entity) and an entrepreneur the
// scenario adds.
const (
	corpRomashka = "corp-romashka"
	corpSokolov  = "corp-sokolov"
)

// scenario plays CRM users on the sandbox: it creates orders and changes them, deterministically
// from its seed, and remembers what every order went through that the final orders no longer
// show (whether it was ever in an imported status, whether it was deleted).
type scenario struct {
	t        testing.TB
	b        *importtest.Bridge
	rnd      *rand.Rand
	offers   []string // offer externalIds of the catalog
	managers []int    // CRM ids of the managers mapped to 1C users
	// newcomer is a manager hired after the managers table was filled: her orders cannot be
	// mapped (they wait in quarantine) until mapManagers maps her.
	newcomer int
	statuses []string // every active status
	orders   []*genOrder
	live     []*genOrder // orders not deleted, in creation order
	owing    []*genOrder // orders with payments added and not paid yet
}

// genOrder is what the scenario knows of an order it created.
type genOrder struct {
	id        int
	corporate bool
	lines     []genLine
	// unpaid are the payments the scenario added and has not paid yet.
	unpaid []int
	// everImported is set when the order was once in a status of the import table.
	everImported bool
	// gone is set when the order was deleted or combined into another.
	gone bool
}

type genLine struct {
	offer int // index in scenario.offers
	qty   int
}

// newScenario prepares the bridge's account for the scenario: the import table without
// notImported, a second corporate customer, a manager missing from the managers table.
func newScenario(t testing.TB, b *importtest.Bridge, seed uint64) *scenario {
	t.Helper()
	ctx := t.Context()
	st, err := b.Setup.Repo.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc := &scenario{t: t, b: b, rnd: rand.New(rand.NewPCG(seed, seed+1))}
	for _, m := range st.Settings.Tables.Managers {
		sc.managers = append(sc.managers, int(m.CRMID))
	}
	table := st.Settings.Tables
	for _, row := range table.StatusesImport {
		sc.statuses = append(sc.statuses, row.CRMCode)
	}
	table.StatusesImport = slices.DeleteFunc(slices.Clone(table.StatusesImport), func(r settings.StatusImport) bool {
		return slices.Contains(notImported, r.CRMCode)
	})
	if _, err := b.Setup.SaveTable(ctx, settings.TableStatusesImport, &table); err != nil {
		t.Fatal(err)
	}
	crm := b.CRM(t)
	page, err := crm.Inventories(ctx, retailcrm.InventoriesFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, of := range page.Offers {
		sc.offers = append(sc.offers, of.ExternalID)
	}
	slices.Sort(sc.offers)
	_, err = crm.CreateCorporateCustomer(ctx, sandbox.DemoSite, retailcrm.CorporateCustomer{
		ExternalID: corpSokolov, NickName: "ИП Соколов",
		Companies: []retailcrm.Company{{Name: "ИП Соколов Андрей Викторович", IsMain: true,
			Contragent: &retailcrm.Contragent{ContragentType: "enterpreneur", INN: "771234567890"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sc.newcomer = b.Sandbox.AddUser(sandbox.User{FirstName: "Ольга", LastName: "Новикова", Email: "novikova@uyut-dom.example.ru",
		Active: true, IsManager: true})
	return sc
}

// mapManagers maps the newcomer to a 1C user, as the user does after reading the quarantine: the
// changed settings make the next import try her orders again.
func (sc *scenario) mapManagers() {
	ctx := sc.t.Context()
	st, err := sc.b.Setup.Repo.Load(ctx)
	if err != nil {
		sc.t.Fatal(err)
	}
	table := st.Settings.Tables
	table.Managers = append(slices.Clone(table.Managers), settings.Manager{CRMID: int64(sc.newcomer), CRMName: "Ольга Новикова",
		User: &onec.Ref{Ref: importtest.GUID(299), Name: "Новикова О."}})
	if _, err := sc.b.Setup.SaveTable(ctx, settings.TableManagers, &table); err != nil {
		sc.t.Fatal(err)
	}
}

// importedStatus tells whether orders in status reach 1C.
func importedStatus(status string) bool { return !slices.Contains(notImported, status) }

// must fails the test on a sandbox error.
func (sc *scenario) must(err error) {
	sc.t.Helper()
	if err != nil {
		sc.t.Fatalf("sandbox: %v", err)
	}
}

func (sc *scenario) pick(n int) int { return sc.rnd.IntN(n) }

func (sc *scenario) user() int { return sc.managers[sc.pick(len(sc.managers))] }

// create adds n orders: individual and corporate buyers, one to three lines (variants among
// them), a delivery, perhaps a manager and an unpaid payment, in a random status.
func (sc *scenario) create(n int) {
	for range n {
		o, k := &genOrder{corporate: sc.pick(4) == 0}, len(sc.orders)+1
		for _, i := range sc.rnd.Perm(len(sc.offers))[:1+sc.pick(3)] {
			o.lines = append(o.lines, genLine{offer: i, qty: 1 + sc.pick(5)})
		}
		status := "new"
		if sc.pick(3) > 0 {
			status = sc.statuses[sc.pick(len(sc.statuses))]
		}
		fields := map[string]any{"status": status, "items": sc.items(o), "delivery": sc.delivery()}
		if o.corporate {
			fields["customer"] = map[string]string{"externalId": []string{corpRomashka, corpSokolov}[sc.pick(2)], "type": "customer_corporate"}
			fields["orderType"] = "eshop-legal"
		} else {
			fields["firstName"] = []string{"Анна", "Олег", "Ирина", "Павел", "Мария"}[sc.pick(5)]
			fields["lastName"] = fmt.Sprintf("Покупатель-%d", k)
			fields["phone"] = fmt.Sprintf("+7916%07d", k)
			fields["email"] = fmt.Sprintf("buyer%d@example.ru", k)
		}
		switch w := sc.pick(20); {
		case w == 0:
			fields["managerId"] = sc.newcomer
		case w > 4:
			fields["managerId"] = sc.user()
		}
		if sc.pick(2) == 0 {
			fields["payments"] = []map[string]string{{"type": sc.paymentType(o), "status": "not-paid"}}
		}
		id, err := sc.b.Sandbox.CreateAsUser(sandbox.DemoSite, sc.user(), jsonText(sc.t, fields))
		sc.must(err)
		o.id, o.everImported = id, importedStatus(status)
		sc.orders = append(sc.orders, o)
		sc.live = append(sc.live, o)
	}
}

// items is the items list of an order: every line named by its externalIds, so that an edit
// keeps the lines sent and removes the others.
func (sc *scenario) items(o *genOrder) []map[string]any {
	out := make([]map[string]any, 0, len(o.lines))
	for _, l := range o.lines {
		it := map[string]any{"offer": map[string]string{"externalId": sc.offers[l.offer]}, "quantity": l.qty,
			"externalIds": []map[string]string{{"code": "scenario", "value": fmt.Sprint(l.offer)}}}
		if o.corporate {
			it["priceType"] = map[string]string{"code": "wholesale"}
		}
		out = append(out, it)
	}
	return out
}

func (sc *scenario) delivery() map[string]any {
	day := fmt.Sprintf("2026-12-%02d", 1+sc.pick(28))
	switch sc.pick(4) {
	case 0:
		return map[string]any{"code": "courier", "cost": 300, "date": day,
			"address": map[string]string{"city": "Москва", "text": fmt.Sprintf("ул. Садовая, д. %d", 1+sc.pick(90))}}
	case 1:
		return map[string]any{"code": "russian-post", "cost": 350, "date": day}
	case 2:
		return map[string]any{"code": "self-delivery"}
	}
	return map[string]any{}
}

func (sc *scenario) paymentType(o *genOrder) string {
	if o.corporate {
		return "bank-transfer"
	}
	return []string{"cash", "bank-card"}[sc.pick(2)]
}

// change makes n changes to random live orders, as CRM users do: statuses (in and out of the
// import table), lines added, removed and changed, payments added and paid, comments, and now
// and then a deletion or a merge.
func (sc *scenario) change(n int) {
	for range n {
		if len(sc.live) < 2 {
			return
		}
		i := sc.pick(len(sc.live))
		o := sc.live[i]
		switch w := sc.pick(100); {
		case w < 30:
			status := sc.statuses[sc.pick(len(sc.statuses))]
			sc.edit(o, map[string]any{"status": status})
			o.everImported = o.everImported || importedStatus(status)
		case w < 40 && len(o.lines) < len(sc.offers):
			free := slices.DeleteFunc(sc.rnd.Perm(len(sc.offers)), func(k int) bool {
				return slices.ContainsFunc(o.lines, func(l genLine) bool { return l.offer == k })
			})
			o.lines = append(o.lines, genLine{offer: free[0], qty: 1 + sc.pick(5)})
			sc.edit(o, map[string]any{"items": sc.items(o)})
		case w < 48 && len(o.lines) > 1:
			k := sc.pick(len(o.lines))
			o.lines = slices.Delete(o.lines, k, k+1)
			sc.edit(o, map[string]any{"items": sc.items(o)})
		case w < 60:
			l := &o.lines[sc.pick(len(o.lines))]
			l.qty = l.qty%5 + 1
			sc.edit(o, map[string]any{"items": sc.items(o)})
		case w < 70:
			id, err := sc.b.Sandbox.AddPaymentAsUser(o.id, sc.user(), jsonText(sc.t, map[string]any{
				"type": sc.paymentType(o), "status": "not-paid", "amount": 100 + sc.pick(900)}))
			sc.must(err)
			o.unpaid = append(o.unpaid, id)
			sc.owing = append(sc.owing, o)
		case w < 88 && len(sc.owing) > 0:
			sc.pay()
		case w < 97:
			sc.edit(o, map[string]any{"managerComment": fmt.Sprintf("Правка %d", sc.pick(1000))})
		case w < 99:
			sc.must(sc.b.Sandbox.DeleteOrder(o.id, sc.user()))
			sc.drop(i)
		default:
			into := sc.live[(i+1+sc.pick(len(sc.live)-1))%len(sc.live)]
			sc.must(sc.b.Sandbox.CombineOrders(o.id, into.id, sc.user()))
			sc.drop(i)
		}
	}
}

// pay sets paid the oldest unpaid payment of an order that owes one.
func (sc *scenario) pay() {
	k := sc.pick(len(sc.owing))
	o := sc.owing[k]
	sc.owing = slices.Delete(sc.owing, k, k+1)
	if o.gone {
		return
	}
	p := o.unpaid[0]
	o.unpaid = o.unpaid[1:]
	sc.must(sc.b.Sandbox.EditPaymentAsUser(p, sc.user(), jsonText(sc.t, map[string]any{
		"status": "paid", "paidAt": fmt.Sprintf("2026-11-%02d 12:%02d:00", 1+sc.pick(28), sc.pick(60))})))
}

func (sc *scenario) edit(o *genOrder, fields map[string]any) {
	sc.must(sc.b.Sandbox.EditAsUser(o.id, sc.user(), jsonText(sc.t, fields)))
}

// drop forgets the live order at i: it was deleted or merged.
func (sc *scenario) drop(i int) {
	sc.live[i].gone = true
	sc.live = slices.Delete(sc.live, i, i+1)
}

// byID returns the orders of the scenario by CRM id.
func (sc *scenario) byID() map[int64]*genOrder {
	out := make(map[int64]*genOrder, len(sc.orders))
	for _, o := range sc.orders {
		out[int64(o.id)] = o
	}
	return out
}

// play runs the scenario: rounds of orders created and changed, each followed by between
// (syncs and pulls, or interrupted syncs), then more changes and the newcomer mapped: what is
// left for the caller's final import.
func (sc *scenario) play(orders, rounds int, between func(round int)) {
	for r := range rounds {
		sc.create(orders*(r+1)/rounds - orders*r/rounds)
		sc.change(orders * 3 / 5 / rounds)
		between(r)
	}
	sc.change(orders / 10)
	sc.mapManagers()
}

func jsonText(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
