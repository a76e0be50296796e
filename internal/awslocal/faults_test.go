package awslocal

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestFaultInjectionRatesAndNoStateChange(t *testing.T) {
	e := startServer(t, Options{Faults: Faults{Seed: 42, ThrottleRate: 0.2, FailureRate: 0.1}})
	cfg := e.sdkConfig(t, "test", "test", "", 1) // no retries: every fault is visible
	client := iam.NewFromConfig(cfg)

	const n = 400
	outcomes := map[string]int{}
	created := 0
	for i := 0; i < n; i++ {
		_, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u" + itoa(i))})
		switch code := errorCode(err); {
		case err == nil:
			created++
			outcomes["ok"]++
		case code == "Throttling":
			wantError(t, err, "Throttling", 400)
			outcomes[code]++
		case code == "ServiceFailure":
			wantError(t, err, "ServiceFailure", 500)
			outcomes[code]++
		default:
			t.Fatalf("unexpected error %v", err)
		}
	}
	if r := float64(outcomes["Throttling"]) / n; r < 0.13 || r > 0.27 {
		t.Errorf("throttle fraction %.2f, want about 0.2 (%v)", r, outcomes)
	}
	if r := float64(outcomes["ServiceFailure"]) / n; r < 0.05 || r > 0.15 {
		t.Errorf("failure fraction %.2f, want about 0.1 (%v)", r, outcomes)
	}

	// Faulted calls made no state change: exactly the successful ones exist.
	e.srv.SetFaults(Faults{})
	// A fresh client: a connection the faults left half-closed must not be reused
	// for the count (the SDK would read a 200 from a closed connection).
	reader := iam.NewFromConfig(e.sdkConfig(t, "test", "test", "", 3))
	users := 0
	p := iam.NewListUsersPaginator(reader, &iam.ListUsersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		must(t, err)
		users += len(page.Users)
	}
	if users != created {
		t.Fatalf("%d users exist, %d creates succeeded", users, created)
	}
	// The log agrees.
	log := e.srv.Calls()
	if got := log.Summary()["iam:CreateUser:Throttling"]; got != outcomes["Throttling"] {
		t.Fatalf("log throttled %d, saw %d", got, outcomes["Throttling"])
	}
}

func TestFaultInjectionRepeatsWithSeed(t *testing.T) {
	run := func() []string {
		e := startServer(t, Options{Faults: Faults{Seed: 7, ThrottleRate: 0.3}})
		client := sts.NewFromConfig(e.sdkConfig(t, "test", "test", "", 1))
		var seq []string
		for i := 0; i < 40; i++ {
			_, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			seq = append(seq, errorCode(err))
		}
		return seq
	}
	a, b := run(), run()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("runs differ at call %d: %q vs %q", i, a[i], b[i])
		}
	}
}

func TestFaultLatency(t *testing.T) {
	e := startServer(t, Options{Faults: Faults{Latency: 30 * time.Millisecond}})
	start := time.Now()
	_, err := e.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, err)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("call took %s, want >= 30ms", d)
	}
}
