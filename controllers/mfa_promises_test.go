package controllers_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/awslocal"
	"github.com/iam-baseline/operator/internal/policy"
)

// The promises of issue #11, attacked and proven against envtest and the local
// AWS in account 6: leaked keys cannot enrol a device or get anything without
// MFA; a password-only session cannot reach another user even with
// ReadOnlyAccess; MFAEnforced is proven once per set of groups and never in a
// steady state; a hand-added "Allow *" version is gone after one reconcile; a
// person switches into a role that also trusts an account with an external ID;
// and MFAEnforced names the first broken request once the MFA policy is detached
// by hand under Observe.
func TestMFAPromises(t *testing.T) {
	ctx := context.Background()
	a := account(t, 6)
	// The operator's role in the account needs its permissions while the local
	// AWS authorises requests below.
	if _, err := a.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: awssdk.String(baselineRole), PolicyArn: awssdk.String("arn:aws:iam::aws:policy/AdministratorAccess")}); err != nil {
		t.Fatal(err)
	}
	ab := a.baseline(t, "promises", func(ab *iamv1.AccountBaseline) {
		ab.Spec.Groups = []iamv1.PermissionGroup{{Name: "readers", ManagedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}
	})
	waitBaselineReady(t, ab)
	ns := newNamespace(t)
	mk := func(name string, groups ...string) *iamv1.TeamMember {
		tm := createMember(t, member(ns, name, func(tm *iamv1.TeamMember) {
			tm.Spec.AccountRef = ab.Name
			tm.Spec.Groups = groups
		}))
		waitMemberReady(t, tm)
		return tm
	}
	alice := createMember(t, member(ns, "alice", func(tm *iamv1.TeamMember) {
		tm.Spec.AccountRef = ab.Name
		tm.Spec.Groups = []string{"readers"}
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{}
		tm.Spec.AccessKeys = &iamv1.AccessKeys{Enabled: true}
	}))
	waitMemberReady(t, alice)
	bob := mk("bob")

	// Proven once per distinct set of groups (two here), by the evaluator.
	waitProof(t, ab, abConds(ab), iamv1.ConditionMFAEnforced, metav1.ConditionTrue, "136 requests proven")

	// The attacks, decided by the local AWS's evaluator over the documents the
	// operator wrote (alice's own, her groups', the MFA policy).
	decide := func(who *iamv1.TeamMember, action, resource string, mfa ...string) iamtypes.PolicyEvaluationDecisionType {
		t.Helper()
		in := &iam.SimulatePrincipalPolicyInput{PolicySourceArn: &who.Status.ARN, ActionNames: []string{action}, ResourceArns: []string{resource},
			ContextEntries: []iamtypes.ContextEntry{{ContextKeyName: awssdk.String("aws:username"), ContextKeyType: iamtypes.ContextKeyTypeEnumString, ContextKeyValues: []string{who.Status.UserName}}}}
		if len(mfa) > 0 {
			in.ContextEntries = append(in.ContextEntries, iamtypes.ContextEntry{ContextKeyName: awssdk.String("aws:MultiFactorAuthPresent"), ContextKeyType: iamtypes.ContextKeyTypeEnumBoolean, ContextKeyValues: mfa})
		}
		out, err := a.iam.SimulatePrincipalPolicy(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return out.EvaluationResults[0].EvalDecision
	}
	device := "arn:aws:iam::" + a.id + ":mfa/attacker"
	for _, c := range []struct {
		what             string
		action, resource string
		mfa              []string
		want             iamtypes.PolicyEvaluationDecisionType
	}{
		{"leaked keys create a device", "iam:CreateVirtualMFADevice", device, nil, iamtypes.PolicyEvaluationDecisionTypeExplicitDeny},
		{"leaked keys enable a device", "iam:EnableMFADevice", alice.Status.ARN, nil, iamtypes.PolicyEvaluationDecisionTypeExplicitDeny},
		{"leaked keys read anything", "s3:GetObject", "*", nil, iamtypes.PolicyEvaluationDecisionTypeExplicitDeny},
		{"leaked keys list users", "iam:ListUsers", "*", nil, iamtypes.PolicyEvaluationDecisionTypeExplicitDeny},
		{"password-only session reads another user's login profile", "iam:GetLoginProfile", bob.Status.ARN, []string{"false"}, iamtypes.PolicyEvaluationDecisionTypeExplicitDeny},
		{"password-only session lists another user's MFA devices", "iam:ListMFADevices", bob.Status.ARN, []string{"false"}, iamtypes.PolicyEvaluationDecisionTypeExplicitDeny},
		{"console enrolment still works", "iam:EnableMFADevice", alice.Status.ARN, []string{"false"}, iamtypes.PolicyEvaluationDecisionTypeAllowed},
		{"with MFA ReadOnlyAccess applies", "iam:GetLoginProfile", bob.Status.ARN, []string{"true"}, iamtypes.PolicyEvaluationDecisionTypeAllowed},
	} {
		if got := decide(alice, c.action, c.resource, c.mfa...); got != c.want {
			t.Errorf("%s: %s, want %s", c.what, got, c.want)
		}
	}

	// The attacks themselves, with the local AWS authorising this account's
	// requests by the caller's own policies, as IAM does.
	keys, err := secret(t, ns, "alice-access-key") // the member's keys, leaked
	if err != nil {
		t.Fatal(err)
	}
	keyID, keySecret := string(keys.Data["AWS_ACCESS_KEY_ID"]), string(keys.Data["AWS_SECRET_ACCESS_KEY"])
	sec, err := secret(t, ns, "alice-console")
	if err != nil {
		t.Fatal(err)
	}
	awsSrv.RequireAuthorization(a.id, true)
	t.Cleanup(func() { awsSrv.RequireAuthorization(a.id, false) })
	attackStart := awsSrv.Calls()
	leaked := iam.NewFromConfig(sdkConfig(t, keyID, keySecret))
	mustBeDenied := func(what string, err error) {
		t.Helper()
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
			t.Errorf("%s: %v, want AccessDenied", what, err)
		}
	}
	_, err = leaked.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: awssdk.String("attacker")})
	mustBeDenied("leaked keys create an MFA device", err)
	_, err = leaked.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: &alice.Status.UserName, SerialNumber: &device,
		AuthenticationCode1: awssdk.String("123456"), AuthenticationCode2: awssdk.String("654321")})
	mustBeDenied("leaked keys enable an MFA device", err)
	_, err = leaked.ListUsers(ctx, &iam.ListUsersInput{})
	mustBeDenied("leaked keys list users", err)
	// A password-only console session (first sign-in: the password is changed,
	// no MFA yet) with ReadOnlyAccess: its own login profile yes, bob's no.
	creds, err := awsSrv.ConsoleSignIn(a.id, alice.Status.UserName, string(sec.Data["password"]), "")
	if err != nil {
		t.Fatal(err)
	}
	console := iam.NewFromConfig(sessionConfig(t, creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken))
	if _, err := console.ChangePassword(ctx, &iam.ChangePasswordInput{OldPassword: awssdk.String(string(sec.Data["password"])), NewPassword: awssdk.String("Alices-0wn-Passw0rd!")}); err != nil {
		t.Fatalf("first sign-in cannot change the password: %v", err)
	}
	if _, err := console.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: &alice.Status.UserName}); err != nil {
		t.Errorf("own login profile without MFA: %v", err)
	}
	_, err = console.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: &bob.Status.UserName})
	mustBeDenied("password-only session reads another user's login profile with ReadOnlyAccess", err)
	_, err = console.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: &bob.Status.UserName})
	mustBeDenied("password-only session lists another user's MFA devices", err)
	awsSrv.RequireAuthorization(a.id, false)
	for _, c := range accountCalls(awsSrv.Calls().Since(attackStart), a.id).Mutating() {
		if c.Outcome == "ok" && c.Operation != "ChangePassword" {
			t.Errorf("an attack wrote to AWS: %s", c.Operation)
		}
	}

	// Steady state: several resyncs, no simulation and no write in the account.
	settleSimulations(t, a.id)
	snap := awsSrv.Calls()
	time.Sleep(4 * resync)
	calls := accountCalls(awsSrv.Calls().Since(snap), a.id)
	if n := calls.Count("iam", "SimulatePrincipalPolicy"); n != 0 {
		t.Errorf("steady state made %d simulation calls", n)
	}
	if m := calls.Mutating(); len(m) != 0 {
		t.Errorf("steady state made writes: %v", m.Summary())
	}

	// A status patch made from a stale cached copy (the proof's own write not yet
	// seen) puts the old MFAEnforced back: the next reconcile restores the
	// remembered verdict, without asking AWS again.
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(ab), ab); err != nil {
		t.Fatal(err)
	}
	proven := *meta.FindStatusCondition(ab.Status.Conditions, iamv1.ConditionMFAEnforced)
	stale := ab.DeepCopy()
	meta.SetStatusCondition(&stale.Status.Conditions, metav1.Condition{Type: iamv1.ConditionMFAEnforced, Status: metav1.ConditionUnknown,
		Reason: iamv1.ReasonNothingToProve, Message: "no TeamMember of this account has an IAM user yet: the proof runs when one has"})
	if err := k8s.Status().Update(ctx, stale); err != nil {
		t.Fatal(err)
	}
	snap = awsSrv.Calls()
	waitProof(t, ab, func() []metav1.Condition { return ab.Status.Conditions }, iamv1.ConditionMFAEnforced, proven.Status, proven.Message)
	if n := accountCalls(awsSrv.Calls().Since(snap), a.id).Count("iam", "SimulatePrincipalPolicy"); n != 0 {
		t.Errorf("restoring a remembered verdict made %d simulation calls", n)
	}

	// A hand-added "Allow *" made the default, and another left beside it: gone
	// after one reconcile, the desired document the default again.
	mfaARN := "arn:aws:iam::" + a.id + ":policy/iam-baseline-force-mfa"
	allowAll := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	for _, def := range []bool{false, true} {
		if _, err := a.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &mfaARN, PolicyDocument: &allowAll, SetAsDefault: def}); err != nil {
			t.Fatal(err)
		}
	}
	want, _ := policy.Marshal(policy.MFAEnforcement("aws"))
	eventually(t, 60*time.Second, func() error {
		vs, err := a.iam.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: &mfaARN})
		if err != nil {
			return err
		}
		if len(vs.Versions) != 1 || !vs.Versions[0].IsDefaultVersion {
			return fmt.Errorf("%d versions", len(vs.Versions))
		}
		v, err := a.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &mfaARN, VersionId: vs.Versions[0].VersionId})
		if err != nil {
			return err
		}
		if same, err := policy.Equal(want, awssdk.ToString(v.PolicyVersion.Document)); err != nil || !same {
			return fmt.Errorf("default is not the desired document")
		}
		return nil
	})

	// A person switches into a role that also trusts a third-party account with
	// an external ID: people never send one.
	role := &iamv1.AssumableRole{
		ObjectMeta: metav1.ObjectMeta{Name: "shared", Namespace: ns},
		Spec: iamv1.AssumableRoleSpec{AccountRef: ab.Name, Trust: iamv1.RoleTrust{
			TeamMembers: []iamv1.TeamMemberReference{{Name: "alice"}},
			Accounts:    []string{otherAccount(1)},
			ExternalID:  "vendor-42",
		}},
	}
	if err := k8s.Create(ctx, role); err != nil {
		t.Fatal(err)
	}
	waitProof(t, role, func() []metav1.Condition { return role.Status.Conditions }, iamv1.ConditionTrustVerified, metav1.ConditionTrue, "4 requests proven")
	// The repair above made the baseline prove MFAEnforced again; once that
	// and the role's proof are done, a steady state asks nothing.
	settleSimulations(t, a.id)
	snap = awsSrv.Calls()
	time.Sleep(4 * resync)
	if n := accountCalls(awsSrv.Calls().Since(snap), a.id).Count("iam", "SimulatePrincipalPolicy"); n != 0 {
		t.Errorf("steady state with a role made %d simulation calls", n)
	}
	serial, code := enrolMFAIn(t, a.iam, alice.Status.UserName)
	cfg := sdkConfig(t, keyID, keySecret)
	if _, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: &role.Status.ARN, RoleSessionName: awssdk.String("alice"), SerialNumber: &serial, TokenCode: &code,
	}); err != nil {
		t.Fatalf("alice with MFA and no external ID cannot switch into the role: %v", err)
	}

	// Observe, and the MFA policy detached from its group by hand: the proof
	// names the first request that breaks the promise; nothing is changed back.
	updateBaseline(t, ab, func(ab *iamv1.AccountBaseline) { ab.Spec.ManagementPolicy = iamv1.ManagementPolicyObserve })
	if _, err := a.iam.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: awssdk.String(mfaGroupName), PolicyArn: &mfaARN}); err != nil {
		t.Fatal(err)
	}
	wantMsg := "iam:ListUsers on * by " + alice.Status.ARN + " without MFA must be denied, but iam:SimulatePrincipalPolicy says allowed"
	if broken := waitProof(t, ab, abConds(ab), iamv1.ConditionMFAEnforced, metav1.ConditionFalse, wantMsg); broken.Reason != iamv1.ReasonPromiseBroken {
		t.Fatalf("MFAEnforced: %s: %s", broken.Reason, broken.Message)
	}
	eventually(t, 30*time.Second, func() error {
		events := &corev1.EventList{}
		if err := k8s.List(ctx, events); err != nil {
			return err
		}
		for _, e := range events.Items {
			if e.InvolvedObject.Name == ab.Name && e.Reason == iamv1.ReasonPromiseBroken && e.Type == corev1.EventTypeWarning {
				return nil
			}
		}
		return fmt.Errorf("no %s event", iamv1.ReasonPromiseBroken)
	})
	att, _ := groupPolicies(t, a, mfaGroupName)
	if len(att) != 0 {
		t.Fatalf("Observe re-attached the MFA policy: %v", att)
	}
	// Put it back for whoever uses the account next.
	updateBaseline(t, ab, func(ab *iamv1.AccountBaseline) { ab.Spec.ManagementPolicy = iamv1.ManagementPolicyEnforce })
	waitProof(t, ab, abConds(ab), iamv1.ConditionMFAEnforced, metav1.ConditionTrue, "136 requests proven")
}

// settleSimulations waits until the proofs in flight in an account are done:
// two resyncs in a row without a simulation call.
func settleSimulations(t *testing.T, acct string) {
	t.Helper()
	eventually(t, 90*time.Second, func() error {
		snap := awsSrv.Calls()
		time.Sleep(2 * resync)
		if n := accountCalls(awsSrv.Calls().Since(snap), acct).Count("iam", "SimulatePrincipalPolicy"); n != 0 {
			return fmt.Errorf("%d simulation calls still", n)
		}
		return nil
	})
}

// sessionConfig is sdkConfig for temporary credentials.
func sessionConfig(t *testing.T, keyID, secret, token string) awssdk.Config {
	t.Helper()
	cfg := sdkConfig(t, keyID, secret)
	cfg.Credentials = credentials.NewStaticCredentialsProvider(keyID, secret, token)
	return cfg
}

// waitProof waits for a proof condition with the given status and a message
// containing msg, and returns it.
func waitProof(t *testing.T, obj client.Object, conds func() []metav1.Condition, typ string, status metav1.ConditionStatus, msg string) metav1.Condition {
	t.Helper()
	var got metav1.Condition
	eventually(t, 90*time.Second, func() error {
		if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		c := meta.FindStatusCondition(conds(), typ)
		if c == nil || c.Status != status || !strings.Contains(c.Message, msg) {
			return fmt.Errorf("%s = %v", typ, c)
		}
		got = *c
		return nil
	})
	return got
}

// updateBaseline changes a baseline's spec, retrying on conflicts.
func updateBaseline(t *testing.T, ab *iamv1.AccountBaseline, mutate func(*iamv1.AccountBaseline)) {
	t.Helper()
	updateSpec(t, ab, mutate)
}

// enrolMFAIn enrols a virtual MFA device for user in an account and returns its
// serial and a current code.
func enrolMFAIn(t *testing.T, c *iam.Client, user string) (string, string) {
	t.Helper()
	ctx := context.Background()
	dev, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: awssdk.String(user)})
	if err != nil {
		t.Fatal(err)
	}
	code1, code2 := awslocal.MFACodes(string(dev.VirtualMFADevice.Base32StringSeed), time.Now())
	if _, err := c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{
		UserName: &user, SerialNumber: dev.VirtualMFADevice.SerialNumber, AuthenticationCode1: &code1, AuthenticationCode2: &code2,
	}); err != nil {
		t.Fatal(err)
	}
	return awssdk.ToString(dev.VirtualMFADevice.SerialNumber), code2
}
