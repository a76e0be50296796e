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

// managedObject is what the three kinds share: a common status, the whole status for
// comparison, and the deletion and management policies.
type managedObject interface {
	client.Object
	CommonStatusRef() *iamv1.CommonStatus
	StatusValue() any
	Policies() (iamv1.DeletionPolicy, iamv1.ManagementPolicy)
}

// reconcileObject is the reconcile skeleton every kind runs: read the object, write
// its status once at the end (Cluster API's deferred patch; none when nothing changed
// or the object was just released) and one Event for the AWS changes made, branch to
// deletion, make
// sure the finalizer is on before anything is created in AWS, then converge.
func reconcileObject[T managedObject](ctx context.Context, c client.Client, req ctrl.Request, obj T,
	deleting func(context.Context, T) (ctrl.Result, error),
	converge func(context.Context, T) (ctrl.Result, error)) (res ctrl.Result, retErr error) {
	if err := c.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	before := obj.DeepCopyObject().(T)
	defer func() {
		flushChanges(obj)
		if !obj.GetDeletionTimestamp().IsZero() && !controllerutil.ContainsFinalizer(obj, Finalizer) {
			// Released: the object is going away, a status write would be wasted.
			return
		}
		obj.CommonStatusRef().ObservedGeneration = obj.GetGeneration()
		err := patchStatus(ctx, c, before, obj, func(o client.Object) any { return o.(T).StatusValue() })
		if err != nil && retErr == nil {
			retErr = err
		}
	}()
	if !obj.GetDeletionTimestamp().IsZero() {
		return deleting(ctx, obj)
	}
	if !controllerutil.ContainsFinalizer(obj, Finalizer) {
		controllerutil.AddFinalizer(obj, Finalizer)
		if err := c.Update(ctx, obj); err != nil {
			return ctrl.Result{}, err
		}
		before = obj.DeepCopyObject().(T)
	}
	return converge(ctx, obj)
}

// awsObject describes one kind whose AWS resource is a single IAM entity (a user or a
// role): how to converge it and how to delete it.
type awsObject[T managedObject] struct {
	kind   string
	resync time.Duration
	// what names the AWS resource in messages ("IAM user alice").
	what func(T) string
	// converge makes AWS match the spec (or, under Observe, reports the drift).
	converge func(context.Context, T) error
	// delete removes the resource and what IAM requires first.
	delete func(context.Context, T) error
}

// reconcile runs the skeleton with the usual ending: conditions and requeue from
// finish, and deletion through release.
func (k awsObject[T]) reconcile(ctx context.Context, c client.Client, req ctrl.Request, obj T) (ctrl.Result, error) {
	return reconcileObject(ctx, c, req, obj,
		func(ctx context.Context, o T) (ctrl.Result, error) { return k.release(ctx, c, o) },
		func(ctx context.Context, o T) (ctrl.Result, error) {
			err := k.converge(ctx, o)
			_, management := o.Policies()
			msg := k.what(o) + " is in sync"
			if management == iamv1.ManagementPolicyObserve {
				msg = "observed " + k.what(o)
			}
			return finish(k.kind, &o.CommonStatusRef().Conditions, o.GetGeneration(), err, k.resync, msg)
		})
}

// release is the deletion skeleton: with deletionPolicy Delete (and Enforce), delete
// must succeed before the finalizer goes, so nothing is left behind; with Retain or
// Observe, AWS is left as it is.
func (k awsObject[T]) release(ctx context.Context, c client.Client, obj T) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(obj, Finalizer) {
		return ctrl.Result{}, nil
	}
	conds := &obj.CommonStatusRef().Conditions
	deletion, management := obj.Policies()
	if deletion != iamv1.DeletionPolicyRetain && management != iamv1.ManagementPolicyObserve {
		conditions.MarkReconciling(conds, obj.GetGeneration(), iamv1.ReasonDeleting, "deleting "+k.what(obj))
		if err := k.delete(ctx, obj); err != nil {
			return finish(k.kind, conds, obj.GetGeneration(), err, k.resync, "")
		}
	}
	controllerutil.RemoveFinalizer(obj, Finalizer)
	if err := c.Update(ctx, obj); err != nil {
		return ctrl.Result{}, err
	}
	metrics.Reconciles.WithLabelValues(k.kind, "deleted").Inc()
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
