package awslocal

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// A burst past the bucket is throttled with IAM's error; reads have their own bucket;
// the bucket refills with time; a throttled call changes nothing.
func TestRateLimitsThrottleByRatePerAccount(t *testing.T) {
	e := startServer(t, Options{Faults: Faults{RateLimits: RateLimits{MutatingRate: 2, MutatingBurst: 3, ReadRate: 1, ReadBurst: 5}}})
	e.srv.AddAccount("210987654321", "other", "other")
	client := iam.NewFromConfig(e.sdkConfig(t, "test", "test", "", 1)) // no retries
	other := iam.NewFromConfig(e.sdkConfig(t, "other", "other", "", 1))

	created := 0
	for i := 0; i < 6; i++ {
		_, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u" + itoa(i))})
		if err == nil {
			created++
			continue
		}
		wantError(t, err, "Throttling", 400)
	}
	// The burst of 3 passes at once; a 4th may pass only if a token refilled meanwhile.
	if created < 3 || created > 4 {
		t.Fatalf("%d of 6 back-to-back creates passed, want the burst of 3 (4 if a token refilled)", created)
	}
	// Another account has its own buckets.
	if _, err := other.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")}); err != nil {
		t.Fatalf("the other account was throttled by this one's rate: %v", err)
	}
	// Reads draw on their own bucket: 5 pass while the mutating one is empty.
	for i := 0; i < 5; i++ {
		if _, err := client.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("u0")}); err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
	}
	_, err := client.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("u0")})
	wantError(t, err, "Throttling", 400)

	// Throttled creates changed nothing: exactly the created users exist (listing
	// waits for a read token: 1 per second).
	time.Sleep(1100 * time.Millisecond)
	out, err := client.ListUsers(ctx, &iam.ListUsersInput{})
	must(t, err)
	if len(out.Users) != created {
		t.Fatalf("%d users exist, %d creates succeeded", len(out.Users), created)
	}
	// At 2 per second the bucket has a token again after half a second.
	time.Sleep(600 * time.Millisecond)
	if _, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("later")}); err != nil {
		t.Fatalf("the bucket did not refill: %v", err)
	}
	if got := e.srv.Calls().Summary()["iam:CreateUser:Throttling"]; got != 6-created {
		t.Fatalf("log has %d throttled creates, want %d", got, 6-created)
	}
}

// A client paced under the rate is never throttled.
func TestRateLimitsPacedClientIsNotThrottled(t *testing.T) {
	e := startServer(t, Options{Faults: Faults{RateLimits: RateLimits{MutatingRate: 20, MutatingBurst: 1}}})
	client := iam.NewFromConfig(e.sdkConfig(t, "test", "test", "", 1))
	for i := 0; i < 10; i++ {
		// Each call leaves 100ms after the previous answer arrived, so calls reach
		// the server at least 100ms apart: 10/s, under 20/s, whatever the load.
		time.Sleep(100 * time.Millisecond)
		if _, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("p" + itoa(i))}); err != nil {
			t.Fatalf("call %d paced under the rate was refused: %v", i, err)
		}
	}
}

// The admin endpoint sets and reports the rate limits; bad values are refused.
func TestRateLimitsAdminEndpoint(t *testing.T) {
	e := startServer(t, Options{})
	put := func(body string) *http.Response {
		req, _ := http.NewRequest(http.MethodPut, e.url+"/_awslocal/faults", bytes.NewBufferString(body))
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		resp.Body.Close()
		return resp
	}
	if resp := put(`{"rateLimits":{"mutatingRate":-1}}`); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("negative rate: status %d, want 400", resp.StatusCode)
	}
	if resp := put(`{"rateLimits":{"mutatingRate":1,"mutatingBurst":1},"principalPropagation":"2s"}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	resp, err := http.Get(e.url + "/_awslocal/faults")
	must(t, err)
	defer resp.Body.Close()
	var got faultsJSON
	must(t, json.NewDecoder(resp.Body).Decode(&got))
	if got.RateLimits.MutatingRate != 1 || got.RateLimits.MutatingBurst != 1 || got.PrincipalPropagation != "2s" {
		t.Fatalf("faults read back as %+v", got)
	}
	client := iam.NewFromConfig(e.sdkConfig(t, "test", "test", "", 1))
	_, err = client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("a")})
	must(t, err)
	_, err = client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("b")})
	wantError(t, err, "Throttling", 400)
}
