package budgets_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdk "github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/budgets/types"

	local "github.com/iam-baseline/operator/internal/awslocal/budgets"
)

const (
	testAccount  = "123456789012"
	otherAccount = "210987654321"
	testTopic    = "arn:aws:sns:us-east-1:123456789012:budget-alerts"
)

var ctx = context.Background()

// clock is a settable time source, so tests can see LastUpdatedTime move.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type env struct {
	client *sdk.Client
	svc    *local.Service
	clock  *clock
}

// newEnv serves a fresh Service on 127.0.0.1 the way the awslocal core will
// (minus SigV4: the account is fixed) and returns an unmodified SDK client for it.
func newEnv(t *testing.T) *env {
	t.Helper()
	clk := &clock{t: time.Date(2026, 5, 17, 10, 30, 0, 0, time.UTC)}
	svc := local.New(clk.Now)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSBudgetServiceGateway.")
		status, resp, _ := svc.Serve(testAccount, op, body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(status)
		_, _ = w.Write(resp)
	}))
	t.Cleanup(srv.Close)

	// No HTTPClient: AWS_CA_BUNDLE makes the SDK reject a custom one.
	//
	// Keep the SDK's retries, as the operator does. Against a server this fast
	// the SDK closes the request body while net/http is still doing its trailing
	// read of it; net/http then closes the connection under a response that is
	// still being read, and the call fails with "use of closed network
	// connection" (aws/aws-sdk-go-v2#2737), which the standard retryer retries.
	// Zero backoff keeps such a retry from slowing the tests.
	client := sdk.New(sdk.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDLOCAL", "secret", ""),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		}),
	})
	return &env{client: client, svc: svc, clock: clk}
}

// requireAPIError asserts err is the SDK's typed error E.
func requireAPIError[E error](t *testing.T, err error) E {
	t.Helper()
	var target E
	if !errors.As(err, &target) {
		t.Fatalf("want %T, got %T: %v", target, err, err)
	}
	return target
}

func requireNoError(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func monthlyCost(name, amount string) *types.Budget {
	return &types.Budget{
		BudgetName:  aws.String(name),
		BudgetType:  types.BudgetTypeCost,
		TimeUnit:    types.TimeUnitMonthly,
		BudgetLimit: &types.Spend{Amount: aws.String(amount), Unit: aws.String("USD")},
	}
}

func actualOver(threshold float64) *types.Notification {
	return &types.Notification{
		NotificationType:   types.NotificationTypeActual,
		ComparisonOperator: types.ComparisonOperatorGreaterThan,
		Threshold:          threshold,
		ThresholdType:      types.ThresholdTypePercentage,
	}
}

func email(addr string) types.Subscriber {
	return types.Subscriber{SubscriptionType: types.SubscriptionTypeEmail, Address: aws.String(addr)}
}

func sns(arn string) types.Subscriber {
	return types.Subscriber{SubscriptionType: types.SubscriptionTypeSns, Address: aws.String(arn)}
}

func (e *env) createBudget(t *testing.T, b *types.Budget, nws ...types.NotificationWithSubscribers) {
	t.Helper()
	_, err := e.client.CreateBudget(ctx, &sdk.CreateBudgetInput{
		AccountId: aws.String(testAccount), Budget: b, NotificationsWithSubscribers: nws,
	})
	requireNoError(t, err)
}

func (e *env) createNotification(t *testing.T, budget string, n *types.Notification, subs ...types.Subscriber) {
	t.Helper()
	_, err := e.client.CreateNotification(ctx, &sdk.CreateNotificationInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String(budget), Notification: n, Subscribers: subs,
	})
	requireNoError(t, err)
}

func (e *env) describeBudget(t *testing.T, name string) types.Budget {
	t.Helper()
	out, err := e.client.DescribeBudget(ctx, &sdk.DescribeBudgetInput{AccountId: aws.String(testAccount), BudgetName: aws.String(name)})
	requireNoError(t, err)
	return *out.Budget
}

func (e *env) notifications(t *testing.T, budget string) []types.Notification {
	t.Helper()
	var all []types.Notification
	p := sdk.NewDescribeNotificationsForBudgetPaginator(e.client, &sdk.DescribeNotificationsForBudgetInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String(budget),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		requireNoError(t, err)
		all = append(all, page.Notifications...)
	}
	return all
}

func (e *env) subscribers(t *testing.T, budget string, n *types.Notification) []types.Subscriber {
	t.Helper()
	out, err := e.describeSubscribers(budget, n)
	requireNoError(t, err)
	return out
}

func (e *env) describeSubscribers(budget string, n *types.Notification) ([]types.Subscriber, error) {
	var all []types.Subscriber
	p := sdk.NewDescribeSubscribersForNotificationPaginator(e.client, &sdk.DescribeSubscribersForNotificationInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String(budget), Notification: n,
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Subscribers...)
	}
	return all, nil
}

func addresses(subs []types.Subscriber) []string {
	out := make([]string, len(subs))
	for i, s := range subs {
		out[i] = string(s.SubscriptionType) + ":" + aws.ToString(s.Address)
	}
	return out
}
