package ssmfake

import (
	"fmt"
	"strings"
)

// Parameter types.
const (
	typeString     = "String"
	typeStringList = "StringList"
	typeSecure     = "SecureString"
)

// Tiers, and the longest value each takes.
const (
	tierStandard    = "Standard"
	tierAdvanced    = "Advanced"
	tierIntelligent = "Intelligent-Tiering"

	maxStandardValue = 4096
	maxAdvancedValue = 8192
)

// Limits on names.
const (
	maxNameLen = 2048
	maxLevels  = 15
)

const nameRules = `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive). ` +
	`If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be ` +
	`formed as a mix of letters, numbers and the following 3 symbols .-_`

// checkName checks a parameter name: length, characters, and the shape of a path.
func checkName(name string) *apiError {
	if name == "" || len(name) > maxNameLen {
		return &apiError{codeValidation, fmt.Sprintf(
			"1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length between 1 and %d", maxNameLen)}
	}
	for _, r := range name {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("_.-/", r)) {
			return &apiError{codeValidation, nameRules}
		}
	}
	if !strings.Contains(name, "/") {
		return nil
	}
	if !strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.Contains(name, "//") {
		return &apiError{codeValidation, nameRules}
	}
	if strings.Count(name, "/") > maxLevels {
		return &apiError{codeHierarchyLimit, fmt.Sprintf("A hierarchy can have a maximum of %d levels.", maxLevels)}
	}
	return nil
}

// checkNewName checks the name of a parameter being written: checkName, and no reserved prefix.
func checkNewName(name string) *apiError {
	if e := checkName(name); e != nil {
		return e
	}
	first := strings.ToLower(strings.TrimPrefix(name, "/"))
	if strings.HasPrefix(first, "aws") || strings.HasPrefix(first, "ssm") {
		return &apiError{codeValidation, nameRules}
	}
	return nil
}

// checkPut checks the type, tier and value of a PutParameter request; an empty type or tier is
// left to the caller. Messages never quote the value.
func checkPut(typ, tier, value string) *apiError {
	switch typ {
	case "", typeString, typeStringList, typeSecure:
	default:
		return &apiError{codeValidation, fmt.Sprintf(
			"1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [%s, %s, %s]",
			typ, typeSecure, typeStringList, typeString)}
	}
	switch tier {
	case "", tierStandard, tierAdvanced, tierIntelligent:
	default:
		return &apiError{codeValidation, fmt.Sprintf(
			"1 validation error detected: Value '%s' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [%s, %s, %s]",
			tier, tierStandard, tierAdvanced, tierIntelligent)}
	}
	if value == "" {
		return &apiError{codeValidation, "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1"}
	}
	return nil
}

// resolveTier returns the tier a value of size bytes is stored in, given the requested tier and
// the parameter's current one (empty for a new parameter): an Advanced parameter stays Advanced.
func resolveTier(requested, current string, size int) (string, *apiError) {
	tier := tierStandard
	if requested == tierAdvanced || current == tierAdvanced || requested == tierIntelligent && size > maxStandardValue {
		tier = tierAdvanced
	}
	limit := maxStandardValue
	if tier == tierAdvanced {
		limit = maxAdvancedValue
	}
	if size > limit {
		msg := fmt.Sprintf("%s tier parameters support a maximum parameter value of %d characters.", tier, limit)
		if tier == tierStandard {
			msg += " To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier."
		}
		return "", &apiError{codeValidation, msg}
	}
	return tier, nil
}
