// Package desired builds what the spec asks AWS to hold, from the objects alone: the
// IAM user of a TeamMember, the role of an AssumableRole, the groups, policies,
// password policy and budgets of an AccountBaseline. It makes no call to AWS or
// Kubernetes. The controllers and the plan command (cmd/iam-baseline) both build their
// desired state here, then observe AWS (internal/aws) and plan (internal/plan), so
// what plan shows and what the operator does cannot disagree.
package desired

import (
	"strings"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

const (
	// The kinds, as they appear in the ownership tag (kind/namespace/name).
	KindAccountBaseline = "AccountBaseline"
	KindTeamMember      = "TeamMember"
	KindAssumableRole   = "AssumableRole"

	// AssumeRolePolicyName is the inline policy on each user that allows sts:AssumeRole
	// on exactly the roles that trust the user.
	AssumeRolePolicyName = "iam-baseline-assume-roles"
	// AssumeRolePolicyPath is the path of a member's customer-managed assume-role
	// policy, used when the grant outgrows the user's inline quota.
	AssumeRolePolicyPath = "/iam-baseline/"
	// DefaultMFAGroupName is the MFA-enforcement group's name when the spec leaves it out.
	DefaultMFAGroupName = "iam-baseline-mfa-required"
	// DefaultMFAPolicyName is the MFA-enforcement policy's name when the spec leaves
	// it out (the CRD default fills it in; this covers objects made without defaults).
	DefaultMFAPolicyName = "iam-baseline-force-mfa"
)

// UserName is spec.userName or, by default, the object's name.
func UserName(tm *iamv1.TeamMember) string {
	if tm.Spec.UserName != "" {
		return tm.Spec.UserName
	}
	return tm.Name
}

// RoleName is spec.roleName or, by default, the object's name.
func RoleName(ar *iamv1.AssumableRole) string {
	if ar.Spec.RoleName != "" {
		return ar.Spec.RoleName
	}
	return ar.Name
}

// MFAGroup is the account's MFA-enforcement group, or "" when enforcement is off.
func MFAGroup(ab *iamv1.AccountBaseline) string {
	m := ab.Spec.MFAEnforcement
	if m == nil || (m.Enabled != nil && !*m.Enabled) {
		return ""
	}
	if m.GroupName == "" {
		return DefaultMFAGroupName
	}
	return m.GroupName
}

// MFAPolicyName is the name of the account's MFA-enforcement policy.
func MFAPolicyName(ab *iamv1.AccountBaseline) string {
	if m := ab.Spec.MFAEnforcement; m != nil && m.PolicyName != "" {
		return m.PolicyName
	}
	return DefaultMFAPolicyName
}

// AssumeRolePolicyManagedName names the customer-managed policy that carries a
// member's assume-role grant when it does not fit inline: one per user. A user name
// has at most 64 characters, so the name stays within IAM's 128 for policies; policy
// and user names share one character set, so it is always a valid name.
func AssumeRolePolicyManagedName(userName string) string {
	return AssumeRolePolicyName + "-" + userName
}

// IsOwnAssumeRolePolicy reports whether arn is the managed assume-role policy of the
// user userName (its name and path): the operator's grant, not a permission given
// to the user directly.
func IsOwnAssumeRolePolicy(userName, arn string) bool {
	return strings.HasSuffix(strings.ToLower(arn), strings.ToLower(":policy"+AssumeRolePolicyPath+AssumeRolePolicyManagedName(userName)))
}
