package awslocal

import (
	"sync"
	"time"
)

// RateLimits throttles by request rate the way IAM does: every account has a token
// bucket per service for mutating calls and another for read calls. A call that finds
// its bucket empty is answered Throttling (400; ThrottlingException for Budgets) and
// takes no token, so a client that paces itself to the rate is never throttled while
// one that bursts past it is, whatever its random faults say. Zero rates mean no limit.
type RateLimits struct {
	// MutatingRate is the mutating calls (Create*, Put*, Update*, ...) allowed per
	// second and account, per service.
	MutatingRate float64 `json:"mutatingRate,omitempty"`
	// MutatingBurst is the mutating bucket's size (default: MutatingRate, at least 1).
	MutatingBurst int `json:"mutatingBurst,omitempty"`
	// ReadRate and ReadBurst are the same for read calls (Get*, List*, ...).
	ReadRate  float64 `json:"readRate,omitempty"`
	ReadBurst int     `json:"readBurst,omitempty"`
}

// enabled reports whether any rate is limited.
func (r RateLimits) enabled() bool { return r.MutatingRate > 0 || r.ReadRate > 0 }

// tokenBucket holds up to burst tokens and refills at rate per second; a call
// takes one.
type tokenBucket struct {
	rate, burst, tokens float64
	last                time.Time
}

func newTokenBucket(rate float64, burst int, now time.Time) *tokenBucket {
	b := float64(burst)
	if b <= 0 {
		b = max(1, rate)
	}
	return &tokenBucket{rate: rate, burst: b, tokens: b, last: now}
}

func (b *tokenBucket) take(now time.Time) bool {
	if b.rate <= 0 {
		return true
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(b.burst, b.tokens+elapsed*b.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// rateLimiter keeps the buckets of every account and service. It measures time with
// the wall clock, not Options.Now: tests pin Now to a fixed instant, and a bucket
// that never refills would throttle for ever.
type rateLimiter struct {
	mu      sync.Mutex
	cfg     RateLimits
	buckets map[bucketKey]*tokenBucket
}

type bucketKey struct {
	account, service string
	mutating         bool
}

func newRateLimiter(cfg RateLimits) *rateLimiter {
	return &rateLimiter{cfg: cfg, buckets: map[bucketKey]*tokenBucket{}}
}

// set replaces the limits and refills every bucket.
func (l *rateLimiter) set(cfg RateLimits) {
	l.mu.Lock()
	l.cfg = cfg
	l.buckets = map[bucketKey]*tokenBucket{}
	l.mu.Unlock()
}

// allow takes a token for one call of account to service, or reports that the
// call is throttled.
func (l *rateLimiter) allow(account, service string, mutating bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.cfg.enabled() {
		return true
	}
	now := time.Now()
	k := bucketKey{account: account, service: service, mutating: mutating}
	b, ok := l.buckets[k]
	if !ok {
		rate, burst := l.cfg.ReadRate, l.cfg.ReadBurst
		if mutating {
			rate, burst = l.cfg.MutatingRate, l.cfg.MutatingBurst
		}
		b = newTokenBucket(rate, burst, now)
		l.buckets[k] = b
	}
	return b.take(now)
}
