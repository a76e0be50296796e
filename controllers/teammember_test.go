package controllers_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/awslocal"
	"github.com/iam-baseline/operator/internal/credentials"
	"github.com/iam-baseline/operator/internal/metrics"
)

func TestTeamMemberLifecycle(t *testing.T) {
	ensureMembersBaseline(t)
	ctx := context.Background()
	ns := newNamespace(t)
	tm := createMember(t, member(ns, "alice", func(tm *iamv1.TeamMember) {
		tm.Spec.UserName = "alice.lifecycle"
		tm.Spec.Groups = []string{"developers"}
		tm.Spec.Tags = iamv1.Tags{"team": "payments"}
	}))
	waitMemberReady(t, tm)

	// The user, its tags and groups.
	user, err := getUser(t, "alice.lifecycle")
	if err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{}
	for _, tag := range user.User.Tags {
		tags[*tag.Key] = *tag.Value
	}
	if !hasOwnerTag(tags, awsx.Owner("TeamMember", ns, "alice")) || tags["team"] != "payments" {
		t.Fatalf("user tags = %v", tags)
	}
	if g := userGroups(t, "alice.lifecycle"); !slices.Equal(sorted(g), []string{"developers", mfaGroupName}) {
		t.Fatalf("groups = %v, want developers and the MFA group", g)
	}
	if tm.Status.ARN != *user.User.Arn || tm.Status.UserID != *user.User.UserId || tm.Status.UserName != "alice.lifecycle" {
		t.Fatalf("status = %+v", tm.Status)
	}
	if c := condition(t, tm, tmConds(tm), iamv1.ConditionMFAEnrolled); c == nil || c.Status != metav1.ConditionFalse {
		t.Fatalf("MFAEnrolled = %+v, want False", c)
	}

	// Console access: a login profile that must be reset, and a Secret with the password.
	lp, err := iamClient(t).GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: awssdk.String("alice.lifecycle")})
	if err != nil || !lp.LoginProfile.PasswordResetRequired {
		t.Fatalf("login profile = %+v, %v; want one with PasswordResetRequired", lp, err)
	}
	s, err := secret(t, ns, "alice-console")
	if err != nil {
		t.Fatal(err)
	}
	password := string(s.Data[credentials.ConsolePassword])
	if len(password) < 20 || string(s.Data[credentials.ConsoleUserName]) != "alice.lifecycle" ||
		string(s.Data[credentials.ConsoleSignInURL]) != "https://acme-members.signin.aws.amazon.com/console" {
		t.Fatalf("console secret keys: user %q url %q password length %d", s.Data[credentials.ConsoleUserName], s.Data[credentials.ConsoleSignInURL], len(password))
	}
	if tm.Status.ConsoleSecretName != "alice-console" {
		t.Fatalf("status.consoleSecretName = %q", tm.Status.ConsoleSecretName)
	}

	// Every change made in AWS is an event, and AWS calls are counted as metrics.
	assertEvent(t, ns, "alice", "CreateUser")
	assertEvent(t, ns, "alice", "AddUserToGroup")
	if n := testutil.ToFloat64(metrics.AWSCalls.WithLabelValues("IAM", "CreateUser", "ok")); n < 1 {
		t.Fatalf("iam_baseline_aws_api_calls_total{operation=CreateUser,outcome=ok} = %v", n)
	}

	// A steady-state pass makes no mutating call: wait for the next resync's reads.
	assertSteadyState(t, "alice.lifecycle")

	// Update: groups and tags change, console off, keys on.
	updateMember(t, tm, func(tm *iamv1.TeamMember) {
		tm.Spec.Groups = []string{"operators"}
		tm.Spec.Tags = iamv1.Tags{"team": "platform", "oncall": "yes"}
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: ptr.To(false)}
		tm.Spec.AccessKeys = &iamv1.AccessKeys{Enabled: true, MaxAge: &metav1.Duration{Duration: 720 * time.Hour}}
	})
	waitMemberReady(t, tm)
	if g := userGroups(t, "alice.lifecycle"); !slices.Equal(sorted(g), []string{mfaGroupName, "operators"}) {
		t.Fatalf("groups after update = %v", g)
	}
	user, _ = getUser(t, "alice.lifecycle")
	tags = map[string]string{}
	for _, tag := range user.User.Tags {
		tags[*tag.Key] = *tag.Value
	}
	if tags["team"] != "platform" || tags["oncall"] != "yes" || !hasOwnerTag(tags, awsx.Owner("TeamMember", ns, "alice")) {
		t.Fatalf("tags after update = %v", tags)
	}
	if _, err := iamClient(t).GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: awssdk.String("alice.lifecycle")}); !awsx.IsNotFound(err) {
		t.Fatalf("login profile still there after console access was turned off: %v", err)
	}
	if _, err := secret(t, ns, "alice-console"); err == nil {
		t.Fatal("console Secret still there after console access was turned off")
	}
	keys := userKeys(t, "alice.lifecycle")
	ks, err := secret(t, ns, "alice-access-key")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || string(ks.Data[credentials.AccessKeyID]) != keys[0] || tm.Status.AccessKeyID != keys[0] {
		t.Fatalf("keys %v, Secret holds %q, status %q", keys, ks.Data[credentials.AccessKeyID], tm.Status.AccessKeyID)
	}
	assertNoSecretLeak(t, ns, []string{password, string(ks.Data[credentials.SecretAccessKey])}, tm)

	// The person enrols a virtual MFA device: status follows.
	enrolMFA(t, "alice.lifecycle")
	waitCondition(t, tm, tmConds(tm), iamv1.ConditionMFAEnrolled, metav1.ConditionTrue, 20*time.Second)
	if !tm.Status.MFAEnrolled {
		t.Fatal("status.mfaEnrolled is false after enrolment")
	}

	// And an SSH key for CodeCommit, which IAM also wants gone before DeleteUser.
	if _, err := iamClient(t).UploadSSHPublicKey(ctx, &iam.UploadSSHPublicKeyInput{
		UserName: awssdk.String("alice.lifecycle"), SSHPublicKeyBody: awssdk.String("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG0 alice@laptop"),
	}); err != nil {
		t.Fatal(err)
	}

	// Delete: everything IAM requires first (the MFA device and SSH key included),
	// then the user, without a DeleteConflict.
	before := awsSrv.Calls()
	deleteAndWaitGone(t, tm)
	if _, err := getUser(t, "alice.lifecycle"); !awsx.IsNotFound(err) {
		t.Fatalf("user still exists after delete: %v", err)
	}
	if n := awsSrv.Calls().Since(before).Count("iam", "DeleteUser"); n == 0 {
		t.Fatal("no DeleteUser call")
	}
	if n := awsSrv.Calls().Since(before).Count("iam", "DeleteSSHPublicKey"); n != 1 {
		t.Fatalf("DeleteSSHPublicKey called %d times, want 1", n)
	}
	if n := awsSrv.Calls().Since(before).Count("iam", "DeleteVirtualMFADevice"); n != 1 {
		t.Fatalf("DeleteVirtualMFADevice called %d times, want 1", n)
	}
	for _, c := range awsSrv.Calls().Since(before) {
		if c.Outcome == "DeleteConflict" {
			t.Fatalf("deletion hit DeleteConflict on %s", c.Operation)
		}
	}
}

// assertSteadyState waits for periodic resyncs of members (each lists its access
// keys) and then checks that the passes made no mutating call.
func assertSteadyState(t *testing.T, userName string) {
	t.Helper()
	quiesce(t, 500*time.Millisecond)
	before := awsSrv.Calls()
	eventually(t, 20*time.Second, func() error {
		if awsSrv.Calls().Since(before).Count("iam", "ListAccessKeys") < 2 {
			return errNotYet
		}
		return nil
	})
	quiesce(t, 300*time.Millisecond)
	t.Logf("calls in the steady-state window (two member resyncs, plus other objects'): %v", awsSrv.Calls().Since(before).Summary())
	if m := awsSrv.Calls().Since(before).Mutating(); len(m) > 0 {
		t.Fatalf("steady-state reconcile made %d mutating calls: %v", len(m), m.Summary())
	}
}

// enrolMFA does what a person does in the console: create a virtual MFA device and
// enable it with two consecutive codes from the authenticator.
func enrolMFA(t *testing.T, user string) {
	t.Helper()
	ctx := context.Background()
	c := iamClient(t)
	dev, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: awssdk.String(user)})
	if err != nil {
		t.Fatal(err)
	}
	code1, code2 := awslocal.MFACodes(string(dev.VirtualMFADevice.Base32StringSeed), time.Now())
	if _, err := c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
		UserName: awssdk.String(user), SerialNumber: dev.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: &code1, AuthenticationCode2: &code2,
	}); err != nil {
		t.Fatal(err)
	}
}

// assertEvent checks that an AWSChange event recorded for obj names the action (one
// Event summarises a reconcile's changes).
func assertEvent(t *testing.T, ns, obj, action string) {
	t.Helper()
	eventually(t, 10*time.Second, func() error {
		events := &corev1.EventList{}
		if err := k8s.List(context.Background(), events, client.InNamespace(ns)); err != nil {
			return err
		}
		for _, e := range events.Items {
			if e.InvolvedObject.Name == obj && e.Reason == "AWSChange" && (e.Action == action || strings.Contains(e.Message, action)) {
				return nil
			}
		}
		return fmt.Errorf("no AWSChange event %s for %s among %d events", action, obj, len(events.Items))
	})
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestTeamMemberDriftIsRepaired(t *testing.T) {
	ensureMembersBaseline(t)
	ctx := context.Background()
	ns := newNamespace(t)
	tm := createMember(t, member(ns, "drift", func(tm *iamv1.TeamMember) {
		tm.Spec.Groups = []string{"developers"}
		tm.Spec.Tags = iamv1.Tags{"team": "a"}
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: ptr.To(false)}
	}))
	waitMemberReady(t, tm)

	// Someone removes a group membership and a tag in the console.
	c := iamClient(t)
	if _, err := c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{UserName: awssdk.String("drift"), GroupName: awssdk.String("developers")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagUser(ctx, &iam.UntagUserInput{UserName: awssdk.String("drift"), TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	// And adds one.
	if _, err := c.TagUser(ctx, &iam.TagUserInput{UserName: awssdk.String("drift"), Tags: []iamtypes.Tag{{Key: awssdk.String("rogue"), Value: awssdk.String("x")}}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		if !slices.Contains(userGroups(t, "drift"), "developers") {
			return errNotYet
		}
		u, err := getUser(t, "drift")
		if err != nil {
			return err
		}
		tags := map[string]string{}
		for _, tag := range u.User.Tags {
			tags[*tag.Key] = *tag.Value
		}
		if tags["team"] != "a" || tags["rogue"] != "" {
			return errNotYet
		}
		return nil
	})
	deleteAndWaitGone(t, tm)
}

func TestTeamMemberRetainKeepsTheUser(t *testing.T) {
	ensureMembersBaseline(t)
	ns := newNamespace(t)
	tm := createMember(t, member(ns, "retained", func(tm *iamv1.TeamMember) {
		tm.Spec.DeletionPolicy = iamv1.DeletionPolicyRetain
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: ptr.To(false)}
	}))
	waitMemberReady(t, tm)
	deleteAndWaitGone(t, tm)
	if _, err := getUser(t, "retained"); err != nil {
		t.Fatalf("Retain deleted the user: %v", err)
	}
}

func TestTeamMemberAdoption(t *testing.T) {
	ensureMembersBaseline(t)
	ctx := context.Background()
	ns := newNamespace(t)
	if _, err := iamClient(t).CreateUser(ctx, &iam.CreateUserInput{UserName: awssdk.String("handmade")}); err != nil {
		t.Fatal(err)
	}
	quiesce(t, 300*time.Millisecond)
	before := awsSrv.Calls()
	tm := createMember(t, member(ns, "handmade", func(tm *iamv1.TeamMember) {
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: ptr.To(false)}
	}))
	c := waitCondition(t, tm, tmConds(tm), iamv1.ConditionStalled, metav1.ConditionTrue, 30*time.Second)
	if c.Reason != iamv1.ReasonNotManaged || !contains(c.Message, "spec.adopt: true") {
		t.Fatalf("stalled = %+v", c)
	}
	if m := awsSrv.Calls().Since(before).Mutating(); len(m) > 0 {
		t.Fatalf("a refused adoption made writes: %v", m.Summary())
	}

	updateMember(t, tm, func(tm *iamv1.TeamMember) { tm.Spec.Adopt = true })
	waitMemberReady(t, tm)
	u, _ := getUser(t, "handmade")
	tags := map[string]string{}
	for _, tag := range u.User.Tags {
		tags[*tag.Key] = *tag.Value
	}
	if !hasOwnerTag(tags, awsx.Owner("TeamMember", ns, "handmade")) {
		t.Fatalf("adopted user lacks the ownership tags: %v", tags)
	}
	deleteAndWaitGone(t, tm)
}

func TestTeamMemberOwnedByAnotherIsRefused(t *testing.T) {
	ensureMembersBaseline(t)
	ns := newNamespace(t)
	first := createMember(t, member(ns, "owner", func(tm *iamv1.TeamMember) {
		tm.Spec.UserName = "shared.name"
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: ptr.To(false)}
	}))
	waitMemberReady(t, first)
	second := createMember(t, member(ns, "intruder", func(tm *iamv1.TeamMember) {
		tm.Spec.UserName = "shared.name"
		tm.Spec.Adopt = true // adoption never takes a user from another owner
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: ptr.To(false)}
	}))
	c := waitCondition(t, second, tmConds(second), iamv1.ConditionStalled, metav1.ConditionTrue, 30*time.Second)
	if c.Reason != iamv1.ReasonOwnedByOther || !contains(c.Message, "TeamMember/"+ns+"/owner") {
		t.Fatalf("stalled = %+v, want the owner named", c)
	}
	// Deleting the intruder must not delete the owner's user.
	deleteAndWaitGone(t, second)
	if _, err := getUser(t, "shared.name"); err != nil {
		t.Fatalf("deleting the refused object deleted the owner's user: %v", err)
	}
	deleteAndWaitGone(t, first)
}

func TestTeamMemberWrongAccountIsRefused(t *testing.T) {
	ns := newNamespace(t)
	baseline(t, "wrong-account", func(ab *iamv1.AccountBaseline) { ab.Spec.AccountID = "999999999999" })
	before := awsSrv.Calls()
	tm := createMember(t, member(ns, "lost", func(tm *iamv1.TeamMember) { tm.Spec.AccountRef = "wrong-account" }))
	c := waitCondition(t, tm, tmConds(tm), iamv1.ConditionStalled, metav1.ConditionTrue, 30*time.Second)
	if c.Reason != iamv1.ReasonWrongAccount || !contains(c.Message, "123456789012") || !contains(c.Message, "999999999999") {
		t.Fatalf("stalled = %+v", c)
	}
	// Other objects keep reconciling in the main account, so the check is on what
	// this member would have written first: no CreateUser, and no user.
	if n := awsSrv.Calls().Since(before).Count("iam", "CreateUser"); n != 0 {
		t.Fatalf("CreateUser called %d times for a member of the wrong account", n)
	}
	if _, err := getUser(t, "lost"); !awsx.IsNotFound(err) {
		t.Fatalf("user created in the wrong account: %v", err)
	}
	deleteAndWaitGone(t, tm)
}

func TestTeamMemberObserveWritesNothing(t *testing.T) {
	ensureMembersBaseline(t)
	ctx := context.Background()
	ns := newNamespace(t)
	if _, err := iamClient(t).CreateUser(ctx, &iam.CreateUserInput{UserName: awssdk.String("observed")}); err != nil {
		t.Fatal(err)
	}
	quiesce(t, 300*time.Millisecond)
	before := awsSrv.Calls()
	tm := createMember(t, member(ns, "observed", func(tm *iamv1.TeamMember) {
		tm.Spec.ManagementPolicy = iamv1.ManagementPolicyObserve
		tm.Spec.Adopt = true
		tm.Spec.Groups = []string{"developers"}
	}))
	waitMemberReady(t, tm)
	c := waitCondition(t, tm, tmConds(tm), iamv1.ConditionDrifted, metav1.ConditionTrue, 10*time.Second)
	if !contains(c.Message, "AddUserToGroup developers") {
		t.Fatalf("drift = %q, want the missing group named", c.Message)
	}
	if m := awsSrv.Calls().Since(before).Mutating(); len(m) > 0 {
		t.Fatalf("Observe made writes: %v", m.Summary())
	}
	deleteAndWaitGone(t, tm)
	if _, err := getUser(t, "observed"); err != nil {
		t.Fatalf("deleting an Observe member deleted the user: %v", err)
	}
}

func TestTeamMemberGuardrails(t *testing.T) {
	ns := newNamespace(t)
	baseline(t, "guarded", func(ab *iamv1.AccountBaseline) {
		ab.Spec.Groups = []iamv1.PermissionGroup{{Name: "developers"}, {Name: "admins"}}
		ab.Spec.SelfService = &iamv1.SelfService{Namespaces: []string{ns}, AllowedGroups: []string{"developers"}}
	})
	other := newNamespace(t)
	before := awsSrv.Calls()
	forbiddenGroup := createMember(t, member(ns, "greedy", func(tm *iamv1.TeamMember) {
		tm.Spec.AccountRef = "guarded"
		tm.Spec.Groups = []string{"admins"}
	}))
	c := waitCondition(t, forbiddenGroup, tmConds(forbiddenGroup), iamv1.ConditionStalled, metav1.ConditionTrue, 30*time.Second)
	if c.Reason != iamv1.ReasonNotAllowed || !contains(c.Message, `"admins"`) {
		t.Fatalf("stalled = %+v", c)
	}
	wrongNS := createMember(t, member(other, "outsider", func(tm *iamv1.TeamMember) { tm.Spec.AccountRef = "guarded" }))
	c = waitCondition(t, wrongNS, tmConds(wrongNS), iamv1.ConditionStalled, metav1.ConditionTrue, 30*time.Second)
	if c.Reason != iamv1.ReasonNotAllowed || !contains(c.Message, other) {
		t.Fatalf("stalled = %+v", c)
	}
	for _, call := range awsSrv.Calls().Since(before).Mutating() {
		if call.Service == "iam" && (call.Operation == "CreateUser" || call.Operation == "AddUserToGroup") {
			t.Fatalf("a refused member made a write: %+v", call)
		}
	}
	deleteAndWaitGone(t, forbiddenGroup)
	deleteAndWaitGone(t, wrongNS)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
