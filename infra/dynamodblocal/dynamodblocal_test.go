package dynamodblocal_test

import (
	"net"
	"net/url"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"unfbridge/infra/dynamodblocal"
)

func TestMain(m *testing.M) { dynamodblocal.Main(m) }

// TestStartListensOnLoopback checks that the emulator answers on 127.0.0.1 and refuses
// connections on the machine's other addresses.
func TestStartListensOnLoopback(t *testing.T) {
	if os.Getenv(dynamodblocal.EnvEndpoint) != "" {
		t.Skip("the emulator is not started by the tests")
	}
	u, err := url.Parse(dynamodblocal.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	if u.Hostname() != "127.0.0.1" {
		t.Fatalf("endpoint %s is not on 127.0.0.1", u)
	}
	if _, err := dynamodblocal.Client(u.String()).ListTables(t.Context(), &dynamodb.ListTablesInput{}); err != nil {
		t.Fatal(err)
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, a := range addrs {
		ip, ok := a.(*net.IPNet)
		if !ok || ip.IP.IsLoopback() || ip.IP.To4() == nil {
			continue
		}
		if conn, err := net.Dial("tcp", net.JoinHostPort(ip.IP.String(), u.Port())); err == nil {
			conn.Close()
			t.Fatalf("the emulator accepts connections on %s", ip.IP)
		}
		checked++
	}
	if checked == 0 {
		t.Skip("no address but loopback to check")
	}
}

func TestNewTableFollowsTemplate(t *testing.T) {
	client, name := dynamodblocal.NewTable(t)
	out, err := client.DescribeTable(t.Context(), &dynamodb.DescribeTableInput{TableName: &name})
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]types.KeyType{}
	for _, k := range out.Table.KeySchema {
		keys[aws.ToString(k.AttributeName)] = k.KeyType
	}
	if len(keys) != 2 || keys["pk"] != types.KeyTypeHash || keys["sk"] != types.KeyTypeRange {
		t.Fatalf("key schema %v, want pk HASH, sk RANGE", keys)
	}
	if out.Table.TableStatus != types.TableStatusActive {
		t.Fatalf("table status %s, want ACTIVE", out.Table.TableStatus)
	}
	ttl, err := client.DescribeTimeToLive(t.Context(), &dynamodb.DescribeTimeToLiveInput{TableName: &name})
	if err != nil {
		t.Fatal(err)
	}
	if d := ttl.TimeToLiveDescription; aws.ToString(d.AttributeName) != "ttl" {
		t.Fatalf("time to live %+v, want attribute ttl", d)
	}
}
