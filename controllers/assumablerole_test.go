package controllers_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/awslocal"
	"github.com/iam-baseline/operator/internal/policy"
)

const (
	arWait       = 60 * time.Second
	readOnlyARN  = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	adminARN     = "arn:aws:iam::aws:policy/AdministratorAccess"
	s3ReadPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
)

// ---- helpers (prefixed ar so they do not collide with other test files) ----

// arBaseline applies an AccountBaseline of its own for the main account, without
// MFA enforcement (members do not wait for the MFA group) and without an alias.
func arBaseline(t *testing.T, ns string, mutate func(*iamv1.AccountBaseline)) string {
	t.Helper()
	name := "ar-" + ns
	baseline(t, name, func(ab *iamv1.AccountBaseline) {
		ab.Spec.MFAEnforcement = &iamv1.MFAEnforcement{Enabled: awssdk.Bool(false)}
		if mutate != nil {
			mutate(ab)
		}
	})
	t.Cleanup(func() {
		_ = k8s.Delete(context.Background(), &iamv1.AccountBaseline{ObjectMeta: metav1.ObjectMeta{Name: name}})
	})
	return name
}

// arMember creates a TeamMember (user name <ns>-<name>, no console) and waits for it
// to be Ready.
func arMember(t *testing.T, ns, account, name string, labels map[string]string) *iamv1.TeamMember {
	t.Helper()
	tm := arMemberObject(ns, account, name, labels)
	if err := k8s.Create(context.Background(), tm); err != nil {
		t.Fatal(err)
	}
	waitCondition(t, tm, func() []metav1.Condition { return tm.Status.Conditions }, iamv1.ConditionReady, metav1.ConditionTrue, arWait)
	return tm
}

func arMemberObject(ns, account, name string, labels map[string]string) *iamv1.TeamMember {
	return &iamv1.TeamMember{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: labels},
		Spec: iamv1.TeamMemberSpec{AccountRef: account, UserName: ns + "-" + name,
			ConsoleAccess: &iamv1.ConsoleAccess{Enabled: awssdk.Bool(false)}},
	}
}

func arRole(ns, account, name string, mutate func(*iamv1.AssumableRole)) *iamv1.AssumableRole {
	ar := &iamv1.AssumableRole{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       iamv1.AssumableRoleSpec{AccountRef: account, RoleName: ns + "-" + name},
	}
	if mutate != nil {
		mutate(ar)
	}
	return ar
}

func arCreate(t *testing.T, ar *iamv1.AssumableRole) *iamv1.AssumableRole {
	t.Helper()
	if err := k8s.Create(context.Background(), ar); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), ar) })
	return ar
}

func arConds(ar *iamv1.AssumableRole) func() []metav1.Condition {
	return func() []metav1.Condition { return ar.Status.Conditions }
}

func arWaitReady(t *testing.T, ar *iamv1.AssumableRole) {
	t.Helper()
	waitCondition(t, ar, arConds(ar), iamv1.ConditionReady, metav1.ConditionTrue, arWait)
}

func arUpdate(t *testing.T, ar *iamv1.AssumableRole, mutate func(*iamv1.AssumableRole)) {
	t.Helper()
	updateSpec(t, ar, mutate)
}

func arDeleteAndWait(t *testing.T, obj client.Object) {
	t.Helper()
	if err := k8s.Delete(context.Background(), obj); client.IgnoreNotFound(err) != nil {
		t.Fatal(err)
	}
	eventually(t, arWait, func() error {
		err := k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj)
		if err == nil {
			return fmt.Errorf("%s still exists (finalizers %v)", obj.GetName(), obj.GetFinalizers())
		}
		return client.IgnoreNotFound(err)
	})
}

// arTrust reads the role's trust policy back from the local AWS (URL-encoded).
func arTrust(t *testing.T, roleName string) string {
	t.Helper()
	out, err := iamClient(t).GetRole(context.Background(), &iam.GetRoleInput{RoleName: &roleName})
	if err != nil {
		t.Fatal(err)
	}
	return awssdk.ToString(out.Role.AssumeRolePolicyDocument)
}

func arExpectedTrust(t *testing.T, in policy.TrustInput) string {
	t.Helper()
	d, err := policy.Trust(in)
	if err != nil {
		t.Fatal(err)
	}
	s, err := policy.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// arTrustEquals checks the role's trust in AWS against the expected document.
func arTrustEquals(t *testing.T, roleName, want string) error {
	got := arTrust(t, roleName)
	same, err := policy.Equal(want, got)
	if err != nil {
		return err
	}
	if !same {
		dec, _ := url.QueryUnescape(got)
		return fmt.Errorf("trust of %s is %s, want %s", roleName, dec, want)
	}
	return nil
}

// roleWrites are the mutating IAM calls on roles in a call log.
func roleWrites(l awslocal.CallLog) awslocal.CallLog {
	var out awslocal.CallLog
	for _, c := range l.Mutating() {
		if c.Service == "iam" && strings.Contains(c.Operation, "Role") {
			out = append(out, c)
		}
	}
	return out
}

// waitResync waits past the next resync of every role (3s, jittered up to 3.6s)
// and until at least one GetRole was made after snap.
func waitResync(t *testing.T, snap awslocal.CallLog) {
	t.Helper()
	time.Sleep(4 * time.Second)
	eventually(t, 20*time.Second, func() error {
		if n := awsSrv.Calls().Since(snap).Count("iam", "GetRole"); n == 0 {
			return errors.New("no GetRole since the snapshot yet")
		}
		return nil
	})
}

func arWaitStalled(t *testing.T, ar *iamv1.AssumableRole, reason, msgPart string) *metav1.Condition {
	t.Helper()
	c := waitCondition(t, ar, arConds(ar), iamv1.ConditionStalled, metav1.ConditionTrue, arWait)
	if c.Reason != reason || !strings.Contains(c.Message, msgPart) {
		t.Fatalf("Stalled = %s %q, want reason %s and a message naming %q", c.Reason, c.Message, reason, msgPart)
	}
	return c
}

// ---- tests ----

func TestAssumableRoleTrustedByMembers(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	ab := arBaseline(t, ns, nil)
	alice := arMember(t, ns, ab, "alice", nil)
	bob := arMember(t, ns, ab, "bob", nil)

	ar := arCreate(t, arRole(ns, ab, "admin", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "alice"}, {Name: "bob", Namespace: ns}}
		ar.Spec.ManagedPolicies = []string{readOnlyARN}
		ar.Spec.InlinePolicies = []iamv1.InlinePolicy{{Name: "s3", Document: s3ReadPolicy}}
		ar.Spec.Description = "admins"
	}))
	arWaitReady(t, ar)
	name := ns + "-admin"

	want := arExpectedTrust(t, policy.TrustInput{People: []string{alice.Status.ARN, bob.Status.ARN}, RequireMFA: true})
	if err := arTrustEquals(t, name, want); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(want, "aws:MultiFactorAuthPresent") {
		t.Fatalf("MFA condition missing from %s", want)
	}
	role, err := iamClient(t).GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
	if err != nil {
		t.Fatal(err)
	}
	st := ar.Status
	if st.ARN != awssdk.ToString(role.Role.Arn) || st.RoleID != awssdk.ToString(role.Role.RoleId) || st.RoleName != name {
		t.Fatalf("status %+v, role %+v", st, role.Role)
	}
	if st.SwitchRoleURL != policy.SwitchRoleURL(accountID, name, "") {
		t.Fatalf("switchRoleURL %q", st.SwitchRoleURL)
	}
	if !slices.Equal(st.TrustedMembers, []string{ns + "/alice", ns + "/bob"}) || len(st.PendingMembers) != 0 {
		t.Fatalf("trustedMembers %v pending %v", st.TrustedMembers, st.PendingMembers)
	}
	if !slices.Equal(st.Principals, []string{alice.Status.ARN, bob.Status.ARN}) {
		t.Fatalf("principals %v", st.Principals)
	}
	tags := map[string]string{}
	for _, tg := range role.Role.Tags {
		tags[awssdk.ToString(tg.Key)] = awssdk.ToString(tg.Value)
	}
	if tags[awsx.TagOwner] != awsx.Owner("AssumableRole", ns, "admin") || tags[awsx.TagManagedBy] != awsx.ManagedByValue {
		t.Fatalf("ownership tags %v", tags)
	}

	// Each member may now assume the role (the TeamMember controller's part, off our status).
	for _, tm := range []*iamv1.TeamMember{alice, bob} {
		eventually(t, arWait, func() error {
			out, err := iamClient(t).GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: awssdk.String(tm.Spec.UserName), PolicyName: awssdk.String("iam-baseline-assume-roles")})
			if err != nil {
				return fmt.Errorf("%s: %w", tm.Name, err)
			}
			doc, _ := url.QueryUnescape(awssdk.ToString(out.PolicyDocument))
			if !strings.Contains(doc, st.ARN) {
				return fmt.Errorf("%s's assume-roles policy does not name %s: %s", tm.Name, st.ARN, doc)
			}
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(tm), tm); err != nil {
				return err
			}
			if !slices.ContainsFunc(tm.Status.AssumableRoles, func(l iamv1.AssumableRoleLink) bool {
				return l.RoleARN == st.ARN && l.SwitchRoleURL == st.SwitchRoleURL && l.Name == ns+"/admin"
			}) {
				return fmt.Errorf("%s status.assumableRoles = %+v", tm.Name, tm.Status.AssumableRoles)
			}
			return nil
		})
	}

	// Steady state: a resync makes no write at all.
	quiesce(t, 500*time.Millisecond)
	snap := awsSrv.Calls()
	waitResync(t, snap)
	since := awsSrv.Calls().Since(snap)
	if w := roleWrites(since); len(w) != 0 {
		t.Fatalf("steady state made role writes: %v", w.Summary())
	}
	t.Logf("calls in one steady-state resync window: %v", since.Summary())

	// The same trust written by hand with another key order and spacing is not drift.
	reordered := fmt.Sprintf(`{ "Statement" : [ { "Condition": {"Bool": {"aws:MultiFactorAuthPresent": ["true"]}},
	  "Action": ["sts:AssumeRole"], "Principal": {"AWS": ["%s", "%s"]}, "Effect": "Allow", "Sid": "AllowAWSPrincipals" } ],
	  "Version": "2012-10-17" }`, bob.Status.ARN, alice.Status.ARN)
	if _, err := iamClient(t).UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: &name, PolicyDocument: &reordered}); err != nil {
		t.Fatal(err)
	}
	snap = awsSrv.Calls()
	waitResync(t, snap)
	if n := awsSrv.Calls().Since(snap).Count("iam", "UpdateAssumeRolePolicy"); n != 0 {
		t.Fatalf("the operator rewrote an equal trust policy %d times", n)
	}
	// IAM encodes documents per RFC 3986: a space is %20.
	if got := arTrust(t, name); !strings.Contains(got, strings.ReplaceAll(url.QueryEscape(`"Statement" : [`), "+", "%20")) {
		t.Fatalf("the hand-written document was replaced: %s", got)
	}
}

func TestAssumableRoleConvergesAndRepairsDrift(t *testing.T) {
	ctx := context.Background()
	c := iamClient(t)
	ns := newNamespace(t)
	ab := arBaseline(t, ns, nil)
	alice := arMember(t, ns, ab, "alice", nil)
	bob := arMember(t, ns, ab, "bob", nil)
	boundary, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: awssdk.String(ns + "-boundary"), PolicyDocument: awssdk.String(s3ReadPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	boundaryARN := awssdk.ToString(boundary.Policy.Arn)

	ar := arCreate(t, arRole(ns, ab, "ops", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "alice"}}
		ar.Spec.ManagedPolicies = []string{readOnlyARN}
		ar.Spec.InlinePolicies = []iamv1.InlinePolicy{{Name: "s3", Document: s3ReadPolicy}, {Name: "old", Document: s3ReadPolicy}}
	}))
	arWaitReady(t, ar)
	name := ns + "-ops"

	// Change everything at once.
	newInline := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`
	arUpdate(t, ar, func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "alice"}, {Name: "bob"}}
		ar.Spec.Trust.Accounts = []string{otherAccount(1)}
		ar.Spec.Trust.RequireMFA = awssdk.Bool(false)
		ar.Spec.Trust.ExternalID = "ext-123"
		ar.Spec.Trust.MaxMFAAge = &metav1.Duration{Duration: time.Hour}
		ar.Spec.Trust.Services = []string{"ec2.amazonaws.com"}
		ar.Spec.ManagedPolicies = []string{adminARN}
		ar.Spec.InlinePolicies = []iamv1.InlinePolicy{{Name: "s3", Document: newInline}}
		ar.Spec.PermissionsBoundary = boundaryARN
		ar.Spec.MaxSessionDuration = 7200
		ar.Spec.Description = "operators"
		ar.Spec.Tags = iamv1.Tags{"team": "ops"}
	})
	arWaitReady(t, ar)
	wantTrust := arExpectedTrust(t, policy.TrustInput{People: []string{alice.Status.ARN, bob.Status.ARN}, Accounts: []string{otherAccount(1)},
		ExternalID: "ext-123", MaxMFAAgeSeconds: 3600, Services: []string{"ec2.amazonaws.com"}})
	if err := arTrustEquals(t, name, wantTrust); err != nil {
		t.Fatal(err)
	}
	role, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
	if err != nil {
		t.Fatal(err)
	}
	if awssdk.ToInt32(role.Role.MaxSessionDuration) != 7200 || awssdk.ToString(role.Role.Description) != "operators" ||
		role.Role.PermissionsBoundary == nil || awssdk.ToString(role.Role.PermissionsBoundary.PermissionsBoundaryArn) != boundaryARN {
		t.Fatalf("role settings not converged: %+v", role.Role)
	}
	if !slices.ContainsFunc(role.Role.Tags, func(tg iamtypes.Tag) bool {
		return awssdk.ToString(tg.Key) == "team" && awssdk.ToString(tg.Value) == "ops"
	}) {
		t.Fatalf("tags %v", role.Role.Tags)
	}
	assertRolePolicies(t, name, []string{adminARN}, map[string]string{"s3": newInline})
	wantPrincipals := []string{"arn:aws:iam::" + otherAccount(1) + ":root", alice.Status.ARN, bob.Status.ARN, "ec2.amazonaws.com"}
	slices.Sort(wantPrincipals)
	if !slices.Equal(ar.Status.Principals, wantPrincipals) {
		t.Fatalf("principals %v", ar.Status.Principals)
	}

	// Removing the boundary and the managed policies converges too.
	arUpdate(t, ar, func(ar *iamv1.AssumableRole) {
		ar.Spec.PermissionsBoundary = ""
		ar.Spec.ManagedPolicies = nil
		ar.Spec.MaxSessionDuration = 3600
	})
	arWaitReady(t, ar)
	role, _ = c.GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
	if role.Role.PermissionsBoundary != nil || awssdk.ToInt32(role.Role.MaxSessionDuration) != 3600 {
		t.Fatalf("boundary/session not converged: %+v", role.Role)
	}
	assertRolePolicies(t, name, nil, map[string]string{"s3": newInline})

	// Drift made by hand is put back at the next resync.
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: &name, PolicyName: awssdk.String("s3"),
		PolicyDocument: awssdk.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: &name, PolicyName: awssdk.String("extra"), PolicyDocument: awssdk.String(s3ReadPolicy)}); err != nil {
		t.Fatal(err)
	}
	handTrust := arExpectedTrust(t, policy.TrustInput{People: []string{alice.Status.ARN}})
	if _, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: &name, PolicyDocument: &handTrust}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: &name, PolicyArn: awssdk.String(adminARN)}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, func() error {
		if err := arTrustEquals(t, name, wantTrust); err != nil {
			return err
		}
		return rolePoliciesAre(t, name, nil, map[string]string{"s3": newInline})
	})
	quiesce(t, 500*time.Millisecond)
	snap := awsSrv.Calls()
	waitResync(t, snap)
	if w := roleWrites(awsSrv.Calls().Since(snap)); len(w) != 0 {
		t.Fatalf("writes after the repair: %v", w.Summary())
	}
}

func rolePoliciesAre(t *testing.T, name string, managed []string, inline map[string]string) error {
	ctx := context.Background()
	c := iamClient(t)
	att, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: &name})
	if err != nil {
		return err
	}
	var got []string
	for _, p := range att.AttachedPolicies {
		got = append(got, awssdk.ToString(p.PolicyArn))
	}
	slices.Sort(got)
	if !slices.Equal(got, managed) {
		return fmt.Errorf("attached %v, want %v", got, managed)
	}
	names, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: &name})
	if err != nil {
		return err
	}
	if len(names.PolicyNames) != len(inline) {
		return fmt.Errorf("inline %v, want %d", names.PolicyNames, len(inline))
	}
	for n, want := range inline {
		out, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: &name, PolicyName: awssdk.String(n)})
		if err != nil {
			return err
		}
		if same, err := policy.Equal(want, awssdk.ToString(out.PolicyDocument)); err != nil || !same {
			return fmt.Errorf("inline %s differs (%v)", n, err)
		}
	}
	return nil
}

func assertRolePolicies(t *testing.T, name string, managed []string, inline map[string]string) {
	t.Helper()
	if err := rolePoliciesAre(t, name, managed, inline); err != nil {
		t.Fatal(err)
	}
}

func TestAssumableRoleBadInputIsStalledWithoutWrites(t *testing.T) {
	ctx := context.Background()
	c := iamClient(t)
	ns := newNamespace(t)
	ab := arBaseline(t, ns, nil)
	alice := arMember(t, ns, ab, "alice", nil)
	trustAlice := func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "alice"}}
	}
	handTrust := arExpectedTrust(t, policy.TrustInput{People: []string{alice.Status.ARN}})

	cases := []struct {
		name, reason, msg string
		mutate            func(*iamv1.AssumableRole)
		prepare           func(role string)
		after             func(*testing.T, *iamv1.AssumableRole)
	}{
		{name: "malformed-inline", reason: iamv1.ReasonInvalidSpec, msg: `inline policy "broken"`,
			mutate: func(ar *iamv1.AssumableRole) {
				ar.Spec.InlinePolicies = []iamv1.InlinePolicy{{Name: "broken", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",`}}
			}},
		{name: "invalid-inline", reason: iamv1.ReasonInvalidSpec, msg: `inline policy "noresource"`,
			mutate: func(ar *iamv1.AssumableRole) {
				ar.Spec.InlinePolicies = []iamv1.InlinePolicy{{Name: "noresource", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`}}
			}},
		{name: "missing-managed", reason: iamv1.ReasonInvalidSpec, msg: "arn:aws:iam::123456789012:policy/does-not-exist-" + ns,
			mutate: func(ar *iamv1.AssumableRole) {
				ar.Spec.ManagedPolicies = []string{"arn:aws:iam::123456789012:policy/does-not-exist-" + ns}
			}},
		{name: "other-owner", reason: iamv1.ReasonOwnedByOther, msg: "AssumableRole/elsewhere/x",
			prepare: func(role string) {
				_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: &role, AssumeRolePolicyDocument: &handTrust,
					Tags: []iamtypes.Tag{{Key: awssdk.String(awsx.TagManagedBy), Value: awssdk.String(awsx.ManagedByValue)}, {Key: awssdk.String(awsx.TagOwner), Value: awssdk.String("AssumableRole/elsewhere/x")}}})
				if err != nil {
					t.Fatal(err)
				}
			}},
		{name: "unmanaged", reason: iamv1.ReasonNotManaged, msg: "spec.adopt",
			prepare: func(role string) {
				if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: &role, AssumeRolePolicyDocument: &handTrust}); err != nil {
					t.Fatal(err)
				}
			},
			after: adoptUnmanaged},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ar := arRole(ns, ab, tc.name, func(ar *iamv1.AssumableRole) {
				trustAlice(ar)
				if tc.mutate != nil {
					tc.mutate(ar)
				}
			})
			if tc.prepare != nil {
				tc.prepare(ar.Spec.RoleName)
			}
			quiesce(t, 300*time.Millisecond)
			snap := awsSrv.Calls()
			arCreate(t, ar)
			arWaitStalled(t, ar, tc.reason, tc.msg)
			if w := roleWrites(awsSrv.Calls().Since(snap)); len(w) != 0 {
				t.Fatalf("a bad spec made role writes: %v", w.Summary())
			}
			t.Logf("Stalled: %s", stalledText(ar))
			if tc.after != nil {
				tc.after(t, ar)
			}
		})
	}
}

// adoptUnmanaged: an unmanaged role is taken over when the spec says so.
func adoptUnmanaged(t *testing.T, ar *iamv1.AssumableRole) {
	t.Helper()
	arUpdate(t, ar, func(ar *iamv1.AssumableRole) { ar.Spec.Adopt = true })
	arWaitReady(t, ar)
	tags, err := iamClient(t).ListRoleTags(context.Background(), &iam.ListRoleTagsInput{RoleName: awssdk.String(ar.Spec.RoleName)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(tags.Tags, func(tg iamtypes.Tag) bool {
		return awssdk.ToString(tg.Key) == awsx.TagOwner && awssdk.ToString(tg.Value) == awsx.Owner("AssumableRole", ar.Namespace, ar.Name)
	}) {
		t.Fatalf("adopted role tags %v", tags.Tags)
	}
}

func stalledText(ar *iamv1.AssumableRole) string {
	for _, c := range ar.Status.Conditions {
		if c.Type == iamv1.ConditionStalled {
			return c.Reason + ": " + c.Message
		}
	}
	return ""
}

func TestAssumableRolePendingMembers(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	ab := arBaseline(t, ns, nil)

	// Only a member that does not exist yet: the role waits, it is not stalled.
	ar := arCreate(t, arRole(ns, ab, "later", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "carol"}}
	}))
	rc := waitCondition(t, ar, arConds(ar), iamv1.ConditionReconciling, metav1.ConditionTrue, arWait)
	if rc.Reason != iamv1.ReasonWaitingForMembers || !strings.Contains(rc.Message, ns+"/carol") {
		t.Fatalf("Reconciling %s %q", rc.Reason, rc.Message)
	}
	if !slices.Equal(ar.Status.PendingMembers, []string{ns + "/carol"}) {
		t.Fatalf("pendingMembers %v", ar.Status.PendingMembers)
	}
	if s := condition(t, ar, arConds(ar), iamv1.ConditionStalled); s != nil {
		t.Fatalf("stalled: %+v", s)
	}
	if _, err := iamClient(t).GetRole(ctx, &iam.GetRoleInput{RoleName: awssdk.String(ns + "-later")}); awsx.Code(err) != "NoSuchEntity" {
		t.Fatalf("role exists before anyone can assume it: %v", err)
	}

	// A role by selector with one Ready member and a referenced pending one.
	alice := arMember(t, ns, ab, "alice", map[string]string{"team": "red"})
	mixed := arCreate(t, arRole(ns, ab, "mixed", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.TeamMemberSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"team": "red"}}
		ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "dave"}}
	}))
	eventually(t, arWait, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(mixed), mixed); err != nil {
			return err
		}
		if !slices.Equal(mixed.Status.TrustedMembers, []string{ns + "/alice"}) || !slices.Equal(mixed.Status.PendingMembers, []string{ns + "/dave"}) || mixed.Status.ARN == "" {
			return fmt.Errorf("status %+v", mixed.Status)
		}
		return nil
	})
	if err := arTrustEquals(t, ns+"-mixed", arExpectedTrust(t, policy.TrustInput{People: []string{alice.Status.ARN}, RequireMFA: true})); err != nil {
		t.Fatal(err)
	}

	// The members appear: both roles pick them up without waiting for a resync.
	carol := arMember(t, ns, ab, "carol", nil)
	dave := arMember(t, ns, ab, "dave", nil)
	arWaitReady(t, ar)
	arWaitReady(t, mixed)
	if err := arTrustEquals(t, ns+"-later", arExpectedTrust(t, policy.TrustInput{People: []string{carol.Status.ARN}, RequireMFA: true})); err != nil {
		t.Fatal(err)
	}
	if err := arTrustEquals(t, ns+"-mixed", arExpectedTrust(t, policy.TrustInput{People: []string{alice.Status.ARN, dave.Status.ARN}, RequireMFA: true})); err != nil {
		t.Fatal(err)
	}
	if len(mixed.Status.PendingMembers) != 0 || len(ar.Status.PendingMembers) != 0 {
		t.Fatalf("pending left: %v %v", mixed.Status.PendingMembers, ar.Status.PendingMembers)
	}

	// A label change takes a member out of a selector's trust.
	eventually(t, 10*time.Second, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(alice), alice); err != nil {
			return err
		}
		alice.Labels = map[string]string{"team": "blue"}
		return k8s.Update(ctx, alice)
	})
	eventually(t, 20*time.Second, func() error {
		return arTrustEquals(t, ns+"-mixed", arExpectedTrust(t, policy.TrustInput{People: []string{dave.Status.ARN}, RequireMFA: true}))
	})
}

func TestAssumableRoleMemberDeletion(t *testing.T) {
	ctx := context.Background()
	c := iamClient(t)
	ns := newNamespace(t)
	ab := arBaseline(t, ns, nil)
	alice := arMember(t, ns, ab, "alice", map[string]string{"team": "red"})
	bob := arMember(t, ns, ab, "bob", map[string]string{"team": "red"})

	byRef := arCreate(t, arRole(ns, ab, "byref", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "alice"}, {Name: "bob"}}
	}))
	bySel := arCreate(t, arRole(ns, ab, "bysel", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.TeamMemberSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"team": "red"}}
		ar.Spec.Trust.Accounts = []string{otherAccount(2)}
	}))
	arWaitReady(t, byRef)
	arWaitReady(t, bySel)

	arDeleteAndWait(t, bob)
	onlyAlice := arExpectedTrust(t, policy.TrustInput{People: []string{alice.Status.ARN}, RequireMFA: true})
	eventually(t, 20*time.Second, func() error {
		if err := arTrustEquals(t, ns+"-byref", onlyAlice); err != nil {
			return err
		}
		return arTrustEquals(t, ns+"-bysel", arExpectedTrust(t, policy.TrustInput{People: []string{alice.Status.ARN}, Accounts: []string{otherAccount(2)}, RequireMFA: true}))
	})
	eventually(t, 20*time.Second, func() error {
		for _, ar := range []*iamv1.AssumableRole{byRef, bySel} {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(ar), ar); err != nil {
				return err
			}
			if !slices.Equal(ar.Status.TrustedMembers, []string{ns + "/alice"}) {
				return fmt.Errorf("%s trustedMembers %v", ar.Name, ar.Status.TrustedMembers)
			}
		}
		return nil
	})
	// The referenced but deleted member is pending again.
	if !slices.Equal(byRef.Status.PendingMembers, []string{ns + "/bob"}) {
		t.Fatalf("byref pending %v", byRef.Status.PendingMembers)
	}

	// A trusted user deleted behind the operator's back shows as its unique ID; the
	// trust is rewritten from the spec once, and then left alone.
	stranger := ns + "-stranger"
	u, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: &stranger})
	if err != nil {
		t.Fatal(err)
	}
	withStranger := arExpectedTrust(t, policy.TrustInput{People: []string{alice.Status.ARN, awssdk.ToString(u.User.Arn)}, RequireMFA: true})
	quiesce(t, 300*time.Millisecond)
	snap := awsSrv.Calls()
	if _, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: awssdk.String(ns + "-byref"), PolicyDocument: &withStranger}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: &stranger}); err != nil {
		t.Fatal(err)
	}
	if got, _ := url.QueryUnescape(arTrust(t, ns+"-byref")); !strings.Contains(got, awssdk.ToString(u.User.UserId)) {
		t.Fatalf("the local AWS did not show the deleted user as its unique ID: %s", got)
	}
	eventually(t, 20*time.Second, func() error { return arTrustEquals(t, ns+"-byref", onlyAlice) })
	waitResync(t, awsSrv.Calls())
	// Ours: exactly one rewrite after the two hand-made calls.
	if n := awsSrv.Calls().Since(snap).Count("iam", "UpdateAssumeRolePolicy"); n != 2 {
		t.Fatalf("UpdateAssumeRolePolicy calls since the hand edit = %d, want 2 (one by hand, one repair)", n)
	}
}

func TestAssumableRoleDeletion(t *testing.T) {
	ctx := context.Background()
	c := iamClient(t)
	ns := newNamespace(t)
	ab := arBaseline(t, ns, nil)
	alice := arMember(t, ns, ab, "alice", nil)
	mk := func(name string, policy iamv1.DeletionPolicy) *iamv1.AssumableRole {
		return arCreate(t, arRole(ns, ab, name, func(ar *iamv1.AssumableRole) {
			ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "alice"}}
			ar.Spec.ManagedPolicies = []string{readOnlyARN, adminARN}
			ar.Spec.InlinePolicies = []iamv1.InlinePolicy{{Name: "a", Document: s3ReadPolicy}, {Name: "b", Document: s3ReadPolicy}}
			ar.Spec.DeletionPolicy = policy
		}))
	}
	del := mk("gone", iamv1.DeletionPolicyDelete)
	keep := mk("kept", iamv1.DeletionPolicyRetain)
	arWaitReady(t, del)
	arWaitReady(t, keep)
	// Alice's assume-roles policy names both roles.
	eventually(t, arWait, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(alice), alice); err != nil {
			return err
		}
		if len(alice.Status.AssumableRoles) != 2 {
			return fmt.Errorf("alice's roles %+v", alice.Status.AssumableRoles)
		}
		return nil
	})

	arDeleteAndWait(t, del)
	name := ns + "-gone"
	if _, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: &name}); awsx.Code(err) != "NoSuchEntity" {
		t.Fatalf("GetRole after delete: %v", err)
	}
	if _, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: &name}); awsx.Code(err) != "NoSuchEntity" {
		t.Fatalf("ListRolePolicies after delete: %v", err)
	}
	if _, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: &name}); awsx.Code(err) != "NoSuchEntity" {
		t.Fatalf("ListAttachedRolePolicies after delete: %v", err)
	}
	// The member loses the permission on the deleted role only.
	eventually(t, arWait, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(alice), alice); err != nil {
			return err
		}
		if len(alice.Status.AssumableRoles) != 1 || alice.Status.AssumableRoles[0].Name != ns+"/kept" {
			return fmt.Errorf("alice's roles %+v", alice.Status.AssumableRoles)
		}
		return nil
	})

	arDeleteAndWait(t, keep)
	if _, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: awssdk.String(ns + "-kept")}); err != nil {
		t.Fatalf("a retained role was deleted: %v", err)
	}
	assertRolePolicies(t, ns+"-kept", []string{adminARN, readOnlyARN}, map[string]string{"a": s3ReadPolicy, "b": s3ReadPolicy})
}

func TestAssumableRoleGuardrails(t *testing.T) {
	ctx := context.Background()
	c := iamClient(t)
	ns := newNamespace(t)
	other := newNamespace(t)
	boundary, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: awssdk.String(ns + "-guard"), PolicyDocument: awssdk.String(s3ReadPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	boundaryARN := awssdk.ToString(boundary.Policy.Arn)
	ab := arBaseline(t, ns, func(ab *iamv1.AccountBaseline) {
		ab.Spec.SelfService = &iamv1.SelfService{
			Namespaces:        []string{ns},
			PlatformNamespace: "platform-" + ns,
			Roles: &iamv1.RoleGuardrails{
				RequiredPermissionsBoundary: boundaryARN,
				MaxSessionDurationSeconds:   awssdk.Int32(7200),
				ForbiddenPolicies:           []string{adminARN},
			},
			Trust: &iamv1.SelfServiceTrust{Accounts: []string{otherAccount(3)}},
		}
	})
	arMember(t, ns, ab, "alice", nil)
	compliant := func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.Accounts = []string{otherAccount(3)}
		ar.Spec.PermissionsBoundary = boundaryARN
		ar.Spec.ManagedPolicies = []string{readOnlyARN}
	}
	cases := []struct {
		name, ns, msg string
		mutate        func(*iamv1.AssumableRole)
	}{
		{name: "no-boundary", ns: ns, msg: boundaryARN, mutate: func(ar *iamv1.AssumableRole) { ar.Spec.PermissionsBoundary = "" }},
		{name: "other-boundary", ns: ns, msg: boundaryARN, mutate: func(ar *iamv1.AssumableRole) {
			ar.Spec.PermissionsBoundary = "arn:aws:iam::aws:policy/ReadOnlyAccess"
		}},
		{name: "forbidden", ns: ns, msg: adminARN, mutate: func(ar *iamv1.AssumableRole) { ar.Spec.ManagedPolicies = []string{readOnlyARN, adminARN} }},
		{name: "long-session", ns: ns, msg: "7200", mutate: func(ar *iamv1.AssumableRole) { ar.Spec.MaxSessionDuration = 43200 }},
		{name: "wrong-namespace", ns: other, msg: other, mutate: func(*iamv1.AssumableRole) {}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			quiesce(t, 300*time.Millisecond)
			snap := awsSrv.Calls()
			ar := arCreate(t, arRole(tc.ns, ab, tc.name, func(ar *iamv1.AssumableRole) { compliant(ar); tc.mutate(ar) }))
			arWaitStalled(t, ar, iamv1.ReasonNotAllowed, tc.msg)
			if w := roleWrites(awsSrv.Calls().Since(snap)); len(w) != 0 {
				t.Fatalf("a refused role made writes: %v", w.Summary())
			}
			if _, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: awssdk.String(ar.Spec.RoleName)}); awsx.Code(err) != "NoSuchEntity" {
				t.Fatalf("the role was created: %v", err)
			}
		})
	}
	// The compliant role, and the platform namespace, are fine.
	ok := arCreate(t, arRole(ns, ab, "ok", compliant))
	arWaitReady(t, ok)
	platform := "platform-" + ns
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: platform}}); err != nil {
		t.Fatal(err)
	}
	free := arCreate(t, arRole(platform, ab, "free", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.Accounts = []string{otherAccount(3)}
		ar.Spec.ManagedPolicies = []string{adminARN}
	}))
	arWaitReady(t, free)
}

func TestAssumableRoleObserveWritesNothing(t *testing.T) {
	ctx := context.Background()
	c := iamClient(t)
	ns := newNamespace(t)
	ab := arBaseline(t, ns, nil)
	alice := arMember(t, ns, ab, "alice", nil)
	name := ns + "-watched"
	handTrust := arExpectedTrust(t, policy.TrustInput{People: []string{alice.Status.ARN}})
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: &name, AssumeRolePolicyDocument: &handTrust}); err != nil {
		t.Fatal(err)
	}
	quiesce(t, 300*time.Millisecond)
	snap := awsSrv.Calls()
	ar := arCreate(t, arRole(ns, ab, "watched", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "alice"}}
		ar.Spec.ManagementPolicy = iamv1.ManagementPolicyObserve
		ar.Spec.Adopt = true
		ar.Spec.InlinePolicies = []iamv1.InlinePolicy{{Name: "s3", Document: s3ReadPolicy}}
	}))
	arWaitReady(t, ar)
	d := waitCondition(t, ar, arConds(ar), iamv1.ConditionDrifted, metav1.ConditionTrue, arWait)
	for _, want := range []string{"UpdateAssumeRolePolicy", "PutRolePolicy s3", "TagRole"} {
		if !strings.Contains(d.Message, want) {
			t.Fatalf("Drifted message %q does not name %s", d.Message, want)
		}
	}
	if ar.Status.ARN == "" || len(ar.Status.TrustedMembers) != 1 {
		t.Fatalf("observed status %+v", ar.Status)
	}
	waitResync(t, snap)
	if w := roleWrites(awsSrv.Calls().Since(snap)); len(w) != 0 {
		t.Fatalf("Observe made writes: %v", w.Summary())
	}
	// Deleting an observed role leaves it in AWS.
	arDeleteAndWait(t, ar)
	if _, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: &name}); err != nil {
		t.Fatal(err)
	}
}
