package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// progress prints one line per slow step, stamped with the time since the demo
// started, so a person can tell a slow step from a hung one.
type progress struct {
	mu    sync.Mutex
	out   io.Writer
	start time.Time
}

func newProgress(out io.Writer) *progress { return &progress{out: out, start: time.Now()} }

func (p *progress) step(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.out, "[%5.1fs] %s\n", time.Since(p.start).Seconds(), msg)
}

// state is one object's readiness, in kstatus terms.
type state struct {
	Ref     string
	Ready   bool
	Stalled bool
	// Why is the conditions in one line, for the "not Ready" message.
	Why string
}

// assess reads readiness from an object's status the way kstatus (Argo CD, Flux)
// does: Ready is True, and it describes the current spec (its observedGeneration and
// status.observedGeneration, when set, equal metadata.generation). A Ready left over
// from the previous generation is not Ready.
func assess(o *unstructured.Unstructured) state {
	s := state{Ref: ref(o)}
	gen := o.GetGeneration()
	conds := conditions(o)
	s.Why = describeConditions(conds)
	if og, found, _ := unstructured.NestedInt64(o.Object, "status", "observedGeneration"); found && og != gen {
		s.Why = fmt.Sprintf("status.observedGeneration %d, generation %d (not reconciled yet); %s", og, gen, s.Why)
		return s
	}
	for _, c := range conds {
		current := c.ObservedGeneration == 0 || c.ObservedGeneration == gen
		switch c.Type {
		case "Ready":
			s.Ready = c.Status == "True" && current
		case "Stalled":
			s.Stalled = c.Status == "True" && current
		}
	}
	return s
}

type cond struct {
	Type, Status, Reason, Message string
	ObservedGeneration            int64
}

func conditions(o *unstructured.Unstructured) []cond {
	list, _, _ := unstructured.NestedSlice(o.Object, "status", "conditions")
	var out []cond
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		c := cond{}
		c.Type, _ = m["type"].(string)
		c.Status, _ = m["status"].(string)
		c.Reason, _ = m["reason"].(string)
		c.Message, _ = m["message"].(string)
		switch g := m["observedGeneration"].(type) {
		case int64:
			c.ObservedGeneration = g
		case float64:
			c.ObservedGeneration = int64(g)
		}
		out = append(out, c)
	}
	return out
}

// describeConditions is "Ready=False (AccountNotReady: the AccountBaseline ...);
// Reconciling=True (...)": the kstatus conditions first, then the kind's own.
func describeConditions(conds []cond) string {
	if len(conds) == 0 {
		return "no conditions yet (has the operator seen it?)"
	}
	order := map[string]int{"Ready": 0, "Stalled": 1, "Reconciling": 2}
	sorted := append([]cond(nil), conds...)
	rank := func(t string) int {
		if r, ok := order[t]; ok {
			return r
		}
		return len(order)
	}
	// Insertion sort keeps the object's own order among the kind-specific conditions.
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && rank(sorted[j].Type) < rank(sorted[j-1].Type); j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	var parts []string
	for _, c := range sorted {
		s := c.Type + "=" + c.Status
		var detail []string
		for _, d := range []string{c.Reason, c.Message} {
			if d != "" {
				detail = append(detail, d)
			}
		}
		if len(detail) > 0 {
			s += " (" + strings.Join(detail, ": ") + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// notReadyError names each object that is not Ready and why.
type notReadyError struct {
	Timeout  time.Duration
	NotReady []state
}

func (e *notReadyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of the samples did not become Ready within %s (--timeout):", len(e.NotReady), e.Timeout)
	for _, s := range e.NotReady {
		stalled := ""
		if s.Stalled {
			stalled = " [Stalled: it needs a change to the spec or to AWS]"
		}
		fmt.Fprintf(&b, "\n  %s%s\n      %s", s.Ref, stalled, s.Why)
	}
	return b.String()
}

// progressEvery bounds the silence while waiting: a line at least this often.
const progressEvery = 5 * time.Second

// waitReady polls the objects until every one is Ready or the timeout passes. It
// prints a progress line when the count changes and at least every progressEvery.
func waitReady(ctx context.Context, c client.Reader, objs []*unstructured.Unstructured, timeout time.Duration, p *progress) error {
	deadline := time.Now().Add(timeout)
	lastCount, lastPrint := -1, time.Time{}
	for {
		states := make([]state, 0, len(objs))
		for _, o := range objs {
			cur := &unstructured.Unstructured{}
			cur.SetGroupVersionKind(o.GroupVersionKind())
			if err := c.Get(ctx, client.ObjectKeyFromObject(o), cur); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				states = append(states, state{Ref: ref(o), Why: "cannot read it: " + err.Error()})
				continue
			}
			states = append(states, assess(cur))
		}
		var notReady []state
		for _, s := range states {
			if !s.Ready {
				notReady = append(notReady, s)
			}
		}
		ready := len(states) - len(notReady)
		if len(notReady) == 0 {
			if len(states) == 1 {
				p.step("the object is Ready")
			} else {
				p.step(fmt.Sprintf("all %d objects are Ready", len(states)))
			}
			return nil
		}
		if time.Now().After(deadline) {
			return &notReadyError{Timeout: timeout, NotReady: notReady}
		}
		if ready != lastCount || time.Since(lastPrint) >= progressEvery {
			p.step(waitingLine(len(states), ready, notReady))
			lastCount, lastPrint = ready, time.Now()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// waitingLine is "waiting for 4 objects to be Ready (2/4)… not yet: AssumableRole
// team-payments/payments-deployer (Stalled)".
func waitingLine(total, ready int, notReady []state) string {
	var names []string
	for _, s := range notReady {
		n := s.Ref
		if s.Stalled {
			n += " (Stalled)"
		}
		names = append(names, n)
	}
	return fmt.Sprintf("waiting for %s to be Ready (%d/%d)… not yet: %s", plural(total, "object"), ready, total, strings.Join(names, ", "))
}

// isNotReady reports whether err is the timeout of waitReady.
func isNotReady(err error) bool {
	var nr *notReadyError
	return errors.As(err, &nr)
}
