package dynamostore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"unfbridge/shared/store"
)

// mapError turns a service error into the store's errors where one applies: a failed condition
// into store.ErrConditionFailed, a validation error into store.ErrItemTooLarge or store.ErrInvalid.
func mapError(err error) error {
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return store.ErrConditionFailed
	}
	var api smithy.APIError
	if errors.As(err, &api) && api.ErrorCode() == "ValidationException" {
		return validationError(api.ErrorMessage())
	}
	return err
}

// writeError maps a TransactWriteItems error: a failed condition gives a *store.WriteConflict
// naming the first operation whose condition failed; so does a conflict with another
// transaction on the same item (TransactionConflict), since the caller's remedy is the same:
// read again and retry. Other errors are wrapped as mapError does.
func writeError(err error) error {
	var canceled *types.TransactionCanceledException
	if errors.As(err, &canceled) {
		for _, code := range []string{"ConditionalCheckFailed", "TransactionConflict"} {
			for i, r := range canceled.CancellationReasons {
				if aws.ToString(r.Code) == code {
					return &store.WriteConflict{Index: i}
				}
			}
		}
		for i, r := range canceled.CancellationReasons {
			if aws.ToString(r.Code) == "ValidationError" {
				return fmt.Errorf("dynamostore: write: operation %d: %w", i, validationError(aws.ToString(r.Message)))
			}
		}
	}
	return fmt.Errorf("dynamostore: write: %w", mapError(err))
}

func validationError(msg string) error {
	if strings.Contains(strings.ToLower(msg), "size") {
		return fmt.Errorf("%w: %s", store.ErrItemTooLarge, msg)
	}
	return fmt.Errorf("%w: %s", store.ErrInvalid, msg)
}
