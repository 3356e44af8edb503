package dynamostore

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"unfbridge/shared/store"
)

// TestTransactionConflictIsAWriteConflict: real DynamoDB cancels a transaction that races
// another one on the same item with reason TransactionConflict (DynamoDB Local serialises and
// never does); callers must see the same retryable conflict as a failed condition.
func TestTransactionConflictIsAWriteConflict(t *testing.T) {
	err := writeError(&types.TransactionCanceledException{CancellationReasons: []types.CancellationReason{
		{Code: aws.String("None")}, {Code: aws.String("TransactionConflict")},
	}})
	var wc *store.WriteConflict
	if !errors.As(err, &wc) || wc.Index != 1 || !errors.Is(err, store.ErrConditionFailed) {
		t.Fatalf("got %v", err)
	}
}
