package selfservice

import (
	"fmt"
	"slices"
	"strings"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/plan"
)

// Object is what Check judges: a TeamMember or an AssumableRole.
type Object interface {
	*iamv1.TeamMember | *iamv1.AssumableRole
}

// Check returns every rule obj breaks for the account of baseline ab, or nil. It
// makes no call of any kind. The rules that hold for every namespace (protected
// names, OIDC subjects) apply even without spec.selfService; the others apply to
// every namespace but spec.selfService.platformNamespace.
func Check[T Object](ab *iamv1.AccountBaseline, obj T, env Env) []Violation {
	switch o := any(obj).(type) {
	case *iamv1.TeamMember:
		return checkMember(ab, o, env)
	case *iamv1.AssumableRole:
		return checkRole(ab, o, env)
	}
	return nil
}

// scope is one object's view of its baseline: who it is and what limits it.
type scope struct {
	ab        *iamv1.AccountBaseline
	ss        *iamv1.SelfService // nil: not limited (no selfService, or the platform namespace)
	kind      string
	namespace string
	out       []Violation
}

func newScope(ab *iamv1.AccountBaseline, kind, namespace string) *scope {
	s := &scope{ab: ab, kind: kind, namespace: namespace}
	if ss := ab.Spec.SelfService; ss != nil && namespace != ss.PlatformNamespace {
		s.ss = ss
	}
	return s
}

// limited reports whether the namespace is under spec.selfService.
func (s *scope) limited() bool { return s.ss != nil }

// refuse records a self-service refusal. allow names what would allow it.
func (s *scope) refuse(rule, field, allow, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	msg += fmt.Sprintf(" (namespace %q, account %s): %s", s.namespace, s.ab.Spec.AccountID, allow)
	s.out = append(s.out, Violation{Rule: rule, Reason: iamv1.ReasonNotAllowed, Field: field, Message: msg})
}

// invalid records what nobody may declare, whatever the baseline says.
func (s *scope) invalid(rule, field, format string, args ...any) {
	s.out = append(s.out, Violation{Rule: rule, Reason: iamv1.ReasonInvalidSpec, Field: field, Message: fmt.Sprintf(format, args...)})
}

// ask is the usual end of a refusal message: the baseline field the platform team
// would change.
func (s *scope) ask(field string) string {
	return fmt.Sprintf("ask the platform team to allow it in spec.selfService.%s of AccountBaseline %q", field, s.ab.Name)
}

// namespaceAllowed is the first rule: a namespace the baseline does not list may
// declare nothing, so the other rules are not worth reporting.
func (s *scope) namespaceAllowed() bool {
	if !s.limited() || slices.Contains(s.ss.Namespaces, s.namespace) {
		return true
	}
	s.refuse(RuleNamespace, "metadata.namespace", s.ask("namespaces"),
		"namespace %q may not declare %ss for this account", s.namespace, s.kind)
	return false
}

// protected refuses protected names, for everyone. Nothing in the baseline allows
// them: a protected name stays protected.
func (s *scope) protected(env Env, entity, field, name, path string) {
	why, bySpec := protectedName(s.ab, env, entity, name, path)
	if why == "" {
		return
	}
	fix := "choose another name and path"
	if bySpec {
		fix = "choose another name, or the platform team may remove the pattern from spec.protectedNames"
	}
	s.invalid(RuleProtectedName, field, "%s; the operator never manages or adopts it, from any namespace: %s", why, fix)
}

// adoption refuses spec.adopt for self-service unless the baseline allows it.
func (s *scope) adoption(adopt bool, entity string) {
	if adopt && s.limited() && !s.ss.AllowAdoption {
		s.refuse(RuleAdoption, "spec.adopt", "remove spec.adopt, or "+s.ask("allowAdoption (true)"),
			"spec.adopt would take over an existing IAM %s someone made by hand", entity)
	}
}

// path keeps self-service users and roles on the paths the baseline allows.
func (s *scope) path(path string) {
	if !s.limited() {
		return
	}
	if path == "" {
		path = "/"
	}
	allowed := s.ss.AllowedPaths
	if len(allowed) == 0 {
		allowed = []string{"/"}
	}
	if _, ok := matchAny(allowed, path, false); !ok {
		s.refuse(RulePath, "spec.path", fmt.Sprintf("use one of %v, or %s", allowed, s.ask("allowedPaths")),
			"path %q is not allowed for self-service (paths drive resource ARNs in policies)", path)
	}
}

// reservedTagPrefix is always reserved: the ownership tags live there.
const reservedTagPrefix = "iam.baseline.dev/*"

// alwaysReservedTags no object may set, from any namespace: AWS's own keys and the
// operator's ownership tags. The CRD refuses them in their usual case; IAM compares
// tag keys case-insensitively, so IAM.Baseline.dev/owner would reach the owner tag.
var alwaysReservedTags = []string{"aws:*", reservedTagPrefix}

// tags refuses the ownership tag keys in any case, for everyone, and reserved tag
// keys outside the platform namespace.
func (s *scope) tags(tags iamv1.Tags) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if p, ok := matchAny(alwaysReservedTags, k, true); ok {
			s.invalid(RuleReservedTag, "spec.tags", "tag key %q is reserved for AWS and the operator's ownership tags (%s, compared case-insensitively as IAM does): remove it from spec.tags", k, p)
		}
	}
	if !s.limited() {
		return
	}
	for _, k := range keys {
		if _, always := matchAny(alwaysReservedTags, k, true); always {
			continue
		}
		if p, ok := matchAny(s.ss.ReservedTagKeys, k, true); ok {
			platform := "only the platform namespace (spec.selfService.platformNamespace) may set it"
			s.refuse(RuleReservedTag, "spec.tags", "remove it from spec.tags; "+platform+", or the platform team may remove it from spec.selfService.reservedTagKeys",
				"tag key %q is reserved (%s; tags drive ABAC conditions)", k, p)
		}
	}
}

// checkMember applies the rules to a TeamMember.
func checkMember(ab *iamv1.AccountBaseline, tm *iamv1.TeamMember, env Env) []Violation {
	s := newScope(ab, "TeamMember", tm.Namespace)
	name := tm.Spec.UserName
	if name == "" {
		name = tm.Name
	}
	s.protected(env, entityUser, "spec.userName", name, tm.Spec.Path)
	if !s.namespaceAllowed() {
		return s.out
	}
	s.adoption(tm.Spec.Adopt, "user")
	if s.limited() {
		mfa := desired.MFAGroup(ab)
		for _, g := range tm.Spec.Groups {
			if g != mfa && !slices.Contains(s.ss.AllowedGroups, g) {
				s.refuse(RuleGroups, "spec.groups", fmt.Sprintf("remove it (allowed: %v), or %s", s.ss.AllowedGroups, s.ask("allowedGroups")),
					"group %q is not allowed for self-service members", g)
			}
		}
	}
	s.path(tm.Spec.Path)
	s.tags(tm.Spec.Tags)
	return s.out
}

// checkRole applies the rules to an AssumableRole.
func checkRole(ab *iamv1.AccountBaseline, ar *iamv1.AssumableRole, env Env) []Violation {
	s := newScope(ab, "AssumableRole", ar.Namespace)
	name := ar.Spec.RoleName
	if name == "" {
		name = ar.Name
	}
	s.protected(env, entityRole, "spec.roleName", name, ar.Spec.Path)
	s.oidcSubjects(ar.Spec.Trust.OIDCProviders)
	if !s.namespaceAllowed() {
		return s.out
	}
	s.adoption(ar.Spec.Adopt, "role")
	s.roleGuardrails(ar)
	s.path(ar.Spec.Path)
	s.tags(ar.Spec.Tags)
	s.trust(ar)
	return s.out
}

// roleGuardrails applies spec.selfService.roles.
func (s *scope) roleGuardrails(ar *iamv1.AssumableRole) {
	if !s.limited() || s.ss.Roles == nil {
		return
	}
	g := s.ss.Roles
	if want := g.RequiredPermissionsBoundary; want != "" && ar.Spec.PermissionsBoundary != want {
		got := ar.Spec.PermissionsBoundary
		if got == "" {
			got = "none"
		}
		s.refuse(RuleBoundary, "spec.permissionsBoundary", "set spec.permissionsBoundary to it (spec.selfService.roles.requiredPermissionsBoundary)",
			"self-service roles must carry the permissions boundary %s (spec.permissionsBoundary is %s)", want, got)
	}
	maxSession := ar.Spec.MaxSessionDuration
	if maxSession == 0 {
		maxSession = plan.DefaultMaxSessionDuration
	}
	if limit := g.MaxSessionDurationSeconds; limit != nil && maxSession > *limit {
		s.refuse(RuleSession, "spec.maxSessionDuration", "lower it, or "+s.ask("roles.maxSessionDurationSeconds"),
			"spec.maxSessionDuration %d exceeds the %d seconds self-service roles may have", maxSession, *limit)
	}
	for _, p := range ar.Spec.ManagedPolicies {
		if slices.ContainsFunc(g.ForbiddenPolicies, func(f string) bool { return strings.EqualFold(f, p) }) {
			s.refuse(RuleForbidden, "spec.managedPolicies", "remove it from spec.managedPolicies; it is listed in spec.selfService.roles.forbiddenPolicies of AccountBaseline "+fmt.Sprintf("%q", s.ab.Name),
				"managed policy %s may not be attached to self-service roles", p)
		}
	}
}
