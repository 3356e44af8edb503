package retailcrm

import "context"

// APIVersions returns the API versions the account serves, e.g. ["3.0", "4.0", "5.0"]
// (GET /api/api-versions, unversioned). Idempotent: retried.
func (c *Client) APIVersions(ctx context.Context) ([]string, error) {
	resp, err := get[struct {
		Versions []string `json:"versions"`
	}](ctx, c, "/api/api-versions", nil)
	return resp.Versions, err
}

// SystemInfo describes the RetailCRM installation of the account.
type SystemInfo struct {
	SystemVersion string `json:"systemVersion"`
	// PublicURL is the account URL users know; TechnicalURL is the installation's own host.
	PublicURL    string `json:"publicUrl"`
	TechnicalURL string `json:"technicalUrl"`
}

// SystemInfo returns the version and the URLs of the installation (GET /api/system-info,
// unversioned). Idempotent: retried.
func (c *Client) SystemInfo(ctx context.Context) (SystemInfo, error) {
	return get[SystemInfo](ctx, c, "/api/system-info", nil)
}

// Settings are the account settings a bridge needs.
type Settings struct {
	// DefaultCurrency is an ISO code, e.g. "RUB".
	DefaultCurrency Setting `json:"default_currency"`
	// SystemLanguage is the language of the account, e.g. "RU".
	SystemLanguage Setting `json:"system_language"`
	// Timezone is an IANA name, e.g. "Europe/Moscow": the zone of every date-time of the API.
	Timezone Setting `json:"timezone"`
	// WorkTimes are the working hours by day of the week, when set.
	WorkTimes []WorkTime `json:"work_times"`
}

// Setting is one value of the settings and when it was last changed.
type Setting struct {
	Value     string `json:"value"`
	UpdatedAt string `json:"updated_at"`
}

// WorkTime is the working hours of one day of the week ("Monday", …), as "HH:MM".
type WorkTime struct {
	DayType        string `json:"day_type"`
	StartTime      string `json:"start_time"`
	EndTime        string `json:"end_time"`
	LunchStartTime string `json:"lunch_start_time"`
	LunchEndTime   string `json:"lunch_end_time"`
}

// Settings reads the account settings (GET /api/v5/settings). Idempotent: retried.
func (c *Client) Settings(ctx context.Context) (Settings, error) {
	resp, err := get[struct {
		Settings Settings `json:"settings"`
	}](ctx, c, v5+"/settings", nil)
	return resp.Settings, err
}
