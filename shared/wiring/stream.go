package wiring

import (
	"encoding/json"
	"slices"

	"github.com/aws/aws-lambda-go/events"

	"unfbridge/shared/push"
)

// PushWork tells what a crm-push invocation is: a batch of DynamoDB stream records of the push
// work partition gives the CRM orders to push now; anything else (the schedule) means every
// order with work due (nil).
func PushWork(raw json.RawMessage) []int64 {
	var ev events.DynamoDBEvent
	if json.Unmarshal(raw, &ev) != nil {
		return nil
	}
	var ids []int64
	for _, rec := range ev.Records {
		keys := rec.Change.Keys
		if rec.EventName == "REMOVE" || keys["pk"].DataType() != events.DataTypeString || keys["pk"].String() != push.WorkPartition {
			continue
		}
		if id, ok := push.WorkOrderID(keys["sk"].String()); ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}
