package main

import (
	"bytes"
	"strings"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

func TestFormatMembers(t *testing.T) {
	members := []iamv1.TeamMember{
		{
			ObjectMeta: metav1.ObjectMeta{Name: "alice", Namespace: "team-payments"},
			Status: iamv1.TeamMemberStatus{
				UserName: "alice", ARN: "arn:aws:iam::123456789012:user/alice",
				ConsoleSecretName: "alice-console",
				AssumableRoles: []iamv1.AssumableRoleLink{{
					Name: "team-payments/payments-deployer", RoleARN: "arn:aws:iam::123456789012:role/payments-deployer",
					SwitchRoleURL: "https://signin.aws.amazon.com/switchrole?roleName=payments-deployer&account=123456789012",
				}},
			},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: "bob", Namespace: "team-payments"},
			Status: iamv1.TeamMemberStatus{
				UserName: "bob.builder", MFAEnrolled: true, MFASerial: "arn:aws:iam::123456789012:mfa/bob-phone",
				OnboardingConfigMapName: "bob-onboarding",
				AccessKeySecretName:     "bob-keys", AccessKeyID: "AKIAEXAMPLE",
			},
		},
	}
	var b bytes.Buffer
	formatMembers(&b, members, "kubectl --kubeconfig /tmp/k")
	out := b.String()
	for _, want := range []string{
		"team-payments/alice: IAM user alice (arn:aws:iam::123456789012:user/alice)",
		"console sign-in: Secret team-payments/alice-console",
		"kubectl --kubeconfig /tmp/k -n team-payments get secret alice-console -o jsonpath='{.data.password}' | base64 -d",
		"team-payments/payments-deployer (arn:aws:iam::123456789012:role/payments-deployer)\n      https://signin.aws.amazon.com/switchrole?roleName=payments-deployer&account=123456789012",
		"team-payments/bob: IAM user bob.builder\n  MFA:             enrolled (arn:aws:iam::123456789012:mfa/bob-phone)",
		"onboarding:      ConfigMap team-payments/bob-onboarding",
		"console sign-in: none",
		"access key:      AKIAEXAMPLE in Secret team-payments/bob-keys",
		"switch roles:    none",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestFormatInventory(t *testing.T) {
	inv := &inventory{
		AccountID: "123456789012",
		Aliases:   []string{"acme-sandbox"},
		PasswordPolicy: &iamtypes.PasswordPolicy{
			MinimumPasswordLength: awssdk.Int32(14), PasswordReusePrevention: awssdk.Int32(24),
			RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, RequireNumbers: true, RequireSymbols: true,
			AllowUsersToChangePassword: true,
		},
		Users: []userInfo{
			{Name: "alice", Groups: []string{"developers", "iam-baseline-mfa-required"}, Console: true, MustChangePass: true},
			{Name: "svc"},
		},
		Groups:   []groupInfo{{Name: "developers", ManagedPolicies: []string{"ReadOnlyAccess"}}, {Name: "billing-viewers", InlinePolicies: []string{"view-billing"}}},
		Roles:    []roleInfo{{Name: "payments-deployer", MaxSessionDuration: 3600, ManagedPolicies: []string{"PowerUserAccess"}}},
		Policies: []policyInfo{{Name: "iam-baseline-force-mfa", ARN: "arn:aws:iam::123456789012:policy/iam-baseline-force-mfa", Attachments: 1}},
		Budgets:  []budgetInfo{{Name: "daily-guardrail", Limit: "5.0", Unit: "USD", TimeUnit: "DAILY", Notifications: []string{"ACTUAL > 80 PERCENTAGE → EMAIL platform-alerts@example.com"}}},
	}
	var b bytes.Buffer
	formatInventory(&b, inv)
	out := b.String()
	for _, want := range []string{
		"account:         123456789012",
		"alias:           acme-sandbox (sign-in https://acme-sandbox.signin.aws.amazon.com/console)",
		"password policy: min length 14, reuse prevention 24, requires upper+lower+digits+symbols, users may change their own",
		"users (2):",
		"alice  developers, iam-baseline-mfa-required  yes, must change password",
		"svc    -                                      no",
		"groups (2):",
		"billing-viewers  -                 view-billing",
		"payments-deployer  3600s        PowerUserAccess",
		"iam-baseline-force-mfa  1",
		"daily-guardrail: 5.0 USD daily\n    alert: ACTUAL > 80 PERCENTAGE → EMAIL platform-alerts@example.com",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestDescribePasswordPolicy(t *testing.T) {
	if got := describePasswordPolicy(nil); !strings.HasPrefix(got, "none") {
		t.Fatalf("nil policy: %q", got)
	}
	got := describePasswordPolicy(&iamtypes.PasswordPolicy{MinimumPasswordLength: awssdk.Int32(8), MaxPasswordAge: awssdk.Int32(90), HardExpiry: awssdk.Bool(true)})
	if got != "min length 8, max age 90 days, hard expiry" {
		t.Fatalf("got %q", got)
	}
}

func TestFormatHowToReach(t *testing.T) {
	var b bytes.Buffer
	formatHowToReach(&b, "kubectl --kubeconfig /tmp/k", "http://127.0.0.1:4566", true)
	for _, want := range []string{
		"kubectl --kubeconfig /tmp/k get baseline -A",
		"AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 aws iam list-users",
		"Ctrl-C",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, b.String())
		}
	}
}

func TestFormatProofs(t *testing.T) {
	var b bytes.Buffer
	formatProofs(&b, []proofLine{
		{Object: "AccountBaseline sandbox", Type: iamv1.ConditionMFAEnforced, Condition: &metav1.Condition{Status: metav1.ConditionTrue,
			Message: "without MFA, members can do nothing but sign in and enrol MFA: 136 requests proven with iam:SimulatePrincipalPolicy"}},
		{Object: "AssumableRole team-payments/deployer", Type: iamv1.ConditionTrustVerified},
	})
	out := b.String()
	for _, want := range []string{
		"AccountBaseline sandbox: MFAEnforced=True\n  without MFA, members can do nothing but sign in and enrol MFA: 136 requests proven",
		"AssumableRole team-payments/deployer: TrustVerified not reported yet",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestFirstDayMemberPrefersOneWithRoles(t *testing.T) {
	members := []iamv1.TeamMember{
		{ObjectMeta: metav1.ObjectMeta{Name: "nobody"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "bob"}, Status: iamv1.TeamMemberStatus{OnboardingConfigMapName: "bob-onboarding"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "alice"}, Status: iamv1.TeamMemberStatus{OnboardingConfigMapName: "alice-onboarding",
			AssumableRoles: []iamv1.AssumableRoleLink{{Name: "ns/r"}}}},
	}
	if got := firstDayMember(members); got == nil || got.Name != "alice" {
		t.Fatalf("picked %v", got)
	}
	if got := firstDayMember(members[:2]); got == nil || got.Name != "bob" {
		t.Fatalf("picked %v", got)
	}
	if got := firstDayMember(members[:1]); got != nil {
		t.Fatalf("picked %v without an onboarding ConfigMap", got.Name)
	}
}

func TestCISPendingIsSaidPlainly(t *testing.T) {
	ab := &iamv1.AccountBaseline{}
	if !cisPending(ab) {
		t.Fatal("no CISCompliant condition is pending")
	}
	ab.Status.Conditions = []metav1.Condition{{Type: iamv1.ConditionCISCompliant, Status: metav1.ConditionUnknown}}
	if !cisPending(ab) {
		t.Fatal("Unknown is pending")
	}
	ab.Status.Conditions[0].Status = metav1.ConditionFalse
	if cisPending(ab) {
		t.Fatal("False is a verdict")
	}
	var b bytes.Buffer
	formatReportPending(&b, nil)
	if b.Len() != 0 {
		t.Fatalf("said something with nothing pending: %q", b.String())
	}
	formatReportPending(&b, []string{"sandbox"})
	if !strings.Contains(b.String(), "CIS is Unknown for sandbox: AWS is still generating the first credential report") {
		t.Fatalf("%q", b.String())
	}
}

func TestIndentKeepsBlankLinesBlank(t *testing.T) {
	if got := indent("a\n\nb\n", "  "); got != "  a\n\n  b\n" {
		t.Fatalf("%q", got)
	}
}
