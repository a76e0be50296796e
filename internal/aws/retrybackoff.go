package aws

import (
	"math/rand/v2"
	"time"
)

// retryBaseDelay is the first retry's delay (before jitter); each further attempt
// doubles it, up to the provider's MaxBackoff.
//
// The SDK's default backoff starts from one second (capped at MaxBackoff, so nearly
// every retry slept the whole 500 ms): under 20% random throttling a member's
// reconcile of a dozen calls spent about 1.5 s asleep in retries while holding one of
// the controller's workers, and the operator ran 8.7× slower than fault-free with the
// machine idle. A long client-side sleep buys nothing here: throttling that depends on
// our rate is handled by the account's pacer (every attempt, retries included, waits
// for it), and a call that still fails after its attempts sends the object back to its
// queue with backoff while other objects proceed. So a retry waits only long enough
// to step past a transient error.
const retryBaseDelay = 25 * time.Millisecond

// throttleBaseDelay is the first retry's delay after a throttling answer. Against a
// rate limit (a token bucket), a retry 12 ms later finds the bucket still empty: it
// is throttled again, the call fails after its four attempts within 0.1 s, and the
// object waits in its queue's backoff. Long enough for a few tokens to come back at
// IAM's rates, short enough that random throttling does not hold a worker for long.
const throttleBaseDelay = 100 * time.Millisecond

// retryBackoff is exponential backoff with "equal jitter": attempt n waits a random
// time in [d/2, d) with d = base × 2^(n-1), capped at max, where base is
// throttleBaseDelay after a throttling answer and retryBaseDelay after anything else. Half the delay
// is kept so that retries of calls throttled together do not all come back at once.
//
// Once the account's pacer has found that the throttling does not depend on the
// operator's rate (AWS shedding load at random: slowing down three times did not
// lower the share throttled), a throttling answer is a transient failure like a 5xx
// and waits as little: waiting longer would not find more tokens, only hold the
// worker. Under 20% random throttling the longer wait was most of a member's
// reconcile (392 ms against 125 ms fault-free at N=200).
type retryBackoff struct {
	max  time.Duration
	rand func() float64 // [0, 1); replaced in tests
	// randomThrottling reports whether the account's pacer holds the throttling to
	// be random (nil: never).
	randomThrottling func() bool
}

func newRetryBackoff(max time.Duration) retryBackoff {
	return retryBackoff{max: max, rand: rand.Float64}
}

// BackoffDelay implements the SDK's retry.BackoffDelayer.
func (b retryBackoff) BackoffDelay(attempt int, err error) (time.Duration, error) {
	base := retryBaseDelay
	if IsThrottled(err) && (b.randomThrottling == nil || !b.randomThrottling()) {
		base = throttleBaseDelay
	}
	d := b.max
	if attempt >= 1 && attempt < 32 {
		d = min(b.max, base<<(attempt-1))
	}
	return d/2 + time.Duration(b.rand()*float64(d/2)), nil
}
