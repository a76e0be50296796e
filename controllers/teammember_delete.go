package controllers

import (
	"context"

	corev1 "k8s.io/api/core/v1"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/metrics"
	"github.com/iam-baseline/operator/internal/policy"
)

// deleteUser removes the user with everything IAM requires first, then the member's
// managed assume-role policy; the finalizer goes only when both succeeded (see
// lifecycle.release). A user or policy this object does not own is left in place.
func (r *TeamMemberReconciler) deleteUser(ctx context.Context, tm *iamv1.TeamMember) error {
	_, clients, err := resolveAccount(ctx, r.Client, r.AWS, tm.Spec.AccountRef)
	if err != nil {
		return releaseIfNeverCreated(tm.Status.ARN, err)
	}
	owner := awsx.Owner(kindTeamMember, tm.Namespace, tm.Name)
	users := awsx.NewUsers(clients)
	name := desired.UserName(tm)
	tags, exists, err := users.Tags(ctx, name)
	if err != nil {
		return err
	}
	// Only a user this object owns is deleted; an adopted user carries our tags by
	// now. A user someone else owns (or a stranger's) is left alone.
	switch {
	case !exists:
	case awsx.CheckOwnership("IAM user "+name, tags, owner, false) != nil:
		r.Recorder.Eventf(tm, nil, corev1.EventTypeNormal, "Retained", "Delete", "IAM user %s is not owned by this TeamMember; left in place", name)
	default:
		steps, err := users.Delete(ctx, name)
		r.deletedEvents(tm, steps, "user "+name)
		if err != nil {
			return err
		}
	}
	return r.deleteAssumePolicy(ctx, tm, clients, name, owner)
}

// deleteAssumePolicy deletes the member's managed assume-role policy, if it has one
// (its grant outgrew the inline quota) and it is the member's. It is looked for even
// when the grant is inline now, so a policy left by an interrupted move back inline
// does not outlive the member: one GetPolicy, which finds nothing in the common case.
func (r *TeamMemberReconciler) deleteAssumePolicy(ctx context.Context, tm *iamv1.TeamMember, clients *awsx.Clients, userName, owner string) error {
	arn := policy.PolicyARN(clients.Partition, clients.AccountID, desired.AssumeRolePolicyPath, desired.AssumeRolePolicyManagedName(userName))
	policies := awsx.NewManagedPolicies(clients)
	tags, exists, err := policies.Tags(ctx, arn)
	if err != nil || !exists {
		return err
	}
	if awsx.CheckOwnership("IAM policy "+arn, tags, owner, false) != nil {
		r.Recorder.Eventf(tm, nil, corev1.EventTypeNormal, "Retained", "Delete", "IAM policy %s is not owned by this TeamMember; left in place", arn)
		return nil
	}
	steps, err := policies.Delete(ctx, arn)
	r.deletedEvents(tm, steps, "policy "+arn)
	return err
}

func (r *TeamMemberReconciler) deletedEvents(tm *iamv1.TeamMember, steps []string, what string) {
	for _, s := range steps {
		r.Recorder.Eventf(tm, nil, corev1.EventTypeNormal, "Deleted", "Delete", "%s (%s)", s, what)
		metrics.AWSChanges.WithLabelValues(kindTeamMember, firstWord(s)).Inc()
	}
}
