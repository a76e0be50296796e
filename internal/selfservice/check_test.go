package selfservice

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

const (
	acct     = "123456789012"
	partner  = "210987654321"
	team     = "payments"
	platform = "platform"
	github   = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
	boundary = "arn:aws:iam::123456789012:policy/team-boundary"
	admin    = "arn:aws:iam::aws:policy/AdministratorAccess"
)

// careful is the baseline a careful platform team writes.
func careful() *iamv1.AccountBaseline {
	return &iamv1.AccountBaseline{
		ObjectMeta: metav1.ObjectMeta{Name: "prod"},
		Spec: iamv1.AccountBaselineSpec{
			AccountID:      acct,
			MFAEnforcement: &iamv1.MFAEnforcement{},
			Groups:         []iamv1.PermissionGroup{{Name: "developers"}, {Name: "admins"}},
			ProtectedNames: []string{"break-glass-*"},
			SelfService: &iamv1.SelfService{
				Namespaces:        []string{team},
				PlatformNamespace: platform,
				AllowedGroups:     []string{"developers"},
				Roles: &iamv1.RoleGuardrails{
					RequiredPermissionsBoundary: boundary,
					MaxSessionDurationSeconds:   ptr(int32(7200)),
					ForbiddenPolicies:           []string{admin},
				},
				Trust: &iamv1.SelfServiceTrust{
					Accounts:         []string{partner},
					Services:         []string{"ec2.amazonaws.com"},
					OIDCProviders:    []iamv1.OIDCProviderGrant{{ProviderARN: github, Subjects: []string{"repo:acme/*:ref:refs/heads/main"}}},
					MemberNamespaces: []string{"shared"},
				},
				AllowedPaths:    []string{"/", "/teams/payments/"},
				ReservedTagKeys: []string{"team", "cost-center"},
			},
		},
	}
}

func ptr[T any](v T) *T { return &v }

func member(ns, name string, mutate func(*iamv1.TeamMember)) *iamv1.TeamMember {
	tm := &iamv1.TeamMember{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: iamv1.TeamMemberSpec{AccountRef: "prod", Path: "/"}}
	if mutate != nil {
		mutate(tm)
	}
	return tm
}

// role is a compliant self-service role unless mutated.
func role(ns, name string, mutate func(*iamv1.AssumableRole)) *iamv1.AssumableRole {
	ar := &iamv1.AssumableRole{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: iamv1.AssumableRoleSpec{
		AccountRef: "prod", Path: "/", PermissionsBoundary: boundary,
		Trust: iamv1.RoleTrust{TeamMembers: []iamv1.TeamMemberReference{{Name: "alice"}}},
	}}
	if mutate != nil {
		mutate(ar)
	}
	return ar
}

// want checks that vs holds one violation of rule with reason, whose message names
// every part.
func want(t *testing.T, vs []Violation, rule, reason string, parts ...string) {
	t.Helper()
	var v Violation
	n := 0
	for _, x := range vs {
		if x.Rule == rule {
			v, n = x, n+1
		}
	}
	if n != 1 {
		t.Fatalf("want one %q violation, got %d: %v", rule, n, vs)
	}
	if v.Reason != reason {
		t.Fatalf("got %s/%s %q, want %s/%s", v.Rule, v.Reason, v.Message, rule, reason)
	}
	for _, p := range parts {
		if !strings.Contains(v.Message, p) {
			t.Errorf("message %q does not name %q", v.Message, p)
		}
	}
}

func TestMemberRules(t *testing.T) {
	ab := careful()
	cases := []struct {
		name         string
		tm           *iamv1.TeamMember
		rule, reason string
		parts        []string
	}{
		{"other namespace", member("intruders", "eve", nil), RuleNamespace, iamv1.ReasonNotAllowed, []string{`"intruders"`, "spec.selfService.namespaces"}},
		{"adopt admin", member(team, "x", func(tm *iamv1.TeamMember) { tm.Spec.UserName, tm.Spec.Adopt = "admin", true }), RuleAdoption, iamv1.ReasonNotAllowed, []string{"spec.selfService.allowAdoption"}},
		{"forbidden group", member(team, "x", func(tm *iamv1.TeamMember) { tm.Spec.Groups = []string{"admins"} }), RuleGroups, iamv1.ReasonNotAllowed, []string{`"admins"`, "spec.selfService.allowedGroups"}},
		{"admins path", member(team, "x", func(tm *iamv1.TeamMember) { tm.Spec.Path = "/admins/" }), RulePath, iamv1.ReasonNotAllowed, []string{`"/admins/"`, "spec.selfService.allowedPaths"}},
		{"team tag", member(team, "x", func(tm *iamv1.TeamMember) { tm.Spec.Tags = iamv1.Tags{"team": "platform"} }), RuleReservedTag, iamv1.ReasonNotAllowed, []string{`"team"`, "reservedTagKeys"}},
		{"team tag other case", member(team, "x", func(tm *iamv1.TeamMember) { tm.Spec.Tags = iamv1.Tags{"Team": "platform"} }), RuleReservedTag, iamv1.ReasonNotAllowed, []string{`"Team"`}},
		{"ownership tag", member(team, "x", func(tm *iamv1.TeamMember) { tm.Spec.Tags = iamv1.Tags{"IAM.baseline.dev/owner": "x"} }), RuleReservedTag, iamv1.ReasonInvalidSpec, []string{"iam.baseline.dev/*"}},
		{"ownership tag from the platform", member(platform, "x", func(tm *iamv1.TeamMember) { tm.Spec.Tags = iamv1.Tags{"IAM.Baseline.Dev/Owner": "TeamMember/other/x"} }), RuleReservedTag, iamv1.ReasonInvalidSpec, []string{"case-insensitively"}},
		{"aws tag in another case", member(platform, "x", func(tm *iamv1.TeamMember) { tm.Spec.Tags = iamv1.Tags{"AWS:cost": "x"} }), RuleReservedTag, iamv1.ReasonInvalidSpec, []string{"aws:*"}},
		{"protected pattern", member(platform, "break-glass-1", nil), RuleProtectedName, iamv1.ReasonInvalidSpec, []string{"break-glass-*", "spec.protectedNames"}},
		{"operator user", member(platform, "x", func(tm *iamv1.TeamMember) { tm.Spec.UserName = "Operator" }), RuleProtectedName, iamv1.ReasonInvalidSpec, []string{"operator's own identity"}},
	}
	env := Env{OperatorARN: "arn:aws:iam::123456789012:user/system/operator"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want(t, Check(ab, c.tm, env), c.rule, c.reason, c.parts...)
		})
	}
	allowed := []*iamv1.TeamMember{
		member(team, "alice", func(tm *iamv1.TeamMember) {
			tm.Spec.Groups = []string{"developers", "iam-baseline-mfa-required"}
			tm.Spec.Path = "/teams/payments/"
			tm.Spec.Tags = iamv1.Tags{"project": "checkout"}
		}),
		member(platform, "root-admin", func(tm *iamv1.TeamMember) {
			tm.Spec.Groups = []string{"admins"}
			tm.Spec.Path = "/admins/"
			tm.Spec.Tags = iamv1.Tags{"team": "platform"}
			tm.Spec.Adopt = true
		}),
	}
	for _, tm := range allowed {
		if vs := Check(ab, tm, env); len(vs) != 0 {
			t.Errorf("%s/%s refused: %v", tm.Namespace, tm.Name, vs)
		}
	}
	ab.Spec.SelfService.AllowAdoption = true
	if vs := Check(ab, member(team, "x", func(tm *iamv1.TeamMember) { tm.Spec.UserName, tm.Spec.Adopt = "handmade", true }), env); len(vs) != 0 {
		t.Errorf("allowAdoption did not allow adoption: %v", vs)
	}
}

func TestRoleRules(t *testing.T) {
	ab := careful()
	oidc := func(subs ...string) func(*iamv1.AssumableRole) {
		return func(ar *iamv1.AssumableRole) {
			ar.Spec.Trust.OIDCProviders = []iamv1.OIDCTrust{{ProviderARN: github, Audience: "sts.amazonaws.com", Subjects: subs}}
		}
	}
	cases := []struct {
		name         string
		ar           *iamv1.AssumableRole
		rule, reason string
		parts        []string
	}{
		{"adopt org admin role", role(team, "x", func(ar *iamv1.AssumableRole) { ar.Spec.RoleName, ar.Spec.Adopt = "OrganizationAccountAccessRole", true }), RuleProtectedName, iamv1.ReasonInvalidSpec, []string{"Organizations"}},
		{"org admin role from platform", role(platform, "x", func(ar *iamv1.AssumableRole) { ar.Spec.RoleName, ar.Spec.Adopt = "organizationaccountaccessrole", true }), RuleProtectedName, iamv1.ReasonInvalidSpec, []string{"Organizations"}},
		{"SSO role", role(platform, "AWSReservedSSO_Admin_0123", nil), RuleProtectedName, iamv1.ReasonInvalidSpec, []string{"AWSReservedSSO_*"}},
		{"service role path", role(platform, "x", func(ar *iamv1.AssumableRole) { ar.Spec.Path = "/aws-service-role/ec2.amazonaws.com/" }), RuleProtectedName, iamv1.ReasonInvalidSpec, []string{"/aws-service-role/"}},
		{"reserved path", role(platform, "x", func(ar *iamv1.AssumableRole) { ar.Spec.Path = "/aws-reserved/sso.amazonaws.com/" }), RuleProtectedName, iamv1.ReasonInvalidSpec, []string{"/aws-reserved/"}},
		{"operator's assumed role", role(platform, "iam-operator", nil), RuleProtectedName, iamv1.ReasonInvalidSpec, []string{"operator's own identity"}},
		{"adopt", role(team, "legacy", func(ar *iamv1.AssumableRole) { ar.Spec.Adopt = true }), RuleAdoption, iamv1.ReasonNotAllowed, []string{"spec.selfService.allowAdoption"}},
		{"other account", role(team, "x", func(ar *iamv1.AssumableRole) { ar.Spec.Trust.Accounts = []string{"999999999999"} }), RuleTrustAccount, iamv1.ReasonNotAllowed, []string{"999999999999", "spec.selfService.trust.accounts"}},
		{"own root", role(team, "x", func(ar *iamv1.AssumableRole) { ar.Spec.Trust.Accounts = []string{acct} }), RuleTrustRoot, iamv1.ReasonNotAllowed, []string{"arn:aws:iam::123456789012:root"}},
		{"service", role(team, "x", func(ar *iamv1.AssumableRole) { ar.Spec.Trust.Services = []string{"lambda.amazonaws.com"} }), RuleTrustService, iamv1.ReasonNotAllowed, []string{"lambda.amazonaws.com", "trust.services"}},
		{"oidc provider", role(team, "x", func(ar *iamv1.AssumableRole) {
			ar.Spec.Trust.OIDCProviders = []iamv1.OIDCTrust{{ProviderARN: "arn:aws:iam::123456789012:oidc-provider/gitlab.com", Audience: "x", Subjects: []string{"project_path:acme/app:ref_type:branch"}}}
		}), RuleTrustOIDC, iamv1.ReasonNotAllowed, []string{"gitlab.com", "trust.oidcProviders"}},
		{"oidc other branch", role(team, "x", oidc("repo:acme/app:ref:refs/heads/dev")), RuleTrustOIDC, iamv1.ReasonNotAllowed, []string{"refs/heads/dev", "repo:acme/*:ref:refs/heads/main"}},
		{"oidc other owner", role(team, "x", oidc("repo:evil/app:ref:refs/heads/main")), RuleTrustOIDC, iamv1.ReasonNotAllowed, []string{"repo:evil/app"}},
		{"cross-namespace member", role(team, "x", func(ar *iamv1.AssumableRole) {
			ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "root-admin", Namespace: platform}}
		}), RuleTrustMembers, iamv1.ReasonNotAllowed, []string{"platform/root-admin", "trust.memberNamespaces"}},
		{"no MFA", role(team, "x", func(ar *iamv1.AssumableRole) { ar.Spec.Trust.RequireMFA = ptr(false) }), RuleTrustMFA, iamv1.ReasonNotAllowed, []string{"trust.allowWithoutMFA"}},
		{"no boundary", role(team, "x", func(ar *iamv1.AssumableRole) { ar.Spec.PermissionsBoundary = "" }), RuleBoundary, iamv1.ReasonNotAllowed, []string{boundary, "none"}},
		{"long session", role(team, "x", func(ar *iamv1.AssumableRole) { ar.Spec.MaxSessionDuration = 43200 }), RuleSession, iamv1.ReasonNotAllowed, []string{"7200"}},
		{"forbidden policy", role(team, "x", func(ar *iamv1.AssumableRole) { ar.Spec.ManagedPolicies = []string{admin} }), RuleForbidden, iamv1.ReasonNotAllowed, []string{admin}},
		{"path", role(team, "x", func(ar *iamv1.AssumableRole) { ar.Spec.Path = "/admins/" }), RulePath, iamv1.ReasonNotAllowed, []string{"/admins/"}},
		{"tag", role(team, "x", func(ar *iamv1.AssumableRole) { ar.Spec.Tags = iamv1.Tags{"cost-center": "0"} }), RuleReservedTag, iamv1.ReasonNotAllowed, []string{"cost-center"}},
		{"other namespace", role("intruders", "x", nil), RuleNamespace, iamv1.ReasonNotAllowed, []string{"intruders"}},
		// OIDC subjects: everywhere, the platform namespace and baselines without selfService included.
		{"oidc star", role(platform, "x", oidc("*")), RuleOIDCSubject, iamv1.ReasonInvalidSpec, []string{`"*"`, "allowAnySubject"}},
		{"oidc any repo", role(platform, "x", oidc("repo:*")), RuleOIDCSubject, iamv1.ReasonInvalidSpec, []string{`"repo:*"`}},
		{"oidc any owner", role(platform, "x", oidc("repo:*/*")), RuleOIDCSubject, iamv1.ReasonInvalidSpec, []string{`"repo:*/*"`}},
		{"oidc no subjects", role(platform, "x", oidc()), RuleOIDCSubject, iamv1.ReasonInvalidSpec, []string{"no subjects"}},
		{"oidc no audience", role(platform, "x", func(ar *iamv1.AssumableRole) {
			ar.Spec.Trust.OIDCProviders = []iamv1.OIDCTrust{{ProviderARN: github, Subjects: []string{"repo:acme/app:*"}}}
		}), RuleOIDCSubject, iamv1.ReasonInvalidSpec, []string{"no audience"}},
	}
	env := Env{OperatorARN: "arn:aws:sts::123456789012:assumed-role/iam-operator/session-1"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want(t, Check(ab, c.ar, env), c.rule, c.reason, c.parts...)
		})
	}
	allowed := []*iamv1.AssumableRole{
		role(team, "deploy", func(ar *iamv1.AssumableRole) {
			ar.Spec.Path = "/teams/payments/"
			ar.Spec.MaxSessionDuration = 7200
			ar.Spec.ManagedPolicies = []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}
			ar.Spec.Trust = iamv1.RoleTrust{
				TeamMembers:   []iamv1.TeamMemberReference{{Name: "alice"}, {Name: "bob", Namespace: team}, {Name: "carol", Namespace: "shared"}},
				Accounts:      []string{partner},
				Services:      []string{"ec2.amazonaws.com"},
				OIDCProviders: []iamv1.OIDCTrust{{ProviderARN: github, Audience: "sts.amazonaws.com", Subjects: []string{"repo:acme/app:ref:refs/heads/main", "repo:acme/*:ref:refs/heads/main"}}},
			}
		}),
		role(platform, "admin", func(ar *iamv1.AssumableRole) {
			ar.Spec.PermissionsBoundary = ""
			ar.Spec.ManagedPolicies = []string{admin}
			ar.Spec.Trust = iamv1.RoleTrust{Accounts: []string{acct}, RequireMFA: ptr(false),
				OIDCProviders: []iamv1.OIDCTrust{{ProviderARN: github, Audience: "sts.amazonaws.com", Subjects: []string{"repo:*"}, AllowAnySubject: true}}}
		}),
	}
	for _, ar := range allowed {
		if vs := Check(ab, ar, env); len(vs) != 0 {
			t.Errorf("%s/%s refused: %v", ar.Namespace, ar.Name, vs)
		}
	}
}

// Without selfService every namespace keeps today's freedom, but protected names and
// OIDC subjects are refused for everyone.
func TestNoSelfService(t *testing.T) {
	ab := &iamv1.AccountBaseline{ObjectMeta: metav1.ObjectMeta{Name: "open"}, Spec: iamv1.AccountBaselineSpec{AccountID: acct,
		Access: &iamv1.AccountAccess{RoleARN: "arn:aws:iam::123456789012:role/ops/baseline-operator"}}}
	free := role("anyone", "x", func(ar *iamv1.AssumableRole) {
		ar.Spec.Adopt = true
		ar.Spec.Path = "/admins/"
		ar.Spec.Trust = iamv1.RoleTrust{Accounts: []string{acct, partner}, RequireMFA: ptr(false)}
	})
	if vs := Check(ab, free, Env{}); len(vs) != 0 {
		t.Fatalf("refused without selfService: %v", vs)
	}
	want(t, Check(ab, role("anyone", "baseline-operator", nil), Env{}), RuleProtectedName, iamv1.ReasonInvalidSpec, "operator's own identity")
	want(t, Check(ab, role("anyone", "x", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.OIDCProviders = []iamv1.OIDCTrust{{ProviderARN: github, Audience: "sts.amazonaws.com", Subjects: []string{"repo:*/*"}}}
	}), Env{}), RuleOIDCSubject, iamv1.ReasonInvalidSpec, "repo:*/*")
	// The operator's identity is a role: a user of the same name is someone else.
	if vs := Check(ab, member("anyone", "baseline-operator", nil), Env{}); len(vs) != 0 {
		t.Fatalf("a user named like the operator's role was refused: %v", vs)
	}
}

func TestSummary(t *testing.T) {
	if r, m := Summary(nil); r != "" || m != "" {
		t.Fatalf("Summary(nil) = %q, %q", r, m)
	}
	vs := []Violation{
		{Rule: RuleOIDCSubject, Reason: iamv1.ReasonInvalidSpec, Message: "a"},
		{Rule: RuleAdoption, Reason: iamv1.ReasonNotAllowed, Message: "b"},
	}
	if r, m := Summary(vs[:1]); r != iamv1.ReasonInvalidSpec || m != "OIDC subject: a" {
		t.Fatalf("Summary = %q, %q", r, m)
	}
	if r, m := Summary(vs); r != iamv1.ReasonNotAllowed || m != "OIDC subject: a; adoption: b" {
		t.Fatalf("Summary = %q, %q", r, m)
	}
}
