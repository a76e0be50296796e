package desired

import (
	"errors"
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
	u, err := User(enforced(), tm, roles)
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
	u, _ = User(enforced(), tm, nil)
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
