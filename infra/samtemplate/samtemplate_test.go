package samtemplate_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"unfbridge/infra/samtemplate"
)

func TestTableOfTheStack(t *testing.T) {
	tmpl, err := samtemplate.Load("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	in, err := samtemplate.TableInput(tmpl, "Table", "items")
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(in.TableName) != "items" || in.BillingMode != types.BillingModePayPerRequest {
		t.Fatalf("table %q billing %q, want items, PAY_PER_REQUEST", aws.ToString(in.TableName), in.BillingMode)
	}
	keys := map[string]types.KeyType{}
	for _, k := range in.KeySchema {
		keys[aws.ToString(k.AttributeName)] = k.KeyType
	}
	if len(keys) != 2 || keys["pk"] != types.KeyTypeHash || keys["sk"] != types.KeyTypeRange {
		t.Fatalf("key schema %v, want pk HASH, sk RANGE", keys)
	}
	attrs := map[string]types.ScalarAttributeType{}
	for _, a := range in.AttributeDefinitions {
		attrs[aws.ToString(a.AttributeName)] = a.AttributeType
	}
	if attrs["pk"] != types.ScalarAttributeTypeS || attrs["sk"] != types.ScalarAttributeTypeS {
		t.Fatalf("attribute definitions %v, want pk S, sk S", attrs)
	}

	ttl, err := samtemplate.TimeToLiveInput(tmpl, "Table", "items")
	if err != nil {
		t.Fatal(err)
	}
	if ttl == nil || aws.ToString(ttl.TimeToLiveSpecification.AttributeName) != "ttl" {
		t.Fatalf("time to live %+v, want attribute ttl", ttl)
	}

	if _, err := samtemplate.TableInput(tmpl, "CatalogBucket", "x"); err == nil {
		t.Fatal("a bucket was taken for a table")
	}
}
