// Package ssmsecret implements secret.Store on AWS Systems Manager Parameter Store: each secret is
// the SecureString parameter named prefix + secret name, encrypted with the account's default SSM
// key. Parameters are of the Standard tier, so values hold at most 4 KB.
//
// Errors never contain a secret value: service errors are passed on, unless one quotes the value,
// which is then replaced.
package ssmsecret

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"unfbridge/shared/secret"
)

// Store is a secret.Store on SSM parameters under one prefix. It is safe for concurrent use.
type Store struct {
	client *ssm.Client
	prefix string
}

var _ secret.Store = (*Store)(nil)

// New returns a store on the parameters whose names start with prefix, such as
// "/unfbridge/prod/": it starts and ends with "/", and holds letters, digits, "_", ".", "-" and
// single "/" between path parts.
func New(client *ssm.Client, prefix string) (*Store, error) {
	if client == nil {
		return nil, errors.New("ssmsecret: nil client")
	}
	if err := checkPrefix(prefix); err != nil {
		return nil, err
	}
	return &Store{client: client, prefix: prefix}, nil
}

func checkPrefix(p string) error {
	switch {
	case !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/"):
		return fmt.Errorf("ssmsecret: prefix %q does not start and end with \"/\"", p)
	case strings.Contains(p, "//"):
		return fmt.Errorf("ssmsecret: prefix %q has an empty path part", p)
	case strings.IndexFunc(p, func(r rune) bool { return !nameRune(r) }) >= 0:
		return fmt.Errorf("ssmsecret: prefix %q has a character other than letters, digits, \"_\", \".\", \"-\" and \"/\"", p)
	}
	return nil
}

// nameRune tells whether r may appear in a parameter name.
func nameRune(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("_.-/", r)
}

// Get returns the decrypted value of a secret, or an error wrapping secret.ErrNotFound.
func (s *Store) Get(ctx context.Context, name string) (string, error) {
	param := s.prefix + name
	out, err := s.client.GetParameter(ctx, &ssm.GetParameterInput{Name: &param, WithDecryption: aws.Bool(true)})
	var notFound *types.ParameterNotFound
	if errors.As(err, &notFound) {
		return "", fmt.Errorf("ssmsecret: get %s: %w", param, secret.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("ssmsecret: get %s: %w", param, err)
	}
	if out.Parameter == nil || out.Parameter.Value == nil {
		return "", fmt.Errorf("ssmsecret: get %s: the response has no value", param)
	}
	return *out.Parameter.Value, nil
}

// Put sets the value of a secret as a SecureString, replacing any previous one.
func (s *Store) Put(ctx context.Context, name, value string) error {
	param := s.prefix + name
	_, err := s.client.PutParameter(ctx, &ssm.PutParameterInput{
		Name:      &param,
		Value:     &value,
		Type:      types.ParameterTypeSecureString,
		Overwrite: aws.Bool(true),
	})
	if err != nil {
		return hideValue(fmt.Errorf("ssmsecret: put %s: %w", param, err), value)
	}
	return nil
}

// hideValue returns err, unless its text contains value: then it returns an error with that text,
// value replaced by "[redacted]", which does not wrap err, so that no error of the chain holds it.
func hideValue(err error, value string) error {
	msg := err.Error()
	if value == "" || !strings.Contains(msg, value) {
		return err
	}
	return errors.New(strings.ReplaceAll(msg, value, "[redacted]"))
}
