package awslocal

import (
	"strings"
	"sync"
	"time"
)

// Call is one request seen by the server, after authentication was attempted.
type Call struct {
	Service   string `json:"service"`   // iam, sts, budgets
	Operation string `json:"operation"` // e.g. CreateUser
	Account   string `json:"account"`   // caller's account ("" if unauthenticated)
	Outcome   string `json:"outcome"`   // "ok" or the AWS error code
	Mutating  bool   `json:"mutating"`
	// At is when the answer was decided, so a run's call rate can be measured.
	At time.Time `json:"at"`
}

// CallLog is an ordered list of calls.
type CallLog []Call

// Mutating returns the calls that change state (or would have, had they succeeded).
func (l CallLog) Mutating() CallLog {
	var out CallLog
	for _, c := range l {
		if c.Mutating {
			out = append(out, c)
		}
	}
	return out
}

// Count counts calls by service and operation; "" matches any.
func (l CallLog) Count(service, operation string) int {
	n := 0
	for _, c := range l {
		if (service == "" || c.Service == service) && (operation == "" || c.Operation == operation) {
			n++
		}
	}
	return n
}

// Since returns the calls made after the snapshot prev. The log is
// append-only until reset, so this is the suffix beyond len(prev).
func (l CallLog) Since(prev CallLog) CallLog {
	if len(prev) >= len(l) {
		return nil
	}
	return append(CallLog(nil), l[len(prev):]...)
}

// Summary counts calls by "service:operation:outcome", handy in test messages.
func (l CallLog) Summary() map[string]int {
	m := map[string]int{}
	for _, c := range l {
		m[c.Service+":"+c.Operation+":"+c.Outcome]++
	}
	return m
}

// mutatingPrefixes are the operation name prefixes that change state. Names
// not matching (Get*, List*, Describe*, GenerateCredentialReport, AssumeRole,
// GetSessionToken) are read-only.
var mutatingPrefixes = []string{
	"Create", "Delete", "Update", "Put", "Attach", "Detach", "Add", "Remove",
	"Tag", "Untag", "Enable", "Deactivate", "Set", "Change", "Resync", "Upload",
}

func isMutating(operation string) bool {
	for _, p := range mutatingPrefixes {
		if strings.HasPrefix(operation, p) {
			return true
		}
	}
	return false
}

type callLog struct {
	mu    sync.Mutex
	calls CallLog
}

func (l *callLog) add(c Call) {
	if c.At.IsZero() {
		c.At = time.Now()
	}
	l.mu.Lock()
	l.calls = append(l.calls, c)
	l.mu.Unlock()
}

func (l *callLog) snapshot() CallLog {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append(CallLog(nil), l.calls...)
}

func (l *callLog) reset() {
	l.mu.Lock()
	l.calls = nil
	l.mu.Unlock()
}
