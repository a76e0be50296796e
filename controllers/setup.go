package controllers

import (
	"context"
	"time"

	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/events"
)

// Options tune every controller.
type Options struct {
	// ResyncPeriod is how often an object is re-read from AWS to catch drift made by
	// hand; each requeue is jittered so objects do not resync in lockstep. Default
	// DefaultResyncPeriod.
	ResyncPeriod time.Duration
	// MaxConcurrentReconciles per kind.
	MaxConcurrentReconciles int
	// AWS hands out per-account clients.
	AWS *awsx.Provider
}

// DefaultResyncPeriod: observing from the account snapshot costs about 2 AWS calls
// per object per resync (a member's login profile and access keys, a role's GetRole)
// instead of 6.3, so a resync every 5 minutes uses fewer IAM calls per second than
// one every 10 minutes did, and MFA enrolment and drift reach status twice as soon.
const DefaultResyncPeriod = 5 * time.Minute

// SetupWithManager registers the controllers with the manager.
func SetupWithManager(mgr ctrl.Manager, opts Options) error {
	if opts.ResyncPeriod == 0 {
		opts.ResyncPeriod = DefaultResyncPeriod
	}
	if opts.AWS != nil {
		// Half a resync: every resync plans from a snapshot read after the previous
		// resync began, so drift made by hand is repaired within one resync.
		opts.AWS.SetSnapshotTTL(opts.ResyncPeriod / 2)
	}
	if opts.MaxConcurrentReconciles == 0 {
		opts.MaxConcurrentReconciles = 4
	}
	// Events go through the project's sink (internal/events): its memory is bounded
	// by a count of Events, where client-go's broadcaster keeps every Event for
	// minutes.
	sink := events.NewSink(mgr.GetClient(), mgr.GetScheme())
	if err := mgr.Add(sink); err != nil {
		return err
	}
	if err := indexRolesByMember(context.Background(), mgr); err != nil {
		return err
	}
	tm := &TeamMemberReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  sink.Recorder("iam-baseline-teammember"),
		AWS:       opts.AWS,
		Resync:    opts.ResyncPeriod,
	}
	if err := tm.SetupWithManager(mgr, opts.MaxConcurrentReconciles); err != nil {
		return err
	}
	if err := setupAssumableRole(mgr, opts, sink.Recorder("iam-baseline-assumablerole")); err != nil {
		return err
	}
	return setupAccountBaseline(mgr, opts, sink.Recorder("iam-baseline-accountbaseline"))
}

// Failed reconciles (a call that still failed after the SDK's few quick attempts)
// come back per object with exponential backoff. client-go's default also caps all
// retries of a controller at 10/s overall: under AWS throttling that queue would hold
// every object back, while pacing AWS is the account pacer's job (internal/aws).
//
// The cap is 30 s, not minutes: under random throttling and 5xx a reconcile of many
// calls fails now and then, and a cap of 2 minutes left a handful of objects waiting
// long after the rest had converged (the faults scenario's tail). The load of a real
// outage is bounded by the account pacer, not by this cap.
const (
	retryBaseDelay = 100 * time.Millisecond
	retryMaxDelay  = 30 * time.Second
)

// controllerOptions are the workers per kind and how failed work is retried.
// Lists made only to read (map functions, proofs, trust resolution) pass
// client.UnsafeDisableDeepCopy: the cache's own objects are read in place, never
// modified. A proof listing an account's members per role copied every member for
// every role (at 5,000 members, half of the manager's live heap).
func controllerOptions(maxConcurrent int) controller.Options {
	return controller.Options{
		MaxConcurrentReconciles: maxConcurrent,
		RateLimiter:             workqueue.NewTypedItemExponentialFailureRateLimiter[reconcile.Request](retryBaseDelay, retryMaxDelay),
	}
}
