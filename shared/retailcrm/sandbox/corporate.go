package sandbox

import (
	"encoding/json"
	"time"
)

// corporate is a corporate customer (customers-corporate): a nickname with companies (legal
// entities) and contacts (individual customers).
type corporate struct {
	id                         int
	externalID, site, nickName string
	createdAt                  time.Time
	managerID                  int
	vip, bad                   bool
	customFields               map[string]json.RawMessage
	addresses                  []corpAddress
	companies                  []*company
	contacts                   []*contact
}

type corpAddress struct {
	Address
	isMain bool
}

// company is a legal entity of a corporate customer.
type company struct {
	id               int
	externalID, name string
	brand            string
	active, isMain   bool
	contragent       Contragent
	createdAt        time.Time
	corporateID      int
}

// contact links an individual customer to a corporate customer.
type contact struct {
	id, customerID int
	isMain         bool
}

type corporateInput struct {
	ExternalID   opt[string]                `json:"externalId"`
	NickName     opt[string]                `json:"nickName"`
	ManagerID    opt[int]                   `json:"managerId"`
	Vip          opt[bool]                  `json:"vip"`
	Bad          opt[bool]                  `json:"bad"`
	CustomFields map[string]json.RawMessage `json:"customFields"`
	Addresses    []struct {
		Address
		IsMain bool `json:"isMain"`
	} `json:"addresses"`
	Companies []struct {
		ExternalID string     `json:"externalId"`
		Name       string     `json:"name"`
		Brand      string     `json:"brand"`
		IsMain     bool       `json:"isMain"`
		Active     *bool      `json:"active"`
		Contragent Contragent `json:"contragent"`
	} `json:"companies"`
	CustomerContacts []struct {
		IsMain   bool `json:"isMain"`
		Customer struct {
			ID         int    `json:"id"`
			ExternalID string `json:"externalId"`
			Site       string `json:"site"`
		} `json:"customer"`
	} `json:"customerContacts"`
}

func (a *account) corporateByID(id int) *corporate {
	for _, co := range a.corporate {
		if co.id == id {
			return co
		}
	}
	return nil
}

func (a *account) corporateByExternal(ext, site string) *corporate {
	for _, co := range a.corporate {
		if co.externalID == ext && co.site == site {
			return co
		}
	}
	return nil
}

func (a *account) corporateFor(c *call) (*corporate, error) {
	return lookup(a, c, a.corporateByID, a.corporateByExternal, func(co *corporate) string { return co.site })
}

// applyCorporate sets the scalar fields sent (create and edit) and returns validation errors.
func (a *account) applyCorporate(co *corporate, in *corporateInput) errs {
	e := errs{}
	in.ExternalID.setTo(&co.externalID)
	in.NickName.setTo(&co.nickName)
	in.Vip.setTo(&co.vip)
	in.Bad.setTo(&co.bad)
	in.ManagerID.setTo(&co.managerID)
	if co.nickName == "" {
		e.add("nickName", probRequired)
	}
	if other := a.corporateByExternal(co.externalID, co.site); co.externalID != "" && other != nil && other.id != co.id {
		e.add("externalId", "Customer with this externalId already exists.")
	}
	if co.managerID != 0 && !a.isManager(co.managerID) {
		e.add("managerId", probChoice)
	}
	for k, v := range in.CustomFields {
		co.customFields[k] = v
	}
	return e
}

// handleCorporateCreate answers POST customers-corporate/create with addresses, companies and
// contacts given inline.
func handleCorporateCreate(a *account, c *call) (any, error) {
	site, err := a.requiredSite(c)
	if err != nil {
		return nil, err
	}
	var in corporateInput
	if err := decodeEntity(c.form, "customerCorporate", &in); err != nil {
		return nil, err
	}
	now := a.clock()
	co := &corporate{site: site, createdAt: now, customFields: map[string]json.RawMessage{}}
	e := a.applyCorporate(co, &in)
	var contacts []*contact
	for i, ct := range in.CustomerContacts {
		cu := a.individual(ct.Customer.ID, ct.Customer.ExternalID, or(ct.Customer.Site, site))
		if cu == nil {
			e.add(indexed("customerContacts", i)+".customer", probInvalid)
			continue
		}
		contacts = append(contacts, &contact{customerID: cu.id, isMain: ct.IsMain})
	}
	for i, cp := range in.Companies {
		if cp.Name == "" {
			e.add(indexed("companies", i)+".name", probRequired)
		}
	}
	if len(e) > 0 {
		return nil, errEntity(e)
	}
	co.id = a.newID(idCustomer)
	for _, ad := range in.Addresses {
		ad.ID = a.newID(idAddress)
		co.addresses = append(co.addresses, corpAddress{ad.Address, ad.IsMain})
	}
	for _, ct := range contacts {
		ct.id = a.newID(idContact)
	}
	co.contacts = contacts
	for _, cp := range in.Companies {
		active := cp.Active == nil || *cp.Active
		co.companies = append(co.companies, &company{
			id: a.newID(idCompany), externalID: cp.ExternalID, name: cp.Name, brand: cp.Brand, active: active,
			isMain: cp.IsMain, contragent: cp.Contragent, createdAt: now, corporateID: co.id,
		})
	}
	a.corporate = append(a.corporate, co)
	return created(co.id), nil
}

// handleCorporateEdit answers POST customers-corporate/{id}/edit (scalar fields and custom fields).
func handleCorporateEdit(a *account, c *call) (any, error) {
	co, err := a.corporateFor(c)
	if err != nil {
		return nil, err
	}
	var in corporateInput
	if err := decodeEntity(c.form, "customerCorporate", &in); err != nil {
		return nil, err
	}
	next := *co
	next.customFields = cloneMap(co.customFields)
	if e := a.applyCorporate(&next, &in); len(e) > 0 {
		return nil, errEntity(e)
	}
	*co = next
	return created(co.id), nil
}

type idName struct {
	ID   int    `json:"id"`
	Name string `json:"name,omitempty"`
}

type corporateView struct {
	Type             string          `json:"type"`
	ID               int             `json:"id"`
	ExternalID       string          `json:"externalId,omitempty"`
	NickName         string          `json:"nickName"`
	MainAddress      *idName         `json:"mainAddress,omitempty"`
	CreatedAt        string          `json:"createdAt"`
	ManagerID        int             `json:"managerId,omitempty"`
	Vip              bool            `json:"vip"`
	Bad              bool            `json:"bad"`
	Site             string          `json:"site"`
	Tags             []string        `json:"tags"`
	CustomFields     json.RawMessage `json:"customFields"`
	PersonalDiscount num             `json:"personalDiscount"`
	MainCompany      *idName         `json:"mainCompany,omitempty"`
	stats
}

func (a *account) corporateView(co *corporate) corporateView {
	v := corporateView{
		Type: "customer_corporate", ID: co.id, ExternalID: co.externalID, NickName: co.nickName,
		CreatedAt: a.stamp(co.createdAt), ManagerID: co.managerID, Vip: co.vip, Bad: co.bad, Site: co.site,
		Tags: []string{}, CustomFields: phpMap(co.customFields),
		stats: a.statsOf(func(o *order) bool { return o.customerID == co.id }),
	}
	if ad := co.mainAddress(); ad != nil {
		v.MainAddress = &idName{ad.ID, ad.Name}
	}
	if cp := co.mainCompany(); cp != nil {
		v.MainCompany = &idName{cp.id, cp.name}
	}
	return v
}

// mainAddress is the address marked main, else the first one.
func (co *corporate) mainAddress() *corpAddress {
	for i := range co.addresses {
		if co.addresses[i].isMain {
			return &co.addresses[i]
		}
	}
	if len(co.addresses) > 0 {
		return &co.addresses[0]
	}
	return nil
}

// mainCompany is the company marked main, else the first one.
func (co *corporate) mainCompany() *company {
	for _, cp := range co.companies {
		if cp.isMain {
			return cp
		}
	}
	if len(co.companies) > 0 {
		return co.companies[0]
	}
	return nil
}

// mainContact is the contact marked main, else the first one.
func (co *corporate) mainContact() *contact {
	for _, ct := range co.contacts {
		if ct.isMain {
			return ct
		}
	}
	if len(co.contacts) > 0 {
		return co.contacts[0]
	}
	return nil
}

func (co *corporate) company(id int) *company {
	for _, cp := range co.companies {
		if cp.id == id {
			return cp
		}
	}
	return nil
}

func handleCorporateGet(a *account, c *call) (any, error) {
	co, err := a.corporateFor(c)
	if err != nil {
		return nil, err
	}
	return struct {
		Success           bool          `json:"success"`
		CustomerCorporate corporateView `json:"customerCorporate"`
	}{true, a.corporateView(co)}, nil
}

type ownerRef struct {
	Site       string `json:"site,omitempty"`
	ID         int    `json:"id"`
	ExternalID string `json:"externalId,omitempty"`
	Type       string `json:"type,omitempty"`
}

type companyView struct {
	IsMain       bool            `json:"isMain"`
	ID           int             `json:"id"`
	ExternalID   string          `json:"externalId,omitempty"`
	Customer     ownerRef        `json:"customer"`
	Active       bool            `json:"active"`
	Name         string          `json:"name"`
	Brand        string          `json:"brand,omitempty"`
	CreatedAt    string          `json:"createdAt"`
	Contragent   Contragent      `json:"contragent"`
	CustomFields json.RawMessage `json:"customFields"`
	stats
}

func (a *account) companyView(co *corporate, cp *company) companyView {
	return companyView{
		IsMain: cp == co.mainCompany(), ID: cp.id, ExternalID: cp.externalID,
		Customer: ownerRef{Site: co.site, ID: co.id, ExternalID: co.externalID, Type: "customer_corporate"},
		Active:   cp.active, Name: cp.name, Brand: cp.brand, CreatedAt: a.stamp(cp.createdAt),
		Contragent: cp.contragent, CustomFields: phpMap(nil),
		stats: a.statsOf(func(o *order) bool { return o.companyID == cp.id }),
	}
}

func handleCorporateCompanies(a *account, c *call) (any, error) {
	co, err := a.corporateFor(c)
	if err != nil {
		return nil, err
	}
	pg, err := pageOf(c.query)
	if err != nil {
		return nil, err
	}
	views := []companyView{}
	for _, cp := range co.companies {
		views = append(views, a.companyView(co, cp))
	}
	lo, hi, p := paginate(len(views), pg)
	return struct {
		Success    bool          `json:"success"`
		Companies  []companyView `json:"companies"`
		Pagination pagination    `json:"pagination"`
	}{true, views[lo:hi], p}, nil
}

type contactView struct {
	IsMain    bool     `json:"isMain"`
	ID        int      `json:"id"`
	Customer  ownerRef `json:"customer"`
	Companies []idName `json:"companies"`
}

func handleCorporateContacts(a *account, c *call) (any, error) {
	co, err := a.corporateFor(c)
	if err != nil {
		return nil, err
	}
	pg, err := pageOf(c.query)
	if err != nil {
		return nil, err
	}
	views := []contactView{}
	for _, ct := range co.contacts {
		cu := a.individual(ct.customerID, "", "")
		views = append(views, contactView{
			IsMain: ct == co.mainContact(), ID: ct.id,
			Customer: ownerRef{ID: cu.id, ExternalID: cu.externalID, Site: cu.site}, Companies: []idName{},
		})
	}
	lo, hi, p := paginate(len(views), pg)
	return struct {
		Success    bool          `json:"success"`
		Contacts   []contactView `json:"contacts"`
		Pagination pagination    `json:"pagination"`
	}{true, views[lo:hi], p}, nil
}
