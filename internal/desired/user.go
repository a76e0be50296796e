package desired

import (
	"maps"
	"slices"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/outcome"
	"github.com/iam-baseline/operator/internal/plan"
	"github.com/iam-baseline/operator/internal/policy"
)

// User builds the IAM user a TeamMember asks for: its tags (ownership included), its
// groups (the MFA-enforcement group added), its path, whether it has a console login,
// and the inline policy that allows sts:AssumeRole on exactly the given roles.
func User(ab *iamv1.AccountBaseline, tm *iamv1.TeamMember, roles []iamv1.AssumableRoleLink) (plan.UserDesired, error) {
	tags := maps.Clone(tm.Spec.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	maps.Copy(tags, awsx.OwnershipTags(awsx.Owner(KindTeamMember, tm.Namespace, tm.Name)))
	groups := slices.Clone(tm.Spec.Groups)
	if g := MFAGroup(ab); g != "" && !slices.Contains(groups, g) {
		groups = append(groups, g)
	}
	slices.Sort(groups)
	path := tm.Spec.Path
	if path == "" {
		path = "/"
	}
	assume := ""
	if len(roles) > 0 {
		arns := make([]string, 0, len(roles))
		for _, ro := range roles {
			arns = append(arns, ro.RoleARN)
		}
		doc, err := policy.Marshal(policy.AssumeRolePermissions(arns))
		if err != nil {
			return plan.UserDesired{}, err
		}
		// IAM counts a user's inline policies together against 2,048 characters:
		// refuse before any write, naming the size and the fix, rather than after
		// the user was changed.
		if n := policy.Size(doc); n > policy.UserInlineQuota {
			return plan.UserDesired{}, outcome.Stalled(iamv1.ReasonInvalidSpec,
				"the permission to assume the %d roles that trust this member is %d characters (white space not counted) and IAM allows %d for a user's inline policies: trust this member in fewer AssumableRoles (about 35 fit), or use shorter role names and paths",
				len(arns), n, policy.UserInlineQuota)
		}
		assume = doc
	}
	return plan.UserDesired{
		Name:           UserName(tm),
		Path:           path,
		Tags:           tags,
		Groups:         groups,
		Console:        ConsoleEnabled(tm),
		InlinePolicies: map[string]string{AssumeRolePolicyName: assume},
	}, nil
}

// ConsoleEnabled reports whether the member gets a console login profile.
func ConsoleEnabled(tm *iamv1.TeamMember) bool {
	ca := tm.Spec.ConsoleAccess
	return ca != nil && (ca.Enabled == nil || *ca.Enabled)
}
