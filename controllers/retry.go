package controllers

import (
	"time"

	"golang.org/x/time/rate"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// maxRetryDelay bounds how long an object that failed waits before it is tried
// again. controller-runtime's default per-object backoff doubles from 5 ms up to
// 1,000 s and is reset only by a success, so under sustained throttling an object
// that failed fifteen times in a row sat unseen for over five minutes (no queue
// depth, no worker, no AWS call): a retry that was as good as lost. Capped, a failing
// object is retried at least this often, for as long as it fails.
const maxRetryDelay = 30 * time.Second

// retryLimiter is the workqueue rate limiter of every controller: per object,
// exponential backoff from 100 ms capped at maxRetryDelay; overall, the default
// token bucket (10 retries a second, bursts of 100), so a storm of failures is paced
// rather than dropped.
func retryLimiter() workqueue.TypedRateLimiter[reconcile.Request] {
	return workqueue.NewTypedMaxOfRateLimiter(
		workqueue.NewTypedItemExponentialFailureRateLimiter[reconcile.Request](100*time.Millisecond, maxRetryDelay),
		&workqueue.TypedBucketRateLimiter[reconcile.Request]{Limiter: rate.NewLimiter(rate.Limit(10), 100)},
	)
}

// controllerOptions are the options every controller is built with.
func controllerOptions(maxConcurrent int) controller.Options {
	return controller.Options{MaxConcurrentReconciles: maxConcurrent, RateLimiter: retryLimiter()}
}
