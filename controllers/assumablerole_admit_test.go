package controllers_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/awslocal"
	"github.com/iam-baseline/operator/internal/conditions"
	"github.com/iam-baseline/operator/internal/policy"
)

// holdMembersArriving fails the first few CreateUser calls of n members, so each
// stays on its way to Ready (no ARN yet) for about three seconds of retry backoff
// (100 ms doubling): long enough for their role, woken 2 s after they appear, to
// decide on admitting them before any of them makes its user. Without it a member
// reconciles at once and the order of the two controllers is a race.
func holdMembersArriving(n int) { awsSrv.FailNext("CreateUser", 6*n) }

// okCalls counts the successful calls of each operation in a call log.
func okCalls(l awslocal.CallLog) map[string]int {
	out := map[string]int{}
	for _, c := range l {
		if c.Outcome == "ok" {
			out[c.Operation]++
		}
	}
	return out
}

// A role and its members applied together: the role admits the arriving members,
// so each member creates its user and its assume-role grant in one reconcile (one
// Event naming both, one onboarding ConfigMap write), and the role writes its trust
// once, with everyone in it.
func TestTeamAppliedTogetherConvergesInOneStep(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	ab := arBaseline(t, ns, nil)
	quiesce(t, 300*time.Millisecond)
	snap := awsSrv.Calls()
	names := []string{"dee", "eli"}
	holdMembersArriving(len(names))
	var refs []iamv1.TeamMemberReference
	for _, n := range names {
		refs = append(refs, iamv1.TeamMemberReference{Name: n})
	}
	ar := arCreate(t, arRole(ns, ab, "onestep", func(ar *iamv1.AssumableRole) { ar.Spec.Trust.TeamMembers = refs }))
	for _, n := range names {
		if err := k8s.Create(ctx, arMemberObject(ns, ab, n, nil)); err != nil {
			t.Fatal(err)
		}
	}
	arWaitReady(t, ar)
	if len(ar.Status.AdmittedMembers) != 0 {
		t.Errorf("a Ready role still admits %v ahead of its trust", ar.Status.AdmittedMembers)
	}
	quiesce(t, 500*time.Millisecond)
	for _, n := range names {
		tm := &iamv1.TeamMember{}
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: n}, tm); err != nil {
			t.Fatal(err)
		}
		if len(tm.Status.AssumableRoles) != 1 || tm.Status.AssumableRoles[0].RoleARN != ar.Status.ARN {
			t.Fatalf("%s may assume %v, want the role %s", n, tm.Status.AssumableRoles, ar.Status.ARN)
		}
		evs := awsChangeEvents(t, ns, n)
		if len(evs) != 1 || !strings.Contains(evs[0].Message, "CreateUser") || !strings.Contains(evs[0].Message, "PutUserPolicy") {
			var notes []string
			for _, e := range evs {
				notes = append(notes, e.Message)
			}
			t.Errorf("%s: AWSChange events %q, want one reconcile that made the user and its grant", n, notes)
		}
		if got := managerWrites.of("ConfigMap", ns, n+"-onboarding"); !maps.Equal(got, map[string]int{"create": 1}) {
			t.Errorf("%s: onboarding ConfigMap writes %v, want one create", n, got)
		}
	}
	got := okCalls(awsSrv.Calls().Since(snap))
	if got["CreateRole"] != 1 || got["UpdateAssumeRolePolicy"] != 0 || got["PutUserPolicy"] != len(names) || got["DeleteUserPolicy"] != 0 {
		t.Fatalf("writes %v: want the role created once with its whole trust and one grant per member", got)
	}
}

// The attack: a team names its AssumableRole after an IAM role that exists and is
// not the operator's (here one that trusts the whole account, so any grant opens
// it) and applies it with its members. The members are arriving when the role first
// looks, which is when it would admit them. They must never be granted
// sts:AssumeRole on that role, not even for a moment.
func TestAdmissionNeverOffersARoleThatIsNotThisObjects(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	ab := arBaseline(t, ns, nil)
	name := ns + "-prod-admin"
	open := arExpectedTrust(t, policy.TrustInput{Accounts: []string{accountID}})
	if _, err := iamClient(t).CreateRole(ctx, &iam.CreateRoleInput{RoleName: &name, AssumeRolePolicyDocument: &open}); err != nil {
		t.Fatal(err)
	}
	quiesce(t, 300*time.Millisecond)
	snap := awsSrv.Calls()
	holdMembersArriving(2)
	ar := arCreate(t, arRole(ns, ab, "grab", func(ar *iamv1.AssumableRole) {
		ar.Spec.RoleName = name
		ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "fay"}, {Name: "gus"}}
	}))
	for _, n := range []string{"fay", "gus"} {
		arMemberCreate(t, ns, ab, n)
	}
	waitCondition(t, ar, arConds(ar), iamv1.ConditionStalled, metav1.ConditionTrue, arWait)
	quiesce(t, 500*time.Millisecond)
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(ar), ar); err != nil {
		t.Fatal(err)
	}
	if len(ar.Status.AdmittedMembers) != 0 || ar.Status.ARN != "" {
		t.Errorf("a role that is not this object's offers ARN %q to %v", ar.Status.ARN, ar.Status.AdmittedMembers)
	}
	got := okCalls(awsSrv.Calls().Since(snap))
	for _, op := range []string{"PutUserPolicy", "CreatePolicy", "CreatePolicyVersion", "UpdateAssumeRolePolicy", "TagRole", "PutRolePolicy", "AttachRolePolicy"} {
		if got[op] != 0 {
			t.Errorf("%s made %d times: a member was granted, or the role changed", op, got[op])
		}
	}
}

// Two namespaces ask for the same role name at once. Both see no such role, and
// whoever creates it first owns it; had both admitted their members, the loser's
// members would hold a grant on the winner's role. Neither admits: the winner's
// members are granted after its trust is written, the loser's never.
func TestAdmissionNeedsARoleNameNoOtherObjectAsksFor(t *testing.T) {
	ctx := context.Background()
	nsA, nsB := newNamespace(t), newNamespace(t)
	ab := arBaseline(t, nsA, nil)
	name := nsA + "-shared"
	quiesce(t, 300*time.Millisecond)
	snap := awsSrv.Calls()
	holdMembersArriving(2)
	var roles []*iamv1.AssumableRole
	for _, ns := range []string{nsA, nsB} {
		roles = append(roles, arCreate(t, arRole(ns, ab, "shared", func(ar *iamv1.AssumableRole) {
			ar.Spec.RoleName = name
			ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "hal"}}
		})))
		arMemberCreate(t, ns, ab, "hal")
	}
	var winner, loser *iamv1.AssumableRole
	eventually(t, arWait, func() error {
		for i, ar := range roles {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(ar), ar); err != nil {
				return err
			}
			if conditions.IsReady(ar.Status.Conditions, ar.Generation) {
				winner, loser = ar, roles[1-i]
			}
		}
		if winner == nil || !meta.IsStatusConditionTrue(loser.Status.Conditions, iamv1.ConditionStalled) {
			return errors.New("waiting for one role Ready and the other Stalled")
		}
		return nil
	})
	quiesce(t, 500*time.Millisecond)
	got := okCalls(awsSrv.Calls().Since(snap))
	if got["PutUserPolicy"] != 1 || got["DeleteUserPolicy"] != 0 {
		t.Fatalf("PutUserPolicy %d, DeleteUserPolicy %d: want one grant, to the winner's member only",
			got["PutUserPolicy"], got["DeleteUserPolicy"])
	}
	tm := &iamv1.TeamMember{}
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: loser.Namespace, Name: "hal"}, tm); err != nil {
		t.Fatal(err)
	}
	if len(tm.Status.AssumableRoles) != 0 {
		t.Fatalf("the loser's member may assume %v", tm.Status.AssumableRoles)
	}
}

// arMemberCreate creates a member without waiting for it (arMember waits).
func arMemberCreate(t *testing.T, ns, account, name string) {
	t.Helper()
	if err := k8s.Create(context.Background(), arMemberObject(ns, account, name, nil)); err != nil {
		t.Fatal(err)
	}
}

// Someone with IAM rights of their own creates a role at the name after the role
// admitted its members and before it made the role. The role finds it is not its
// own, stops, and takes the admission back: the members drop the grant. (Only an
// actor who can create IAM roles, outside what a team namespace reaches, can open
// this window; it closes at the role's next look.)
func TestAdmissionIsWithdrawnWhenTheNameIsTaken(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	ab := arBaseline(t, ns, nil)
	name := ns + "-taken"
	quiesce(t, 300*time.Millisecond)
	awsSrv.FailNext("CreateUser", 1000) // the member stays arriving until the name is taken
	t.Cleanup(func() { awsSrv.FailNext("CreateUser", -awsSrv.FailNextPending("CreateUser")) })
	ar := arCreate(t, arRole(ns, ab, "taken", func(ar *iamv1.AssumableRole) {
		ar.Spec.RoleName = name
		ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "ida"}}
	}))
	arMemberCreate(t, ns, ab, "ida")
	eventually(t, arWait, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(ar), ar); err != nil {
			return err
		}
		if len(ar.Status.AdmittedMembers) == 0 {
			return errors.New("the member is not admitted yet")
		}
		return nil
	})
	open := arExpectedTrust(t, policy.TrustInput{Accounts: []string{accountID}})
	if _, err := iamClient(t).CreateRole(ctx, &iam.CreateRoleInput{RoleName: &name, AssumeRolePolicyDocument: &open}); err != nil {
		t.Fatal(err)
	}
	awsSrv.FailNext("CreateUser", -awsSrv.FailNextPending("CreateUser"))
	waitCondition(t, ar, arConds(ar), iamv1.ConditionStalled, metav1.ConditionTrue, arWait)
	if len(ar.Status.AdmittedMembers) != 0 || ar.Status.ARN != "" {
		t.Fatalf("a stopped role still offers ARN %q to %v", ar.Status.ARN, ar.Status.AdmittedMembers)
	}
	user := ns + "-ida"
	eventually(t, arWait, func() error {
		tm := &iamv1.TeamMember{}
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "ida"}, tm); err != nil {
			return err
		}
		if !conditions.IsReady(tm.Status.Conditions, tm.Generation) || len(tm.Status.AssumableRoles) != 0 {
			return errors.New("the member is not Ready without the role yet")
		}
		out, err := iamClient(t).ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: &user})
		if err != nil {
			return err
		}
		if len(out.PolicyNames) != 0 {
			return errors.New("the member still holds inline policies " + strings.Join(out.PolicyNames, ","))
		}
		return nil
	})
}

// Members of one role arrive at different times: two turn Ready while the role
// still waits for a third. The two keep their grant (the admission names every
// member the trust will, not only those still arriving), so every member's grant
// is written once and none is taken back.
func TestAdmissionKeepsMembersThatTurnedReady(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	group := ns + "-late"
	ab := arBaseline(t, ns, func(ab *iamv1.AccountBaseline) { ab.Spec.Groups = []iamv1.PermissionGroup{{Name: group}} })
	quiesce(t, 300*time.Millisecond)
	snap := awsSrv.Calls()
	holdMembersArriving(2)
	ar := arCreate(t, arRole(ns, ab, "staggered", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "jo"}, {Name: "kim"}, {Name: "lee"}}
	}))
	arMemberCreate(t, ns, ab, "jo")
	arMemberCreate(t, ns, ab, "kim")
	eventually(t, arWait, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(ar), ar); err != nil {
			return err
		}
		if !slices.Equal(ar.Status.AdmittedMembers, []string{ns + "/jo", ns + "/kim"}) {
			return errors.New("jo and kim are not admitted yet")
		}
		return nil
	})
	// The third joins a group: only its reconcile adds a user to a group, and those
	// calls failing hold it arriving until the first two are Ready and the role has
	// looked again, waiting for it alone.
	awsSrv.FailNext("AddUserToGroup", 1000)
	release := func() { awsSrv.FailNext("AddUserToGroup", -awsSrv.FailNextPending("AddUserToGroup")) }
	t.Cleanup(release)
	lee := arMemberObject(ns, ab, "lee", nil)
	lee.Spec.Groups = []string{group}
	if err := k8s.Create(ctx, lee); err != nil {
		t.Fatal(err)
	}
	eventually(t, arWait, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(ar), ar); err != nil {
			return err
		}
		if c := meta.FindStatusCondition(ar.Status.Conditions, iamv1.ConditionReady); c == nil || !strings.Contains(c.Message, "["+ns+"/lee]") {
			return errors.New("the role is not waiting for lee alone yet")
		}
		return nil
	})
	release()
	arWaitReady(t, ar)
	quiesce(t, 500*time.Millisecond)
	got := okCalls(awsSrv.Calls().Since(snap))
	if got["PutUserPolicy"] != 3 || got["DeleteUserPolicy"] != 0 || got["CreateRole"] != 1 || got["UpdateAssumeRolePolicy"] != 0 {
		t.Fatalf("writes %v: want one grant per member, none taken back, and the trust written once", got)
	}
}
