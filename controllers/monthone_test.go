package controllers_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/awslocal"
	"github.com/iam-baseline/operator/internal/credentials"
)

// What a careless platform team hits in its first month (issue 17), each against
// envtest and the local AWS, in accounts of their own so the call log of
// one account tells exactly what the operator did there.

const monthWait = 90 * time.Second

// monthAccount is this file's account i (1 to 4) of the local AWS, added on first
// use, with the role the operator reaches it through. The IDs are this file's own,
// so no other test's baseline governs them.
func monthAccount(t *testing.T, i int) testAccount {
	t.Helper()
	id, key, secret := fmt.Sprintf("31098765430%d", i), fmt.Sprintf("month%d", i), fmt.Sprintf("monthsecret%d", i)
	awsSrv.AddAccount(id, key, secret)
	cfg := sdkConfig(t, key, secret)
	a := testAccount{id: id, iam: iam.NewFromConfig(cfg), budgets: budgets.NewFromConfig(cfg)}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + accountID + `:root"},"Action":"sts:AssumeRole"}]}`
	out, err := a.iam.CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: awssdk.String(baselineRole), AssumeRolePolicyDocument: &trust})
	switch {
	case err == nil:
		a.roleARN = awssdk.ToString(out.Role.Arn)
	case awsx.IsAlreadyExists(err):
		a.roleARN = "arn:aws:iam::" + a.id + ":role/" + baselineRole
	default:
		t.Fatal(err)
	}
	return a
}

// writesIn are the mutating calls made in an account since snap.
func writesIn(snap awslocal.CallLog, acct string) awslocal.CallLog {
	return accountCalls(awsSrv.Calls().Since(snap), acct).Mutating()
}

// monthMember is a member of account baseline ab without console access.
func monthMember(ns, ab, name string, mutate func(*iamv1.TeamMember)) *iamv1.TeamMember {
	tm := &iamv1.TeamMember{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: iamv1.TeamMemberSpec{AccountRef: ab,
			ConsoleAccess: &iamv1.ConsoleAccess{Enabled: awssdk.Bool(false)}},
	}
	if mutate != nil {
		mutate(tm)
	}
	return tm
}

func monthUpdateBaseline(t *testing.T, ab *iamv1.AccountBaseline, mutate func(*iamv1.AccountBaseline)) {
	t.Helper()
	updateSpec(t, ab, mutate)
}

func waitStalledWith(t *testing.T, obj client.Object, conds func() []metav1.Condition, reason, msgPart string) *metav1.Condition {
	t.Helper()
	c := waitCondition(t, obj, conds, iamv1.ConditionStalled, metav1.ConditionTrue, monthWait)
	if c.Reason != reason || !strings.Contains(c.Message, msgPart) {
		t.Fatalf("Stalled = %s %q, want reason %s and a message containing %q", c.Reason, c.Message, reason, msgPart)
	}
	return c
}

// Item 1: IAM names ignore case. Two groups differing in case are refused at
// admission; a member spelling its group differently from the baseline is in that
// one group and stays there (no flip between spellings); two members claiming one
// user name in different case are a conflict, with no write for the second.
func TestMonthOneNamesIgnoreCase(t *testing.T) {
	ctx := context.Background()
	a := monthAccount(t, 1)
	bad := &iamv1.AccountBaseline{ObjectMeta: metav1.ObjectMeta{Name: "m1-case-bad"}, Spec: iamv1.AccountBaselineSpec{
		AccountID: a.id, Access: &iamv1.AccountAccess{RoleARN: a.roleARN},
		Groups: []iamv1.PermissionGroup{{Name: "devs", ManagedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
			{Name: "Devs", ManagedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}}}}}
	if err := k8s.Create(ctx, bad); !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "unique ignoring case") {
		t.Fatalf("a baseline with groups devs and Devs: %v, want refused at admission", err)
	}

	ab := a.baseline(t, "m1-case", func(ab *iamv1.AccountBaseline) {
		ab.Spec.MFAEnforcement = &iamv1.MFAEnforcement{Enabled: awssdk.Bool(false)}
		ab.Spec.Groups = []iamv1.PermissionGroup{{Name: "devs", ManagedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}
	})
	t.Cleanup(func() { deleteBaseline(t, ab) })
	waitBaselineReady(t, ab)
	ns := newNamespace(t)
	tm := createMember(t, monthMember(ns, ab.Name, "casey", func(tm *iamv1.TeamMember) {
		tm.Spec.UserName = "m1-casey"
		tm.Spec.Groups = []string{"DEVS"}
	}))
	t.Cleanup(func() { deleteAndWaitGone(t, tm) })
	waitMemberReady(t, tm)
	out, err := a.iam.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: awssdk.String("m1-casey")})
	if err != nil || len(out.Groups) != 1 || awssdk.ToString(out.Groups[0].GroupName) != "devs" {
		t.Fatalf("groups of m1-casey: %+v %v, want exactly devs", out, err)
	}
	// Several resyncs (3 s each): the membership is never rewritten.
	steady := awsSrv.Calls()
	time.Sleep(8 * time.Second)
	for _, c := range writesIn(steady, a.id) {
		if c.Operation == "AddUserToGroup" || c.Operation == "RemoveUserFromGroup" {
			t.Fatalf("membership flips between spellings: %s", c.Operation)
		}
	}

	// A second member claiming the same user name in another case.
	claim := awsSrv.Calls()
	twin := createMember(t, monthMember(ns, ab.Name, "casey-twin", func(tm *iamv1.TeamMember) { tm.Spec.UserName = "M1-Casey" }))
	waitStalledWith(t, twin, tmConds(twin), iamv1.ReasonOwnedByOther, "TeamMember/"+ns+"/casey")
	if w := writesIn(claim, a.id); len(w) > 0 {
		t.Fatalf("the conflicting member wrote to AWS: %v", w.Summary())
	}
	deleteAndWaitGone(t, twin)
	if _, err := a.iam.GetUser(ctx, &iam.GetUserInput{UserName: awssdk.String("m1-casey")}); err != nil {
		t.Fatalf("deleting the conflicting member removed the other's user: %v", err)
	}
}

// Item 7: a group made by hand is not taken over without adopt; with adopt it is
// converged; its hand-made grant is never touched while refused.
func TestMonthOneGroupsNeedAdopt(t *testing.T) {
	ctx := context.Background()
	a := monthAccount(t, 2)
	if _, err := a.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: awssdk.String("legacy")}); err != nil {
		t.Fatal(err)
	}
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	if _, err := a.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: awssdk.String("legacy"), PolicyArn: &admin}); err != nil {
		t.Fatal(err)
	}
	snap := awsSrv.Calls()
	ab := a.baseline(t, "m7-adopt", func(ab *iamv1.AccountBaseline) {
		ab.Spec.MFAEnforcement = &iamv1.MFAEnforcement{Enabled: awssdk.Bool(false)}
		ab.Spec.Groups = []iamv1.PermissionGroup{{Name: "Legacy", ManagedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}
	})
	t.Cleanup(func() { deleteBaseline(t, ab) })
	waitStalledWith(t, ab, abConds(ab), iamv1.ReasonNotManaged, "adopt: true")
	for _, c := range writesIn(snap, a.id) {
		if strings.Contains(c.Operation, "Group") {
			t.Fatalf("a group not adopted was changed: %s", c.Operation)
		}
	}
	monthUpdateBaseline(t, ab, func(ab *iamv1.AccountBaseline) { ab.Spec.Groups[0].Adopt = true })
	waitBaselineReady(t, ab)
	att, err := a.iam.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: awssdk.String("legacy")})
	if err != nil || len(att.AttachedPolicies) != 1 || awssdk.ToString(att.AttachedPolicies[0].PolicyArn) != "arn:aws:iam::aws:policy/ReadOnlyAccess" {
		t.Fatalf("adopted group's policies: %+v %v", att, err)
	}
	if slices.Contains(ab.Status.CreatedGroups, "Legacy") || slices.Contains(ab.Status.CreatedGroups, "legacy") {
		t.Fatalf("an adopted group is recorded as created (it would be deleted): %v", ab.Status.CreatedGroups)
	}
}

// Item 7, the operator's own groups: the answer to CreateGroup is lost after IAM
// made the group (the SDK's retry meets EntityAlreadyExists). The group is still
// this baseline's (claimed in status before the call, and dated from the attempt):
// it converges Ready without adopt, and dropping it from the spec deletes it.
func TestMonthOneGroupCreatedWhenTheAnswerIsLost(t *testing.T) {
	ctx := context.Background()
	a := monthAccount(t, 5)
	awsSrv.LoseNextAnswer("CreateGroup", 1)
	t.Cleanup(func() { awsSrv.LoseNextAnswer("CreateGroup", 0) })
	snap := awsSrv.Calls()
	ab := a.baseline(t, "m7-lost", func(ab *iamv1.AccountBaseline) {
		ab.Spec.MFAEnforcement = &iamv1.MFAEnforcement{Enabled: awssdk.Bool(false)}
		ab.Spec.Groups = []iamv1.PermissionGroup{{Name: "auditors", ManagedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}
	})
	t.Cleanup(func() { deleteBaseline(t, ab) })
	waitBaselineReady(t, ab)
	creates := map[string]int{}
	for _, c := range accountCalls(awsSrv.Calls().Since(snap), a.id) {
		if c.Operation == "CreateGroup" {
			creates[c.Outcome]++
		}
	}
	if creates["ServiceFailure"] != 1 || creates["EntityAlreadyExists"] < 1 {
		t.Fatalf("CreateGroup outcomes %v: the lost answer was not exercised", creates)
	}
	if !slices.Contains(ab.Status.CreatedGroups, "auditors") {
		t.Fatalf("the group this baseline made is not recorded as created: %v", ab.Status.CreatedGroups)
	}
	monthUpdateBaseline(t, ab, func(ab *iamv1.AccountBaseline) { ab.Spec.Groups = nil })
	eventually(t, 60*time.Second, func() error {
		_, err := a.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: awssdk.String("auditors")})
		if err == nil {
			return fmt.Errorf("group auditors still exists")
		}
		return nil
	})
}

// Item 4: one Secret name for both credentials is refused at admission; a Secret of
// this member's that holds the other kind of credential is never overwritten, and
// reverting the spec recovers.
func TestMonthOneSecretsNeverShared(t *testing.T) {
	ctx := context.Background()
	ensureMembersBaseline(t)
	ns := newNamespace(t)
	same := member(ns, "shared", func(tm *iamv1.TeamMember) {
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{SecretName: "creds"}
		tm.Spec.AccessKeys = &iamv1.AccessKeys{Enabled: true, SecretName: "creds"}
	})
	if err := k8s.Create(ctx, same); !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "different names") {
		t.Fatalf("one Secret name for both credentials: %v, want refused at admission", err)
	}

	tm := createMember(t, member(ns, "keyed", func(tm *iamv1.TeamMember) {
		tm.Spec.UserName = ns + "-keyed"
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: awssdk.Bool(false)}
		tm.Spec.AccessKeys = &iamv1.AccessKeys{Enabled: true, SecretName: "keys"}
	}))
	t.Cleanup(func() { deleteAndWaitGone(t, tm) })
	waitMemberReady(t, tm)
	keySecret, err := secret(t, ns, "keys")
	if err != nil {
		t.Fatal(err)
	}
	keyID := string(keySecret.Data[credentials.AccessKeyID])

	// Console on, into the Secret that holds the key (keys off, so admission allows it).
	snap := awsSrv.Calls()
	updateMember(t, tm, func(tm *iamv1.TeamMember) {
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{SecretName: "keys"}
		tm.Spec.AccessKeys = nil
	})
	waitStalledWith(t, tm, tmConds(tm), iamv1.ReasonInvalidSpec, "access-key credentials")
	after, err := secret(t, ns, "keys")
	if err != nil || string(after.Data[credentials.AccessKeyID]) != keyID || len(after.Data[credentials.ConsolePassword]) != 0 {
		t.Fatalf("the key's Secret was overwritten: %v", err)
	}
	for _, w := range writesIn(snap, accountID) {
		if w.Operation == "CreateLoginProfile" || w.Operation == "UpdateLoginProfile" {
			t.Fatalf("a password was set that no Secret holds: %s", w.Operation)
		}
	}
	// Revert: the member recovers.
	updateMember(t, tm, func(tm *iamv1.TeamMember) {
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: awssdk.Bool(false)}
		tm.Spec.AccessKeys = &iamv1.AccessKeys{Enabled: true, SecretName: "keys"}
	})
	waitMemberReady(t, tm)
}

// Item 3: an alias taken by another account is refused without deleting the
// current one; status and new members' Secrets keep the sign-in URL of the alias AWS
// holds; a free alias replaces the old one in one call; reverting recovers.
func TestMonthOneAliasIsReplacedNeverDropped(t *testing.T) {
	ctx := context.Background()
	a := monthAccount(t, 3)
	other := monthAccount(t, 4)
	if _, err := other.iam.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: awssdk.String("m3-taken")}); err != nil {
		t.Fatal(err)
	}
	ab := a.baseline(t, "m3-alias", func(ab *iamv1.AccountBaseline) {
		ab.Spec.Alias = "m3-first"
		ab.Spec.MFAEnforcement = &iamv1.MFAEnforcement{Enabled: awssdk.Bool(false)}
	})
	t.Cleanup(func() { deleteBaseline(t, ab) })
	waitBaselineReady(t, ab)
	firstURL := "https://m3-first.signin.aws.amazon.com/console"

	snap := awsSrv.Calls()
	monthUpdateBaseline(t, ab, func(ab *iamv1.AccountBaseline) { ab.Spec.Alias = "m3-taken" })
	waitStalledWith(t, ab, abConds(ab), iamv1.ReasonInvalidSpec, "m3-taken")
	al, err := a.iam.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	if err != nil || !slices.Equal(al.AccountAliases, []string{"m3-first"}) {
		t.Fatalf("aliases after a refused change: %v %v, want the old one kept", al, err)
	}
	if n := accountCalls(awsSrv.Calls().Since(snap), a.id).Count("iam", "DeleteAccountAlias"); n != 0 {
		t.Fatalf("the current alias was deleted %d times", n)
	}
	if ab.Status.SignInURL != firstURL {
		t.Fatalf("status.signInURL = %q, want %q (the alias AWS holds)", ab.Status.SignInURL, firstURL)
	}
	// A member joining now gets the sign-in URL of this account, not the refused alias.
	ns := newNamespace(t)
	tm := createMember(t, member(ns, "newbie", func(tm *iamv1.TeamMember) {
		tm.Spec.AccountRef = ab.Name
		tm.Spec.UserName = ns + "-newbie"
	}))
	t.Cleanup(func() { deleteAndWaitGone(t, tm) })
	waitMemberReady(t, tm)
	s, err := secret(t, ns, "newbie-console")
	if err != nil || string(s.Data[credentials.ConsoleSignInURL]) != firstURL {
		t.Fatalf("the new member's sign-in URL: %q %v, want %q", s.Data[credentials.ConsoleSignInURL], err, firstURL)
	}

	// A free alias replaces the old one with a single CreateAccountAlias.
	snap = awsSrv.Calls()
	monthUpdateBaseline(t, ab, func(ab *iamv1.AccountBaseline) { ab.Spec.Alias = "m3-second" })
	waitBaselineReady(t, ab)
	w := writesIn(snap, a.id)
	if w.Count("iam", "CreateAccountAlias") != 1 || w.Count("iam", "DeleteAccountAlias") != 0 {
		t.Fatalf("replacing the alias: %v, want one CreateAccountAlias and no delete", w.Summary())
	}
	if ab.Status.SignInURL != "https://m3-second.signin.aws.amazon.com/console" {
		t.Fatalf("status.signInURL = %q", ab.Status.SignInURL)
	}
}

// Item 2: replacing one of ten email subscribers, and one of ten managed policies
// of a role, removes first: no write is refused at the limit, and nothing wedges.
func TestMonthOneReplacementAtALimit(t *testing.T) {
	ctx := context.Background()
	a := monthAccount(t, 4)
	var subs []iamv1.BudgetSubscriber
	for i := range 10 {
		subs = append(subs, iamv1.BudgetSubscriber{Address: fmt.Sprintf("alert%d@example.com", i)})
	}
	managed := []string{"AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "IAMUserChangePassword", "IAMReadOnlyAccess",
		"IAMFullAccess", "SecurityAudit", "AmazonS3ReadOnlyAccess", "AmazonEC2ReadOnlyAccess", "AWSBillingReadOnlyAccess", "job-function/ViewOnlyAccess"}
	for i := range managed {
		managed[i] = "arn:aws:iam::aws:policy/" + managed[i]
	}
	ab := a.baseline(t, "m2-limits", func(ab *iamv1.AccountBaseline) {
		ab.Spec.MFAEnforcement = &iamv1.MFAEnforcement{Enabled: awssdk.Bool(false)}
		ab.Spec.Budgets = []iamv1.Budget{{Name: "m2-guard", Limit: "10", Notifications: []iamv1.BudgetNotification{{Threshold: "80", Subscribers: slices.Clone(subs)}}}}
	})
	t.Cleanup(func() { deleteBaseline(t, ab) })
	waitBaselineReady(t, ab)
	ns := newNamespace(t)
	ar := arCreate(t, arRole(ns, ab.Name, "ten", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.Accounts = []string{otherAccount(1)}
		ar.Spec.ManagedPolicies = slices.Clone(managed[:10])
	}))
	waitCondition(t, ar, arConds(ar), iamv1.ConditionReady, metav1.ConditionTrue, monthWait)

	snap := awsSrv.Calls()
	monthUpdateBaseline(t, ab, func(ab *iamv1.AccountBaseline) {
		ab.Spec.Budgets[0].Notifications[0].Subscribers[0].Address = "replacement@example.com"
	})
	arUpdate(t, ar, func(ar *iamv1.AssumableRole) { ar.Spec.ManagedPolicies = slices.Clone(managed[1:]) })
	waitBaselineReady(t, ab)
	waitCondition(t, ar, arConds(ar), iamv1.ConditionReady, metav1.ConditionTrue, monthWait)
	for _, c := range accountCalls(awsSrv.Calls().Since(snap), a.id) {
		if c.Outcome == "LimitExceeded" || c.Outcome == "CreationLimitExceededException" {
			t.Fatalf("a write was refused at the limit: %s %s", c.Operation, c.Outcome)
		}
	}
	att, err := a.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: awssdk.String(ar.Spec.RoleName)})
	if err != nil || len(att.AttachedPolicies) != 10 {
		t.Fatalf("role policies after the swap: %v %v", att, err)
	}
	// Reverting converges back, again without a refused write.
	snap = awsSrv.Calls()
	monthUpdateBaseline(t, ab, func(ab *iamv1.AccountBaseline) {
		ab.Spec.Budgets[0].Notifications[0].Subscribers = slices.Clone(subs)
	})
	arUpdate(t, ar, func(ar *iamv1.AssumableRole) { ar.Spec.ManagedPolicies = slices.Clone(managed[:10]) })
	waitBaselineReady(t, ab)
	waitCondition(t, ar, arConds(ar), iamv1.ConditionReady, metav1.ConditionTrue, monthWait)
	for _, c := range accountCalls(awsSrv.Calls().Since(snap), a.id) {
		if c.Outcome == "LimitExceeded" || c.Outcome == "CreationLimitExceededException" {
			t.Fatalf("reverting: a write was refused at the limit: %s %s", c.Operation, c.Outcome)
		}
	}
}

// Item 5 and issue 12's bad input: what will never work is Stalled before any write
// (a group no baseline declares, a permissions boundary that does not exist, inline
// policies over the role quota) or refused at admission (names over 64, tag values
// IAM refuses); fixing the spec or the baseline recovers at once.
func TestMonthOneStalledBeforeAnyWrite(t *testing.T) {
	ctx := context.Background()
	a := monthAccount(t, 1)
	ab := a.baseline(t, "m5-stall", func(ab *iamv1.AccountBaseline) {
		ab.Spec.MFAEnforcement = &iamv1.MFAEnforcement{Enabled: awssdk.Bool(false)}
		ab.Spec.Groups = []iamv1.PermissionGroup{{Name: "m5-devs"}}
	})
	t.Cleanup(func() { deleteBaseline(t, ab) })
	waitBaselineReady(t, ab)
	ns := newNamespace(t)

	// Admission: a 70-character object name as the user name. Before any write: a tag
	// value with a comma.
	long := member(ns, strings.Repeat("x", 70), func(tm *iamv1.TeamMember) { tm.Spec.AccountRef = ab.Name })
	if err := k8s.Create(ctx, long); !apierrors.IsInvalid(err) {
		t.Fatalf("a 70-character user name: %v, want refused at admission", err)
	}
	tagged := member(ns, "tagged", func(tm *iamv1.TeamMember) {
		tm.Spec.AccountRef = ab.Name
		tm.Spec.UserName = ns + "-tagged"
		tm.Spec.Tags = iamv1.Tags{"team": "payments, core"}
	})
	createMember(t, tagged)
	t.Cleanup(func() { deleteAndWaitGone(t, tagged) })

	snap := awsSrv.Calls()
	ghost := createMember(t, monthMember(ns, ab.Name, "ghost", func(tm *iamv1.TeamMember) {
		tm.Spec.UserName = ns + "-ghost"
		tm.Spec.Groups = []string{"m5-ghosts"}
	}))
	t.Cleanup(func() { deleteAndWaitGone(t, ghost) })
	waitStalledWith(t, ghost, tmConds(ghost), iamv1.ReasonInvalidSpec, "m5-ghosts")
	waitStalledWith(t, tagged, tmConds(tagged), iamv1.ReasonInvalidSpec, "tag values may contain only")
	boundary := "arn:aws:iam::" + a.id + ":policy/m5-missing-boundary"
	bounded := arCreate(t, arRole(ns, ab.Name, "bounded", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.Accounts = []string{otherAccount(1)}
		ar.Spec.PermissionsBoundary = boundary
	}))
	arWaitStalled(t, bounded, iamv1.ReasonInvalidSpec, "m5-missing-boundary")
	big := strings.Repeat("b", 5600)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + big + `"}]}`
	huge := arCreate(t, arRole(ns, ab.Name, "huge", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.Accounts = []string{otherAccount(1)}
		ar.Spec.InlinePolicies = []iamv1.InlinePolicy{{Name: "one", Document: doc}, {Name: "two", Document: doc}}
	}))
	arWaitStalled(t, huge, iamv1.ReasonInvalidSpec, "10240")
	// Wait past a resync: still no write, no retrying failed write.
	time.Sleep(5 * time.Second)
	if w := writesIn(snap, a.id); len(w) > 0 {
		t.Fatalf("refused objects wrote to AWS: %v", w.Summary())
	}

	// The fixes: the baseline declares the group (the member wakes at once), the
	// boundary is removed, one inline policy goes.
	monthUpdateBaseline(t, ab, func(ab *iamv1.AccountBaseline) {
		ab.Spec.Groups = append(ab.Spec.Groups, iamv1.PermissionGroup{Name: "m5-ghosts"})
	})
	waitCondition(t, ghost, tmConds(ghost), iamv1.ConditionReady, metav1.ConditionTrue, monthWait)
	arUpdate(t, bounded, func(ar *iamv1.AssumableRole) { ar.Spec.PermissionsBoundary = "" })
	arUpdate(t, huge, func(ar *iamv1.AssumableRole) { ar.Spec.InlinePolicies = ar.Spec.InlinePolicies[:1] })
	waitCondition(t, bounded, arConds(bounded), iamv1.ConditionReady, metav1.ConditionTrue, monthWait)
	waitCondition(t, huge, arConds(huge), iamv1.ConditionReady, metav1.ConditionTrue, monthWait)
}
