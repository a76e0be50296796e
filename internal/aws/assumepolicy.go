package aws

import (
	"context"
	"slices"
	"strings"

	"github.com/iam-baseline/operator/internal/plan"
)

// ObserveAssumePolicy reads a member's customer-managed assume-role policy into
// o.AssumePolicy when planning needs it: when the spec wants the grant there, or
// when the policy is attached to the user (to move the grant back inline). The
// common case, a grant that fits inline and no policy attached, costs no call.
//
// The policy must be the member's (ownership tags, or adopt): when the spec wants it,
// someone else's policy of that name is an error (NotManagedError or
// OwnedByOtherError, as for users and roles, unless adopt); when it does not, a
// policy without the member's tags is left alone (o.AssumePolicy stays empty, so nothing is planned for it). The versions are
// listed only when the default document differs, for the repair.
func ObserveAssumePolicy(ctx context.Context, c *Clients, want plan.UserDesired, o *plan.UserObserved, owner string, adopt bool) error {
	arn := want.AssumePolicyARN
	wanted := want.AssumePolicy.Document != ""
	if !wanted && !slices.ContainsFunc(o.Attached, func(a string) bool { return strings.EqualFold(a, arn) }) {
		return nil
	}
	policies := NewManagedPolicies(c)
	observed, err := policies.Observe(ctx, arn)
	if err != nil || !observed.Exists {
		return err
	}
	// Only a policy the spec wants may be adopted: one that is merely attached is
	// deleted only when its tags say it is the member's.
	if err := CheckOwnership("IAM policy "+arn, observed.Tags, owner, adopt && wanted); err != nil {
		if wanted {
			return err
		}
		return nil
	}
	if wanted && plan.ManagedPolicyNeedsVersions(want.AssumePolicy, observed) {
		if observed.Versions, err = policies.Versions(ctx, arn); err != nil {
			return err
		}
	}
	o.AssumePolicy = observed
	return nil
}
