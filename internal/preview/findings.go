package preview

import (
	"fmt"
	"slices"
	"strings"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/plan"
	"github.com/iam-baseline/operator/internal/policy"
)

// The security summary: what a reviewer must not miss in a plan. Each finding is
// derived from the planned changes and the documents they replace, never from the
// manifests alone, so a change that is already in AWS is not reported.

func (p *planner) add(f Finding) { p.findings = append(p.findings, f) }

// grant is one principal a trust policy lets assume the role, and whether it must
// present MFA.
type grant struct{ mfa bool }

// trustGrants lists the principals of a trust policy's Allow statements, with
// "type:value" keys, and whether each statement requires MFA.
func trustGrants(doc string) map[string]grant {
	out := map[string]grant{}
	if doc == "" {
		return out
	}
	d, err := policy.Parse(doc)
	if err != nil {
		return out
	}
	for _, st := range d.Statement {
		if st.Effect != policy.Allow || st.Principal == nil {
			continue
		}
		mfa := requiresMFA(st.Condition)
		if st.Principal.Wildcard {
			out["*"] = grant{mfa: mfa}
		}
		for typ, values := range st.Principal.Values {
			for _, v := range values {
				k := typ + ":" + v
				g, seen := out[k]
				// A principal allowed by any statement without MFA needs no MFA.
				out[k] = grant{mfa: mfa && (!seen || g.mfa)}
			}
		}
	}
	return out
}

// requiresMFA reports whether a statement's conditions demand MFA
// (aws:MultiFactorAuthPresent true, or a maximum aws:MultiFactorAuthAge).
func requiresMFA(c policy.Condition) bool {
	for op, keys := range c {
		for k, vals := range keys {
			switch strings.ToLower(k) {
			case "aws:multifactorauthpresent":
				if strings.HasPrefix(op, "Bool") && slices.Contains(vals, "true") {
					return true
				}
			case "aws:multifactorauthage":
				if strings.HasPrefix(op, "NumericLessThan") {
					return true
				}
			}
		}
	}
	return false
}

// roleFindings: who gains the right to assume the role, whether its trust widens
// (a principal added, or MFA no longer required), and who loses it.
func (p *planner) roleFindings(obj, role string, observed plan.RoleObserved, trust string, changes []plan.Change) {
	if !plan.TrustChanged(changes) {
		return
	}
	before, after := map[string]grant{}, trustGrants(trust)
	if observed.Exists {
		before = trustGrants(observed.Trust)
	}
	for _, k := range slices.Sorted(grantKeys(after)) {
		g, had := before[k]
		mfa := "with MFA"
		if !after[k].mfa {
			mfa = "WITHOUT MFA"
		}
		switch {
		case !had:
			kind := "principal-gains-access"
			if observed.Exists {
				kind = "trust-widens"
			}
			p.add(Finding{Kind: kind, Object: obj, Message: fmt.Sprintf("%s may assume role %s (%s)", principalName(k), role, mfa)})
		case g.mfa && !after[k].mfa:
			p.add(Finding{Kind: "mfa-requirement-removed", Object: obj, Message: fmt.Sprintf("%s may assume role %s without MFA (it needed MFA)", principalName(k), role)})
		}
	}
	for _, k := range slices.Sorted(grantKeys(before)) {
		if _, kept := after[k]; !kept {
			p.add(Finding{Kind: "trust-narrows", Object: obj, Message: fmt.Sprintf("%s may no longer assume role %s", principalName(k), role)})
		}
	}
}

func grantKeys(m map[string]grant) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func principalName(k string) string {
	if k == "*" {
		return "ANYONE"
	}
	typ, v, _ := strings.Cut(k, ":")
	switch typ {
	case policy.PrincipalAWS:
		return v
	default:
		return typ + " " + v
	}
}

// memberFindings: a user joining a permission group gains its grants; leaving the
// MFA-enforcement group removes the MFA requirement; a new assume-role policy lets
// the user assume roles.
func (p *planner) memberFindings(obj string, ab *iamv1.AccountBaseline, user string, observed plan.UserObserved, changes []plan.Change) {
	mfaGroup := desired.MFAGroup(ab)
	for _, c := range changes {
		switch c.Action {
		case "AddUserToGroup":
			if c.Target != mfaGroup {
				p.add(Finding{Kind: "principal-gains-access", Object: obj, Message: fmt.Sprintf("IAM user %s joins group %s and gains what it grants", user, c.Target)})
			}
		case "RemoveUserFromGroup":
			if observedMFAGroup(ab, c.Target) {
				p.add(Finding{Kind: "mfa-requirement-removed", Object: obj, Message: fmt.Sprintf("IAM user %s leaves the MFA-enforcement group %s", user, c.Target)})
			}
		case "PutUserPolicy":
			if c.Target != desired.AssumeRolePolicyName {
				continue
			}
			before := assumableARNs(observed.InlinePolicies[c.Target])
			for _, arn := range assumableARNs(c.Document) {
				if !slices.Contains(before, arn) {
					p.add(Finding{Kind: "principal-gains-access", Object: obj, Message: fmt.Sprintf("IAM user %s may call sts:AssumeRole on %s", user, arn)})
				}
			}
		}
	}
}

// observedMFAGroup reports whether a group a user leaves is the MFA group.
func observedMFAGroup(ab *iamv1.AccountBaseline, group string) bool {
	return group == desired.MFAGroup(ab) || group == desired.DefaultMFAGroupName ||
		(ab.Spec.MFAEnforcement != nil && group == ab.Spec.MFAEnforcement.GroupName)
}

// assumableARNs are the roles an assume-role permissions policy names.
func assumableARNs(doc string) []string {
	if doc == "" {
		return nil
	}
	d, err := policy.Parse(doc)
	if err != nil {
		return nil
	}
	var out []string
	for _, st := range d.Statement {
		if st.Effect == policy.Allow {
			out = append(out, st.Resource...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// groupFindings: a permission group's grants change (managed or inline policies).
func (p *planner) groupFindings(ab *iamv1.AccountBaseline, group string, changes []plan.Change) {
	obj := (&Object{Kind: iamv1KindBaseline, Name: ab.Name}).Key()
	for _, c := range changes {
		var what string
		switch c.Action {
		case "AttachGroupPolicy":
			what = "gains managed policy " + c.Target
		case "DetachGroupPolicy":
			what = "loses managed policy " + c.Target
		case "PutGroupPolicy":
			what = "gets a new or changed inline policy " + c.Target
		case "DeleteGroupPolicy":
			what = "loses inline policy " + c.Target
		default:
			continue
		}
		kind := "group-grants-change"
		if group == desired.MFAGroup(ab) {
			kind = "mfa-requirement-removed"
			if c.Action == "AttachGroupPolicy" {
				kind = "group-grants-change"
			}
		}
		p.add(Finding{Kind: kind, Object: obj, Message: fmt.Sprintf("group %s %s", group, what)})
	}
}

// passwordPolicyFindings: a weaker password policy is a security change too.
func (p *planner) passwordPolicyFindings(ab *iamv1.AccountBaseline, before, after plan.PasswordPolicy) {
	obj := (&Object{Kind: iamv1KindBaseline, Name: ab.Name}).Key()
	if after.MinimumLength < before.MinimumLength || after.PasswordReusePrevention < before.PasswordReusePrevention ||
		(before.RequireSymbols && !after.RequireSymbols) || (before.RequireNumbers && !after.RequireNumbers) ||
		(before.RequireUppercase && !after.RequireUppercase) || (before.RequireLowercase && !after.RequireLowercase) {
		p.add(Finding{Kind: "password-policy-weakens", Object: obj, Message: "the account password policy becomes weaker: " + passwordPolicyDiff(&before, after)})
	}
}
