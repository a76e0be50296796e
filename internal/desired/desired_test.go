package desired

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/outcome"
	"github.com/iam-baseline/operator/internal/policy"
)

func enforced() *iamv1.AccountBaseline {
	on := true
	return &iamv1.AccountBaseline{ObjectMeta: metav1.ObjectMeta{Name: "sandbox"}, Spec: iamv1.AccountBaselineSpec{
		AccountID: "123456789012", MFAEnforcement: &iamv1.MFAEnforcement{Enabled: &on},
	}}
}

func TestUserJoinsTheMFAGroupAndMayAssumeExactlyItsRoles(t *testing.T) {
	tm := &iamv1.TeamMember{ObjectMeta: metav1.ObjectMeta{Name: "alice", Namespace: "team"}, Spec: iamv1.TeamMemberSpec{
		Groups: []string{"developers"}, Tags: map[string]string{"team": "payments"},
	}}
	roles := []iamv1.AssumableRoleLink{{RoleARN: "arn:aws:iam::123456789012:role/deployer"}}
	u, err := User(enforced(), tm, roles, "aws")
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "alice" || u.Path != "/" {
		t.Errorf("name/path = %q %q", u.Name, u.Path)
	}
	if want := []string{"developers", DefaultMFAGroupName}; !slices.Equal(u.Groups, want) {
		t.Errorf("groups = %v, want %v", u.Groups, want)
	}
	if u.Tags["team"] != "payments" || u.Tags["iam.baseline.dev/owner"] != "TeamMember/team/alice" {
		t.Errorf("tags = %v", u.Tags)
	}
	if tm.Spec.Tags["iam.baseline.dev/owner"] != "" {
		t.Error("the spec's tag map was written to")
	}
	doc := u.InlinePolicies[AssumeRolePolicyName]
	if !strings.Contains(doc, "arn:aws:iam::123456789012:role/deployer") {
		t.Errorf("assume-role policy = %s", doc)
	}
	// No roles: the policy must not exist ("" means delete it).
	u, _ = User(enforced(), tm, nil, "aws")
	if d, ok := u.InlinePolicies[AssumeRolePolicyName]; !ok || d != "" {
		t.Errorf("without roles the assume-role policy is %q (present %v), want \"\" (absent)", d, ok)
	}
}

func TestTrustWaitsWhileEveryPersonIsPending(t *testing.T) {
	ar := &iamv1.AssumableRole{ObjectMeta: metav1.ObjectMeta{Name: "deployer", Namespace: "team"}}
	tr := NewTrust(ar, "aws", nil, []string{"team/bob", "team/alice", "team/bob"})
	if want := []string{"team/alice", "team/bob"}; !slices.Equal(tr.Pending, want) {
		t.Errorf("pending = %v, want %v", tr.Pending, want)
	}
	_, err := BuildTrust(tr)
	var w *outcome.WaitingError
	if !errors.As(err, &w) || w.Reason != iamv1.ReasonWaitingForMembers {
		t.Fatalf("err = %v, want waiting for members", err)
	}
	tr = NewTrust(ar, "aws", map[string]string{"team/alice": "arn:aws:iam::123456789012:user/alice"}, nil)
	if tr.Pending != nil {
		t.Errorf("no pending members must stay nil (status compares it), got %#v", tr.Pending)
	}
	doc, err := BuildTrust(tr)
	if err != nil {
		t.Fatal(err)
	}
	if err := policy.ValidateTrustPolicy(mustParse(t, doc)); err != nil || !strings.Contains(doc, "aws:MultiFactorAuthPresent") {
		t.Errorf("trust %s: %v (MFA is required by default)", doc, err)
	}
}

func mustParse(t *testing.T, doc string) *policy.Document {
	t.Helper()
	d, err := policy.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestBaselineDefaultsAndRefusals(t *testing.T) {
	pp := PasswordPolicy(iamv1.PasswordPolicy{})
	if pp.MinimumLength != 14 || pp.PasswordReusePrevention != 24 || !pp.RequireSymbols || !pp.AllowUsersToChangePassword {
		t.Errorf("CIS defaults missing: %+v", pp)
	}
	ab := enforced()
	ab.Spec.Groups = []iamv1.PermissionGroup{{Name: "developers"}}
	gs := Groups(ab, "aws", "123456789012")
	if len(gs) != 2 || gs[0].Name != DefaultMFAGroupName || gs[0].ManagedPolicies[0] != "arn:aws:iam::123456789012:policy/"+DefaultMFAPolicyName || gs[1].Path != "/" {
		t.Errorf("groups = %+v", gs)
	}
	_, err := Budget(iamv1.Budget{Name: "b", Notifications: []iamv1.BudgetNotification{{Threshold: "-1"}}}, nil)
	var st *outcome.StalledError
	if !errors.As(err, &st) || st.Reason != iamv1.ReasonInvalidSpec {
		t.Errorf("negative threshold: %v, want Stalled InvalidSpec", err)
	}
	ab.Spec.Groups = append(ab.Spec.Groups, iamv1.PermissionGroup{Name: DefaultMFAGroupName})
	if err := ValidateBaseline(ab); !errors.As(err, &st) || !strings.Contains(st.Message, "MFA-enforcement group") {
		t.Errorf("a permission group named like the MFA group: %v", err)
	}
}

// The assume-role grant is inline up to IAM's 2,048-character quota on a user's
// inline policies, the same document in the member's managed policy beyond it, and
// refused (Stalled, before any AWS call: desired makes none) beyond the managed
// policy's 6,144, with a message naming the count, the size, the quota and the fix.
func TestUserAssumeGrantInlineManagedOrStalled(t *testing.T) {
	tm := &iamv1.TeamMember{ObjectMeta: metav1.ObjectMeta{Name: "alice", Namespace: "team"}}
	roles := func(n int) []iamv1.AssumableRoleLink {
		var out []iamv1.AssumableRoleLink
		for i := range n {
			out = append(out, iamv1.AssumableRoleLink{RoleARN: fmt.Sprintf("arn:aws:iam::123456789012:role/team/role-%03d", i)})
		}
		return out
	}
	size := func(n int) int {
		doc, err := policy.Marshal(policy.AssumeRolePermissions(linkARNs(roles(n))))
		if err != nil {
			t.Fatal(err)
		}
		return policy.Size(doc)
	}
	// The largest team that fits each quota, found by size, not assumed.
	lastInline, lastManaged := 0, 0
	for n := 1; size(n) <= policy.ManagedPolicyQuota; n++ {
		if size(n) <= policy.UserInlineQuota {
			lastInline = n
		}
		lastManaged = n
	}
	if lastInline < 30 || lastManaged < 100 {
		t.Fatalf("only %d roles fit inline and %d managed", lastInline, lastManaged)
	}
	const wantARN = "arn:aws:iam::123456789012:policy/iam-baseline/iam-baseline-assume-roles-alice"

	u, err := User(enforced(), tm, roles(lastInline), "aws")
	if err != nil || u.InlinePolicies[AssumeRolePolicyName] == "" || u.AssumePolicy.Document != "" || u.AssumePolicyARN != wantARN {
		t.Fatalf("%d roles (%d chars): inline %d chars, managed %q, arn %s, err %v", lastInline, size(lastInline),
			len(u.InlinePolicies[AssumeRolePolicyName]), u.AssumePolicy.Document, u.AssumePolicyARN, err)
	}
	u, err = User(enforced(), tm, roles(lastInline+1), "aws")
	if err != nil || u.InlinePolicies[AssumeRolePolicyName] != "" || u.AssumePolicy.Document == "" {
		t.Fatalf("%d roles: inline %q, managed %q, err %v", lastInline+1, u.InlinePolicies[AssumeRolePolicyName], u.AssumePolicy.Document, err)
	}
	if got := linkARNs(roles(lastInline + 1)); !sameResources(t, u.AssumePolicy.Document, got) {
		t.Fatalf("managed document does not list exactly the %d role ARNs: %s", len(got), u.AssumePolicy.Document)
	}
	if u.AssumePolicy.Name != "iam-baseline-assume-roles-alice" || u.AssumePolicy.Path != AssumeRolePolicyPath ||
		u.AssumePolicy.Tags["iam.baseline.dev/owner"] != "TeamMember/team/alice" || u.AssumePolicy.Tags["iam.baseline.dev/managed-by"] == "" {
		t.Fatalf("managed policy = %+v", u.AssumePolicy)
	}
	if _, err := User(enforced(), tm, roles(lastManaged), "aws"); err != nil {
		t.Fatalf("%d roles (%d chars) must fit the managed quota: %v", lastManaged, size(lastManaged), err)
	}
	_, err = User(enforced(), tm, roles(lastManaged+1), "aws")
	var st *outcome.StalledError
	if !errors.As(err, &st) || st.Reason != iamv1.ReasonInvalidSpec {
		t.Fatalf("%d roles: %v, want Stalled InvalidSpec", lastManaged+1, err)
	}
	for _, want := range []string{fmt.Sprint(lastManaged + 1), fmt.Sprint(size(lastManaged + 1)), "6144", "fewer AssumableRoles"} {
		if !strings.Contains(st.Message, want) {
			t.Errorf("message %q does not name %q", st.Message, want)
		}
	}

	// The longest user name still makes a valid policy name.
	long := strings.Repeat("u", 64)
	if n := len(AssumeRolePolicyManagedName(long)); n > 128 {
		t.Errorf("policy name of a 64-character user is %d characters, over IAM's 128", n)
	}
}

func linkARNs(links []iamv1.AssumableRoleLink) []string {
	out := make([]string, 0, len(links))
	for _, l := range links {
		out = append(out, l.RoleARN)
	}
	return out
}

// sameResources reports whether doc's only statement allows sts:AssumeRole on
// exactly arns.
func sameResources(t *testing.T, doc string, arns []string) bool {
	t.Helper()
	d := mustParse(t, doc)
	if len(d.Statement) != 1 {
		return false
	}
	got := slices.Clone([]string(d.Statement[0].Resource))
	slices.Sort(got)
	want := slices.Clone(arns)
	slices.Sort(want)
	return slices.Equal(got, want) && slices.Equal([]string(d.Statement[0].Action), []string{"sts:AssumeRole"})
}

func TestIsOwnAssumeRolePolicy(t *testing.T) {
	for _, tc := range []struct {
		user, arn string
		want      bool
	}{
		{"ann", "arn:aws:iam::123456789012:policy/iam-baseline/iam-baseline-assume-roles-ann", true},
		{"Ann", "arn:aws:iam::123456789012:policy/iam-baseline/iam-baseline-assume-roles-ann", true}, // IAM names ignore case
		{"ann", "arn:aws:iam::123456789012:policy/iam-baseline/iam-baseline-assume-roles-bob", false},
		{"ann", "arn:aws:iam::123456789012:policy/iam-baseline-assume-roles-ann", false}, // another path: not the operator's
		{"ann", "arn:aws:iam::aws:policy/AdministratorAccess", false},
	} {
		if got := IsOwnAssumeRolePolicy(tc.user, tc.arn); got != tc.want {
			t.Errorf("IsOwnAssumeRolePolicy(%q, %q) = %v", tc.user, tc.arn, got)
		}
	}
}
