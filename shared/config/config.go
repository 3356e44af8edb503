// Package config holds the configuration of every function, read from environment variables.
//
// Each function's configuration is a struct whose fields carry an `env:"NAME"` tag, optionally
// `required:"true"` and `default:"…"`. The same structs tell the template test which variables each
// function reads, so template.yaml cannot forget one.
package config

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Store says where the bridge keeps its state.
type Store struct {
	TableName string `env:"TABLE_NAME" required:"true"`
	// DynamoDBEndpoint is the optional endpoint of a DynamoDB-compatible service.
	DynamoDBEndpoint string `env:"DYNAMODB_ENDPOINT"`
}

// Logging sets the log level.
type Logging struct {
	LogLevel string `env:"LOG_LEVEL" default:"info"`
}

// Secrets says where the secrets are: SSM Parameter Store parameters named SecretsPrefix + name.
type Secrets struct {
	// SecretsPrefix is the parameter path, e.g. "/unfbridge/prod/"; it starts and ends with "/".
	SecretsPrefix string `env:"SECRETS_PREFIX" required:"true"`
	// SSMEndpoint is the optional endpoint of an SSM-compatible service.
	SSMEndpoint string `env:"SSM_ENDPOINT"`
}

// RetailCRM tunes the calls to RetailCRM.
type RetailCRM struct {
	// RetailCRMRate is the request budget per second of the API key, shared by every function.
	RetailCRMRate int `env:"RETAILCRM_RATE" default:"10"`
}

// Objects says where the bridge keeps objects: the staging bucket of 1C snapshot pages (private)
// and the S3 service.
type Objects struct {
	// S3Endpoint is the optional endpoint of an S3-compatible service.
	S3Endpoint string `env:"S3_ENDPOINT"`
	// S3PathStyle addresses buckets path-style.
	S3PathStyle   bool   `env:"S3_PATH_STYLE" default:"false"`
	StagingBucket string `env:"STAGING_BUCKET" required:"true"`
	// StagingRetentionDays is how long the staging bucket keeps pages (its lifecycle rule).
	StagingRetentionDays int `env:"STAGING_RETENTION_DAYS" default:"7"`
}

// Catalog says where the catalog file is published and the URL it is read at.
type Catalog struct {
	CatalogBucket string `env:"CATALOG_BUCKET" required:"true"`
	// CatalogPrefix starts the key of the file; only keys under it are publicly readable.
	CatalogPrefix string `env:"CATALOG_PREFIX" default:"catalog/"`
	// CatalogBaseURL is the public URL of CatalogPrefix.
	CatalogBaseURL string `env:"CATALOG_BASE_URL" required:"true"`
}

// Common is what every function reads: its store, its log level and its secrets.
type Common struct {
	Store
	Logging
	Secrets
}

// Admin is the configuration of the admin function.
type Admin struct {
	Common
	RetailCRM
	Catalog
}

// HistorySync is the configuration of the history-sync function.
type HistorySync struct {
	Common
	RetailCRM
}

// CRMWebhook is the configuration of the crm-webhook function.
type CRMWebhook struct {
	Common
	RetailCRM
}

// CRMPush is the configuration of the crm-push function.
type CRMPush struct {
	Common
	RetailCRM
}

// OnecGateway is the configuration of the onec-gateway function.
type OnecGateway struct {
	Common
	Objects
}

// CatalogBuilder is the configuration of the catalog-builder function.
type CatalogBuilder struct {
	Common
	Objects
	Catalog
}

// StoreSync is the configuration of the store-sync function.
type StoreSync struct {
	Common
	RetailCRM
	Objects
}

// Functions maps each function (its folder under functions/) to its configuration type.
var Functions = map[string]any{
	"admin":           Admin{},
	"onec-gateway":    OnecGateway{},
	"history-sync":    HistorySync{},
	"crm-webhook":     CRMWebhook{},
	"crm-push":        CRMPush{},
	"catalog-builder": CatalogBuilder{},
	"store-sync":      StoreSync{},
}

// Var is one environment variable a configuration reads.
type Var struct {
	Name     string
	Required bool
}

// Load fills dst, a pointer to a configuration struct, from lookup (os.LookupEnv in production).
// An empty value counts as unset. Every problem is reported, not only the first.
func Load(dst any, lookup func(string) (string, bool)) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("config: Load wants a pointer to a struct, got %T", dst)
	}
	var errs []error
	walk(v.Elem(), func(f reflect.Value, sf reflect.StructField) {
		name := sf.Tag.Get("env")
		raw, _ := lookup(name)
		if raw == "" {
			raw = sf.Tag.Get("default")
		}
		if raw == "" {
			if sf.Tag.Get("required") == "true" {
				errs = append(errs, fmt.Errorf("config: %s is required", name))
			}
			return
		}
		if err := set(f, raw); err != nil {
			errs = append(errs, fmt.Errorf("config: %s: %w", name, err))
		}
	})
	return errors.Join(errs...)
}

// Vars lists the environment variables that a configuration struct (or a pointer to one) reads.
func Vars(cfg any) []Var {
	v := reflect.Indirect(reflect.ValueOf(cfg))
	var vars []Var
	walk(v, func(_ reflect.Value, sf reflect.StructField) {
		vars = append(vars, Var{Name: sf.Tag.Get("env"), Required: sf.Tag.Get("required") == "true"})
	})
	return vars
}

// walk calls fn for every field with an env tag, descending into embedded and nested structs.
func walk(v reflect.Value, fn func(reflect.Value, reflect.StructField)) {
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		f := v.Field(i)
		if _, ok := sf.Tag.Lookup("env"); ok {
			fn(f, sf)
			continue
		}
		if sf.Type.Kind() == reflect.Struct && sf.Type != reflect.TypeFor[time.Time]() {
			walk(f, fn)
		}
	}
}

func set(f reflect.Value, raw string) error {
	switch {
	case f.Type() == reflect.TypeFor[time.Duration]():
		d, err := time.ParseDuration(raw)
		if err != nil {
			return fmt.Errorf("not a duration (e.g. 30s, 5m): %q", raw)
		}
		f.SetInt(int64(d))
	case f.Kind() == reflect.String:
		f.SetString(strings.TrimSpace(raw))
	case f.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("not true or false: %q", raw)
		}
		f.SetBool(b)
	case f.Kind() == reflect.Int:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return fmt.Errorf("not a whole number: %q", raw)
		}
		f.SetInt(int64(n))
	default:
		return fmt.Errorf("unsupported field type %s", f.Type())
	}
	return nil
}
