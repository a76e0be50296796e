package controllers

import (
	"context"

	corev1 "k8s.io/api/core/v1"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/metrics"
)

// deleteUser removes the user with everything IAM requires first; the finalizer goes
// only when it succeeded (see lifecycle.release). A user this object does not own is
// left in place.
func (r *TeamMemberReconciler) deleteUser(ctx context.Context, tm *iamv1.TeamMember) error {
	_, clients, err := resolveAccount(ctx, r.Client, r.AWS, tm.Spec.AccountRef)
	if err != nil {
		return releaseIfNeverCreated(tm.Status.ARN, err)
	}
	users := awsx.NewUsers(clients)
	name := desired.UserName(tm)
	tags, exists, err := users.Tags(ctx, name)
	if err != nil || !exists {
		return err
	}
	// Only a user this object owns is deleted; an adopted user carries our tags by
	// now. A user someone else owns (or a stranger's) is left alone.
	if awsx.CheckOwnership("IAM user "+name, tags, awsx.Owner(kindTeamMember, tm.Namespace, tm.Name), false) != nil {
		r.Recorder.Eventf(tm, nil, corev1.EventTypeNormal, "Retained", "Delete", "IAM user %s is not owned by this TeamMember; left in place", name)
		return nil
	}
	steps, err := users.Delete(ctx, name)
	for _, s := range steps {
		r.Recorder.Eventf(tm, nil, corev1.EventTypeNormal, "Deleted", "Delete", "%s (user %s)", s, name)
		metrics.AWSChanges.WithLabelValues(kindTeamMember, firstWord(s)).Inc()
	}
	return err
}
