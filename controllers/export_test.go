package controllers

import (
	"context"

	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

// Hooks for the external tests of the reconcile skeleton's failure paths.
var FinishForTest = finish

// RetryLimiterForTest is the workqueue rate limiter every controller is built with.
func RetryLimiterForTest() workqueue.TypedRateLimiter[reconcile.Request] {
	return controllerOptions(1).RateLimiter
}

const MaxRetryDelayForTest = retryMaxDelay

// ReconcileMemberSkeletonForTest runs the reconcile skeleton (read, deferred status
// patch, finalizer) on a TeamMember with the given client and converge step.
func ReconcileMemberSkeletonForTest(ctx context.Context, c client.Client, req ctrl.Request,
	converge func(context.Context, *iamv1.TeamMember) (ctrl.Result, error)) (ctrl.Result, error) {
	return reconcileObject(ctx, c, req, &iamv1.TeamMember{},
		func(context.Context, *iamv1.TeamMember) (ctrl.Result, error) { return ctrl.Result{}, nil }, converge)
}
