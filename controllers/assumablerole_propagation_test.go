package controllers_test

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/awslocal"
)

// TestAssumableRoleRetriesAFreshPrincipal: IAM answers "Invalid principal in policy"
// for a user created a moment ago. The role waits and retries; it is never reported
// as a bad spec, and it converges once IAM has caught up.
func TestAssumableRoleRetriesAFreshPrincipal(t *testing.T) {
	ns := newNamespace(t)
	account := arBaseline(t, ns, nil)
	awsSrv.SetFaults(awslocal.Faults{PrincipalPropagation: 4 * time.Second})
	defer awsSrv.SetFaults(awslocal.Faults{})

	before := awsSrv.Calls()
	tm := arMember(t, ns, account, "newcomer", nil)
	ar := arCreate(t, arRole(ns, account, "fresh", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "newcomer"}}
	}))
	// While IAM has not caught up, the role is in progress, never Stalled.
	deadline := time.Now().Add(arWait)
	for time.Now().Before(deadline) {
		c := condition(t, ar, arConds(ar), iamv1.ConditionStalled)
		if c != nil && c.Status == "True" {
			t.Fatalf("an invalid principal for a fresh user was reported as a bad spec: %s", c.Message)
		}
		if r := meta.FindStatusCondition(ar.Status.Conditions, iamv1.ConditionReady); r != nil && r.Status == "True" && r.ObservedGeneration == ar.Generation {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	arWaitReady(t, ar)
	refused := 0
	for _, c := range awsSrv.Calls().Since(before) {
		if c.Operation == "CreateRole" && c.Outcome == "MalformedPolicyDocument" {
			refused++
		}
	}
	if refused == 0 {
		t.Fatal("IAM never refused the fresh principal: the test did not exercise the retry")
	}
	if len(ar.Status.TrustedMembers) != 1 || ar.Status.TrustedMembers[0] != ns+"/newcomer" {
		t.Fatalf("trustedMembers = %v", ar.Status.TrustedMembers)
	}
	arDeleteAndWait(t, ar)
	arDeleteAndWait(t, tm)
}
