package controllers

import (
	"context"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

// Hooks for the external tests of the reconcile skeleton's failure paths.
var (
	FinishForTest       = finish
	RetryLimiterForTest = retryLimiter
)

const MaxRetryDelayForTest = maxRetryDelay

// ReconcileMemberSkeletonForTest runs the reconcile skeleton (read, deferred status
// patch, finalizer) on a TeamMember with the given client and converge step.
func ReconcileMemberSkeletonForTest(ctx context.Context, c client.Client, req ctrl.Request,
	converge func(context.Context, *iamv1.TeamMember) (ctrl.Result, error)) (ctrl.Result, error) {
	return reconcileObject(ctx, c, req, &iamv1.TeamMember{},
		func(context.Context, *iamv1.TeamMember) (ctrl.Result, error) { return ctrl.Result{}, nil }, converge)
}
