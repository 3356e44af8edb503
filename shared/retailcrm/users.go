package retailcrm

import (
	"context"
	"net/url"
)

// User is a CRM user (a manager).
type User struct {
	ID         int64       `json:"id"`
	CreatedAt  string      `json:"createdAt"`
	Active     bool        `json:"active"`
	Email      string      `json:"email"`
	FirstName  string      `json:"firstName"`
	LastName   string      `json:"lastName"`
	Patronymic string      `json:"patronymic"`
	Phone      string      `json:"phone"`
	Status     string      `json:"status"`
	Online     bool        `json:"online"`
	IsAdmin    bool        `json:"isAdmin"`
	IsManager  bool        `json:"isManager"`
	Groups     []UserGroup `json:"groups"`
}

// UserGroup is a group a user belongs to.
type UserGroup struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

// UsersFilter selects users; nil flags do not filter.
type UsersFilter struct {
	Active    *bool
	IsManager *bool
	// Limit is 20, 50 or 100; 0 means the API's default (20).
	Limit int
	Page  int
}

// UsersPage is one page of Users.
type UsersPage struct {
	Users      []User     `json:"users"`
	Pagination Pagination `json:"pagination"`
}

// Users lists one page of users (GET /api/v5/users). Idempotent: retried.
func (c *Client) Users(ctx context.Context, f UsersFilter) (UsersPage, error) {
	q := url.Values{}
	setBool(q, "filter[active]", f.Active)
	setBool(q, "filter[isManager]", f.IsManager)
	if err := setPage(q, f.Limit, f.Page); err != nil {
		return UsersPage{}, err
	}
	return get[UsersPage](ctx, c, v5+"/users", q)
}

// AllUsers walks every page of Users from the first one (f.Page is ignored; f.Limit 0 means
// 100 a page).
func (c *Client) AllUsers(ctx context.Context, f UsersFilter) ([]User, error) {
	if f.Limit == 0 {
		f.Limit = 100
	}
	var all []User
	for f.Page = 1; ; f.Page++ {
		page, err := c.Users(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Users...)
		if len(page.Users) == 0 || f.Page >= page.Pagination.TotalPageCount {
			return all, nil
		}
	}
}

// User reads one user by CRM id (GET /api/v5/users/{id}). Idempotent: retried.
func (c *Client) User(ctx context.Context, id int64) (User, error) {
	ref := ByID(id, "")
	if err := ref.validate(); err != nil {
		return User{}, err
	}
	resp, err := get[struct {
		User User `json:"user"`
	}](ctx, c, ref.path(v5+"/users/", ""), nil)
	return resp.User, err
}
