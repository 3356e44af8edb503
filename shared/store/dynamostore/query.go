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

// Query returns one page of a partition in sort-key order (consistent read), expired items left
// out. It asks DynamoDB for one item more than the page holds, and again while expired items or
// DynamoDB's 1 MB response limit keep the page short, so Next is set only when another matching
// live item follows the page.
func (s *Store) Query(ctx context.Context, q store.Query) (store.Page, error) {
	p, err := store.ParseQuery(q)
	if err != nil {
		return store.Page{}, err
	}
	in := s.queryInput(p)
	now := time.Now()
	items := make([]store.Item, 0, p.Limit+1)
	for len(items) <= p.Limit {
		in.Limit = aws.Int32(int32(p.Limit + 1 - len(items)))
		out, err := s.client.Query(ctx, in)
		if err != nil {
			return store.Page{}, fmt.Errorf("dynamostore: query pk=%q: %w", p.PK, mapError(err))
		}
		for _, raw := range out.Items {
			it, err := decodeItem(raw)
			if err != nil {
				return store.Page{}, err
			}
			if !it.Expired(now) {
				items = append(items, it)
			}
		}
		if out.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	if len(items) <= p.Limit {
		return store.Page{Items: items}, nil
	}
	items = items[:p.Limit]
	return store.Page{Items: items, Next: store.EncodeCursor(items[p.Limit-1].SK)}, nil
}

func (s *Store) queryInput(p store.ParsedQuery) *dynamodb.QueryInput {
	expr := "pk = :pk"
	values := map[string]types.AttributeValue{":pk": str(p.PK)}
	switch {
	case p.Prefix != "":
		expr += " AND begins_with(sk, :prefix)"
		values[":prefix"] = str(p.Prefix)
	case p.From != "" && p.To != "":
		expr += " AND sk BETWEEN :from AND :to"
		values[":from"], values[":to"] = str(p.From), str(p.To)
	case p.From != "":
		expr += " AND sk >= :from"
		values[":from"] = str(p.From)
	case p.To != "":
		expr += " AND sk <= :to"
		values[":to"] = str(p.To)
	}
	in := &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    aws.String(expr),
		ExpressionAttributeValues: values,
		ScanIndexForward:          aws.Bool(!p.Desc),
		ConsistentRead:            aws.Bool(true),
	}
	if p.AfterSK != "" {
		in.ExclusiveStartKey = keyAttrs(store.Key{PK: p.PK, SK: p.AfterSK})
	}
	return in
}
