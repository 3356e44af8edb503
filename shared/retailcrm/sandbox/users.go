package sandbox

import (
	"strconv"
	"time"
)

// User is a CRM user (GET users); managers are users with IsManager.
type User struct {
	ID         int // assigned by AddUser when zero
	FirstName  string
	LastName   string
	Patronymic string
	Email      string
	Phone      string
	Active     bool
	IsManager  bool
	IsAdmin    bool
	Online     bool
	Status     string // "free", "busy", "dinner" or "break"; default "free"
	Groups     []UserGroup
	CreatedAt  time.Time // default: when added
}

// UserGroup is a user group a user belongs to.
type UserGroup struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	Code string `json:"code"`
}

type userView struct {
	ID         int         `json:"id"`
	CreatedAt  string      `json:"createdAt"`
	Active     bool        `json:"active"`
	Email      string      `json:"email"`
	FirstName  string      `json:"firstName"`
	LastName   string      `json:"lastName,omitempty"`
	Patronymic string      `json:"patronymic,omitempty"`
	Phone      string      `json:"phone,omitempty"`
	Status     string      `json:"status"`
	Online     bool        `json:"online"`
	IsAdmin    bool        `json:"isAdmin"`
	IsManager  bool        `json:"isManager"`
	Groups     []UserGroup `json:"groups"`
}

// AddUser adds a user and returns its id.
func (s *Sandbox) AddUser(u User) int {
	_ = s.do(func(a *account) error {
		if u.ID == 0 {
			u.ID = a.newID(idUser)
		}
		if u.Status == "" {
			u.Status = "free"
		}
		if u.CreatedAt.IsZero() {
			u.CreatedAt = a.clock()
		}
		a.users = append(a.users, u)
		return nil
	})
	return u.ID
}

func (a *account) user(id int) (User, bool) {
	for _, u := range a.users {
		if u.ID == id {
			return u, true
		}
	}
	return User{}, false
}

func (a *account) userView(u User) userView {
	return userView{
		ID: u.ID, CreatedAt: a.stamp(u.CreatedAt), Active: u.Active, Email: u.Email, FirstName: u.FirstName,
		LastName: u.LastName, Patronymic: u.Patronymic, Phone: u.Phone, Status: u.Status, Online: u.Online,
		IsAdmin: u.IsAdmin, IsManager: u.IsManager, Groups: nonNil(u.Groups),
	}
}

// handleUsers answers GET users with filter[active], filter[isManager], filter[online],
// filter[email] and paging.
func handleUsers(a *account, c *call) (any, error) {
	f, err := filters(c.query, "active", "isManager", "online", "email")
	if err != nil {
		return nil, err
	}
	pg, err := pageOf(c.query)
	if err != nil {
		return nil, err
	}
	type boolFilter struct {
		vals []string
		of   func(User) bool
	}
	checks := []boolFilter{
		{f["active"], func(u User) bool { return u.Active }},
		{f["isManager"], func(u User) bool { return u.IsManager }},
		{f["online"], func(u User) bool { return u.Online }},
	}
	var hits []userView
	for _, u := range a.users {
		keep := len(f["email"]) == 0 || f["email"][0] == u.Email
		for _, ch := range checks {
			want, given, err := flagValue(ch.vals)
			if err != nil {
				return nil, err
			}
			keep = keep && (!given || ch.of(u) == want)
		}
		if keep {
			hits = append(hits, a.userView(u))
		}
	}
	lo, hi, p := paginate(len(hits), pg)
	return struct {
		Success    bool       `json:"success"`
		Pagination pagination `json:"pagination"`
		Users      []userView `json:"users"`
	}{true, p, nonNil(hits[lo:hi])}, nil
}

// handleUser answers GET users/{id}.
func handleUser(a *account, c *call) (any, error) {
	id, err := strconv.Atoi(c.args["id"])
	if err != nil {
		return nil, errNotFound()
	}
	u, ok := a.user(id)
	if !ok {
		return nil, errNotFound()
	}
	return struct {
		Success bool     `json:"success"`
		User    userView `json:"user"`
	}{true, a.userView(u)}, nil
}
