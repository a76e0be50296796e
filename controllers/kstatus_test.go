package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

// The status of every kind follows the kstatus rules that Argo CD and Flux read
// (sigs.k8s.io/cli-utils/pkg/kstatus; the rules are checked here directly):
//
//   - once reconciled, status.observedGeneration == metadata.generation, and every
//     condition's observedGeneration too: a condition never describes another spec;
//   - Ready is present;
//   - Reconciling and Stalled are never both True;
//   - Stalled True ⇒ Ready False;
//   - Ready True ⇒ neither Reconciling nor Stalled True.
//
// Real objects are driven into each state (Ready, in progress, Stalled) through the
// controllers. The ordering rules are checked on every poll while an object gets
// there, not only in the end state, since a transient violation is what makes Argo CD
// flap.

const ksWait = 60 * time.Second

// ksStatus returns what the rules look at, for the three kinds.
func ksStatus(obj client.Object) (observedGeneration int64, conds []metav1.Condition) {
	switch o := obj.(type) {
	case *iamv1.TeamMember:
		return o.Status.ObservedGeneration, o.Status.Conditions
	case *iamv1.AssumableRole:
		return o.Status.ObservedGeneration, o.Status.Conditions
	case *iamv1.AccountBaseline:
		return o.Status.ObservedGeneration, o.Status.Conditions
	}
	panic(fmt.Sprintf("ksStatus: %T is not one of the project's kinds", obj))
}

// ksViolations lists the rules the status breaks. settled: the controller has
// reconciled this generation, so the generation rules apply too.
func ksViolations(generation, observedGeneration int64, conds []metav1.Condition, settled bool) []string {
	var v []string
	is := func(typ string, s metav1.ConditionStatus) bool {
		c := meta.FindStatusCondition(conds, typ)
		return c != nil && c.Status == s
	}
	if is(iamv1.ConditionReconciling, metav1.ConditionTrue) && is(iamv1.ConditionStalled, metav1.ConditionTrue) {
		v = append(v, "Reconciling and Stalled are both True")
	}
	if is(iamv1.ConditionStalled, metav1.ConditionTrue) && !is(iamv1.ConditionReady, metav1.ConditionFalse) {
		v = append(v, "Stalled is True but Ready is not False")
	}
	if is(iamv1.ConditionReady, metav1.ConditionTrue) && (is(iamv1.ConditionReconciling, metav1.ConditionTrue) || is(iamv1.ConditionStalled, metav1.ConditionTrue)) {
		v = append(v, "Ready is True while Reconciling or Stalled is True")
	}
	if !settled {
		return v
	}
	if observedGeneration != generation {
		v = append(v, fmt.Sprintf("status.observedGeneration %d != generation %d", observedGeneration, generation))
	}
	if meta.FindStatusCondition(conds, iamv1.ConditionReady) == nil {
		v = append(v, "no Ready condition")
	}
	for _, c := range conds {
		if c.ObservedGeneration != generation {
			v = append(v, fmt.Sprintf("condition %s has observedGeneration %d, generation is %d", c.Type, c.ObservedGeneration, generation))
		}
	}
	return v
}

// ksState is the kstatus state the conditions describe: Ready, Stalled, Reconciling,
// or NotReady (Ready False with neither of the others True).
func ksState(conds []metav1.Condition) string {
	switch {
	case meta.IsStatusConditionTrue(conds, iamv1.ConditionStalled):
		return "Stalled"
	case meta.IsStatusConditionTrue(conds, iamv1.ConditionReconciling):
		return "Reconciling"
	case meta.IsStatusConditionTrue(conds, iamv1.ConditionReady):
		return "Ready"
	}
	return "NotReady"
}

func ksDescribe(conds []metav1.Condition) string {
	var parts []string
	for _, c := range conds {
		parts = append(parts, fmt.Sprintf("%s=%s(%s, gen %d)", c.Type, c.Status, c.Reason, c.ObservedGeneration))
	}
	return strings.Join(parts, " ")
}

// ksReach polls obj until it has settled in one of the wanted states (an empty want
// accepts any state but Ready), checking the ordering rules on every poll, then
// checks every rule over a further second of polls, so a state that flickers is
// caught too. It returns the state reached.
func ksReach(t *testing.T, obj client.Object, want ...string) string {
	t.Helper()
	ctx := context.Background()
	kind := fmt.Sprintf("%T %s", obj, client.ObjectKeyFromObject(obj))
	accept := func(s string) bool {
		if len(want) == 0 {
			return s != "Ready"
		}
		for _, w := range want {
			if s == w {
				return true
			}
		}
		return false
	}
	seen := map[string]bool{}
	deadline := time.Now().Add(ksWait)
	var last string
	for {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
			t.Fatal(err)
		}
		og, conds := ksStatus(obj)
		settled := og == obj.GetGeneration() && len(conds) > 0
		for _, v := range ksViolations(obj.GetGeneration(), og, conds, false) {
			if !seen[v] {
				seen[v] = true
				t.Errorf("%s on the way: %s (%s)", kind, v, ksDescribe(conds))
			}
		}
		state := ksState(conds)
		last = fmt.Sprintf("state %s, observedGeneration %d, generation %d: %s", state, og, obj.GetGeneration(), ksDescribe(conds))
		if settled && accept(state) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not reach %v within %s; last %s", kind, want, ksWait, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
	reached := ksState(func() []metav1.Condition { _, c := ksStatus(obj); return c }())
	for i := 0; i < 10; i++ {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
			t.Fatal(err)
		}
		og, conds := ksStatus(obj)
		for _, v := range ksViolations(obj.GetGeneration(), og, conds, true) {
			if !seen[v] {
				seen[v] = true
				t.Errorf("%s in state %s: %s (%s)", kind, reached, v, ksDescribe(conds))
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("%s: %s", kind, last)
	return reached
}

// ksAccount adds an account of its own to the local AWS, so an AccountBaseline of
// this test governs it whatever baselines other tests hold, and returns the ARN of
// a role the operator (the main account) assumes into it. The role is made only when
// withRole is set: without it the baseline cannot reach its account.
func ksAccount(t *testing.T, id string, withRole bool) string {
	t.Helper()
	key, secret := "ks-"+id, "ks-secret-"+id
	awsSrv.AddAccount(id, key, secret)
	roleARN := "arn:aws:iam::" + id + ":role/ks-baseline-admin"
	if !withRole {
		return roleARN
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + accountID + `:root"},"Action":"sts:AssumeRole"}]}`
	c := iam.NewFromConfig(sdkConfig(t, key, secret))
	if _, err := c.CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: awssdk.String("ks-baseline-admin"), AssumeRolePolicyDocument: &trust}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachRolePolicy(context.Background(), &iam.AttachRolePolicyInput{RoleName: awssdk.String("ks-baseline-admin"), PolicyArn: awssdk.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	return roleARN
}

// ksBaseline creates an AccountBaseline that is deleted when the test ends (with the
// default Retain policy, so deleting it touches nothing in AWS).
func ksBaseline(t *testing.T, name string, mutate func(*iamv1.AccountBaseline)) *iamv1.AccountBaseline {
	t.Helper()
	ab := baseline(t, name, mutate)
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), ab) })
	return ab
}

func TestKstatusRules(t *testing.T) {
	ns := newNamespace(t)
	// An account whose credentials are not the operator's: everything that names it is
	// Stalled, and nothing is called in AWS. Its own ID, so it does not contend with
	// the other tests' wrong-account baseline.
	wrong := ksBaseline(t, "ks-wrong-"+ns, func(ab *iamv1.AccountBaseline) { ab.Spec.AccountID = "999999999990" })

	t.Run("TeamMember", func(t *testing.T) {
		t.Run("Ready", func(t *testing.T) {
			ensureMembersBaseline(t)
			tm := createMember(t, member(ns, "ks-ready", func(tm *iamv1.TeamMember) { tm.Spec.UserName = ns + "-ks-ready" }))
			t.Cleanup(func() { deleteAndWaitGone(t, tm) })
			ksReach(t, tm, "Ready")
			// A spec change: the next generation is described once it is reconciled.
			updateMember(t, tm, func(tm *iamv1.TeamMember) { tm.Spec.Tags = iamv1.Tags{"kstatus": "second-generation"} })
			if tm.Generation < 2 {
				t.Fatalf("generation = %d after a spec change", tm.Generation)
			}
			ksReach(t, tm, "Ready")
		})
		t.Run("Reconciling", func(t *testing.T) {
			tm := createMember(t, member(ns, "ks-waiting", func(tm *iamv1.TeamMember) {
				tm.Spec.AccountRef = "ks-missing-" + ns
				tm.Spec.UserName = ns + "-ks-waiting"
			}))
			t.Cleanup(func() { deleteAndWaitGone(t, tm) })
			ksReach(t, tm, "Reconciling")
		})
		t.Run("Stalled", func(t *testing.T) {
			tm := createMember(t, member(ns, "ks-stalled", func(tm *iamv1.TeamMember) {
				tm.Spec.AccountRef = wrong.Name
				tm.Spec.UserName = ns + "-ks-stalled"
			}))
			t.Cleanup(func() { deleteAndWaitGone(t, tm) })
			ksReach(t, tm, "Stalled")
		})
	})

	t.Run("AssumableRole", func(t *testing.T) {
		role := func(name, accountRef string) *iamv1.AssumableRole {
			ar := &iamv1.AssumableRole{
				ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
				Spec: iamv1.AssumableRoleSpec{
					AccountRef: accountRef,
					RoleName:   ns + "-" + name,
					// Another account as the principal: the role does not depend on any
					// TeamMember becoming Ready.
					Trust: iamv1.RoleTrust{Accounts: []string{otherAccount(1)}},
				},
			}
			if err := k8s.Create(context.Background(), ar); err != nil {
				t.Fatal(err)
			}
			// Not waited for: a role whose account cannot be reached keeps its
			// finalizer (deletionPolicy Delete cannot be honoured), which is a matter
			// for the AssumableRole tests, not for status.
			t.Cleanup(func() { _ = k8s.Delete(context.Background(), ar) })
			return ar
		}
		t.Run("Ready", func(t *testing.T) {
			ensureMembersBaseline(t)
			ksReach(t, role("ks-ready", membersBaseline), "Ready")
		})
		t.Run("Reconciling", func(t *testing.T) {
			ksReach(t, role("ks-waiting", "ks-missing-"+ns), "Reconciling")
		})
		t.Run("Stalled", func(t *testing.T) {
			ksReach(t, role("ks-stalled", wrong.Name), "Stalled")
		})
	})

	t.Run("AccountBaseline", func(t *testing.T) {
		t.Run("Ready", func(t *testing.T) {
			roleARN := ksAccount(t, "313131313101", true)
			ab := ksBaseline(t, "ks-ready-"+ns, func(ab *iamv1.AccountBaseline) {
				ab.Spec.AccountID = "313131313101"
				ab.Spec.Access = &iamv1.AccountAccess{RoleARN: roleARN}
			})
			ksReach(t, ab, "Ready")
		})
		t.Run("NotReady", func(t *testing.T) {
			// The role to assume does not exist (yet): whether the controller calls that
			// Reconciling (it may appear) or Stalled (a person must make it), the status
			// must follow the rules.
			roleARN := ksAccount(t, "313131313102", false)
			ab := ksBaseline(t, "ks-unreachable-"+ns, func(ab *iamv1.AccountBaseline) {
				ab.Spec.AccountID = "313131313102"
				ab.Spec.Access = &iamv1.AccountAccess{RoleARN: roleARN}
			})
			ksReach(t, ab)
		})
		t.Run("Stalled", func(t *testing.T) {
			ksReach(t, wrong, "Stalled")
		})
	})
}

// TestKstatusRulesChecker: the checker itself catches each broken rule.
func TestKstatusRulesChecker(t *testing.T) {
	c := func(typ string, s metav1.ConditionStatus, gen int64) metav1.Condition {
		return metav1.Condition{Type: typ, Status: s, ObservedGeneration: gen, Reason: "R"}
	}
	T, F := metav1.ConditionTrue, metav1.ConditionFalse
	for name, tc := range map[string]struct {
		gen, observed int64
		conds         []metav1.Condition
		want          string
	}{
		"ready":                {2, 2, []metav1.Condition{c("Ready", T, 2), c("Reconciling", F, 2), c("Stalled", F, 2)}, ""},
		"stalled":              {1, 1, []metav1.Condition{c("Ready", F, 1), c("Stalled", T, 1)}, ""},
		"reconciling":          {1, 1, []metav1.Condition{c("Ready", F, 1), c("Reconciling", T, 1)}, ""},
		"both":                 {1, 1, []metav1.Condition{c("Ready", F, 1), c("Reconciling", T, 1), c("Stalled", T, 1)}, "both True"},
		"stalled but ready":    {1, 1, []metav1.Condition{c("Ready", T, 1), c("Stalled", T, 1)}, "Ready is not False"},
		"ready but working":    {1, 1, []metav1.Condition{c("Ready", T, 1), c("Reconciling", T, 1)}, "Ready is True while"},
		"no ready":             {1, 1, []metav1.Condition{c("Reconciling", T, 1)}, "no Ready"},
		"stale status":         {3, 2, []metav1.Condition{c("Ready", T, 3)}, "status.observedGeneration 2"},
		"stale condition":      {3, 3, []metav1.Condition{c("Ready", T, 3), c("Drifted", F, 2)}, "condition Drifted"},
		"stalled, ready stale": {1, 1, []metav1.Condition{c("Stalled", T, 1)}, "Ready is not False"},
	} {
		t.Run(name, func(t *testing.T) {
			got := strings.Join(ksViolations(tc.gen, tc.observed, tc.conds, true), "; ")
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("violations %q, want %q", got, tc.want)
			}
		})
	}
}
