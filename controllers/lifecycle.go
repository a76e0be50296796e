package controllers

import (
	"context"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/conditions"
	"github.com/iam-baseline/operator/internal/metrics"
)

// managedObject is what the three kinds share: conditions in a common status, and the
// deletion and management policies.
type managedObject interface {
	client.Object
	*iamv1.AccountBaseline | *iamv1.TeamMember | *iamv1.AssumableRole
}

// lifecycle is the reconcile skeleton every kind runs: read the object, write its
// status once at the end (Cluster API's deferred patch), branch to deletion, make sure
// the finalizer is on before anything is created in AWS, then converge.
type lifecycle[T managedObject] struct {
	client client.Client
	// status returns the parts of obj that patchStatus compares and writes.
	status func(T) any
	// common returns obj's shared status, for observedGeneration.
	common func(T) *iamv1.CommonStatus
}

func (l lifecycle[T]) reconcile(ctx context.Context, req ctrl.Request, obj T,
	deleting func(context.Context, T) (ctrl.Result, error),
	converge func(context.Context, T) (ctrl.Result, error)) (res ctrl.Result, retErr error) {
	if err := l.client.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	before := obj.DeepCopyObject().(T)
	defer func() {
		l.common(obj).ObservedGeneration = obj.GetGeneration()
		err := patchStatus(ctx, l.client, before, obj, func(o client.Object) any { return l.status(o.(T)) })
		if err != nil && retErr == nil {
			retErr = err
		}
	}()
	if !obj.GetDeletionTimestamp().IsZero() {
		return deleting(ctx, obj)
	}
	if !controllerutil.ContainsFinalizer(obj, Finalizer) {
		controllerutil.AddFinalizer(obj, Finalizer)
		if err := l.client.Update(ctx, obj); err != nil {
			return ctrl.Result{}, err
		}
		before = obj.DeepCopyObject().(T)
	}
	return converge(ctx, obj)
}

// release is the deletion skeleton of TeamMember and AssumableRole: with
// deletionPolicy Delete (and Enforce), deleteInAWS must succeed before the finalizer
// goes, so nothing is left behind; with Retain or Observe, AWS is left as it is.
func (l lifecycle[T]) release(ctx context.Context, obj T, kind string, deletion iamv1.DeletionPolicy, management iamv1.ManagementPolicy,
	resync time.Duration, what string, deleteInAWS func(context.Context, T) error) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(obj, Finalizer) {
		return ctrl.Result{}, nil
	}
	conds := &l.common(obj).Conditions
	if deletion != iamv1.DeletionPolicyRetain && management != iamv1.ManagementPolicyObserve {
		conditions.MarkReconciling(conds, obj.GetGeneration(), iamv1.ReasonDeleting, "deleting "+what)
		if err := deleteInAWS(ctx, obj); err != nil {
			return finish(kind, conds, obj.GetGeneration(), err, resync, "")
		}
	}
	controllerutil.RemoveFinalizer(obj, Finalizer)
	if err := l.client.Update(ctx, obj); err != nil {
		return ctrl.Result{}, err
	}
	metrics.Reconciles.WithLabelValues(kind, "deleted").Inc()
	return ctrl.Result{}, nil
}

// releaseIfNeverCreated decides what a deletion does when the object's account cannot
// be reached (no AccountBaseline, wrong credentials). An object that never created
// anything (its status has no ARN) has nothing to delete, so it is not held hostage;
// one that did keeps its finalizer and reports why, so nothing is left behind.
func releaseIfNeverCreated(statusARN string, err error) error {
	if statusARN == "" && !awsx.IsThrottled(err) {
		return nil
	}
	return err
}
