package controllers_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/controllers"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/outcome"
	"github.com/iam-baseline/operator/internal/policy"
)

// requeues reports whether a reconcile result brings the object back: an error (the
// workqueue retries it with backoff) or a RequeueAfter.
func requeues(res ctrl.Result, err error) bool { return err != nil || res.RequeueAfter > 0 }

// Issue 17, item 8: a member failed once under throttling and was never reconciled
// again. Every way a reconcile can end must bring the object back.
func TestMonthOneEveryOutcomeRequeues(t *testing.T) {
	api := func(code string) error { return &smithy.GenericAPIError{Code: code, Message: code + " from AWS"} }
	cases := map[string]error{
		"success":                nil,
		"stalled":                outcome.Stalled(iamv1.ReasonInvalidSpec, "bad spec"),
		"waiting":                outcome.Waiting(iamv1.ReasonProgressing, 2*time.Second, "later"),
		"waiting for no time":    outcome.Waiting(iamv1.ReasonProgressing, 0, "later"),
		"not managed":            &awsx.NotManagedError{Resource: "IAM user x"},
		"owned by other":         &awsx.OwnedByOtherError{Resource: "IAM user x", Owner: "TeamMember/a/b"},
		"wrong account":          &awsx.WrongAccountError{Want: "1", Got: "2"},
		"invalid policy":         &policy.ValidationError{Kind: "trust policy", Problems: []string{"x"}},
		"terminal AWS error":     api("LimitExceeded"),
		"throttled":              api("Throttling"),
		"5xx":                    api("ServiceFailure"),
		"wrapped throttled":      fmt.Errorf("CreateUser: %w", api("Throttling")),
		"network":                errors.New("dial tcp 127.0.0.1:1: connection refused"),
		"deadline":               context.DeadlineExceeded,
		"budgets internal error": api("InternalErrorException"),
	}
	for _, resync := range []time.Duration{0, time.Minute} {
		for name, in := range cases {
			var conds []metav1.Condition
			res, err := controllers.FinishForTest("TeamMember", &conds, 1, in, resync, "ready")
			if !requeues(res, err) {
				t.Errorf("resync %s, %s: the reconcile ends with no requeue (result %+v, error %v)", resync, name, res, err)
			}
		}
	}
}

// A failing object is retried at least every MaxRetryDelay however often it fails:
// the default limiter's backoff grows to 1,000 s, which is the lost retry.
func TestMonthOneRetryBackoffIsCapped(t *testing.T) {
	l := controllers.RetryLimiterForTest()
	req := reconcile.Request{NamespacedName: client.ObjectKey{Namespace: "ns", Name: "member"}}
	var last time.Duration
	for range 40 {
		last = l.When(req)
	}
	if last > controllers.MaxRetryDelayForTest {
		t.Fatalf("after 40 failures the next retry waits %s, more than %s", last, controllers.MaxRetryDelayForTest)
	}
	if last < controllers.MaxRetryDelayForTest/2 {
		t.Fatalf("after 40 failures the retry waits only %s: the backoff does not back off", last)
	}
	l.Forget(req)
	if d := l.When(req); d > time.Second {
		t.Fatalf("a success does not reset the backoff: %s", d)
	}
}

// The status write at the end of a reconcile can fail too (API server busy,
// conflict, timeout). Whatever the reconcile decided, a failed status write must
// come back as an error so the object is tried again, never swallowed.
func TestMonthOneStatusPatchFailureRequeues(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	// A member of an account that has no baseline: the manager only waits on it.
	tm := &iamv1.TeamMember{ObjectMeta: metav1.ObjectMeta{Name: "patchfail", Namespace: ns},
		Spec: iamv1.TeamMemberSpec{AccountRef: "no-such-baseline-" + ns}}
	if err := k8s.Create(ctx, tm); err != nil {
		t.Fatal(err)
	}
	// Let the manager put its finalizer on first, so the skeleton below goes straight
	// to converge and its only failing write is the status patch.
	eventually(t, 60*time.Second, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(tm), tm); err != nil {
			return err
		}
		if len(tm.Finalizers) == 0 {
			return errNotYet
		}
		return nil
	})
	base, err := client.NewWithWatch(restCfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		t.Fatal(err)
	}
	patchErr := errors.New("the API server is busy")
	failing := interceptor.NewClient(base, interceptor.Funcs{
		SubResourcePatch: func(context.Context, client.Client, string, client.Object, client.Patch, ...client.SubResourcePatchOption) error {
			return patchErr
		},
	})
	req := ctrl.Request{NamespacedName: client.ObjectKeyFromObject(tm)}
	n := 0
	for name, conv := range map[string]func(context.Context, *iamv1.TeamMember) (ctrl.Result, error){
		"after a failed reconcile": func(_ context.Context, o *iamv1.TeamMember) (ctrl.Result, error) {
			return controllers.FinishForTest("TeamMember", &o.Status.Conditions, o.Generation, errors.New("ServiceFailure"), time.Minute, "")
		},
		"after a stall": func(_ context.Context, o *iamv1.TeamMember) (ctrl.Result, error) {
			return controllers.FinishForTest("TeamMember", &o.Status.Conditions, o.Generation, outcome.Stalled(iamv1.ReasonInvalidSpec, "bad %d", n), time.Minute, "")
		},
		"after a success": func(_ context.Context, o *iamv1.TeamMember) (ctrl.Result, error) {
			o.Status.UserName = fmt.Sprintf("changed-%d", n)
			return controllers.FinishForTest("TeamMember", &o.Status.Conditions, o.Generation, nil, time.Minute, "ready")
		},
	} {
		n++
		res, err := controllers.ReconcileMemberSkeletonForTest(ctx, failing, req, conv)
		if !requeues(res, err) {
			t.Errorf("%s: a failed status write ended the reconcile with no requeue", name)
		}
		if err == nil {
			t.Errorf("%s: the failed status write was swallowed (result %+v)", name, res)
		}
	}
}
