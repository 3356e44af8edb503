package dynamostore

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Options select the DynamoDB service a client talks to.
type Options struct {
	// Endpoint is the base URL of a DynamoDB-compatible service (the YDB document API of Yandex
	// Cloud, DynamoDB Local); empty means Amazon DynamoDB of the region.
	Endpoint string
	// Region overrides the region of the default AWS configuration when not empty.
	Region string
}

// NewClient builds a DynamoDB client from the default AWS configuration (environment, shared
// files, instance role) and the options.
func NewClient(ctx context.Context, o Options) (*dynamodb.Client, error) {
	var load []func(*config.LoadOptions) error
	if o.Region != "" {
		load = append(load, config.WithRegion(o.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("dynamostore: load AWS configuration: %w", err)
	}
	return dynamodb.NewFromConfig(cfg, func(do *dynamodb.Options) {
		if o.Endpoint != "" {
			do.BaseEndpoint = aws.String(o.Endpoint)
		}
	}), nil
}
