package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/awslocal"
)

// The self-service tests act in an account of their own (210987654329), reached
// through AssumeRole like a real member account, so "0 AWS writes" is exact: nothing
// else writes in that account. Their baselines are Observe (the baseline itself makes
// no write) and declare the groups, which exist in the account from the start.

const ssAccountIndex = 9

var ssAccountOnce sync.Once

// ssAccount returns the self-service tests' account, made once with its groups.
func ssAccount(t *testing.T) testAccount {
	t.Helper()
	ssAccountOnce.Do(func() {
		awsSrv.AddAccount(otherAccount(ssAccountIndex), fmt.Sprintf("acct%d", ssAccountIndex), fmt.Sprintf("secret%d", ssAccountIndex))
	})
	a := account(t, ssAccountIndex)
	for _, g := range []string{"developers", "admins"} {
		if _, err := a.iam.CreateGroup(context.Background(), &iam.CreateGroupInput{GroupName: awssdk.String(g)}); err != nil && !awsx.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	return a
}

// ssEnv is one self-service test's world: a team namespace, the platform namespace,
// another team's namespace, and a baseline for the account naming them.
type ssEnv struct {
	acct                    testAccount
	team, platform, outside string
	baseline                string
}

// ssSetup makes the namespaces and a careful baseline; mutate adjusts its selfService.
func ssSetup(t *testing.T, mutate func(*iamv1.AccountBaseline)) ssEnv {
	t.Helper()
	e := ssEnv{acct: ssAccount(t), team: newNamespace(t), platform: newNamespace(t), outside: newNamespace(t)}
	e.baseline = "ss-" + e.team
	baseline(t, e.baseline, func(ab *iamv1.AccountBaseline) {
		ab.Spec.AccountID = e.acct.id
		ab.Spec.Access = &iamv1.AccountAccess{RoleARN: e.acct.roleARN}
		ab.Spec.ManagementPolicy = iamv1.ManagementPolicyObserve
		ab.Spec.MFAEnforcement = &iamv1.MFAEnforcement{Enabled: awssdk.Bool(false)}
		ab.Spec.Groups = []iamv1.PermissionGroup{{Name: "developers"}, {Name: "admins"}}
		ab.Spec.SelfService = &iamv1.SelfService{
			Namespaces:        []string{e.team},
			PlatformNamespace: e.platform,
			AllowedGroups:     []string{"developers"},
		}
		if mutate != nil {
			mutate(ab)
		}
	})
	t.Cleanup(func() {
		_ = k8s.Delete(context.Background(), &iamv1.AccountBaseline{ObjectMeta: metav1.ObjectMeta{Name: e.baseline}})
	})
	return e
}

// updateBaseline changes the test's baseline (the platform team tightening or
// loosening a rule).
func (e ssEnv) updateBaseline(t *testing.T, mutate func(*iamv1.AccountBaseline)) {
	t.Helper()
	updateSpec(t, &iamv1.AccountBaseline{ObjectMeta: metav1.ObjectMeta{Name: e.baseline}}, mutate)
}

// writes are the mutating calls made in the test's account since snap.
func (e ssEnv) writes(snap awslocal.CallLog) awslocal.CallLog {
	return accountCalls(awsSrv.Calls().Since(snap), e.acct.id).Mutating()
}

// assertNoWrites fails when anything was written in the account since snap.
func (e ssEnv) assertNoWrites(t *testing.T, snap awslocal.CallLog, what string) {
	t.Helper()
	if w := e.writes(snap); len(w) != 0 {
		t.Fatalf("%s made AWS writes: %v", what, w.Summary())
	}
}

// member is a TeamMember of the test's account, without console access.
func (e ssEnv) member(ns, name string, mutate func(*iamv1.TeamMember)) *iamv1.TeamMember {
	tm := &iamv1.TeamMember{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: iamv1.TeamMemberSpec{AccountRef: e.baseline, UserName: ns + "-" + name,
			ConsoleAccess: &iamv1.ConsoleAccess{Enabled: awssdk.Bool(false)}},
	}
	if mutate != nil {
		mutate(tm)
	}
	return tm
}

// role is an AssumableRole of the test's account.
func (e ssEnv) role(ns, name string, mutate func(*iamv1.AssumableRole)) *iamv1.AssumableRole {
	return arRole(ns, e.baseline, name, mutate)
}

// ssCreate creates obj and deletes it (waiting until it is gone) when the test ends,
// so the next test's account is quiet.
func ssCreate[T client.Object](t *testing.T, obj T) T {
	t.Helper()
	if err := k8s.Create(context.Background(), obj); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { deleteAndWaitGone(t, obj) })
	return obj
}

// ssWaitStalled waits for obj to be Stalled with reason and a message naming every
// part, and returns the message.
func ssWaitStalled(t *testing.T, obj client.Object, reason string, parts ...string) string {
	t.Helper()
	conds := func() []metav1.Condition { return *commonStatus(obj).GetConditions() }
	c := waitCondition(t, obj, conds, iamv1.ConditionStalled, metav1.ConditionTrue, arWait)
	if c.Reason != reason {
		t.Fatalf("%s: Stalled reason %s (%q), want %s", obj.GetName(), c.Reason, c.Message, reason)
	}
	for _, p := range parts {
		if !strings.Contains(c.Message, p) {
			t.Fatalf("%s: Stalled message %q does not name %q", obj.GetName(), c.Message, p)
		}
	}
	return c.Message
}

// ssWaitReady waits for obj to be Ready.
func ssWaitReady(t *testing.T, obj client.Object) {
	t.Helper()
	conds := func() []metav1.Condition { return *commonStatus(obj).GetConditions() }
	waitCondition(t, obj, conds, iamv1.ConditionReady, metav1.ConditionTrue, arWait)
}

func commonStatus(obj client.Object) *iamv1.CommonStatus {
	return obj.(interface{ CommonStatusRef() *iamv1.CommonStatus }).CommonStatusRef()
}

// noUser and noRole fail when the entity exists in the test's account.
func (e ssEnv) noUser(t *testing.T, name string) {
	t.Helper()
	if _, err := e.acct.iam.GetUser(context.Background(), &iam.GetUserInput{UserName: &name}); awsx.Code(err) != "NoSuchEntity" {
		t.Fatalf("user %s exists (or the lookup failed: %v)", name, err)
	}
}

func (e ssEnv) noRole(t *testing.T, name string) {
	t.Helper()
	if _, err := e.acct.iam.GetRole(context.Background(), &iam.GetRoleInput{RoleName: &name}); awsx.Code(err) != "NoSuchEntity" {
		t.Fatalf("role %s exists (or the lookup failed: %v)", name, err)
	}
}

// roleTrust reads a role's trust policy in the test's account.
func (e ssEnv) roleTrust(t *testing.T, name string) string {
	t.Helper()
	out, err := e.acct.iam.GetRole(context.Background(), &iam.GetRoleInput{RoleName: &name})
	if err != nil {
		t.Fatal(err)
	}
	return awssdk.ToString(out.Role.AssumeRolePolicyDocument)
}

// secretExists reports whether a Secret exists.
func secretExists(t *testing.T, ns, name string) bool {
	t.Helper()
	err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &corev1.Secret{})
	if err != nil && client.IgnoreNotFound(err) != nil {
		t.Fatal(err)
	}
	return err == nil
}
