package controllers

import (
	"errors"
	"fmt"
	"strings"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/outcome"
)

// partFailures collects the failures of an AccountBaseline's independent parts (the
// alias, the password policy, MFA enforcement, each group, each budget), so one bad
// part does not stop the others: a group naming a policy that does not exist must not
// keep the budgets from being made.
type partFailures []partFailure

type partFailure struct {
	part string
	err  error
}

// run runs one part and records its failure.
func (f *partFailures) run(part string, do func() error) {
	if err := do(); err != nil {
		*f = append(*f, partFailure{part: part, err: err})
	}
}

// err is nil when every part succeeded. When every failure needs a person (a stall),
// it is one stall naming each part; when any can resolve by itself (throttling, a
// transient error), it is that error, with the message naming each part, so the
// baseline is retried with backoff.
func (f partFailures) err() error {
	if len(f) == 0 {
		return nil
	}
	msgs := make([]string, 0, len(f))
	var retry error
	reason := ""
	for _, p := range f {
		msgs = append(msgs, p.part+": "+p.err.Error())
		var st *outcome.StalledError
		switch {
		case errors.As(p.err, &st):
			if reason == "" {
				reason = st.Reason
			}
		case retry == nil:
			retry = p.err
		}
	}
	msg := strings.Join(msgs, "; ")
	if len(f) > 1 {
		msg = fmt.Sprintf("%d parts failed, the others are in place: %s", len(f), msg)
	}
	if retry != nil {
		return &partsRetryError{msg: msg, err: retry}
	}
	if reason == "" {
		reason = iamv1.ReasonInvalidSpec
	}
	return stalled(reason, "%s", msg)
}

// partsRetryError names every failed part and unwraps to the first retryable error,
// so finish classifies it (throttled, transient, terminal AWS error) as that error.
type partsRetryError struct {
	msg string
	err error
}

func (e *partsRetryError) Error() string { return e.msg }
func (e *partsRetryError) Unwrap() error { return e.err }
