// Package wiring builds the production adapters of the functions from their configuration, so
// that every main.go stays a few lines: config → adapters → handler → lambda.Start.
package wiring

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"unfbridge/shared/blob"
	"unfbridge/shared/blob/s3blob"
	"unfbridge/shared/config"
	"unfbridge/shared/logging"
	"unfbridge/shared/secret"
	"unfbridge/shared/secret/ssmsecret"
	"unfbridge/shared/staging"
	"unfbridge/shared/store"
	"unfbridge/shared/store/dynamostore"
)

// SecretsTTL is how long a function keeps a secret it read: a rotated token is accepted by
// every instance at most this long after the rotation, and the old one refused.
const SecretsTTL = time.Minute

// Env are the adapters every function works with.
type Env struct {
	Log     *slog.Logger
	Store   store.Store
	Secrets secret.Store
}

// Open reads the configuration of function into cfg, whose common part is common, and builds
// its logger, store and secrets.
func Open(ctx context.Context, function string, cfg any, common *config.Common) (Env, error) {
	if err := config.Load(cfg, os.LookupEnv); err != nil {
		return Env{}, err
	}
	log, err := logging.New(os.Stdout, common.LogLevel, function)
	if err != nil {
		return Env{}, err
	}
	st, err := newStore(ctx, common.Store)
	if err != nil {
		return Env{}, err
	}
	secrets, err := newSecrets(ctx, common.Secrets)
	if err != nil {
		return Env{}, err
	}
	return Env{Log: log, Store: st, Secrets: secrets}, nil
}

// newStore returns the DynamoDB store of the configuration.
func newStore(ctx context.Context, c config.Store) (store.Store, error) {
	client, err := dynamostore.NewClient(ctx, dynamostore.Options{Endpoint: c.DynamoDBEndpoint})
	if err != nil {
		return nil, err
	}
	return dynamostore.New(client, c.TableName), nil
}

// newSecrets returns the SSM Parameter Store secrets of the configuration, cached for SecretsTTL.
func newSecrets(ctx context.Context, c config.Secrets) (secret.Store, error) {
	client, err := ssmsecret.NewClient(ctx, ssmsecret.Options{Endpoint: c.SSMEndpoint})
	if err != nil {
		return nil, err
	}
	s, err := ssmsecret.New(client, c.SecretsPrefix)
	if err != nil {
		return nil, fmt.Errorf("SECRETS_PREFIX: %w", err)
	}
	return secret.NewCached(s, SecretsTTL), nil
}

// Buckets opens a Store with opts on each named bucket of the S3 service of the configuration,
// in order.
func Buckets(ctx context.Context, c config.Objects, opts []s3blob.StoreOption, names ...string) ([]blob.Store, error) {
	client, err := s3blob.NewClient(ctx, s3blob.Options{Endpoint: c.S3Endpoint, PathStyle: c.S3PathStyle})
	if err != nil {
		return nil, err
	}
	stores := make([]blob.Store, len(names))
	for i, name := range names {
		if stores[i], err = s3blob.New(client, name, opts...); err != nil {
			return nil, err
		}
	}
	return stores, nil
}

// Staging returns the staging of 1C snapshot pages in the staging bucket of the configuration.
func Staging(ctx context.Context, st store.Store, c config.Objects) (*staging.Repo, error) {
	buckets, err := Buckets(ctx, c, nil, c.StagingBucket)
	if err != nil {
		return nil, err
	}
	return staging.New(st, buckets[0], staging.Options{Retention: time.Duration(c.StagingRetentionDays) * 24 * time.Hour}), nil
}
