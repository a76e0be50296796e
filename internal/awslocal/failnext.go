package awslocal

import (
	"net/http"
	"sync"
)

// errInterrupted answers a call failed by FailNext. ConcurrentModification is what
// IAM answers when another writer got there first; the SDK does not retry it, so the
// caller's pass stops right there, as if the process had died before the call.
var errInterrupted = newErr(http.StatusConflict, "ConcurrentModification",
	"The request was rejected because multiple requests to change this object were submitted simultaneously.")

// errAnswerLost answers a call made by LoseNextAnswer: the change was made, and the
// caller is told of a failure (a 500, which the SDK retries).
var errAnswerLost = newErr(http.StatusInternalServerError, "ServiceFailure",
	"The request processing has failed because of an unknown error, exception or failure.")

// oneShotFaults fails the next calls of chosen operations: a test stops the
// operator between two steps at an exact place and then watches the next pass
// finish the job.
type oneShotFaults struct {
	mu      sync.Mutex
	pending map[string]int // operation -> calls still to fail
	// lost: operation -> calls still to apply and then answer with a failure.
	lost map[string]int
}

// LoseNextAnswer makes the next n calls of operation change state as usual and then
// answer ServiceFailure (500): the change was made and the caller cannot know it, as
// when a connection drops after AWS acted. The SDK retries, and the retry meets the
// caller's own change (EntityAlreadyExists for a create). Logged with outcome
// ServiceFailure.
func (s *Server) LoseNextAnswer(operation string, n int) {
	s.oneShot.mu.Lock()
	defer s.oneShot.mu.Unlock()
	if s.oneShot.lost == nil {
		s.oneShot.lost = map[string]int{}
	}
	s.oneShot.lost[operation] += n
}

// takeLost reports whether this successful call's answer is to be lost.
func (o *oneShotFaults) takeLost(operation string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.lost[operation] <= 0 {
		return false
	}
	o.lost[operation]--
	return true
}

// FailNext makes the next n calls of operation (an IAM, STS or Budgets action name)
// fail with ConcurrentModification (409) and change nothing. They are logged with
// that outcome.
func (s *Server) FailNext(operation string, n int) {
	s.oneShot.mu.Lock()
	defer s.oneShot.mu.Unlock()
	if s.oneShot.pending == nil {
		s.oneShot.pending = map[string]int{}
	}
	s.oneShot.pending[operation] += n
}

// take reports whether this call of operation is one to fail.
func (o *oneShotFaults) take(operation string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.pending[operation] <= 0 {
		return false
	}
	o.pending[operation]--
	return true
}

// FailNextPending is how many calls of operation FailNext will still fail; a test
// that armed more than it used takes the rest back with FailNext(op, -n).
func (s *Server) FailNextPending(operation string) int {
	s.oneShot.mu.Lock()
	defer s.oneShot.mu.Unlock()
	return s.oneShot.pending[operation]
}
