// Package outcome holds the two ways an object can fail to converge without it being
// an AWS or API error: stalled (a person must change the spec) and waiting (something
// outside the object must happen first). The desired-state builders return them, the
// controllers turn them into conditions, and the plan command reports them as refusals
// with the same message.
package outcome

import (
	"fmt"
	"time"
)

// StalledError: progress needs a person to change the spec (or AWS). No AWS write is
// made for it; the object is looked at again on the next resync or spec change.
type StalledError struct{ Reason, Message string }

func (e *StalledError) Error() string { return e.Message }

// Stalled returns a StalledError with a message a person can act on.
func Stalled(reason, format string, args ...any) error {
	return &StalledError{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// WaitingError: something outside this object has to happen first (a referenced
// object becoming Ready, IAM eventual consistency). It resolves by itself.
type WaitingError struct {
	Reason, Message string
	After           time.Duration
}

func (e *WaitingError) Error() string { return e.Message }

// Waiting returns a WaitingError that is retried after the given time.
func Waiting(reason string, after time.Duration, format string, args ...any) error {
	return &WaitingError{Reason: reason, Message: fmt.Sprintf(format, args...), After: after}
}
