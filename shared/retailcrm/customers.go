package retailcrm

import (
	"context"
	"fmt"
	"net/url"
)

// Customer is a customer (an individual, type "customer") as the customers calls read and write
// it, and the customer or the contact person of an order, where it may also be a corporate
// customer ("customer_corporate"). In an order a reference needs only ID, or ExternalID and Site.
// Creates and edits send only what is set: strings and ids when not empty, flags when not nil.
type Customer struct {
	ID           int64       `json:"id,omitempty"`
	ExternalID   string      `json:"externalId,omitempty"`
	Site         string      `json:"site,omitempty"`
	Type         string      `json:"type,omitempty"`
	NickName     string      `json:"nickName,omitempty"`
	FirstName    string      `json:"firstName,omitempty"`
	LastName     string      `json:"lastName,omitempty"`
	Patronymic   string      `json:"patronymic,omitempty"`
	Email        string      `json:"email,omitempty"`
	Phones       []Phone     `json:"phones,omitzero"`
	Address      *Address    `json:"address,omitempty"`
	Contragent   *Contragent `json:"contragent,omitempty"`
	ManagerID    int64       `json:"managerId,omitempty"`
	Vip          *bool       `json:"vip,omitempty"`
	Bad          *bool       `json:"bad,omitempty"`
	IsContact    bool        `json:"isContact,omitempty"`
	CreatedAt    string      `json:"createdAt,omitempty"`
	CustomFields Map[Value]  `json:"customFields,omitzero"`
}

// Phone is one phone number of a customer.
type Phone struct {
	Number string `json:"number"`
}

// CustomersFilter selects customers for Customers.
type CustomersFilter struct {
	IDs         []int64
	ExternalIDs []string
	Sites       []string
	Email       string
	// Limit is 20, 50 or 100; 0 means the API's default (20).
	Limit int
	Page  int
}

// CustomersPage is one page of Customers.
type CustomersPage struct {
	Customers  []Customer `json:"customers"`
	Pagination Pagination `json:"pagination"`
}

const customersPath = v5 + "/customers/"

// Customers lists one page of customers (GET /api/v5/customers). Idempotent: retried.
func (c *Client) Customers(ctx context.Context, f CustomersFilter) (CustomersPage, error) {
	q, err := listQuery(f.IDs, f.ExternalIDs, f.Sites, f.Limit, f.Page)
	if err != nil {
		return CustomersPage{}, err
	}
	setString(q, "filter[email]", f.Email)
	return get[CustomersPage](ctx, c, v5+"/customers", q)
}

// Customer reads one customer (GET /api/v5/customers/{id}). Idempotent: retried.
func (c *Client) Customer(ctx context.Context, ref Ref) (Customer, error) {
	if err := ref.validate(); err != nil {
		return Customer{}, err
	}
	resp, err := get[struct {
		Customer Customer `json:"customer"`
	}](ctx, c, ref.path(customersPath, ""), ref.values())
	return resp.Customer, err
}

// CreateCustomer creates a customer on site (POST /api/v5/customers/create) and returns its id.
// Retried only when it carries an externalId: a repeat then fails instead of creating a second
// customer.
func (c *Client) CreateCustomer(ctx context.Context, site string, cu Customer) (int64, error) {
	if site == "" {
		return 0, fmt.Errorf("%w: creating a customer needs a site", ErrInvalidArgument)
	}
	return c.postEntity(ctx, customersPath+"create", "customer", cu, url.Values{"site": {site}}, cu.ExternalID != "")
}

// EditCustomer changes a customer (POST /api/v5/customers/{id}/edit) with the fields set in cu
// and returns its id. Retried only when addressed by CRM id.
func (c *Client) EditCustomer(ctx context.Context, ref Ref, cu Customer) (int64, error) {
	if err := ref.validate(); err != nil {
		return 0, err
	}
	return c.postEntity(ctx, ref.path(customersPath, "/edit"), "customer", cu, ref.values(), ref.By == RefID)
}
