package aws

import (
	"testing"
	"time"

	"github.com/aws/smithy-go"
)

func TestRetryBackoffIsShortExponentialAndCapped(t *testing.T) {
	for _, tc := range []struct {
		attempt  int
		rnd      float64
		want     time.Duration
		scenario string
	}{
		{1, 0, 12500 * time.Microsecond, "first retry, least jitter"},
		{1, 0.999999, 25 * time.Millisecond, "first retry, most jitter"},
		{2, 0, 25 * time.Millisecond, "second retry doubles"},
		{3, 0.5, 75 * time.Millisecond, "third retry: 100 ms × 0.75"},
		{6, 0.999999, 500 * time.Millisecond, "capped at MaxBackoff"},
		{40, 0, 250 * time.Millisecond, "no overflow on a huge attempt count"},
	} {
		b := retryBackoff{max: 500 * time.Millisecond, rand: func() float64 { return tc.rnd }}
		got, err := b.BackoffDelay(tc.attempt, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got.Round(time.Millisecond/10) != tc.want {
			t.Errorf("%s: attempt %d: got %v, want %v", tc.scenario, tc.attempt, got, tc.want)
		}
	}
}

// The four attempts of one call sleep well under half a second in all: a throttled
// call must not hold a worker for seconds (issue #12).
func TestRetryBackoffOfOneCallStaysUnderHalfASecond(t *testing.T) {
	b := retryBackoff{max: 500 * time.Millisecond, rand: func() float64 { return 0.999999 }}
	var total time.Duration
	for attempt := 1; attempt < 4; attempt++ {
		d, _ := b.BackoffDelay(attempt, nil)
		total += d
	}
	if total > 175*time.Millisecond {
		t.Fatalf("three retries sleep %v, want at most 175ms", total)
	}
}

// A throttling answer is retried later than a transient failure: against a token
// bucket a retry 12 ms later would find it still empty.
func TestRetryBackoffWaitsLongerAfterThrottling(t *testing.T) {
	b := retryBackoff{max: 500 * time.Millisecond, rand: func() float64 { return 0 }}
	throttled := &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}
	failed := &smithy.GenericAPIError{Code: "ServiceFailure"}
	for attempt, want := range map[int]time.Duration{1: 50 * time.Millisecond, 2: 100 * time.Millisecond, 3: 200 * time.Millisecond, 4: 250 * time.Millisecond} {
		if got, _ := b.BackoffDelay(attempt, throttled); got != want {
			t.Errorf("attempt %d after Throttling: %v, want %v", attempt, got, want)
		}
	}
	if got, _ := b.BackoffDelay(1, failed); got != 12500*time.Microsecond {
		t.Errorf("attempt 1 after ServiceFailure: %v, want 12.5ms", got)
	}
}

// Once the account's pacer holds the throttling to be random, a throttling answer
// waits as little as any transient failure: more waiting finds no more tokens.
func TestRetryBackoffAfterRandomThrottlingIsShort(t *testing.T) {
	random := false
	b := retryBackoff{max: 500 * time.Millisecond, rand: func() float64 { return 0 }, randomThrottling: func() bool { return random }}
	throttled := &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}
	if got, _ := b.BackoffDelay(1, throttled); got != 50*time.Millisecond {
		t.Fatalf("rate-driven throttling: first retry after %v, want 50ms", got)
	}
	random = true
	if got, _ := b.BackoffDelay(1, throttled); got != 12500*time.Microsecond {
		t.Fatalf("random throttling: first retry after %v, want 12.5ms", got)
	}
}
