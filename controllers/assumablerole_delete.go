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

// reconcileDelete handles a deleted AssumableRole. With Delete, the role's policies
// and then the role are removed, and the finalizer goes only when the role is gone.
// With Retain, or Observe, or a role that is not ours, AWS is left as it is.
func (r *AssumableRoleReconciler) reconcileDelete(ctx context.Context, ar *iamv1.AssumableRole) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(ar, Finalizer) {
		return ctrl.Result{}, nil
	}
	if ar.Spec.DeletionPolicy != iamv1.DeletionPolicyRetain && ar.Spec.ManagementPolicy != iamv1.ManagementPolicyObserve {
		conditions.MarkReconciling(&ar.Status.Conditions, ar.Generation, iamv1.ReasonDeleting, "deleting the IAM role")
		if err := r.deleteRole(ctx, ar); err != nil {
			return finish(kindAssumableRole, &ar.Status.Conditions, ar.Generation, err, r.Resync, "")
		}
	}
	controllerutil.RemoveFinalizer(ar, Finalizer)
	if err := r.Client.Update(ctx, ar); err != nil {
		return ctrl.Result{}, err
	}
	metrics.Reconciles.WithLabelValues(kindAssumableRole, "deleted").Inc()
	return ctrl.Result{}, nil
}

func (r *AssumableRoleReconciler) deleteRole(ctx context.Context, ar *iamv1.AssumableRole) error {
	_, clients, err := resolveAccount(ctx, r.Client, r.AWS, ar.Spec.AccountRef)
	if err != nil {
		return err
	}
	roles := awsx.NewRoles(clients)
	name := roleName(ar)
	tags, exists, err := roles.Tags(ctx, name)
	if err != nil || !exists {
		return err
	}
	// Only a role this object owns is deleted; an adopted role carries our tags by
	// now. A role someone else owns (or a stranger's) is left alone.
	if awsx.CheckOwnership("IAM role "+name, tags, awsx.Owner(kindAssumableRole, ar.Namespace, ar.Name), false) != nil {
		r.Recorder.Eventf(ar, nil, corev1.EventTypeNormal, "Retained", "Delete", "IAM role %s is not owned by this AssumableRole; left in place", name)
		return nil
	}
	steps, err := roles.Delete(ctx, name)
	for _, s := range steps {
		r.Recorder.Eventf(ar, nil, corev1.EventTypeNormal, "Deleted", "Delete", "%s (role %s)", s, name)
		metrics.AWSChanges.WithLabelValues(kindAssumableRole, firstWord(s)).Inc()
	}
	return err
}
