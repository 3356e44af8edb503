package dynamostore

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"unfbridge/infra/dynamodblocal"
	"unfbridge/shared/store"
)

// TestServiceErrors sends requests the shared validation would refuse straight to the service and
// checks that its answers map to the store's errors.
func TestServiceErrors(t *testing.T) {
	ctx := t.Context()
	client, table := dynamodblocal.NewTable(t)
	small := store.Item{PK: "p", SK: "small", Version: 1}
	big := store.Item{PK: "p", SK: "big", Version: 1, Data: make([]byte, store.MaxItemSize)}

	_, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &table, Item: itemAttrs(big)})
	if err := mapError(err); !errors.Is(err, store.ErrItemTooLarge) {
		t.Errorf("put too large: got %v, want ErrItemTooLarge", err)
	}

	_, err = client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: &table, Item: itemAttrs(small)}},
		{Put: &types.Put{TableName: &table, Item: itemAttrs(big)}},
	}})
	if err := writeError(err); !errors.Is(err, store.ErrItemTooLarge) {
		t.Errorf("write too large: got %v, want ErrItemTooLarge", err)
	}

	_, err = client.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, Key: keyAttrs(store.Key{SK: "s"})})
	if err := mapError(err); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("get with an empty pk: got %v, want ErrInvalid", err)
	}

	ce := condition(store.IfExists(), time.Now())
	_, err = client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &table, Item: itemAttrs(small),
		ConditionExpression: ce.expr, ExpressionAttributeNames: ce.names, ExpressionAttributeValues: ce.values})
	if err := mapError(err); !errors.Is(err, store.ErrConditionFailed) {
		t.Errorf("put if exists on a missing item: got %v, want ErrConditionFailed", err)
	}
}
