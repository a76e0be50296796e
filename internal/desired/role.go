package desired

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/outcome"
	"github.com/iam-baseline/operator/internal/plan"
	"github.com/iam-baseline/operator/internal/policy"
)

// RoleInlinePolicies validates every inline policy of an AssumableRole and returns
// them by name; a problem is a Stalled error listing all of them.
func RoleInlinePolicies(ar *iamv1.AssumableRole) (map[string]string, error) {
	out := make(map[string]string, len(ar.Spec.InlinePolicies))
	var problems []string
	for _, p := range ar.Spec.InlinePolicies {
		d, err := policy.Parse(p.Document)
		if err == nil {
			err = policy.ValidateIdentityPolicy(d)
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("inline policy %q: %v", p.Name, err))
			continue
		}
		out[p.Name] = p.Document
	}
	total := 0
	for _, doc := range out {
		total += policy.Size(doc)
	}
	if total > policy.RoleInlineQuota {
		problems = append(problems, fmt.Sprintf("the inline policies total %d characters (white space not counted) and IAM allows %d per role: move some statements into a customer-managed policy and list it in spec.managedPolicies",
			total, policy.RoleInlineQuota))
	}
	if len(problems) > 0 {
		return nil, outcome.Stalled(iamv1.ReasonInvalidSpec, "%s", strings.Join(problems, "; "))
	}
	return out, nil
}

// Role builds the IAM role an AssumableRole asks for, given its trust policy (see
// BuildTrust) and its validated inline policies (see RoleInlinePolicies).
func Role(ar *iamv1.AssumableRole, trust string, inline map[string]string) plan.RoleDesired {
	tags := maps.Clone(ar.Spec.Tags)
	if tags == nil {
		tags = map[string]string{}
	}
	maps.Copy(tags, awsx.OwnershipTags(awsx.Owner(KindAssumableRole, ar.Namespace, ar.Name)))
	managed := slices.Clone(ar.Spec.ManagedPolicies)
	slices.Sort(managed)
	return plan.RoleDesired{
		Name:                RoleName(ar),
		Path:                policy.NormalizePath(ar.Spec.Path),
		Description:         ar.Spec.Description,
		MaxSessionDuration:  ar.Spec.MaxSessionDuration,
		PermissionsBoundary: ar.Spec.PermissionsBoundary,
		Trust:               trust,
		ManagedPolicies:     slices.Compact(managed),
		InlinePolicies:      inline,
		Tags:                tags,
	}
}
