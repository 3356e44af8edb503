// Package sync holds the use cases of the bridge: setting up the connection, orders in, orders
// out, payments, catalog, stock and prices. It speaks to RetailCRM, 1C, the store and the
// secret store only through their ports; nothing here knows AWS.
package sync

import (
	"context"
	"log/slog"
	"time"

	"unfbridge/shared/ratelimit"
	"unfbridge/shared/retailcrm"
	"unfbridge/shared/store"
)

// CRM is what the use cases ask RetailCRM; *retailcrm.Client implements it.
type CRM interface {
	Credentials(ctx context.Context) (retailcrm.Credentials, error)
	Sites(ctx context.Context) (map[string]retailcrm.Site, error)
	Statuses(ctx context.Context) (map[string]retailcrm.Status, error)
	AllUsers(ctx context.Context, f retailcrm.UsersFilter) ([]retailcrm.User, error)
	Stores(ctx context.Context) ([]retailcrm.Store, error)
	PriceTypes(ctx context.Context) ([]retailcrm.PriceType, error)
	PaymentTypes(ctx context.Context) (map[string]retailcrm.PaymentType, error)
	DeliveryTypes(ctx context.Context) (map[string]retailcrm.DeliveryType, error)
	PaymentStatuses(ctx context.Context) (map[string]retailcrm.PaymentStatus, error)
	Settings(ctx context.Context) (retailcrm.Settings, error)
	OrdersHistory(ctx context.Context, f retailcrm.HistoryFilter) (retailcrm.HistoryPage[retailcrm.HistoryRecord], error)
	Orders(ctx context.Context, f retailcrm.OrdersFilter) (retailcrm.OrdersPage, error)
	Order(ctx context.Context, ref retailcrm.Ref) (retailcrm.Order, error)
	EditOrder(ctx context.Context, ref retailcrm.Ref, o retailcrm.Order) (retailcrm.OrderResult, error)
	CreatePayment(ctx context.Context, site string, p retailcrm.Payment) (int64, error)
	EditPayment(ctx context.Context, ref retailcrm.Ref, p retailcrm.Payment) (int64, error)
	DeletePayment(ctx context.Context, id int64) error
	UploadInventories(ctx context.Context, site string, offers []retailcrm.InventoryOffer) (retailcrm.UploadResult, error)
	UploadPrices(ctx context.Context, prices []retailcrm.OfferPrices) (retailcrm.UploadResult, error)
}

// InteractiveRetry is the retry policy of calls a user waits for in the admin API: a few quick
// attempts rather than the patient default of background flows.
var InteractiveRetry = retailcrm.RetryPolicy{MaxAttempts: 3, BaseDelay: 200 * time.Millisecond, MaxDelay: time.Second}

// Connector opens RetailCRM for an account URL and API key.
type Connector func(accountURL, apiKey string) (CRM, error)

// NewConnector returns a Connector whose clients share one rate budget per API key, kept in st,
// across every process and Lambda instance (rate requests per second; 0 means
// ratelimit.DefaultRate), and retry idempotent calls with the policy (zero: the default).
func NewConnector(st store.Store, rate float64, retry retailcrm.RetryPolicy, log *slog.Logger) Connector {
	return func(accountURL, apiKey string) (CRM, error) {
		budget, err := ratelimit.New(st, apiKey, rate)
		if err != nil {
			return nil, err
		}
		return retailcrm.New(retailcrm.Options{BaseURL: accountURL, APIKey: apiKey, Budget: budget, Retry: retry, Logger: log})
	}
}
