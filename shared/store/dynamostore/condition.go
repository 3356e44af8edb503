package dynamostore

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"unfbridge/shared/store"
)

// Condition expressions. An item whose ttl has passed counts as absent, as in every adapter:
// DynamoDB deletes expired items lazily.
const (
	exprAbsent = "attribute_not_exists(pk) OR #ttl <= :now"
	exprLive   = "attribute_exists(pk) AND (attribute_not_exists(#ttl) OR #ttl > :now)"
	exprAny    = "attribute_not_exists(pk) OR attribute_exists(pk)"
)

// condExpr is a ConditionExpression with its names and values; all nil for no condition.
type condExpr struct {
	expr   *string
	names  map[string]string
	values map[string]types.AttributeValue
}

func condition(c store.Condition, now time.Time) condExpr {
	var expr string
	values := map[string]types.AttributeValue{":now": num(now.Unix())}
	names := map[string]string{"#ttl": attrTTL}
	switch c.Kind {
	case store.NotExists:
		expr = exprAbsent
	case store.Exists:
		expr = exprLive
	case store.VersionIs:
		expr = exprLive + " AND #ver = :ver"
		names["#ver"] = attrVer
		values[":ver"] = num(c.Version)
	default:
		return condExpr{}
	}
	return condExpr{expr: aws.String(expr), names: names, values: values}
}

// checkCondition is condition for a ConditionCheck, which needs an expression even when the
// operation has no condition.
func checkCondition(c store.Condition, now time.Time) condExpr {
	if ce := condition(c, now); ce.expr != nil {
		return ce
	}
	return condExpr{expr: aws.String(exprAny)}
}
