package sandbox

// systemVersion is the RetailCRM version the sandbox reports: the one of the captured account
// (api-system-info.json).
const systemVersion = "8.1.51"

// handleAPIVersions answers GET /api/api-versions.
func handleAPIVersions(*account, *call) (any, error) {
	return struct {
		Success  bool     `json:"success"`
		Versions []string `json:"versions"`
	}{true, []string{"3.0", "4.0", "5.0"}}, nil
}

// handleSystemInfo answers GET /api/system-info; both URLs are the host the request was sent to.
func handleSystemInfo(_ *account, c *call) (any, error) {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	url := scheme + "://" + c.r.Host
	return struct {
		Success       bool   `json:"success"`
		SystemVersion string `json:"systemVersion"`
		PublicURL     string `json:"publicUrl"`
		TechnicalURL  string `json:"technicalUrl"`
	}{true, systemVersion, url, url}, nil
}

type settingView struct {
	Value     string `json:"value"`
	UpdatedAt string `json:"updated_at"`
}

type workTimeView struct {
	DayType        string `json:"day_type"`
	StartTime      string `json:"start_time"`
	EndTime        string `json:"end_time"`
	LunchStartTime string `json:"lunch_start_time"`
	LunchEndTime   string `json:"lunch_end_time"`
}

// handleSettings answers GET settings: the currency of the first site (default RUB), Russian,
// the account's time zone and a working week of Monday to Friday, 09:00-18:00 with lunch at
// 13:00, all set when the account was created.
func handleSettings(a *account, _ *call) (any, error) {
	set := func(v string) settingView { return settingView{Value: v, UpdatedAt: a.stamp(a.createdAt)} }
	currency := "RUB"
	if len(a.sites) > 0 {
		currency = or(a.sites[0].Currency, currency)
	}
	week := []workTimeView{}
	for _, day := range []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"} {
		week = append(week, workTimeView{DayType: day, StartTime: "09:00", EndTime: "18:00", LunchStartTime: "13:00", LunchEndTime: "14:00"})
	}
	type settings struct {
		DefaultCurrency settingView    `json:"default_currency"`
		SystemLanguage  settingView    `json:"system_language"`
		Timezone        settingView    `json:"timezone"`
		WorkTimes       []workTimeView `json:"work_times"`
	}
	return struct {
		Success  bool     `json:"success"`
		Settings settings `json:"settings"`
	}{true, settings{set(currency), set("RU"), set(a.loc.String()), week}}, nil
}
