package awslocal

import (
	"math/rand"
	"sync"
	"time"
)

// Faults makes a fraction of calls fail the way AWS does under load. Draws come
// from a generator seeded with Seed, so a sequential run repeats exactly.
// Faulted calls make no state change.
type Faults struct {
	Seed         int64         `json:"seed"`
	ThrottleRate float64       `json:"throttleRate"` // fraction answered Throttling / ThrottlingException (400)
	FailureRate  float64       `json:"failureRate"`  // fraction answered ServiceFailure / InternalErrorException (500)
	Latency      time.Duration `json:"latency"`      // added to every call
	// PrincipalPropagation mimics IAM's eventual consistency: a user or role younger
	// than this is not yet a valid principal in a trust policy ("Invalid principal
	// in policy"), as happens in AWS for a few seconds after it is created.
	PrincipalPropagation time.Duration `json:"principalPropagation"`
	// RateLimits throttles by rate, per account, as IAM does; it applies before and
	// independently of the random ThrottleRate.
	RateLimits RateLimits `json:"rateLimits"`
}

type faultKind int

const (
	faultNone faultKind = iota
	faultThrottle
	faultFailure
)

type faultInjector struct {
	mu  sync.Mutex
	cfg Faults
	rng *rand.Rand
}

func newFaultInjector(f Faults) *faultInjector {
	return &faultInjector{cfg: f, rng: rand.New(rand.NewSource(f.Seed))}
}

func (fi *faultInjector) set(f Faults) {
	fi.mu.Lock()
	fi.cfg = f
	fi.rng = rand.New(rand.NewSource(f.Seed))
	fi.mu.Unlock()
}

func (fi *faultInjector) get() Faults {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.cfg
}

func (fi *faultInjector) reseed() { fi.set(fi.get()) }

// next decides the fate of one call: one draw per call, throttling first.
func (fi *faultInjector) next() (faultKind, time.Duration) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	if fi.cfg.ThrottleRate <= 0 && fi.cfg.FailureRate <= 0 {
		return faultNone, fi.cfg.Latency
	}
	x := fi.rng.Float64()
	switch {
	case x < fi.cfg.ThrottleRate:
		return faultThrottle, fi.cfg.Latency
	case x < fi.cfg.ThrottleRate+fi.cfg.FailureRate:
		return faultFailure, fi.cfg.Latency
	}
	return faultNone, fi.cfg.Latency
}

// principalPropagation is the configured delay before a new principal is usable.
func (fi *faultInjector) principalPropagation() time.Duration {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.cfg.PrincipalPropagation
}
