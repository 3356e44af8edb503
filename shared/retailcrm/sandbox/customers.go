package sandbox

import (
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"
)

// customer is an individual customer. Orders without a customer create one, as RetailCRM does.
type customer struct {
	id                                    int
	externalID, site                      string
	createdAt                             time.Time
	firstName, lastName, patronymic, mail string
	phones                                []string
	address                               Address
	managerID                             int
}

// Customer is an individual customer for AddCustomer.
type Customer struct {
	ExternalID string
	Site       string
	FirstName  string
	LastName   string
	Patronymic string
	Email      string
	Phone      string
	Address    Address
	ManagerID  int
}

// AddCustomer adds an individual customer (a person; also the contact person of corporate
// customers) and returns its id.
func (s *Sandbox) AddCustomer(c Customer) int {
	var id int
	add(s, func(a *account) { id = a.addCustomer(c).id })
	return id
}

func (a *account) addCustomer(c Customer) *customer {
	cu := &customer{
		id: a.newID(idCustomer), externalID: c.ExternalID, site: c.Site, createdAt: a.clock(), firstName: c.FirstName,
		lastName: c.LastName, patronymic: c.Patronymic, mail: c.Email, address: c.Address, managerID: c.ManagerID,
	}
	if cu.address != (Address{}) {
		cu.address.ID = a.newID(idAddress)
	}
	if c.Phone != "" {
		cu.phones = []string{c.Phone}
	}
	a.customers = append(a.customers, cu)
	return cu
}

func (a *account) individual(id int, externalID, site string) *customer {
	for _, cu := range a.customers {
		if id != 0 && cu.id == id || id == 0 && externalID != "" && cu.externalID == externalID && cu.site == site {
			return cu
		}
	}
	return nil
}

// stats are the purchase figures RetailCRM keeps on customers and companies, computed here
// from the orders that match.
type stats struct {
	MarginSumm  num `json:"marginSumm"`
	TotalSumm   num `json:"totalSumm"`
	AverageSumm num `json:"averageSumm"`
	OrdersCount int `json:"ordersCount"`
	CostSumm    num `json:"costSumm"`
}

func (a *account) statsOf(match func(o *order) bool) stats {
	var st stats
	for _, o := range a.orders {
		if match(o) {
			st.OrdersCount++
			st.TotalSumm = st.TotalSumm.add(o.totalSumm)
			st.CostSumm = st.CostSumm.add(o.purchaseSumm)
		}
	}
	st.MarginSumm = st.TotalSumm.sub(st.CostSumm)
	if st.OrdersCount > 0 {
		st.AverageSumm = num{st.TotalSumm.Div(decimal.NewFromInt(int64(st.OrdersCount))).Round(2)}
	}
	return st
}

type phoneView struct {
	Number string `json:"number"`
}

type contragentType struct {
	ContragentType string `json:"contragentType"`
}

// customerView is an individual customer inside an order (customer, contact).
type customerView struct {
	Type               string          `json:"type"`
	ID                 int             `json:"id"`
	ExternalID         string          `json:"externalId,omitempty"`
	IsContact          bool            `json:"isContact"`
	CreatedAt          string          `json:"createdAt"`
	ManagerID          int             `json:"managerId,omitempty"`
	Vip                bool            `json:"vip"`
	Bad                bool            `json:"bad"`
	Site               string          `json:"site"`
	Contragent         contragentType  `json:"contragent"`
	Tags               []string        `json:"tags"`
	CustomFields       json.RawMessage `json:"customFields"`
	PersonalDiscount   num             `json:"personalDiscount"`
	CumulativeDiscount num             `json:"cumulativeDiscount"`
	Address            *Address        `json:"address,omitempty"`
	Segments           []string        `json:"segments"`
	FirstName          string          `json:"firstName,omitempty"`
	LastName           string          `json:"lastName,omitempty"`
	Patronymic         string          `json:"patronymic,omitempty"`
	Email              string          `json:"email,omitempty"`
	Phones             []phoneView     `json:"phones"`
	stats
}

func (a *account) customerView(cu *customer) customerView {
	v := customerView{
		Type: "customer", ID: cu.id, ExternalID: cu.externalID, IsContact: a.isContact(cu.id),
		CreatedAt: a.stamp(cu.createdAt), ManagerID: cu.managerID, Site: cu.site,
		Contragent: contragentType{"individual"}, Tags: []string{}, CustomFields: phpMap(nil),
		Segments: []string{}, FirstName: cu.firstName, LastName: cu.lastName, Patronymic: cu.patronymic,
		Email: cu.mail, Phones: []phoneView{},
		stats: a.statsOf(func(o *order) bool { return o.customerID == cu.id }),
	}
	if cu.address != (Address{}) {
		v.Address = &cu.address
	}
	for _, p := range cu.phones {
		v.Phones = append(v.Phones, phoneView{p})
	}
	return v
}

// isContact tells whether the person is a contact of a corporate customer.
func (a *account) isContact(customerID int) bool {
	for _, co := range a.corporate {
		for _, ct := range co.contacts {
			if ct.customerID == customerID {
				return true
			}
		}
	}
	return false
}

// phpMap renders a map the way PHP's json_encode renders an associative array: an empty one
// becomes [] (RetailCRM's customFields and properties do this).
func phpMap(m map[string]json.RawMessage) json.RawMessage {
	if len(m) == 0 {
		return json.RawMessage("[]")
	}
	return encode(m)
}
