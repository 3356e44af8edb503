package settings

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"unfbridge/shared/onec"
	"unfbridge/shared/retailcrm"
)

// Problem is one invalid value, by its JSON path (e.g. "tables.managers[2].crmId").
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every problem of a settings part.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Field + ": " + p.Message
	}
	return "settings: invalid: " + strings.Join(msgs, "; ")
}

// problems collects Problems under a path prefix.
type problems struct {
	list []Problem
}

func (p *problems) add(field, format string, args ...any) {
	p.list = append(p.list, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &ValidationError{Problems: p.list}
}

var siteCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$`)

// crmCode is the shape of RetailCRM symbolic codes (statuses, stores, types).
var crmCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$`)

const maxText = 1024

// Validate checks the constants and normalises the account URL.
func (c *Connection) Validate() error {
	var p problems
	c.validate(&p, "connection")
	return p.err()
}

func (c *Connection) validate(p *problems, path string) {
	c.AccountURL = strings.TrimSpace(c.AccountURL)
	if c.AccountURL != "" {
		u, err := retailcrm.AccountURL(c.AccountURL)
		if err != nil {
			p.add(path+".accountUrl", "Адрес RetailCRM указан неверно. Укажите адрес вида https://myshop.retailcrm.ru.")
		} else {
			c.AccountURL = u
		}
	}
	c.SiteCode = strings.TrimSpace(c.SiteCode)
	if c.SiteCode != "" && !siteCode.MatchString(c.SiteCode) {
		p.add(path+".siteCode", "Код магазина может содержать только латинские буквы, цифры, точку, дефис и подчёркивание.")
	}
	if c.Operation != "" && !slices.Contains(Operations, c.Operation) {
		p.add(path+".operation", "Вид операции должен быть одним из: %s.", strings.Join(Operations, ", "))
	}
	if c.DeferralDays < 0 || c.DeferralDays > maxDeferralDays {
		p.add(path+".deferralDays", "Отсрочка в днях должна быть от 0 до %d.", maxDeferralDays)
	}
	for _, f := range c.refFields() {
		checkRef(p, path+"."+f.field, f.ref, f.kind)
	}
}

// checkRef checks the form of a 1C reference: a GUID (or an enumeration value) and a name.
func checkRef(p *problems, field string, r *onec.Ref, kind onec.Kind) {
	if r == nil {
		return
	}
	r.Ref = strings.TrimSpace(r.Ref)
	switch {
	case r.Ref == "":
		p.add(field, "Не указана ссылка на элемент справочника 1С (ref).")
	case kind.Enumeration() && !enumValue.MatchString(r.Ref):
		p.add(field, "Значение перечисления 1С указано неверно: %q.", r.Ref)
	case !kind.Enumeration() && !onec.ValidGUID(r.Ref):
		p.add(field, "Ссылка на элемент справочника 1С должна быть GUID в нижнем регистре, получено %q.", r.Ref)
	}
	if utf8.RuneCountInString(r.Name) > maxText {
		p.add(field, "Слишком длинное наименование (больше %d символов).", maxText)
	}
}

var enumValue = regexp.MustCompile(`^[\p{L}_][\p{L}\p{N}_]{0,149}$`)

// Validate checks the catalog options.
func (c *Catalog) Validate() error {
	var p problems
	c.validate(&p, "catalog")
	return p.err()
}

func (c *Catalog) validate(p *problems, path string) {
	if !slices.Contains([]string{ProductIDCode, ProductIDArticle, ProductIDGUID}, c.ProductID) {
		p.add(path+".productId", "Идентификатор товара в 1С должен быть одним из: code (Код), article (Артикул), guid (GUID).")
	}
	if c.OfferKey != OfferKeyExternal && c.OfferKey != OfferKeyXMLID {
		p.add(path+".offerKey", "Идентификатор торгового предложения в RetailCRM должен быть externalId или xmlId.")
	}
	c.ObjectKey = strings.TrimSpace(c.ObjectKey)
	if c.ObjectKey == "" {
		c.ObjectKey = DefaultObjectKey
	}
	if !objectKey.MatchString(c.ObjectKey) || strings.Contains(c.ObjectKey, "..") {
		p.add(path+".objectKey", "Имя файла каталога может содержать латинские буквы, цифры, точку, дефис, подчёркивание и косую черту, например catalog_icml.xml.")
	}
	if c.MaxShrinkPercent < 0 || c.MaxShrinkPercent > 100 {
		p.add(path+".maxShrinkPercent", "Допустимое уменьшение каталога задаётся в процентах от 0 до 100.")
	}
	if len(c.Groups) > maxCatalogEntries {
		p.add(path+".groups", "Слишком много групп номенклатуры (больше %d).", maxCatalogEntries)
	}
	seen := map[string]bool{}
	for i := range c.Groups {
		field := fmt.Sprintf("%s.groups[%d]", path, i)
		checkRef(p, field, &c.Groups[i], onec.KindNomenclatureGroups)
		if seen[c.Groups[i].Ref] {
			p.add(field, "Группа «%s» выбрана дважды.", c.Groups[i].Name)
		}
		seen[c.Groups[i].Ref] = true
	}
}

var objectKey = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,199}$`)

// Validate checks the push options.
func (e *Push) Validate() error {
	var p problems
	e.validate(&p, "push")
	return p.err()
}

func (e *Push) validate(p *problems, path string) {
	if e.CancelStatus != "" && !crmCode.MatchString(e.CancelStatus) {
		p.add(path+".cancelStatus", "Код статуса RetailCRM указан неверно: %q.", e.CancelStatus)
	}
	if e.PaymentUnposted != PaymentUnpostedDelete && e.PaymentUnposted != PaymentUnpostedNotPaid {
		p.add(path+".paymentUnposted", "Укажите, что делать с оплатой RetailCRM при отмене проведения документа 1С: %s (удалить) или %s (сделать неоплаченной).",
			PaymentUnpostedDelete, PaymentUnpostedNotPaid)
	}
	for field, code := range map[string]string{"paidStatus": e.PaidStatus, "notPaidStatus": e.NotPaidStatus} {
		if !crmCode.MatchString(code) {
			p.add(path+"."+field, "Укажите код статуса оплаты RetailCRM, например paid или not-paid.")
		}
	}
}

// Validate checks the history position.
func (h *History) Validate() error {
	if h.SinceID < 0 {
		return &ValidationError{Problems: []Problem{{Field: "history.sinceId",
			Message: "Id последней записи не может быть отрицательным."}}}
	}
	return nil
}

// Validate checks the whole settings and normalises them (see Connection.Validate).
func (s *Settings) Validate() error {
	var p problems
	s.Connection.validate(&p, "connection")
	s.Catalog.validate(&p, "catalog")
	s.Tables.validate(&p, "tables")
	s.Push.validate(&p, "push")
	if err := s.History.Validate(); err != nil {
		p.list = append(p.list, err.(*ValidationError).Problems...)
	}
	return p.err()
}
