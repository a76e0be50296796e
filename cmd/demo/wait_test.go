package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func obj(t *testing.T, y string) *unstructured.Unstructured {
	t.Helper()
	objs, err := decodeDocuments([]byte(y))
	if err != nil || len(objs) != 1 {
		t.Fatalf("%d objects, %v", len(objs), err)
	}
	return objs[0]
}

func TestAssess(t *testing.T) {
	for name, tc := range map[string]struct {
		yaml           string
		ready, stalled bool
		why            string
	}{
		"ready for this generation": {yaml: `
apiVersion: iam.baseline.dev/v1alpha1
kind: TeamMember
metadata: {name: alice, namespace: team, generation: 2}
status:
  observedGeneration: 2
  conditions:
  - {type: Ready, status: "True", reason: Reconciled, message: in sync, observedGeneration: 2}
  - {type: Reconciling, status: "False", reason: Reconciled, observedGeneration: 2}`,
			ready: true, why: "Ready=True (Reconciled: in sync); Reconciling=False (Reconciled)"},
		"ready for the previous generation is not ready": {yaml: `
apiVersion: iam.baseline.dev/v1alpha1
kind: TeamMember
metadata: {name: alice, namespace: team, generation: 3}
status:
  conditions:
  - {type: Ready, status: "True", reason: Reconciled, observedGeneration: 2}`},
		"status.observedGeneration behind": {yaml: `
apiVersion: iam.baseline.dev/v1alpha1
kind: TeamMember
metadata: {name: alice, namespace: team, generation: 3}
status:
  observedGeneration: 2
  conditions:
  - {type: Ready, status: "True", reason: Reconciled, observedGeneration: 3}`,
			why: "status.observedGeneration 2, generation 3"},
		"stalled": {yaml: `
apiVersion: iam.baseline.dev/v1alpha1
kind: AccountBaseline
metadata: {name: sandbox, generation: 1}
status:
  observedGeneration: 1
  conditions:
  - {type: Reconciling, status: "False", reason: WrongAccount, observedGeneration: 1}
  - {type: Ready, status: "False", reason: WrongAccount, message: credentials are for 999, observedGeneration: 1}
  - {type: Stalled, status: "True", reason: WrongAccount, message: credentials are for 999, observedGeneration: 1}`,
			stalled: true, why: "Ready=False (WrongAccount: credentials are for 999); Stalled=True (WrongAccount: credentials are for 999); Reconciling=False"},
		"not seen by the operator": {yaml: `
apiVersion: iam.baseline.dev/v1alpha1
kind: AssumableRole
metadata: {name: deployer, namespace: team, generation: 1}`,
			why: "no conditions yet"},
	} {
		t.Run(name, func(t *testing.T) {
			s := assess(obj(t, tc.yaml))
			if s.Ready != tc.ready || s.Stalled != tc.stalled {
				t.Fatalf("ready=%v stalled=%v, want %v %v (%s)", s.Ready, s.Stalled, tc.ready, tc.stalled, s.Why)
			}
			if !strings.Contains(s.Why, tc.why) {
				t.Fatalf("why = %q, want it to contain %q", s.Why, tc.why)
			}
		})
	}
}

func TestNotReadyErrorNamesEachObjectAndWhy(t *testing.T) {
	err := &notReadyError{Timeout: 3 * time.Minute, NotReady: []state{
		{Ref: "AssumableRole team-payments/payments-deployer", Why: "Ready=False (WaitingForMembers: alice is not Ready)"},
		{Ref: "AccountBaseline sandbox", Stalled: true, Why: "Ready=False (WrongAccount: ...)"},
	}}
	msg := err.Error()
	for _, want := range []string{
		"2 of the samples did not become Ready within 3m0s (--timeout)",
		"AssumableRole team-payments/payments-deployer\n      Ready=False (WaitingForMembers: alice is not Ready)",
		"AccountBaseline sandbox [Stalled",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if !isNotReady(err) {
		t.Fatal("isNotReady = false")
	}
}

func TestWaitingLine(t *testing.T) {
	got := waitingLine(4, 2, []state{{Ref: "TeamMember team/bob"}, {Ref: "AccountBaseline sandbox", Stalled: true}})
	want := "waiting for 4 objects to be Ready (2/4)… not yet: TeamMember team/bob, AccountBaseline sandbox (Stalled)"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestProgressLinesAreStamped(t *testing.T) {
	var b bytes.Buffer
	newProgress(&b).step("starting the control plane…")
	if !strings.HasSuffix(b.String(), "s] starting the control plane…\n") || !strings.HasPrefix(b.String(), "[") {
		t.Fatalf("%q", b.String())
	}
}
