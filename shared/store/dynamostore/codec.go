package dynamostore

import (
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"unfbridge/shared/store"
)

// Attribute names of an item.
const (
	attrPK   = "pk"
	attrSK   = "sk"
	attrVer  = "ver"
	attrData = "data"
	attrTTL  = "ttl"
)

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func keyAttrs(k store.Key) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrPK: str(k.PK), attrSK: str(k.SK)}
}

// itemAttrs encodes an item; data is left out when empty and ttl (Unix seconds, rounded up)
// when the item does not expire.
func itemAttrs(it store.Item) map[string]types.AttributeValue {
	m := keyAttrs(it.Key())
	m[attrVer] = num(it.Version)
	if len(it.Data) > 0 {
		m[attrData] = &types.AttributeValueMemberB{Value: it.Data}
	}
	if exp := store.RoundExpiry(it.ExpiresAt); !exp.IsZero() {
		m[attrTTL] = num(exp.Unix())
	}
	return m
}

func decodeItem(m map[string]types.AttributeValue) (store.Item, error) {
	var it store.Item
	pk, okPK := m[attrPK].(*types.AttributeValueMemberS)
	sk, okSK := m[attrSK].(*types.AttributeValueMemberS)
	if !okPK || !okSK {
		return it, fmt.Errorf("dynamostore: item without string pk and sk")
	}
	it.PK, it.SK = pk.Value, sk.Value
	ver, err := numAttr(m, attrVer)
	if err != nil {
		return it, fmt.Errorf("dynamostore: %s: %w", it.Key(), err)
	}
	it.Version = ver
	if data, ok := m[attrData].(*types.AttributeValueMemberB); ok {
		it.Data = data.Value
	}
	if _, ok := m[attrTTL]; ok {
		ttl, err := numAttr(m, attrTTL)
		if err != nil {
			return it, fmt.Errorf("dynamostore: %s: %w", it.Key(), err)
		}
		it.ExpiresAt = time.Unix(ttl, 0).UTC()
	}
	return it, nil
}

func numAttr(m map[string]types.AttributeValue, name string) (int64, error) {
	n, ok := m[name].(*types.AttributeValueMemberN)
	if !ok {
		return 0, fmt.Errorf("attribute %s is not a number", name)
	}
	v, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("attribute %s: %w", name, err)
	}
	return v, nil
}
