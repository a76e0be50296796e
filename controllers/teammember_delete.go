package controllers

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/conditions"
	"github.com/iam-baseline/operator/internal/metrics"
)

// reconcileDelete handles a deleted TeamMember. With Delete, the user and everything
// IAM requires first are removed, and the finalizer goes only when the user is gone.
// With Retain, or Observe, or a user that is not ours, AWS is left as it is.
func (r *TeamMemberReconciler) reconcileDelete(ctx context.Context, tm *iamv1.TeamMember) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(tm, Finalizer) {
		return ctrl.Result{}, nil
	}
	if tm.Spec.DeletionPolicy != iamv1.DeletionPolicyRetain && tm.Spec.ManagementPolicy != iamv1.ManagementPolicyObserve {
		conditions.MarkReconciling(&tm.Status.Conditions, tm.Generation, iamv1.ReasonDeleting, "deleting the IAM user")
		if err := r.deleteUser(ctx, tm); err != nil {
			return finish(kindTeamMember, &tm.Status.Conditions, tm.Generation, err, r.Resync, "")
		}
	}
	controllerutil.RemoveFinalizer(tm, Finalizer)
	if err := r.Client.Update(ctx, tm); err != nil {
		return ctrl.Result{}, err
	}
	metrics.Reconciles.WithLabelValues(kindTeamMember, "deleted").Inc()
	return ctrl.Result{}, nil
}

func (r *TeamMemberReconciler) deleteUser(ctx context.Context, tm *iamv1.TeamMember) error {
	_, clients, err := resolveAccount(ctx, r.Client, r.AWS, tm.Spec.AccountRef)
	if err != nil {
		// A member whose account was never reachable never created a user (status
		// has no ARN): there is nothing to delete, so do not hold the object hostage.
		if tm.Status.ARN == "" && !awsx.IsThrottled(err) {
			return nil
		}
		return err
	}
	users := awsx.NewUsers(clients)
	name := userName(tm)
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
