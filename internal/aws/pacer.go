package aws

import (
	"context"
	"math"
	"strings"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	"golang.org/x/time/rate"

	"github.com/iam-baseline/operator/internal/metrics"
)

// AWS throttles each account by request rate (IAM per account, separately for
// mutating and read calls). Every controller's calls to one account go through that
// account's pacer, so the operator as a whole learns the account's rate and stays
// just under it instead of having each worker collide with it and sleep in retries.
//
// Each class of call (service × mutating/read) has an adaptive limit:
//
//   - unlimited until AWS throttles;
//   - per window (1 s, at least 10 calls), when more than 5% of the calls were
//     throttled, the limit drops to the rate AWS actually accepted in that window
//     (slightly under it), but by at most 30% of the limit per window. Against a
//     token bucket the accepted rate is the bucket's rate when the operator sent at
//     its limit; when it sent less (another class was the bottleneck, a lull), the
//     accepted rate is only the operator's demand, and dropping to it starved the
//     class: the mutating limit fell from 22/s to 8/s when reads became the binding
//     class of a 20 + 50/s bucket, and took 45 s to climb back;
//   - when three drops in a row did not lower the share throttled, the throttling
//     does not depend on our rate (AWS shedding load at random, an incident): the
//     limit from before the drops is restored (unlimited, if it was) and drops are
//     held off for a while, so the operator does not crawl at the rate some quiet
//     window happened to get through. (Three, because after a burst the first two
//     drops can still be above a token bucket's rate: the window before the first
//     spent the bucket's burst, the second can be its tail.);
//   - while under 5% throttled, the limit grows by 5% per window, probing for more.
const (
	pacerWindow        = time.Second
	pacerMinCalls      = 10
	pacerMaxThrottled  = 0.05
	pacerHeadroom      = 0.95
	pacerGrowth        = 1.05
	pacerHoldOff       = 15 * time.Second
	pacerMinRate       = 1.0
	pacerMaxDrop       = 0.7 // a drop keeps at least 70% of the limit (from unlimited: any)
	pacerNoEffectRatio = 0.7
	pacerNoEffectDrops = 3
)

// accountPacer holds the adaptive limits of one account.
type accountPacer struct {
	mu      sync.Mutex
	account string
	classes map[string]*adaptiveLimit
}

func newAccountPacer(account string) *accountPacer {
	return &accountPacer{account: account, classes: map[string]*adaptiveLimit{}}
}

func (p *accountPacer) class(service string, mutating bool) *adaptiveLimit {
	key := service + "/read"
	if mutating {
		key = service + "/mutating"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.classes[key]
	if !ok {
		l = newAdaptiveLimit(p.account, key, time.Now)
		p.classes[key] = l
	}
	return l
}

// randomThrottling reports whether any class of the account is holding off its
// drops because the throttling it saw did not depend on its rate.
func (p *accountPacer) randomThrottling() bool {
	p.mu.Lock()
	classes := make([]*adaptiveLimit, 0, len(p.classes))
	for _, l := range p.classes {
		classes = append(classes, l)
	}
	p.mu.Unlock()
	for _, l := range classes {
		if l.heldOff() {
			return true
		}
	}
	return false
}

// middleware paces every attempt (it sits after the retry loop, so retries are
// paced too) and feeds the outcome back.
func (p *accountPacer) middleware(stack *middleware.Stack) error {
	return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("iam-baseline-pacer",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			l := p.class(awsmiddleware.GetServiceID(ctx), IsMutatingOperation(awsmiddleware.GetOperationName(ctx)))
			if err := l.wait(ctx); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			out, md, err := next.HandleFinalize(ctx, in)
			l.observe(IsThrottled(err))
			return out, md, err
		}), "Retry", middleware.After)
}

// mutatingPrefixes name the operations that change state; AWS counts them against
// a lower rate than reads.
var mutatingPrefixes = []string{
	"Create", "Delete", "Update", "Put", "Attach", "Detach", "Add", "Remove",
	"Tag", "Untag", "Enable", "Deactivate", "Set", "Change", "Resync", "Upload",
}

// IsMutatingOperation reports whether an AWS operation name changes state.
func IsMutatingOperation(op string) bool {
	for _, p := range mutatingPrefixes {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

// adaptiveLimit is one class's limit and the measurements that move it.
type adaptiveLimit struct {
	account, class string
	now            func() time.Time
	limiter        *rate.Limiter

	mu sync.Mutex
	// the window under measurement
	windowStart     time.Time
	sent, throttled int
	// drops in a row (throttled windows), the limit before the episode (0 until
	// the first) and the share throttled that started them
	drops      int
	prevLimit  rate.Limit
	firstShare float64
	holdUntil  time.Time
}

func newAdaptiveLimit(account, class string, now func() time.Time) *adaptiveLimit {
	return &adaptiveLimit{account: account, class: class, now: now,
		limiter: rate.NewLimiter(rate.Inf, 1), windowStart: now()}
}

func (l *adaptiveLimit) wait(ctx context.Context) error {
	if l.limiter.Limit() == rate.Inf {
		return nil
	}
	return l.limiter.Wait(ctx)
}

func (l *adaptiveLimit) observe(throttled bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent++
	if throttled {
		l.throttled++
	}
	now := l.now()
	elapsed := now.Sub(l.windowStart)
	if elapsed < pacerWindow || l.sent < pacerMinCalls {
		return
	}
	share := float64(l.throttled) / float64(l.sent)
	accepted := float64(l.sent-l.throttled) / elapsed.Seconds()
	l.windowStart, l.sent, l.throttled = now, 0, 0
	cur := l.limiter.Limit()
	switch {
	case share <= pacerMaxThrottled:
		l.drops = 0
		if cur != rate.Inf {
			l.setLimit(cur * pacerGrowth)
		}
	case l.drops >= pacerNoEffectDrops && share >= pacerNoEffectRatio*l.firstShare:
		// Slowing down three times did not help: this throttling is not about our
		// rate. Keeping a lowered limit would only cap the operator at what some
		// window happened to get through (its demand, not AWS's rate), and random
		// faults are retried per call anyway.
		l.setLimit(l.prevLimit)
		l.drops = 0
		l.holdUntil = now.Add(pacerHoldOff)
	case now.Before(l.holdUntil):
	default:
		next := rate.Limit(math.Max(pacerMinRate, accepted*pacerHeadroom))
		if cur != rate.Inf {
			next = max(next, cur*pacerMaxDrop)
		}
		if l.drops == 0 {
			l.firstShare = share
			// The limit to go back to is the one from before the whole episode: a
			// lucky clean window in random throttling (10 calls all through) resets
			// the count of drops but must not make the lowered limit the new
			// ceiling, or the limit ratchets down to the minimum.
			if l.prevLimit == 0 || cur >= l.prevLimit {
				l.prevLimit = cur
			}
		}
		l.drops++
		if next < cur {
			l.setLimit(next)
		}
	}
}

// heldOff reports whether the limit is holding off drops: its last throttling
// episode did not depend on the rate.
func (l *adaptiveLimit) heldOff() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.now().Before(l.holdUntil)
}

func (l *adaptiveLimit) setLimit(r rate.Limit) {
	l.limiter.SetLimit(r)
	// A burst of one second's worth lets idle time be used, as AWS's buckets do.
	burst := 1
	if r != rate.Inf {
		burst = max(1, int(float64(r)))
	}
	l.limiter.SetBurst(burst)
	v := float64(r)
	if r == rate.Inf {
		v = 0
	}
	metrics.AWSRateLimit.WithLabelValues(l.account, l.class).Set(v)
}
