package importtest

import (
	"testing"
	"time"

	"unfbridge/shared/settings"
	"unfbridge/shared/sync"
)

// Pusher returns the 1C → RetailCRM push of the bridge: on its store, with its rate and retry
// policy, on the clock now.
func (b *Bridge) Pusher(now func() time.Time) *sync.Pusher {
	p := sync.NewPusher(b.Store, b.Secrets, sync.NewConnector(b.Store, b.rate, b.retry, b.log), b.log)
	p.Now = now
	return p
}

// PaymentTypes are the RetailCRM payment types EnablePush maps the 1C payment documents to.
var PaymentTypes = map[string]string{
	settings.DocCashReceipt: "cash",
	settings.DocCardPayment: "bank-card",
	settings.DocBankReceipt: "bank-transfer",
}

// EnablePush turns the order and payment export on with the push options p, and fills the
// export payments table with PaymentTypes.
func (b *Bridge) EnablePush(t testing.TB, p settings.Push) {
	t.Helper()
	_, err := b.Setup.Repo.Update(t.Context(), func(st *settings.State) error {
		st.Settings.Flags.ExportOrders, st.Settings.Flags.ExportPayments = true, true
		st.Settings.Push = p
		rows := st.Settings.Tables.PaymentsExport
		for i := range rows {
			for doc, code := range PaymentTypes {
				if rows[i].CRMCode == code {
					rows[i].Document = doc
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
