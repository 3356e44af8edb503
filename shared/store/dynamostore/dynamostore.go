// Package dynamostore implements store.Store on a DynamoDB table (or a DynamoDB-compatible service)
// whose key is pk (S, hash) and sk (S, range).
//
// Items have the attributes pk, sk, ver (N), data (B, left out when empty) and ttl (N, Unix seconds,
// left out without expiry; the table's TTL attribute). DynamoDB deletes expired items lazily, so
// reads hide them and conditions treat them as absent.
package dynamostore

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"unfbridge/shared/store"
)

// Store is a store.Store on one DynamoDB table. It is safe for concurrent use.
type Store struct {
	client *dynamodb.Client
	table  string
}

var _ store.Store = (*Store)(nil)

// New returns a store on the table.
func New(client *dynamodb.Client, table string) *Store {
	return &Store{client: client, table: table}
}

// Ping describes the table.
func (s *Store) Ping(ctx context.Context) error {
	if _, err := s.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &s.table}); err != nil {
		return fmt.Errorf("dynamostore: ping table %s: %w", s.table, err)
	}
	return nil
}

// Get returns the live item at the key (consistent read), or an error wrapping store.ErrNotFound.
func (s *Store) Get(ctx context.Context, k store.Key) (store.Item, error) {
	if err := store.ValidateKey(k); err != nil {
		return store.Item{}, err
	}
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.table,
		Key:            keyAttrs(k),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return store.Item{}, fmt.Errorf("dynamostore: get %s: %w", k, mapError(err))
	}
	if out.Item == nil {
		return store.Item{}, fmt.Errorf("dynamostore: get %s: %w", k, store.ErrNotFound)
	}
	it, err := decodeItem(out.Item)
	if err != nil {
		return store.Item{}, err
	}
	if it.Expired(time.Now()) {
		return store.Item{}, fmt.Errorf("dynamostore: get %s: %w", k, store.ErrNotFound)
	}
	return it, nil
}

// Put stores the item when the condition holds, else returns an error wrapping
// store.ErrConditionFailed.
func (s *Store) Put(ctx context.Context, it store.Item, c store.Condition) error {
	if err := store.ValidateOp(store.Put(it, c)); err != nil {
		return err
	}
	ce := condition(c, time.Now())
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                 &s.table,
		Item:                      itemAttrs(it),
		ConditionExpression:       ce.expr,
		ExpressionAttributeNames:  ce.names,
		ExpressionAttributeValues: ce.values,
	})
	if err != nil {
		return fmt.Errorf("dynamostore: put %s: %w", it.Key(), mapError(err))
	}
	return nil
}

// Delete removes the item when the condition holds, else returns an error wrapping
// store.ErrConditionFailed.
func (s *Store) Delete(ctx context.Context, k store.Key, c store.Condition) error {
	if err := store.ValidateOp(store.Delete(k, c)); err != nil {
		return err
	}
	ce := condition(c, time.Now())
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 &s.table,
		Key:                       keyAttrs(k),
		ConditionExpression:       ce.expr,
		ExpressionAttributeNames:  ce.names,
		ExpressionAttributeValues: ce.values,
	})
	if err != nil {
		return fmt.Errorf("dynamostore: delete %s: %w", k, mapError(err))
	}
	return nil
}

// Write applies all operations in one TransactWriteItems call; a failed condition gives a
// *store.WriteConflict.
func (s *Store) Write(ctx context.Context, ops []store.Op) error {
	if err := store.ValidateWrite(ops); err != nil {
		return err
	}
	now := time.Now()
	items := make([]types.TransactWriteItem, len(ops))
	for i, op := range ops {
		items[i] = s.transactItem(op, now)
	}
	if _, err := s.client.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items}); err != nil {
		return writeError(err)
	}
	return nil
}

func (s *Store) transactItem(op store.Op, now time.Time) types.TransactWriteItem {
	switch op.Kind {
	case store.OpPut:
		ce := condition(op.Cond, now)
		return types.TransactWriteItem{Put: &types.Put{
			TableName: &s.table, Item: itemAttrs(op.Item), ConditionExpression: ce.expr,
			ExpressionAttributeNames: ce.names, ExpressionAttributeValues: ce.values,
		}}
	case store.OpDelete:
		ce := condition(op.Cond, now)
		return types.TransactWriteItem{Delete: &types.Delete{
			TableName: &s.table, Key: keyAttrs(op.Item.Key()), ConditionExpression: ce.expr,
			ExpressionAttributeNames: ce.names, ExpressionAttributeValues: ce.values,
		}}
	default:
		ce := checkCondition(op.Cond, now)
		return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName: &s.table, Key: keyAttrs(op.Item.Key()), ConditionExpression: ce.expr,
			ExpressionAttributeNames: ce.names, ExpressionAttributeValues: ce.values,
		}}
	}
}
