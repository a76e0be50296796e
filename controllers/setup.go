package controllers

import (
	"time"

	ctrl "sigs.k8s.io/controller-runtime"

	awsx "github.com/iam-baseline/operator/internal/aws"
)

// Options tune every controller.
type Options struct {
	// ResyncPeriod is how often an object is re-read from AWS to catch drift made by
	// hand; each requeue is jittered so objects do not resync in lockstep.
	ResyncPeriod time.Duration
	// MaxConcurrentReconciles per kind.
	MaxConcurrentReconciles int
	// AWS hands out per-account clients.
	AWS *awsx.Provider
}

// SetupWithManager registers the controllers with the manager.
func SetupWithManager(mgr ctrl.Manager, opts Options) error {
	if opts.ResyncPeriod == 0 {
		opts.ResyncPeriod = 10 * time.Minute
	}
	if opts.MaxConcurrentReconciles == 0 {
		opts.MaxConcurrentReconciles = 4
	}
	tm := &TeamMemberReconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Recorder:  mgr.GetEventRecorder("iam-baseline-teammember"),
		AWS:       opts.AWS,
		Resync:    opts.ResyncPeriod,
	}
	if err := tm.SetupWithManager(mgr, opts.MaxConcurrentReconciles); err != nil {
		return err
	}
	if err := setupAssumableRole(mgr, opts); err != nil {
		return err
	}
	return setupAccountBaseline(mgr, opts)
}
