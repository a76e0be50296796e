package main

import (
	"time"

	"github.com/iam-baseline/operator/internal/awslocal"
)

// bindingUse measures how much of the token bucket the operator used while it was
// limited, second by second: in each second from the first IAM call to the last,
// the higher of the two classes' shares of their rates (calls the bucket accepted,
// i.e. not throttled, NoSuchEntity included: they cost a token too), capped at 1,
// averaged over the seconds.
//
// The per-class averages over the whole run understate it: the work comes in phases
// bound by different classes (creating users is writes, proving promises is reads),
// so neither class can be at its rate for the whole run. A pacer that leaves the
// binding class idle shows up here as a low number; one that keeps it at its rate
// reads near 100%.
func bindingUse(calls awslocal.CallLog, mutatingRate, readRate float64) (float64, int) {
	var first time.Time
	type second struct{ mutating, read int }
	var per []second
	for _, c := range calls {
		if c.Service != "iam" || c.Outcome == "Throttling" {
			continue
		}
		if first.IsZero() {
			first = c.At
		}
		i := int(c.At.Sub(first) / time.Second)
		for len(per) <= i {
			per = append(per, second{})
		}
		if c.Mutating {
			per[i].mutating++
		} else {
			per[i].read++
		}
	}
	if len(per) == 0 {
		return 0, 0
	}
	sum := 0.0
	for _, s := range per {
		sum += min(1, max(float64(s.mutating)/mutatingRate, float64(s.read)/readRate))
	}
	return sum / float64(len(per)), len(per)
}
