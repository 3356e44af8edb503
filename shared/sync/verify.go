package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"unfbridge/shared/retailcrm"
	"unfbridge/shared/settings"
)

// GateMessage is the manual's answer to every action that needs a verified connection.
const GateMessage = "Проверьте корректность адреса crm и api ключ"

// RequiredScopes are the API key permissions the bridge uses.
var RequiredScopes = []string{"order_read", "order_write", "customer_read", "customer_write",
	"reference_read", "store_read", "store_write", "user_read"}

// verifyTimeout bounds one verification.
const verifyTimeout = 20 * time.Second

// verify checks that the key opens the account at the URL and reaches the site: the
// credentials call succeeds, the site exists and the key may work with it. It never fails: the
// outcome, with the reason in Russian, is the Verification.
func verify(ctx context.Context, connect Connector, conn settings.Connection, apiKey string, now time.Time) settings.Verification {
	v := settings.Verification{CheckedAt: now.UTC(), AccountURL: conn.AccountURL, SiteCode: conn.SiteCode}
	switch {
	case conn.AccountURL == "":
		v.Message = GateMessage + ": не указан адрес RetailCRM."
		return v
	case apiKey == "":
		v.Message = GateMessage + ": не указан API-ключ."
		return v
	case conn.SiteCode == "":
		v.Message = GateMessage + ": не указан код магазина."
		return v
	}
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	crm, err := connect(conn.AccountURL, apiKey)
	if err != nil {
		v.Message = GateMessage + ": " + crmProblem(err, conn.AccountURL)
		return v
	}
	cr, err := crm.Credentials(ctx)
	if err != nil {
		v.Message = GateMessage + ": " + crmProblem(err, conn.AccountURL)
		return v
	}
	if cr.SiteAccess != "access_full" && !slices.Contains(cr.SitesAvailable, conn.SiteCode) {
		v.Message = fmt.Sprintf("%s: API-ключ не имеет доступа к магазину %q. Доступные ключу магазины: %s.",
			GateMessage, conn.SiteCode, listOrNone(cr.SitesAvailable))
		return v
	}
	sites, err := crm.Sites(ctx)
	if err != nil {
		v.Message = GateMessage + ": не удалось прочитать список магазинов: " + crmProblem(err, conn.AccountURL)
		return v
	}
	if _, ok := sites[conn.SiteCode]; !ok {
		codes := make([]string, 0, len(sites))
		for code := range sites {
			codes = append(codes, code)
		}
		slices.Sort(codes)
		v.Message = fmt.Sprintf("%s: магазин с кодом %q не найден в RetailCRM. Магазины аккаунта: %s.",
			GateMessage, conn.SiteCode, listOrNone(codes))
		return v
	}
	v.OK = true
	if len(cr.Scopes) > 0 {
		var missing []string
		for _, sc := range RequiredScopes {
			if !slices.Contains(cr.Scopes, sc) {
				missing = append(missing, sc)
			}
		}
		if len(missing) > 0 {
			v.Warnings = append(v.Warnings, "У API-ключа нет прав, нужных мосту: "+strings.Join(missing, ", ")+
				". Добавьте их в RetailCRM: Администрирование > Интеграция > Ключи доступа к API.")
		}
	}
	return v
}

func listOrNone(items []string) string {
	if len(items) == 0 {
		return "нет"
	}
	return strings.Join(items, ", ")
}

// crmProblem explains a RetailCRM failure to the user, in Russian. RetailCRM's own message is
// kept as given.
func crmProblem(err error, accountURL string) string {
	switch {
	case errors.Is(err, retailcrm.ErrInvalidArgument):
		return "адрес RetailCRM или API-ключ указаны неверно."
	case errors.Is(err, retailcrm.ErrWrongAccountURL):
		return fmt.Sprintf("по адресу %s не найдена система RetailCRM. Проверьте адрес.", accountURL)
	case errors.Is(err, retailcrm.ErrAuth):
		return "RetailCRM не принимает API-ключ (" + apiMessage(err) + "). Проверьте ключ."
	case errors.Is(err, retailcrm.ErrRateLimited):
		return "RetailCRM ограничивает частоту запросов. Повторите попытку через минуту."
	case errors.Is(err, retailcrm.ErrTransport), errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("не удалось связаться с %s. Проверьте адрес и доступность RetailCRM.", accountURL)
	case errors.Is(err, retailcrm.ErrServer):
		return "RetailCRM временно недоступна (" + apiMessage(err) + "). Повторите попытку позже."
	}
	return "RetailCRM ответила ошибкой: " + apiMessage(err) + "."
}

// apiMessage is RetailCRM's message of an API error, or the error itself.
func apiMessage(err error) string {
	if ae, ok := errors.AsType[*retailcrm.APIError](err); ok && ae.Message != "" {
		return ae.Message
	}
	return err.Error()
}
