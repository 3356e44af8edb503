package ssmsecret

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// Options select the SSM service a client talks to.
type Options struct {
	// Endpoint is the base URL of an SSM-compatible service (a test fake); empty means AWS SSM of
	// the region.
	Endpoint string
	// Region overrides the region of the default AWS configuration when not empty.
	Region string
}

// NewClient builds an SSM client from the default AWS configuration (environment, shared files,
// instance role) and the options.
func NewClient(ctx context.Context, o Options) (*ssm.Client, error) {
	var load []func(*config.LoadOptions) error
	if o.Region != "" {
		load = append(load, config.WithRegion(o.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("ssmsecret: load AWS configuration: %w", err)
	}
	return ssm.NewFromConfig(cfg, func(so *ssm.Options) {
		if o.Endpoint != "" {
			so.BaseEndpoint = aws.String(o.Endpoint)
		}
	}), nil
}
