// Package samtemplate reads the SAM template of the stack, so that tests build their DynamoDB
// tables exactly as the stack defines them.
package samtemplate

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/cloudformation"
	cfndynamodb "github.com/awslabs/goformation/v7/cloudformation/dynamodb"
)

// Load parses the template at path, resolving intrinsic functions as goformation does: a !Ref to a
// parameter becomes its default, one to a resource becomes empty. Leaving them unresolved
// (goformation's NoProcess option) fails on this template: typed fields such as environment
// variables cannot hold a !Ref.
func Load(path string) (*cloudformation.Template, error) {
	tmpl, err := goformation.Open(path)
	if err != nil {
		return nil, fmt.Errorf("samtemplate: load %s: %w", path, err)
	}
	return tmpl, nil
}

// TableInput returns the CreateTable request of the AWS::DynamoDB::Table resource logicalID,
// named tableName: its attribute definitions, key schema, secondary indexes, billing mode and
// provisioned throughput.
func TableInput(tmpl *cloudformation.Template, logicalID, tableName string) (*dynamodb.CreateTableInput, error) {
	table, err := tmpl.GetDynamoDBTableWithName(logicalID)
	if err != nil {
		return nil, fmt.Errorf("samtemplate: %w", err)
	}
	in := &dynamodb.CreateTableInput{
		TableName:             aws.String(tableName),
		KeySchema:             keySchema(table.KeySchema),
		ProvisionedThroughput: throughput(table.ProvisionedThroughput),
	}
	if table.BillingMode != nil {
		in.BillingMode = types.BillingMode(*table.BillingMode)
	}
	for _, a := range table.AttributeDefinitions {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(a.AttributeName),
			AttributeType: types.ScalarAttributeType(a.AttributeType),
		})
	}
	for _, g := range table.GlobalSecondaryIndexes {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName:             aws.String(g.IndexName),
			KeySchema:             keySchema(g.KeySchema),
			Projection:            projection(g.Projection),
			ProvisionedThroughput: throughput(g.ProvisionedThroughput),
		})
	}
	for _, l := range table.LocalSecondaryIndexes {
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
			IndexName:  aws.String(l.IndexName),
			KeySchema:  keySchema(l.KeySchema),
			Projection: projection(l.Projection),
		})
	}
	return in, nil
}

// TimeToLiveInput returns the UpdateTimeToLive request that enables the TTL attribute of the
// resource logicalID on tableName, or nil when the template enables none.
func TimeToLiveInput(tmpl *cloudformation.Template, logicalID, tableName string) (*dynamodb.UpdateTimeToLiveInput, error) {
	table, err := tmpl.GetDynamoDBTableWithName(logicalID)
	if err != nil {
		return nil, fmt.Errorf("samtemplate: %w", err)
	}
	ttl := table.TimeToLiveSpecification
	if ttl == nil || !ttl.Enabled || ttl.AttributeName == nil {
		return nil, nil
	}
	return &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(tableName),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: ttl.AttributeName,
			Enabled:       aws.Bool(true),
		},
	}, nil
}

func keySchema(ks []cfndynamodb.Table_KeySchema) []types.KeySchemaElement {
	out := make([]types.KeySchemaElement, len(ks))
	for i, k := range ks {
		out[i] = types.KeySchemaElement{AttributeName: aws.String(k.AttributeName), KeyType: types.KeyType(k.KeyType)}
	}
	return out
}

func projection(p *cfndynamodb.Table_Projection) *types.Projection {
	if p == nil {
		return &types.Projection{ProjectionType: types.ProjectionTypeAll}
	}
	return &types.Projection{
		ProjectionType:   types.ProjectionType(aws.ToString(p.ProjectionType)),
		NonKeyAttributes: p.NonKeyAttributes,
	}
}

func throughput(p *cfndynamodb.Table_ProvisionedThroughput) *types.ProvisionedThroughput {
	if p == nil {
		return nil
	}
	return &types.ProvisionedThroughput{
		ReadCapacityUnits:  aws.Int64(int64(p.ReadCapacityUnits)),
		WriteCapacityUnits: aws.Int64(int64(p.WriteCapacityUnits)),
	}
}
