package controllers

import (
	"errors"
	"math/rand/v2"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/conditions"
	"github.com/iam-baseline/operator/internal/metrics"
	"github.com/iam-baseline/operator/internal/outcome"
	"github.com/iam-baseline/operator/internal/policy"
)

// stalled and waiting are the controllers' short names for the outcome package's
// errors, which finish turns into conditions.
func stalled(reason, format string, args ...any) error {
	return outcome.Stalled(reason, format, args...)
}

func waiting(reason string, after time.Duration, format string, args ...any) error {
	return outcome.Waiting(reason, after, format, args...)
}

// finish turns the outcome of a reconcile into conditions, a metric and a result.
// Every controller ends here, so all three kinds report the same way.
//
// Every path ends in a requeue: a result with RequeueAfter > 0, or an error (which
// the workqueue retries with capped backoff, see retryLimiter). A reconcile that
// returned neither would never run again until something else changed the object.
func finish(kind string, conds *[]metav1.Condition, generation int64, err error, resync time.Duration, readyMessage string) (ctrl.Result, error) {
	if resync <= 0 {
		resync = defaultResync
	}
	var wt *outcome.WaitingError
	if err == nil {
		conditions.MarkReady(conds, generation, iamv1.ReasonReconciled, readyMessage)
		metrics.Reconciles.WithLabelValues(kind, "ready").Inc()
		return ctrl.Result{RequeueAfter: jitter(resync)}, nil
	}
	if reason, message, ok := stallReason(err); ok {
		return stall(kind, conds, generation, reason, message, resync)
	}
	switch {
	case errors.As(err, &wt):
		conditions.MarkReconciling(conds, generation, wt.Reason, wt.Message)
		metrics.Reconciles.WithLabelValues(kind, "progressing").Inc()
		after := wt.After
		if after <= 0 {
			after = minWait // a wait of zero would be no requeue at all
		}
		return ctrl.Result{RequeueAfter: after}, nil
	case awsx.IsThrottled(err):
		conditions.MarkReconciling(conds, generation, iamv1.ReasonThrottled, "AWS is throttling; retrying with backoff")
		metrics.Reconciles.WithLabelValues(kind, "throttled").Inc()
		return ctrl.Result{}, err
	default:
		conditions.MarkReconciling(conds, generation, iamv1.ReasonAWSError, "retrying after: "+err.Error())
		metrics.Reconciles.WithLabelValues(kind, "error").Inc()
		return ctrl.Result{}, err
	}
}

// stallReason is the Stalled reason and message of an error that stops the object
// until its spec or AWS changes; ok is false for a wait or a retryable failure.
func stallReason(err error) (reason, message string, ok bool) {
	var (
		st *outcome.StalledError
		na *awsx.NotManagedError
		ob *awsx.OwnedByOtherError
		wa *awsx.WrongAccountError
		pv *policy.ValidationError
		wt *outcome.WaitingError
	)
	switch {
	case errors.As(err, &st):
		return st.Reason, st.Message, true
	case errors.As(err, &na):
		return iamv1.ReasonNotManaged, na.Error(), true
	case errors.As(err, &ob):
		return iamv1.ReasonOwnedByOther, ob.Error(), true
	case errors.As(err, &wa):
		return iamv1.ReasonWrongAccount, wa.Error(), true
	case errors.As(err, &pv):
		return iamv1.ReasonInvalidSpec, pv.Error(), true
	case errors.As(err, &wt):
		return "", "", false
	case awsx.IsTerminal(err):
		return iamv1.ReasonAWSError, "AWS refused the change (" + awsx.Code(err) + "): " + awsx.Message(err), true
	}
	return "", "", false
}

func stall(kind string, conds *[]metav1.Condition, generation int64, reason, message string, resync time.Duration) (ctrl.Result, error) {
	conditions.MarkStalled(conds, generation, reason, message)
	metrics.Reconciles.WithLabelValues(kind, "stalled").Inc()
	// A stalled object is still looked at on resync: the fix may be made in AWS
	// (an owner deleted, a policy created) rather than in the spec.
	return ctrl.Result{RequeueAfter: jitter(resync)}, nil
}

const (
	// defaultResync is the resync period when none is configured.
	defaultResync = 10 * time.Minute
	// minWait is the shortest requeue of a waiting object.
	minWait = time.Second
)

// jitter spreads resyncs over [d, 1.2d) so objects do not hit AWS in lockstep.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d + time.Duration(rand.Int64N(int64(d)/5+1))
}
