package controllers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

// These tests run the attacks a hostile team would try from its own namespace against
// a carefully configured baseline: each is refused before any AWS call (Stalled, a
// message naming the rule and the baseline field that would allow it, and 0 writes in
// the account's call log), and the allowed variants still converge.

const (
	ssGitHub   = "arn:aws:iam::210987654329:oidc-provider/token.actions.githubusercontent.com"
	ssAudience = "sts.amazonaws.com"
)

func ssMFA(b bool) *bool { return &b }

func TestSelfServiceMemberAttacks(t *testing.T) {
	ctx := context.Background()
	e := ssSetup(t, func(ab *iamv1.AccountBaseline) {
		ab.Spec.ProtectedNames = []string{"break-glass-*"}
		ab.Spec.SelfService.ReservedTagKeys = []string{"team", "cost-center"}
	})
	// A hand-made admin user, as every account has one.
	admin := e.team + "-admin"
	if _, err := e.acct.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: &admin}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.acct.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: &admin, PolicyArn: awssdk.String(adminARN)}); err != nil {
		t.Fatal(err)
	}
	quiesce(t, 300*time.Millisecond)
	snap := awsSrv.Calls()

	takeover := ssCreate(t, e.member(e.team, "takeover", func(tm *iamv1.TeamMember) {
		tm.Spec.UserName, tm.Spec.Adopt = admin, true
		tm.Spec.AccessKeys = &iamv1.AccessKeys{Enabled: true}
	}))
	cases := []struct {
		name   string
		tm     *iamv1.TeamMember
		reason string
		parts  []string
	}{
		{"reserved tag", e.member(e.team, "tagged", func(tm *iamv1.TeamMember) { tm.Spec.Tags = iamv1.Tags{"team": "platform"} }),
			iamv1.ReasonNotAllowed, []string{"reserved tag", `"team"`, "reservedTagKeys"}},
		{"reserved tag other case", e.member(e.team, "tagged2", func(tm *iamv1.TeamMember) { tm.Spec.Tags = iamv1.Tags{"Cost-Center": "42"} }),
			iamv1.ReasonNotAllowed, []string{`"Cost-Center"`}},
		{"admins path", e.member(e.team, "pathed", func(tm *iamv1.TeamMember) { tm.Spec.Path = "/admins/" }),
			iamv1.ReasonNotAllowed, []string{"path", `"/admins/"`, "spec.selfService.allowedPaths"}},
		{"admin group", e.member(e.team, "grouped", func(tm *iamv1.TeamMember) { tm.Spec.Groups = []string{"admins"} }),
			iamv1.ReasonNotAllowed, []string{`"admins"`, "spec.selfService.allowedGroups"}},
		{"unlisted namespace", e.member(e.outside, "outsider", nil),
			iamv1.ReasonNotAllowed, []string{e.outside, "spec.selfService.namespaces"}},
		{"the owner tag in another case, even for the platform", e.member(e.platform, "owner", func(tm *iamv1.TeamMember) {
			tm.Spec.Tags = iamv1.Tags{"IAM.Baseline.Dev/owner": "TeamMember/" + e.team + "/takeover"}
		}), iamv1.ReasonInvalidSpec, []string{"reserved tag", "case-insensitively"}},
		{"protected name, even for the platform", e.member(e.platform, "glass", func(tm *iamv1.TeamMember) { tm.Spec.UserName = "break-glass-1" }),
			iamv1.ReasonInvalidSpec, []string{"break-glass-*", "spec.protectedNames"}},
	}
	ssWaitStalled(t, takeover, iamv1.ReasonNotAllowed, "adoption", "spec.selfService.allowAdoption")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ssWaitStalled(t, ssCreate(t, c.tm), c.reason, c.parts...)
			e.noUser(t, c.tm.Spec.UserName)
		})
	}
	e.assertNoWrites(t, snap, "refused TeamMembers")
	keys, err := e.acct.iam.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: &admin})
	if err != nil || len(keys.AccessKeyMetadata) != 0 {
		t.Fatalf("the admin user got access keys: %v %v", keys, err)
	}
	if secretExists(t, e.team, "takeover-access-key") {
		t.Fatal("the team received a Secret for the admin user")
	}

	// The allowed variants converge: a member on an allowed path, in an allowed group,
	// with an unreserved tag; and the platform namespace may do what teams may not.
	ok := ssCreate(t, e.member(e.team, "ok", func(tm *iamv1.TeamMember) {
		tm.Spec.Path = "/"
		tm.Spec.Groups = []string{"developers"}
		tm.Spec.Tags = iamv1.Tags{"project": "checkout"}
	}))
	free := ssCreate(t, e.member(e.platform, "free", func(tm *iamv1.TeamMember) {
		tm.Spec.Path = "/admins/"
		tm.Spec.Groups = []string{"admins"}
		tm.Spec.Tags = iamv1.Tags{"team": "platform"}
	}))
	ssWaitReady(t, ok)
	ssWaitReady(t, free)

	// Adoption, once the platform team allows it, converges for the same object.
	e.updateBaseline(t, func(ab *iamv1.AccountBaseline) { ab.Spec.SelfService.AllowAdoption = true })
	ssWaitReady(t, takeover)
}

func TestSelfServiceRoleAttacks(t *testing.T) {
	ctx := context.Background()
	e := ssSetup(t, func(ab *iamv1.AccountBaseline) {
		ab.Spec.SelfService.Trust = &iamv1.SelfServiceTrust{
			Accounts:      []string{otherAccount(1)},
			Services:      []string{"ec2.amazonaws.com"},
			OIDCProviders: []iamv1.OIDCProviderGrant{{ProviderARN: ssGitHub, Subjects: []string{"repo:acme/*:ref:refs/heads/main"}}},
		}
	})
	alice := ssCreate(t, e.member(e.team, "alice", nil))
	boss := ssCreate(t, e.member(e.platform, "boss", nil))
	ssWaitReady(t, alice)
	ssWaitReady(t, boss)

	// The organisation's admin role and an SSO role, made the way AWS makes them.
	orgTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + accountID + `:root"},"Action":"sts:AssumeRole"}]}`
	for _, name := range []string{"OrganizationAccountAccessRole", "AWSReservedSSO_Admin_0123abcd", e.team + "-legacy"} {
		if _, err := e.acct.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: awssdk.String(name), AssumeRolePolicyDocument: &orgTrust}); err != nil && !strings.Contains(err.Error(), "EntityAlreadyExists") {
			t.Fatal(err)
		}
	}
	orgBefore := e.roleTrust(t, "OrganizationAccountAccessRole")
	quiesce(t, 300*time.Millisecond)
	snap := awsSrv.Calls()

	trustAlice := iamv1.RoleTrust{TeamMembers: []iamv1.TeamMemberReference{{Name: "alice"}}}
	cases := []struct {
		name    string
		ar      *iamv1.AssumableRole
		created bool // the name is new: the role must not exist afterwards
		reason  string
		parts   []string
	}{
		{"adopt the organisation's admin role", e.role(e.team, "org", func(ar *iamv1.AssumableRole) {
			ar.Spec.RoleName, ar.Spec.Adopt, ar.Spec.Trust = "OrganizationAccountAccessRole", true, trustAlice
		}), false, iamv1.ReasonNotAllowed, []string{"protected name", "AWS Organizations admin role", "adoption"}},
		{"the platform may not adopt it either", e.role(e.platform, "org", func(ar *iamv1.AssumableRole) {
			ar.Spec.RoleName, ar.Spec.Adopt = "OrganizationAccountAccessRole", true
			ar.Spec.Trust = iamv1.RoleTrust{TeamMembers: []iamv1.TeamMemberReference{{Name: "boss"}}}
		}), false, iamv1.ReasonInvalidSpec, []string{"AWS Organizations admin role"}},
		{"adopt an SSO role", e.role(e.platform, "sso", func(ar *iamv1.AssumableRole) {
			ar.Spec.RoleName, ar.Spec.Adopt = "AWSReservedSSO_Admin_0123abcd", true
			ar.Spec.Trust = iamv1.RoleTrust{TeamMembers: []iamv1.TeamMemberReference{{Name: "boss"}}}
		}), false, iamv1.ReasonInvalidSpec, []string{"AWSReservedSSO_*"}},
		{"adopt the operator's own role", e.role(e.platform, "self", func(ar *iamv1.AssumableRole) {
			ar.Spec.RoleName, ar.Spec.Adopt = baselineRole, true
			ar.Spec.Trust = iamv1.RoleTrust{TeamMembers: []iamv1.TeamMemberReference{{Name: "boss"}}}
		}), false, iamv1.ReasonInvalidSpec, []string{"operator's own identity"}},
		{"adopt a hand-made role", e.role(e.team, "legacy", func(ar *iamv1.AssumableRole) { ar.Spec.Adopt, ar.Spec.Trust = true, trustAlice }),
			false, iamv1.ReasonNotAllowed, []string{"adoption", "spec.selfService.allowAdoption"}},
		{"any other account, without MFA", e.role(e.team, "partner", func(ar *iamv1.AssumableRole) {
			ar.Spec.Trust = iamv1.RoleTrust{Accounts: []string{otherAccount(2)}, RequireMFA: ssMFA(false)}
		}), true, iamv1.ReasonNotAllowed, []string{otherAccount(2), "spec.selfService.trust.accounts", "spec.selfService.trust.allowWithoutMFA"}},
		{"the account's own root", e.role(e.team, "root", func(ar *iamv1.AssumableRole) {
			ar.Spec.Trust = iamv1.RoleTrust{Accounts: []string{e.acct.id}}
		}), true, iamv1.ReasonNotAllowed, []string{"account root", "arn:aws:iam::" + e.acct.id + ":root"}},
		{"any GitHub repository (allowAnySubject)", e.role(e.team, "anyrepo", func(ar *iamv1.AssumableRole) {
			ar.Spec.Trust = iamv1.RoleTrust{OIDCProviders: []iamv1.OIDCTrust{{ProviderARN: ssGitHub, Audience: ssAudience, Subjects: []string{"repo:*"}, AllowAnySubject: true}}}
		}), true, iamv1.ReasonNotAllowed, []string{`"repo:*"`, "trust.oidcProviders[].subjects"}},
		{"another owner's repository", e.role(e.team, "evilrepo", func(ar *iamv1.AssumableRole) {
			ar.Spec.Trust = iamv1.RoleTrust{OIDCProviders: []iamv1.OIDCTrust{{ProviderARN: ssGitHub, Audience: ssAudience, Subjects: []string{"repo:evil/app:ref:refs/heads/main"}}}}
		}), true, iamv1.ReasonNotAllowed, []string{"repo:evil/app"}},
		{"another namespace's member", e.role(e.team, "boss", func(ar *iamv1.AssumableRole) {
			ar.Spec.Trust = iamv1.RoleTrust{TeamMembers: []iamv1.TeamMemberReference{{Name: "boss", Namespace: e.platform}}}
		}), true, iamv1.ReasonNotAllowed, []string{e.platform + "/boss", "spec.selfService.trust.memberNamespaces"}},
		{"people without MFA", e.role(e.team, "nomfa", func(ar *iamv1.AssumableRole) {
			ar.Spec.Trust = trustAlice
			ar.Spec.Trust.RequireMFA = ssMFA(false)
		}), true, iamv1.ReasonNotAllowed, []string{"spec.selfService.trust.allowWithoutMFA"}},
		{"an ungranted service", e.role(e.team, "lambda", func(ar *iamv1.AssumableRole) {
			ar.Spec.Trust = iamv1.RoleTrust{Services: []string{"lambda.amazonaws.com"}}
		}), true, iamv1.ReasonNotAllowed, []string{"lambda.amazonaws.com", "spec.selfService.trust.services"}},
		{"an admins path", e.role(e.team, "pathed", func(ar *iamv1.AssumableRole) { ar.Spec.Path, ar.Spec.Trust = "/admins/", trustAlice }),
			true, iamv1.ReasonNotAllowed, []string{"spec.selfService.allowedPaths"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ssWaitStalled(t, ssCreate(t, c.ar), c.reason, c.parts...)
			if c.created {
				e.noRole(t, c.ar.Spec.RoleName)
			}
		})
	}
	e.assertNoWrites(t, snap, "refused AssumableRoles")
	if after := e.roleTrust(t, "OrganizationAccountAccessRole"); after != orgBefore {
		t.Fatalf("the organisation's admin role's trust changed: %s", after)
	}

	// The schema refuses a subject matching every identity outright, for anyone.
	wide := e.role(e.platform, "wide", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust = iamv1.RoleTrust{OIDCProviders: []iamv1.OIDCTrust{{ProviderARN: ssGitHub, Audience: ssAudience, Subjects: []string{"repo:*/*"}}}}
	})
	if err := k8s.Create(ctx, wide); !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "allowAnySubject") {
		t.Fatalf("a repo:*/* subject was not refused by the schema: %v", err)
	}

	// What the baseline grants converges: the team's own member, a granted account and
	// service, and a subject within the granted pattern.
	granted := ssCreate(t, e.role(e.team, "granted", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust = iamv1.RoleTrust{
			TeamMembers:   []iamv1.TeamMemberReference{{Name: "alice"}},
			Accounts:      []string{otherAccount(1)},
			Services:      []string{"ec2.amazonaws.com"},
			OIDCProviders: []iamv1.OIDCTrust{{ProviderARN: ssGitHub, Audience: ssAudience, Subjects: []string{"repo:acme/app:ref:refs/heads/main"}}},
		}
	}))
	ssWaitReady(t, granted)
	trust, _ := url.QueryUnescape(e.roleTrust(t, granted.Spec.RoleName))
	for _, want := range []string{alice.Status.ARN, "arn:aws:iam::" + otherAccount(1) + ":root", "ec2.amazonaws.com", ssGitHub, "repo:acme/app:ref:refs/heads/main"} {
		if !strings.Contains(trust, want) {
			t.Fatalf("the granted role's trust %s does not name %s", trust, want)
		}
	}
	// The platform namespace is not limited by selfService, and may say a subject
	// matching every repository is meant.
	platform := ssCreate(t, e.role(e.platform, "platform", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust = iamv1.RoleTrust{
			Accounts:      []string{otherAccount(2)},
			RequireMFA:    ssMFA(false),
			OIDCProviders: []iamv1.OIDCTrust{{ProviderARN: ssGitHub, Audience: ssAudience, Subjects: []string{"repo:*"}, AllowAnySubject: true}},
		}
	}))
	ssWaitReady(t, platform)

	// Another namespace's member, once the baseline lists that namespace.
	cross := ssCreate(t, e.role(e.team, "cross", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust = iamv1.RoleTrust{TeamMembers: []iamv1.TeamMemberReference{{Name: "boss", Namespace: e.platform}}}
	}))
	ssWaitStalled(t, cross, iamv1.ReasonNotAllowed, "memberNamespaces")
	e.updateBaseline(t, func(ab *iamv1.AccountBaseline) { ab.Spec.SelfService.Trust.MemberNamespaces = []string{e.platform} })
	ssWaitReady(t, cross)
}

// A rule that tightens stalls what it now refuses, and deletes nothing: the role keeps
// its trust and the user its tags until the spec or the rule changes.
func TestSelfServiceTightenedRuleKeepsAWSState(t *testing.T) {
	e := ssSetup(t, func(ab *iamv1.AccountBaseline) {
		ab.Spec.SelfService.Trust = &iamv1.SelfServiceTrust{Accounts: []string{otherAccount(1)}}
	})
	tm := ssCreate(t, e.member(e.team, "tagged", func(tm *iamv1.TeamMember) { tm.Spec.Tags = iamv1.Tags{"team": "payments"} }))
	ar := ssCreate(t, e.role(e.team, "partner", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust = iamv1.RoleTrust{Accounts: []string{otherAccount(1)}}
	}))
	ssWaitReady(t, tm)
	ssWaitReady(t, ar)
	trustBefore := e.roleTrust(t, ar.Spec.RoleName)
	quiesce(t, 300*time.Millisecond)
	snap := awsSrv.Calls()

	e.updateBaseline(t, func(ab *iamv1.AccountBaseline) {
		ab.Spec.SelfService.Trust.Accounts = nil
		ab.Spec.SelfService.ReservedTagKeys = []string{"team"}
	})
	ssWaitStalled(t, ar, iamv1.ReasonNotAllowed, otherAccount(1), "spec.selfService.trust.accounts")
	ssWaitStalled(t, tm, iamv1.ReasonNotAllowed, `"team"`, "reservedTagKeys")
	// Past two resyncs of both, still nothing written.
	time.Sleep(2 * resync)
	e.assertNoWrites(t, snap, "objects stalled by a tightened rule")
	if after := e.roleTrust(t, ar.Spec.RoleName); after != trustBefore {
		t.Fatalf("the role's trust changed: %s", after)
	}
	tags, err := e.acct.iam.ListUserTags(context.Background(), &iam.ListUserTagsInput{UserName: &tm.Spec.UserName})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, tag := range tags.Tags {
		found = found || (awssdk.ToString(tag.Key) == "team" && awssdk.ToString(tag.Value) == "payments")
	}
	if !found {
		t.Fatalf("the user lost its tag: %v", tags.Tags)
	}

	// Loosened again, both converge without a change in AWS.
	e.updateBaseline(t, func(ab *iamv1.AccountBaseline) {
		ab.Spec.SelfService.Trust.Accounts = []string{otherAccount(1)}
		ab.Spec.SelfService.ReservedTagKeys = nil
	})
	ssWaitReady(t, ar)
	ssWaitReady(t, tm)
	e.assertNoWrites(t, snap, "objects allowed again")
}

// Without selfService, any namespace keeps today's freedom, but the rules for
// everyone still hold: protected names are never adopted.
func TestSelfServiceAbsentKeepsTodaysBehaviour(t *testing.T) {
	e := ssSetup(t, func(ab *iamv1.AccountBaseline) { ab.Spec.SelfService = nil })
	ctx := context.Background()
	orgTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + accountID + `:root"},"Action":"sts:AssumeRole"}]}`
	if _, err := e.acct.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: awssdk.String("OrganizationAccountAccessRole"), AssumeRolePolicyDocument: &orgTrust}); err != nil && !strings.Contains(err.Error(), "EntityAlreadyExists") {
		t.Fatal(err)
	}
	free := ssCreate(t, e.role(e.outside, "free", func(ar *iamv1.AssumableRole) {
		ar.Spec.Path = "/admins/"
		ar.Spec.Tags = iamv1.Tags{"team": "platform"}
		ar.Spec.Trust = iamv1.RoleTrust{Accounts: []string{otherAccount(3)}, RequireMFA: ssMFA(false)}
	}))
	ssWaitReady(t, free)
	quiesce(t, 300*time.Millisecond)
	snap := awsSrv.Calls()
	org := ssCreate(t, e.role(e.outside, "org", func(ar *iamv1.AssumableRole) {
		ar.Spec.RoleName, ar.Spec.Adopt = "OrganizationAccountAccessRole", true
		ar.Spec.Trust = iamv1.RoleTrust{Accounts: []string{otherAccount(3)}}
	}))
	ssWaitStalled(t, org, iamv1.ReasonInvalidSpec, "AWS Organizations admin role")
	e.assertNoWrites(t, snap, "adopting the organisation's admin role without selfService")
}
