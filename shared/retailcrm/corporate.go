package retailcrm

import (
	"context"
	"fmt"
	"net/url"
)

// CorporateCustomer is a corporate customer. On create it may carry its companies, contacts and
// addresses.
type CorporateCustomer struct {
	ID               int64              `json:"id,omitempty"`
	ExternalID       string             `json:"externalId,omitempty"`
	Type             string             `json:"type,omitempty"`
	Site             string             `json:"site,omitempty"`
	NickName         string             `json:"nickName,omitempty"`
	CreatedAt        string             `json:"createdAt,omitempty"`
	ManagerID        int64              `json:"managerId,omitempty"`
	Vip              *bool              `json:"vip,omitempty"`
	Bad              *bool              `json:"bad,omitempty"`
	PersonalDiscount *Decimal           `json:"personalDiscount,omitempty"`
	MainCompany      *Company           `json:"mainCompany,omitempty"`
	MainAddress      *Address           `json:"mainAddress,omitempty"`
	CustomFields     Map[Value]         `json:"customFields,omitzero"`
	Companies        []Company          `json:"companies,omitzero"`
	CustomerContacts []CorporateContact `json:"customerContacts,omitzero"`
	Addresses        []Address          `json:"addresses,omitzero"`
	// MainCustomerContact is the main contact person (read only).
	MainCustomerContact *CorporateContact `json:"mainCustomerContact,omitempty"`
}

// Company is a legal entity of a corporate customer.
type Company struct {
	ID           int64       `json:"id,omitempty"`
	ExternalID   string      `json:"externalId,omitempty"`
	IsMain       bool        `json:"isMain,omitempty"`
	Active       *bool       `json:"active,omitempty"`
	Name         string      `json:"name,omitempty"`
	Brand        string      `json:"brand,omitempty"`
	CreatedAt    string      `json:"createdAt,omitempty"`
	Contragent   *Contragent `json:"contragent,omitempty"`
	Address      *Address    `json:"address,omitempty"`
	Customer     *Customer   `json:"customer,omitempty"`
	CustomFields Map[Value]  `json:"customFields,omitzero"`
}

// CorporateContact links a person (an individual customer) to a corporate customer.
type CorporateContact struct {
	ID        int64            `json:"id,omitempty"`
	IsMain    bool             `json:"isMain,omitempty"`
	Customer  *Customer        `json:"customer,omitempty"`
	Companies []ContactCompany `json:"companies,omitzero"`
}

// ContactCompany is a company a contact person works for.
type ContactCompany struct {
	ID      int64    `json:"id,omitempty"`
	Company *Company `json:"company,omitempty"`
}

// CompaniesPage is one page of CorporateCompanies.
type CompaniesPage struct {
	Companies  []Company  `json:"companies"`
	Pagination Pagination `json:"pagination"`
}

// ContactsPage is one page of CorporateContacts.
type ContactsPage struct {
	Contacts   []CorporateContact `json:"contacts"`
	Pagination Pagination         `json:"pagination"`
}

// CorporateCustomersFilter selects corporate customers for CorporateCustomers.
type CorporateCustomersFilter struct {
	IDs         []int64
	ExternalIDs []string
	Sites       []string
	// Limit is 20, 50 or 100; 0 means the API's default (20).
	Limit int
	Page  int
}

// CorporateCustomersPage is one page of CorporateCustomers.
type CorporateCustomersPage struct {
	Customers  []CorporateCustomer `json:"customersCorporate"`
	Pagination Pagination          `json:"pagination"`
}

// AddressesPage is one page of CorporateAddresses.
type AddressesPage struct {
	Addresses  []Address  `json:"addresses"`
	Pagination Pagination `json:"pagination"`
}

const corporatePath = v5 + "/customers-corporate/"

// CorporateCustomers lists one page of corporate customers (GET /api/v5/customers-corporate).
// Idempotent: retried.
func (c *Client) CorporateCustomers(ctx context.Context, f CorporateCustomersFilter) (CorporateCustomersPage, error) {
	q, err := listQuery(f.IDs, f.ExternalIDs, f.Sites, f.Limit, f.Page)
	if err != nil {
		return CorporateCustomersPage{}, err
	}
	return get[CorporateCustomersPage](ctx, c, v5+"/customers-corporate", q)
}

// CorporateCustomer reads a corporate customer (GET /api/v5/customers-corporate/{id}).
// Idempotent: retried.
func (c *Client) CorporateCustomer(ctx context.Context, ref Ref) (CorporateCustomer, error) {
	if err := ref.validate(); err != nil {
		return CorporateCustomer{}, err
	}
	resp, err := get[struct {
		Customer CorporateCustomer `json:"customerCorporate"`
	}](ctx, c, ref.path(corporatePath, ""), ref.values())
	return resp.Customer, err
}

// CreateCorporateCustomer creates a corporate customer on site (POST
// /api/v5/customers-corporate/create) and returns its id. Retried only when it carries an
// externalId.
func (c *Client) CreateCorporateCustomer(ctx context.Context, site string, cc CorporateCustomer) (int64, error) {
	if site == "" {
		return 0, fmt.Errorf("%w: creating a corporate customer needs a site", ErrInvalidArgument)
	}
	return c.postEntity(ctx, corporatePath+"create", "customerCorporate", cc, url.Values{"site": {site}},
		cc.ExternalID != "")
}

// EditCorporateCustomer changes a corporate customer (POST
// /api/v5/customers-corporate/{id}/edit) and returns its id. Retried only when addressed by
// CRM id.
func (c *Client) EditCorporateCustomer(ctx context.Context, ref Ref, cc CorporateCustomer) (int64, error) {
	if err := ref.validate(); err != nil {
		return 0, err
	}
	return c.postEntity(ctx, ref.path(corporatePath, "/edit"), "customerCorporate", cc, ref.values(),
		ref.By == RefID)
}

// CorporateCompanies lists the companies of a corporate customer (GET
// /api/v5/customers-corporate/{id}/companies); limit is 0, 20, 50 or 100. Idempotent: retried.
func (c *Client) CorporateCompanies(ctx context.Context, ref Ref, limit, page int) (CompaniesPage, error) {
	q, err := pagedRef(ref, limit, page)
	if err != nil {
		return CompaniesPage{}, err
	}
	return get[CompaniesPage](ctx, c, ref.path(corporatePath, "/companies"), q)
}

// CorporateContacts lists the contact persons of a corporate customer (GET
// /api/v5/customers-corporate/{id}/contacts); limit is 0, 20, 50 or 100. Idempotent: retried.
func (c *Client) CorporateContacts(ctx context.Context, ref Ref, limit, page int) (ContactsPage, error) {
	q, err := pagedRef(ref, limit, page)
	if err != nil {
		return ContactsPage{}, err
	}
	return get[ContactsPage](ctx, c, ref.path(corporatePath, "/contacts"), q)
}

// CorporateAddresses lists the addresses of a corporate customer (GET
// /api/v5/customers-corporate/{id}/addresses); limit is 0, 20, 50 or 100. Idempotent: retried.
func (c *Client) CorporateAddresses(ctx context.Context, ref Ref, limit, page int) (AddressesPage, error) {
	q, err := pagedRef(ref, limit, page)
	if err != nil {
		return AddressesPage{}, err
	}
	return get[AddressesPage](ctx, c, ref.path(corporatePath, "/addresses"), q)
}

// CreateCorporateCompany adds a company to a corporate customer (POST
// /api/v5/customers-corporate/{id}/companies/create) and returns its id. Retried only when the
// company carries an externalId.
func (c *Client) CreateCorporateCompany(ctx context.Context, ref Ref, company Company) (int64, error) {
	if err := ref.validate(); err != nil {
		return 0, err
	}
	return c.postEntity(ctx, ref.path(corporatePath, "/companies/create"), "company", company, ref.values(),
		company.ExternalID != "")
}

// CreateCorporateContact links a person to a corporate customer (POST
// /api/v5/customers-corporate/{id}/contacts/create) and returns the link's id. Not retried.
func (c *Client) CreateCorporateContact(ctx context.Context, ref Ref, contact CorporateContact) (int64, error) {
	if err := ref.validate(); err != nil {
		return 0, err
	}
	return c.postEntity(ctx, ref.path(corporatePath, "/contacts/create"), "contact", contact, ref.values(), false)
}

func pagedRef(ref Ref, limit, page int) (url.Values, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	q := ref.values()
	return q, setPage(q, limit, page)
}
