package controllers

import (
	"context"

	corev1 "k8s.io/api/core/v1"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/metrics"
)

// deleteRole removes the role's policies and then the role; the finalizer goes only
// when it succeeded (see lifecycle.release). A role this object does not own is left
// in place.
func (r *AssumableRoleReconciler) deleteRole(ctx context.Context, ar *iamv1.AssumableRole) error {
	_, clients, err := resolveAccount(ctx, r.Client, r.AWS, ar.Spec.AccountRef)
	if err != nil {
		return releaseIfNeverCreated(ar.Status.ARN, err)
	}
	roles := awsx.NewRoles(clients)
	name := desired.RoleName(ar)
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
