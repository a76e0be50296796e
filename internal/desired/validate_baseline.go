package desired

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/outcome"
	"github.com/iam-baseline/operator/internal/plan"
	"github.com/iam-baseline/operator/internal/policy"
)

var managedPolicyARN = regexp.MustCompile(`^arn:aws(-cn|-us-gov)?:iam::([0-9]{12}|aws):policy/[\w+=,.@/-]+$`)

// ValidateBaseline checks what the CRD schema cannot, before any AWS call: every
// problem is listed at once, so one edit fixes them all.
func ValidateBaseline(ab *iamv1.AccountBaseline) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	mfa := MFAGroup(ab)
	for _, g := range ab.Spec.Groups {
		if mfa != "" && strings.EqualFold(g.Name, mfa) {
			add("spec.groups: group %q is the MFA-enforcement group (spec.mfaEnforcement.groupName); give the permission group another name", g.Name)
		}
		total := 0
		for _, p := range g.InlinePolicies {
			total += policy.Size(p.Document)
		}
		if total > policy.GroupInlineQuota {
			add("spec.groups[%s].inlinePolicies total %d characters (white space not counted) and IAM allows %d per group: move some into a customer-managed policy and list it in managedPolicies", g.Name, total, policy.GroupInlineQuota)
		}
		for _, gg := range ab.Spec.Groups {
			if gg.Name != g.Name && strings.EqualFold(gg.Name, g.Name) && gg.Name < g.Name {
				add("spec.groups: %q and %q are one group to IAM, which ignores case in names: keep one", gg.Name, g.Name)
			}
		}
		for _, p := range g.InlinePolicies {
			doc, err := policy.Parse(p.Document)
			if err == nil {
				err = policy.ValidateIdentityPolicy(doc)
			}
			if err != nil {
				add("spec.groups[%s].inlinePolicies[%s]: %v", g.Name, p.Name, err)
			}
		}
	}
	for _, b := range ab.Spec.Budgets {
		var seen []plan.Notification
		for i, n := range b.Notifications {
			d, err := Budget(iamv1.Budget{Name: b.Name, Notifications: []iamv1.BudgetNotification{n}}, nil)
			if err != nil {
				add("%v", err)
				continue
			}
			key := d.Notifications[0].Notification
			if slices.Contains(seen, key) {
				add("spec.budgets[%s].notifications[%d]: the same notification (%s) is listed twice", b.Name, i, key)
			}
			seen = append(seen, key)
			var subs []plan.Subscriber
			for _, s := range d.Notifications[0].Subscribers {
				if slices.Contains(subs, s) {
					add("spec.budgets[%s].notifications[%d]: subscriber %s is listed twice", b.Name, i, s)
				}
				subs = append(subs, s)
			}
		}
		if _, err := strconv.ParseFloat(b.Limit, 64); err != nil {
			add("spec.budgets[%s].limit %q is not a decimal amount", b.Name, b.Limit)
		}
	}
	problems = append(problems, selfServiceProblems(ab)...)
	if len(problems) > 0 {
		return outcome.Stalled(iamv1.ReasonInvalidSpec, "invalid AccountBaseline: %s", strings.Join(problems, "; "))
	}
	return nil
}

// selfServiceProblems validates the selfService rules themselves (the TeamMember and
// AssumableRole controllers apply them): namespaces must be namespace names, allowed
// groups must exist in this baseline, and role guardrails must name managed policies.
func selfServiceProblems(ab *iamv1.AccountBaseline) []string {
	ss := ab.Spec.SelfService
	if ss == nil {
		return nil
	}
	var out []string
	for _, ns := range ss.Namespaces {
		if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
			out = append(out, fmt.Sprintf("spec.selfService.namespaces: %q is not a namespace name (%s)", ns, strings.Join(errs, ", ")))
		}
	}
	if ss.Trust != nil {
		for _, ns := range ss.Trust.MemberNamespaces {
			if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
				out = append(out, fmt.Sprintf("spec.selfService.trust.memberNamespaces: %q is not a namespace name (%s)", ns, strings.Join(errs, ", ")))
			}
		}
	}
	if ss.PlatformNamespace != "" {
		if errs := validation.IsDNS1123Label(ss.PlatformNamespace); len(errs) > 0 {
			out = append(out, fmt.Sprintf("spec.selfService.platformNamespace: %q is not a namespace name (%s)", ss.PlatformNamespace, strings.Join(errs, ", ")))
		}
	}
	mfa := MFAGroup(ab)
	for _, g := range ss.AllowedGroups {
		declared := g == mfa || slices.ContainsFunc(ab.Spec.Groups, func(pg iamv1.PermissionGroup) bool { return pg.Name == g })
		if !declared {
			out = append(out, fmt.Sprintf("spec.selfService.allowedGroups: group %q is not declared in spec.groups (or is the MFA group while mfaEnforcement is off)", g))
		}
	}
	if rg := ss.Roles; rg != nil {
		for _, p := range rg.ForbiddenPolicies {
			if !managedPolicyARN.MatchString(p) {
				out = append(out, fmt.Sprintf("spec.selfService.roles.forbiddenPolicies: %q is not a managed policy ARN", p))
			}
		}
	}
	return out
}
