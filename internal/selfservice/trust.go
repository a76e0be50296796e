package selfservice

import (
	"fmt"
	"slices"
	"strings"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

// trust applies spec.selfService.trust to a role's spec.trust: what a team's role may
// trust is what the baseline grants, and nothing that would let the whole account,
// anyone at all, or another team's people in.
func (s *scope) trust(ar *iamv1.AssumableRole) {
	if !s.limited() {
		return
	}
	grant := s.ss.Trust
	if grant == nil {
		grant = &iamv1.SelfServiceTrust{}
	}
	tr := ar.Spec.Trust
	for _, a := range tr.Accounts {
		switch {
		case a == "*" || strings.ContainsAny(a, "*?"):
			s.invalid(RuleTrustAccount, "spec.trust.accounts", "account %q is a wildcard principal: it would trust every AWS account", a)
		case a == s.ab.Spec.AccountID:
			s.refuse(RuleTrustRoot, "spec.trust.accounts", "trust TeamMembers by reference (spec.trust.teamMembers) instead; nothing in spec.selfService allows the account root",
				"account %s is this role's own account: its root principal (arn:aws:iam::%s:root) trusts every principal of the account allowed sts:AssumeRole", a, a)
		case !slices.Contains(grant.Accounts, a):
			s.refuse(RuleTrustAccount, "spec.trust.accounts", s.ask("trust.accounts"),
				"trusting account %s is not allowed for self-service roles", a)
		}
	}
	for _, svc := range tr.Services {
		switch {
		case strings.ContainsAny(svc, "*?"):
			s.invalid(RuleTrustService, "spec.trust.services", "service %q is a wildcard principal", svc)
		case !slices.Contains(grant.Services, svc):
			s.refuse(RuleTrustService, "spec.trust.services", s.ask("trust.services"),
				"trusting service %s is not allowed for self-service roles", svc)
		}
	}
	for _, o := range tr.OIDCProviders {
		i := slices.IndexFunc(grant.OIDCProviders, func(g iamv1.OIDCProviderGrant) bool { return g.ProviderARN == o.ProviderARN })
		if i < 0 {
			s.refuse(RuleTrustOIDC, "spec.trust.oidcProviders", s.ask("trust.oidcProviders"),
				"trusting OIDC provider %s is not allowed for self-service roles", o.ProviderARN)
			continue
		}
		g := grant.OIDCProviders[i]
		for _, sub := range o.Subjects {
			if !slices.ContainsFunc(g.Subjects, func(p string) bool { return within(p, sub) }) {
				s.refuse(RuleTrustOIDC, "spec.trust.oidcProviders", fmt.Sprintf("narrow it to one of %v, or %s", g.Subjects, s.ask("trust.oidcProviders[].subjects")),
					"OIDC subject %q of provider %s is not within the subjects allowed for self-service roles", sub, o.ProviderARN)
			}
		}
	}
	for _, ref := range tr.TeamMembers {
		ns := ref.Namespace
		if ns == "" || ns == s.namespace {
			continue
		}
		if !slices.Contains(grant.MemberNamespaces, ns) {
			s.refuse(RuleTrustMembers, "spec.trust.teamMembers", s.ask("trust.memberNamespaces"),
				"trusting TeamMember %s/%s of another namespace is not allowed for self-service roles", ns, ref.Name)
		}
	}
	people := len(tr.TeamMembers) > 0 || tr.TeamMemberSelector != nil || len(tr.Accounts) > 0
	if people && tr.RequireMFA != nil && !*tr.RequireMFA && !grant.AllowWithoutMFA {
		s.refuse(RuleTrustMFA, "spec.trust.requireMFA", "remove spec.trust.requireMFA: false, or "+s.ask("trust.allowWithoutMFA (true)"),
			"spec.trust.requireMFA: false lets people assume the role without MFA")
	}
}

// oidcSubjects applies, in every namespace, the rule AWS documents as the cause of
// real role takeovers: an OIDC trust must carry an audience and subjects that name
// an owner, or any identity of the provider (any GitHub repository in the world)
// could assume the role. spec.trust.oidcProviders[].allowAnySubject says it is meant.
func (s *scope) oidcSubjects(providers []iamv1.OIDCTrust) {
	for _, o := range providers {
		if strings.TrimSpace(o.Audience) == "" {
			s.invalid(RuleOIDCSubject, "spec.trust.oidcProviders", "OIDC provider %s has no audience: set audience (for example sts.amazonaws.com), or a token minted for any audience would do", o.ProviderARN)
		}
		if o.AllowAnySubject {
			continue
		}
		if len(o.Subjects) == 0 {
			s.invalid(RuleOIDCSubject, "spec.trust.oidcProviders", "OIDC provider %s has no subjects: every identity of the provider could assume the role; list subjects, or set allowAnySubject: true if that is meant", o.ProviderARN)
		}
		for _, sub := range o.Subjects {
			if AnySubject(sub) {
				s.invalid(RuleOIDCSubject, "spec.trust.oidcProviders", "OIDC subject %q of provider %s matches every identity or every repository owner of the provider: name the owner (for example repo:acme/app:ref:refs/heads/main), or set allowAnySubject: true if that is meant", sub, o.ProviderARN)
			}
		}
	}
}

// ownerScoped are the subject prefixes whose first path segment is the owner that
// must be named: GitHub Actions (repo:<owner>/<repo>:...) and GitLab
// (project_path:<group>/<project>:...).
var ownerScoped = []string{"repo:", "project_path:"}

// AnySubject reports whether an OIDC subject pattern matches every identity of its
// provider, or every owner's: empty, only wildcards and separators, a leading
// wildcard, or a wildcard (or nothing) where the repository owner goes. The CRD holds
// the same rule in CEL; this copy also judges manifests that never met the API server.
func AnySubject(sub string) bool {
	sub = strings.TrimSpace(sub)
	if strings.Trim(sub, "*?:/") == "" || strings.ContainsAny(sub[:1], "*?") {
		return true
	}
	for _, prefix := range ownerScoped {
		if rest, ok := strings.CutPrefix(sub, prefix); ok {
			owner, _, _ := strings.Cut(rest, "/")
			if owner == "" || strings.ContainsAny(owner, "*?") {
				return true
			}
		}
	}
	return false
}
