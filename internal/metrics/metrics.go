// Package metrics holds the operator's Prometheus metrics, registered with
// controller-runtime's registry so they are served on the manager's /metrics.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

var (
	// AWSCalls counts AWS API calls by service, operation and outcome ("ok", or the
	// AWS error code such as Throttling or NoSuchEntity). Retries are counted once per
	// attempt, so throttling shows up here even when the call finally succeeds.
	AWSCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "iam_baseline_aws_api_calls_total",
		Help: "AWS API call attempts by service, operation and outcome.",
	}, []string{"service", "operation", "outcome"})

	// Reconciles counts reconcile results by kind and result (ready, progressing,
	// stalled, error, deleted).
	Reconciles = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "iam_baseline_reconcile_total",
		Help: "Reconcile results by kind and result.",
	}, []string{"kind", "result"})

	// AWSChanges counts changes made in AWS by kind and action.
	AWSChanges = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "iam_baseline_aws_changes_total",
		Help: "Changes made in AWS by kind and action.",
	}, []string{"kind", "action"})

	// BrokenPromises counts proofs (iam:SimulatePrincipalPolicy) that found a
	// promise broken, by kind and promise (MFAEnforced, TrustVerified). Nothing
	// is rolled back: the condition and an event name the breaking request.
	BrokenPromises = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "iam_baseline_broken_promises_total",
		Help: "Proofs that found a promise broken, by kind and promise.",
	}, []string{"kind", "promise"})

	// AWSRateLimit is the calls per second the operator allows itself per account
	// and class of call (service/mutating or service/read), learnt from AWS's
	// throttling; 0 while AWS has not throttled.
	AWSRateLimit = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "iam_baseline_aws_rate_limit",
		Help: "Client-side AWS call rate limit per account and class (0: unlimited).",
	}, []string{"account", "class"})

	// EventsDropped counts Kubernetes Events not written: the queue was full (a burst
	// faster than the API server takes them) or the write kept failing.
	EventsDropped = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "iam_baseline_events_dropped_total",
		Help: "Kubernetes Events not written (queue full or write failed).",
	})

	// CISFindings is the number of open CIS findings per account and control.
	CISFindings = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "iam_baseline_cis_findings",
		Help: "Open CIS AWS Foundations IAM findings by account and control.",
	}, []string{"account", "control"})
)

func init() {
	ctrlmetrics.Registry.MustRegister(AWSCalls, Reconciles, AWSChanges, BrokenPromises, AWSRateLimit, CISFindings, EventsDropped)
}
