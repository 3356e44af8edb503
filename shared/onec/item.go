package onec

// validateItem reports the problems of one item of a reference list.
func validateItem(p *problems, kind Kind, field string, it RefItem) {
	if kind.Enumeration() {
		checkEnumValue(p, field+".ref", it.Ref)
	} else {
		checkGUID(p, field+".ref", it.Ref)
	}
	checkText(p, field+".name", it.Name, MaxNameLen, true)
	switch kind {
	case KindOrganizations:
		checkINN(p, field+".inn", it.INN)
		checkKPP(p, field+".kpp", it.KPP)
	case KindBankAccounts:
		checkRef(p, field+".owner", it.Owner, true)
	case KindCurrencies:
		checkText(p, field+".code", it.Code, maxCodeLen, true)
	case KindNomenclatureGroups:
		checkRef(p, field+".parent", it.Parent, false)
	}
	checkUnused(p, kind, field, it)
}

// optionalFields tells which kinds carry each optional field of RefItem.
var optionalFields = []struct {
	name    string
	kind    Kind
	present func(RefItem) bool
}{
	{"inn", KindOrganizations, func(it RefItem) bool { return it.INN != "" }},
	{"kpp", KindOrganizations, func(it RefItem) bool { return it.KPP != "" }},
	{"code", KindCurrencies, func(it RefItem) bool { return it.Code != "" }},
	{"owner", KindBankAccounts, func(it RefItem) bool { return it.Owner != nil }},
	{"parent", KindNomenclatureGroups, func(it RefItem) bool { return it.Parent != nil }},
}

// checkUnused reports optional fields given for a kind that does not carry them.
func checkUnused(p *problems, kind Kind, field string, it RefItem) {
	for _, f := range optionalFields {
		if f.kind != kind && f.present(it) {
			p.add(field+"."+f.name, "Поле не используется в списке %s.", kind)
		}
	}
}

// checkINN reports an ИНН that is not 10 (organization) or 12 (entrepreneur) digits; empty is
// allowed.
func checkINN(p *problems, field, s string) {
	if s != "" && (len(s) != 10 && len(s) != 12 || !allBytes(s, isDigit)) {
		p.add(field, "ИНН должен состоять из 10 цифр (организация) или 12 цифр (индивидуальный предприниматель).")
	}
}

// checkKPP reports a КПП that is not 9 digits or upper-case Latin letters; empty is allowed.
func checkKPP(p *problems, field, s string) {
	if s != "" && (len(s) != 9 || !allBytes(s, func(c byte) bool { return isDigit(c) || 'A' <= c && c <= 'Z' })) {
		p.add(field, "КПП должен состоять из 9 символов: цифр и заглавных латинских букв.")
	}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func allBytes(s string, ok func(byte) bool) bool {
	for i := range len(s) {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}
