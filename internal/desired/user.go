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
// and the permission to call sts:AssumeRole on exactly the given roles.
//
// The permission is an inline policy while it fits IAM's 2,048-character quota on a
// user's inline policies (about 35 roles). Beyond that it is the member's own
// customer-managed policy (AssumePolicy, 6,144 characters: about 110 roles), with the
// same document: the grant stays the listed role ARNs, never a wildcard. A grant that
// fits neither is refused here, before any AWS call. partition is the member's
// account's AWS partition (for the managed policy's ARN).
func User(ab *iamv1.AccountBaseline, tm *iamv1.TeamMember, roles []iamv1.AssumableRoleLink, partition string) (plan.UserDesired, error) {
	tags := maps.Clone(tm.Spec.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	owner := awsx.OwnershipTags(awsx.Owner(KindTeamMember, tm.Namespace, tm.Name))
	maps.Copy(tags, owner)
	groups := slices.Clone(tm.Spec.Groups)
	if g := MFAGroup(ab); g != "" && !slices.Contains(groups, g) {
		groups = append(groups, g)
	}
	slices.Sort(groups)
	path := tm.Spec.Path
	if path == "" {
		path = "/"
	}
	name := UserName(tm)
	managed := plan.ManagedPolicyDesired{Name: AssumeRolePolicyManagedName(name), Path: AssumeRolePolicyPath, Tags: owner,
		Description: "Managed by iam-baseline-operator: sts:AssumeRole on exactly the roles that trust TeamMember " + tm.Namespace + "/" + tm.Name}
	inline := ""
	if len(roles) > 0 {
		arns := make([]string, 0, len(roles))
		for _, ro := range roles {
			arns = append(arns, ro.RoleARN)
		}
		doc, err := policy.Marshal(policy.AssumeRolePermissions(arns))
		if err != nil {
			return plan.UserDesired{}, err
		}
		// IAM counts a user's inline policies together against 2,048 characters and a
		// managed policy against 6,144: check before any write, naming the size and
		// the fix, rather than fail after the user was changed.
		switch n := policy.Size(doc); {
		case n <= policy.UserInlineQuota:
			inline = doc
		case n <= policy.ManagedPolicyQuota:
			managed.Document = doc
		default:
			return plan.UserDesired{}, outcome.Stalled(iamv1.ReasonInvalidSpec,
				"the permission to assume the %d roles that trust this member is %d characters (white space not counted) and IAM allows %d for a managed policy (%d inline): trust this member in fewer AssumableRoles (about 110 fit), or use shorter role names and paths",
				len(arns), n, policy.ManagedPolicyQuota, policy.UserInlineQuota)
		}
	}
	return plan.UserDesired{
		Name:            name,
		Path:            path,
		Tags:            tags,
		Groups:          groups,
		Console:         ConsoleEnabled(tm),
		InlinePolicies:  map[string]string{AssumeRolePolicyName: inline},
		AssumePolicy:    managed,
		AssumePolicyARN: policy.PolicyARN(partition, ab.Spec.AccountID, AssumeRolePolicyPath, managed.Name),
	}, nil
}

// ConsoleEnabled reports whether the member gets a console login profile.
func ConsoleEnabled(tm *iamv1.TeamMember) bool {
	ca := tm.Spec.ConsoleAccess
	return ca != nil && (ca.Enabled == nil || *ca.Enabled)
}
