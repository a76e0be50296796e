package aws

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"golang.org/x/time/rate"

	"github.com/iam-baseline/operator/internal/awslocal"
)

// window feeds one measurement window of sent calls, throttled of them, to l.
func window(l *adaptiveLimit, clock *time.Time, sent, throttled int) {
	for i := 0; i < sent; i++ {
		if i == sent-1 {
			*clock = clock.Add(pacerWindow)
		}
		l.observe(i < throttled)
	}
}

func TestAdaptiveLimitFindsARateLimit(t *testing.T) {
	clock := time.Unix(0, 0)
	l := newAdaptiveLimit("123456789012", "IAM/mutating", func() time.Time { return clock })
	if l.limiter.Limit() != rate.Inf {
		t.Fatal("a fresh limit must not slow anything down")
	}
	// Unlimited, the operator sends 100/s; a 20/s bucket accepts 20.
	window(l, &clock, 100, 80)
	if got := float64(l.limiter.Limit()); math.Abs(got-20*pacerHeadroom) > 0.01 {
		t.Fatalf("limit %.2f after 80%% throttled at 20/s accepted, want %.2f", got, 20*pacerHeadroom)
	}
	// Under the rate nothing is throttled: the limit probes upwards, 5% a window.
	window(l, &clock, 19, 0)
	if got := float64(l.limiter.Limit()); math.Abs(got-20*pacerHeadroom*pacerGrowth) > 0.01 {
		t.Fatalf("limit %.2f after a clean window, want %.2f", got, 20*pacerHeadroom*pacerGrowth)
	}
	// Over it again (10% throttled at 21/s): back just under what was accepted.
	window(l, &clock, 21, 2)
	if got := float64(l.limiter.Limit()); math.Abs(got-19*pacerHeadroom) > 0.01 {
		t.Fatalf("limit %.2f, want %.2f", got, 19*pacerHeadroom)
	}
}

// The window after unlimited sending spent the bucket's burst, so the first drop
// lands above the rate and the share throttled hardly falls; the next drops (at most
// 30% each) find the rate, and the limit stays there.
func TestAdaptiveLimitAfterABurst(t *testing.T) {
	clock := time.Unix(0, 0)
	l := newAdaptiveLimit("123456789012", "IAM/mutating", func() time.Time { return clock })
	window(l, &clock, 60, 20) // 3R sent, R + burst R accepted
	window(l, &clock, 38, 18) // at 1.9R: R accepted, share about the same
	window(l, &clock, 27, 7)  // at 1.33R (the drop kept 70%): R accepted
	window(l, &clock, 19, 0)  // at 0.95R: nothing throttled
	if got := float64(l.limiter.Limit()); got > 21 || got < 18 {
		t.Fatalf("limit %.2f, want about the bucket's 20/s", got)
	}
}

// Random throttling (an AWS incident, or the benchmark's 20%) does not depend on the
// rate: slowing down does not lower it, so after three drops that did not help (the
// first two may be a token bucket's burst tail) the pacer goes back to full speed and
// does not slow down again for a while.
func TestAdaptiveLimitIgnoresThrottlingThatSlowingDoesNotFix(t *testing.T) {
	clock := time.Unix(0, 0)
	l := newAdaptiveLimit("123456789012", "IAM/read", func() time.Time { return clock })
	window(l, &clock, 100, 20)
	first := l.limiter.Limit()
	if first == rate.Inf {
		t.Fatal("20% throttled: the first reaction is to slow down")
	}
	window(l, &clock, 76, 15)
	second := l.limiter.Limit()
	if second >= first {
		t.Fatal("one drop that did not help may still be the tail of a burst: drop once more")
	}
	window(l, &clock, 60, 12)
	if l.limiter.Limit() >= second {
		t.Fatal("two drops that did not help may still be the tail of a burst: drop once more")
	}
	if l.heldOff() {
		t.Fatal("held off before three drops: a token bucket's burst tail would be taken for random throttling")
	}
	window(l, &clock, 50, 10)
	if got := l.limiter.Limit(); got != rate.Inf {
		t.Fatalf("slowing down three times did not help, yet the limit stays at %.1f", float64(got))
	}
	if !l.heldOff() {
		t.Fatal("throttling found random, yet not held off: throttled retries would keep the long wait")
	}
	for i := 0; i < 5; i++ {
		window(l, &clock, 100, 20)
		if got := l.limiter.Limit(); got != rate.Inf {
			t.Fatalf("window %d within the hold-off moved the limit to %.1f", i, float64(got))
		}
	}
}

// A class whose own demand falls (another class became the bottleneck) and is
// throttled now and then by a burst is not starved: in such a window the rate that
// got through is the operator's demand, not AWS's rate, and the limit keeps 70%.
func TestAdaptiveLimitDoesNotDropToALowDemand(t *testing.T) {
	clock := time.Unix(0, 0)
	l := newAdaptiveLimit("123456789012", "IAM/mutating", func() time.Time { return clock })
	window(l, &clock, 100, 78) // learns a 22/s bucket: limit 20.9
	learnt := l.limiter.Limit()
	window(l, &clock, 10, 1) // demand fell to 10/s; one call of a burst throttled
	if got := l.limiter.Limit(); got < learnt*pacerMaxDrop-0.01 {
		t.Fatalf("limit %.1f after a demand-bound window, want at least %.1f (70%% of %.1f), not the 9/s that got through",
			float64(got), float64(learnt*pacerMaxDrop), float64(learnt))
	}
}

// Random throttling with a lucky clean window now and then (10 calls that all went
// through) must not ratchet the limit down to the minimum: the limit to go back to
// is the one from before the episode, unlimited here.
func TestAdaptiveLimitDoesNotRatchetDownOnRandomThrottling(t *testing.T) {
	clock := time.Unix(0, 0)
	l := newAdaptiveLimit("123456789012", "IAM/mutating", func() time.Time { return clock })
	for round := 0; round < 6; round++ {
		window(l, &clock, 40, 10) // 25% throttled at any rate
		window(l, &clock, 30, 8)
		window(l, &clock, 10, 0) // lucky
		window(l, &clock, 20, 5)
		window(l, &clock, 15, 4)
		window(l, &clock, 12, 3)
		window(l, &clock, 11, 3)
		clock = clock.Add(pacerHoldOff)
	}
	if got := l.limiter.Limit(); got != rate.Inf && got < 20 {
		t.Fatalf("random throttling ratcheted the limit down to %.1f", float64(got))
	}
}

// Through the SDK against the local AWS's token bucket: every client of the account
// shares one pacer, which learns the account's rate, and every call succeeds.
func TestPacerSharedPerAccountLearnsTheRate(t *testing.T) {
	srv := awslocal.New(awslocal.Options{Faults: awslocal.Faults{RateLimits: awslocal.RateLimits{MutatingRate: 10, MutatingBurst: 10}}})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	base := awssdk.Config{Region: "us-east-1", BaseEndpoint: awssdk.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	p, err := NewProvider(ctx, ProviderOptions{Base: &base, MaxAttempts: 10})
	if err != nil {
		t.Fatal(err)
	}
	target := Target{AccountID: "123456789012"}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				c, err := p.For(ctx, target)
				if err != nil {
					errs <- err
					return
				}
				if _, err := c.IAM.CreateUser(ctx, &iam.CreateUserInput{UserName: awssdk.String(fmt.Sprintf("u%d-%d", w, i))}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a paced call failed: %v", err)
	}
	if len(p.pacers) != 1 {
		t.Fatalf("%d pacers for one account", len(p.pacers))
	}
	got := float64(p.pacer(target.AccountID).class("IAM", true).limiter.Limit())
	calls := srv.Calls()
	if math.IsInf(got, 1) || got > 20 {
		t.Fatalf("the pacer did not learn the 10/s rate: limit %v after %v", got, calls.Summary())
	}
	t.Logf("learnt %.1f calls/s; calls %v", got, calls.Summary())
}
