package controllers

import (
	"context"
	"slices"

	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/policy"
)

// admitArriving publishes the role's ARN and the members on their way to Ready
// (status.admittedMembers), so that each member grants itself sts:AssumeRole on the
// role in the reconcile that creates its user. Without it a team applied together
// converges in two steps per member (user first; the grant once the role exists):
// two status patches, two Events and two onboarding writes per member.
//
// The grant is half of the permission; the other half is the role's trust policy,
// which this object writes and which names only Ready members. The grant is offered
// only where the ARN can be nobody else's role:
//   - the role does not exist, or it exists and is tagged as this object's (not a
//     role about to be adopted: its present trust is someone else's);
//   - no other AssumableRole of the account asks for the same name (both would see
//     it absent).
//
// Anything else leaves the members to the two-step path, where the grant follows
// the trust. A role created at the name by someone else in between is found by
// CreateRole, and the Stalled outcome withdraws the admission (withdrawAdmission).
//
// The admission lists every member the trust will name, the Ready ones as well as
// the arriving: listing only the arriving would take the grant back from members
// admitted a moment ago that have turned Ready since, while the trust still waits
// for the next ones (a DeleteUserPolicy and a PutUserPolicy each).
func (r *AssumableRoleReconciler) admitArriving(ctx context.Context, ar *iamv1.AssumableRole, clients *awsx.Clients, ready, arriving []string) error {
	if ar.Spec.ManagementPolicy == iamv1.ManagementPolicyObserve {
		withdrawAdmission(ar) // no trust will be written: nothing to grant ahead of it
		return nil
	}
	name := desired.RoleName(ar)
	claimed, err := r.roleNameClaimed(ctx, ar, name)
	if err != nil || claimed {
		withdrawAdmission(ar)
		return err
	}
	observed, info, err := awsx.NewRoles(clients).Observe(ctx, name)
	if err != nil {
		return err
	}
	arn := policy.RoleARN(clients.Partition, clients.AccountID, policy.NormalizePath(ar.Spec.Path), name)
	if observed.Exists {
		if awsx.CheckOwnership("IAM role "+name, observed.Tags, awsx.Owner(kindAssumableRole, ar.Namespace, ar.Name), false) != nil {
			withdrawAdmission(ar)
			return nil // the normal path reports whose it is
		}
		arn = info.ARN
	}
	ar.Status.ARN = arn
	ar.Status.SwitchRoleURL = policy.SwitchRoleURL(clients.AccountID, name, "")
	admitted := append(slices.Clone(ready), arriving...)
	slices.Sort(admitted)
	ar.Status.AdmittedMembers = slices.Compact(admitted)
	return nil
}

// roleNameClaimed reports whether another AssumableRole of the account asks for the
// same IAM role name.
func (r *AssumableRoleReconciler) roleNameClaimed(ctx context.Context, ar *iamv1.AssumableRole, name string) (bool, error) {
	list := &iamv1.AssumableRoleList{}
	if err := r.Client.List(ctx, list, client.MatchingFields{indexAccountRef: ar.Spec.AccountRef}, client.UnsafeDisableDeepCopy); err != nil {
		return false, err
	}
	for i := range list.Items {
		other := &list.Items[i]
		if other.UID != ar.UID && desired.RoleName(other) == name {
			return true, nil
		}
	}
	return false, nil
}

// withdrawAdmission takes back what admitArriving offered when the role stops
// (Stalled: not this object's, refused, invalid): the members drop the grant on
// their next reconcile. An ARN offered for a role that was never made goes too.
func withdrawAdmission(ar *iamv1.AssumableRole) {
	if len(ar.Status.AdmittedMembers) == 0 {
		return
	}
	ar.Status.AdmittedMembers = nil
	if ar.Status.RoleID == "" {
		ar.Status.ARN, ar.Status.SwitchRoleURL = "", ""
	}
}
