package budgets_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/budgets/types"
	"github.com/aws/smithy-go"

	local "github.com/iam-baseline/operator/internal/awslocal/budgets"
)

func TestCreateBudgetFillsWhatAWSFills(t *testing.T) {
	e := newEnv(t)
	b := monthlyCost("team-a", "100")
	b.CostFilters = map[string][]string{"Service": {"Amazon Elastic Compute Cloud - Compute"}}
	b.CostTypes = &types.CostTypes{IncludeTax: aws.Bool(false)}
	e.createBudget(t, b, types.NotificationWithSubscribers{
		Notification: actualOver(80),
		Subscribers:  []types.Subscriber{email("ops@example.com")},
	})

	got := e.describeBudget(t, "team-a")
	if aws.ToString(got.BudgetLimit.Amount) != "100.0" || aws.ToString(got.BudgetLimit.Unit) != "USD" {
		t.Errorf("BudgetLimit = %s %s, want 100.0 USD", aws.ToString(got.BudgetLimit.Amount), aws.ToString(got.BudgetLimit.Unit))
	}
	if got.BudgetType != types.BudgetTypeCost || got.TimeUnit != types.TimeUnitMonthly {
		t.Errorf("type/unit = %s/%s", got.BudgetType, got.TimeUnit)
	}
	for _, s := range []*types.Spend{got.CalculatedSpend.ActualSpend, got.CalculatedSpend.ForecastedSpend} {
		if aws.ToString(s.Amount) != "0.0" || aws.ToString(s.Unit) != "USD" {
			t.Errorf("calculated spend = %s %s, want 0.0 USD", aws.ToString(s.Amount), aws.ToString(s.Unit))
		}
	}
	if !got.LastUpdatedTime.Equal(e.clock.Now()) {
		t.Errorf("LastUpdatedTime = %v, want %v", got.LastUpdatedTime, e.clock.Now())
	}
	if want := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC); !got.TimePeriod.Start.Equal(want) {
		t.Errorf("TimePeriod.Start = %v, want %v", got.TimePeriod.Start, want)
	}
	if want := time.Date(2087, 6, 15, 0, 0, 0, 0, time.UTC); !got.TimePeriod.End.Equal(want) {
		t.Errorf("TimePeriod.End = %v, want %v", got.TimePeriod.End, want)
	}
	if aws.ToBool(got.CostTypes.IncludeTax) || !aws.ToBool(got.CostTypes.IncludeCredit) || aws.ToBool(got.CostTypes.UseBlended) {
		t.Errorf("CostTypes = %+v, want the given IncludeTax=false and defaults elsewhere", got.CostTypes)
	}
	if f := got.CostFilters["Service"]; len(f) != 1 || f[0] != "Amazon Elastic Compute Cloud - Compute" {
		t.Errorf("CostFilters = %v", got.CostFilters)
	}
	if n := e.notifications(t, "team-a"); len(n) != 1 || n[0].Threshold != 80 {
		t.Errorf("notifications = %+v", n)
	}
}

func TestCreateBudgetKeepsGivenTimePeriod(t *testing.T) {
	e := newEnv(t)
	start, end := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	b := monthlyCost("custom", "12.5")
	b.TimeUnit = types.TimeUnitCustom
	b.TimePeriod = &types.TimePeriod{Start: &start, End: &end}
	e.createBudget(t, b)

	got := e.describeBudget(t, "custom")
	if !got.TimePeriod.Start.Equal(start) || !got.TimePeriod.End.Equal(end) {
		t.Errorf("TimePeriod = %v..%v, want %v..%v", got.TimePeriod.Start, got.TimePeriod.End, start, end)
	}
	if aws.ToString(got.BudgetLimit.Amount) != "12.5" {
		t.Errorf("Amount = %s, want 12.5", aws.ToString(got.BudgetLimit.Amount))
	}
}

func TestCreateBudgetRejectsInvalidInput(t *testing.T) {
	cases := map[string]func(*types.Budget){
		"empty name":      func(b *types.Budget) { b.BudgetName = aws.String("") },
		"name with colon": func(b *types.Budget) { b.BudgetName = aws.String("a:b") },
		"missing limit":   func(b *types.Budget) { b.BudgetLimit = nil },
		"bad amount":      func(b *types.Budget) { b.BudgetLimit.Amount = aws.String("ten") },
		"missing unit":    func(b *types.Budget) { b.BudgetLimit.Unit = aws.String("") },
		"bad time unit":   func(b *types.Budget) { b.TimeUnit = "WEEKLY" },
		"bad budget type": func(b *types.Budget) { b.BudgetType = "MONEY" },
		"custom without period": func(b *types.Budget) {
			b.TimeUnit = types.TimeUnitCustom
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			b := monthlyCost("bad", "10")
			mutate(b)
			_, err := e.client.CreateBudget(ctx, &sdk.CreateBudgetInput{AccountId: aws.String(testAccount), Budget: b})
			requireAPIError[*types.InvalidParameterException](t, err)
		})
	}
}

func TestCreateBudgetRejectsInvalidNotificationAtomically(t *testing.T) {
	e := newEnv(t)
	_, err := e.client.CreateBudget(ctx, &sdk.CreateBudgetInput{
		AccountId: aws.String(testAccount),
		Budget:    monthlyCost("atomic", "10"),
		NotificationsWithSubscribers: []types.NotificationWithSubscribers{
			{Notification: actualOver(50), Subscribers: []types.Subscriber{email("a@example.com")}},
			{Notification: actualOver(90), Subscribers: []types.Subscriber{email("not-an-email")}},
		},
	})
	requireAPIError[*types.InvalidParameterException](t, err)
	_, err = e.client.DescribeBudget(ctx, &sdk.DescribeBudgetInput{AccountId: aws.String(testAccount), BudgetName: aws.String("atomic")})
	requireAPIError[*types.NotFoundException](t, err)
}

func TestCreateBudgetNotificationLimit(t *testing.T) {
	e := newEnv(t)
	var nws []types.NotificationWithSubscribers
	for i := range 11 {
		nws = append(nws, types.NotificationWithSubscribers{
			Notification: actualOver(float64(10 * (i + 1))),
			Subscribers:  []types.Subscriber{email("a@example.com")},
		})
	}
	_, err := e.client.CreateBudget(ctx, &sdk.CreateBudgetInput{
		AccountId: aws.String(testAccount), Budget: monthlyCost("many", "10"), NotificationsWithSubscribers: nws,
	})
	requireAPIError[*types.CreationLimitExceededException](t, err)

	e.createBudget(t, monthlyCost("many", "10"), nws[:10]...)
	if got := len(e.notifications(t, "many")); got != 10 {
		t.Errorf("got %d notifications, want 10", got)
	}
}

func TestCreateBudgetDuplicate(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("dup", "10"))
	_, err := e.client.CreateBudget(ctx, &sdk.CreateBudgetInput{AccountId: aws.String(testAccount), Budget: monthlyCost("dup", "20")})
	requireAPIError[*types.DuplicateRecordException](t, err)
	if got := aws.ToString(e.describeBudget(t, "dup").BudgetLimit.Amount); got != "10.0" {
		t.Errorf("duplicate create changed the budget: amount %s", got)
	}
}

func TestMissingBudgetIsNotFound(t *testing.T) {
	e := newEnv(t)
	acct := aws.String(testAccount)
	_, err := e.client.DescribeBudget(ctx, &sdk.DescribeBudgetInput{AccountId: acct, BudgetName: aws.String("nope")})
	requireAPIError[*types.NotFoundException](t, err)
	_, err = e.client.UpdateBudget(ctx, &sdk.UpdateBudgetInput{AccountId: acct, NewBudget: monthlyCost("nope", "1")})
	requireAPIError[*types.NotFoundException](t, err)
	_, err = e.client.DeleteBudget(ctx, &sdk.DeleteBudgetInput{AccountId: acct, BudgetName: aws.String("nope")})
	requireAPIError[*types.NotFoundException](t, err)
}

func TestOtherAccountIsAccessDenied(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("mine", "10"))
	_, err := e.client.DescribeBudget(ctx, &sdk.DescribeBudgetInput{AccountId: aws.String(otherAccount), BudgetName: aws.String("mine")})
	requireAPIError[*types.AccessDeniedException](t, err)
	_, err = e.client.CreateBudget(ctx, &sdk.CreateBudgetInput{AccountId: aws.String(otherAccount), Budget: monthlyCost("theirs", "10")})
	requireAPIError[*types.AccessDeniedException](t, err)
	_, err = e.client.DescribeBudgets(ctx, &sdk.DescribeBudgetsInput{AccountId: aws.String("12345")})
	requireAPIError[*types.InvalidParameterException](t, err)
}

func TestDescribeBudgetsPaginates(t *testing.T) {
	e := newEnv(t)
	var want []string
	for i := range 7 {
		name := fmt.Sprintf("budget-%02d", 6-i) // created out of order, listed by name
		e.createBudget(t, monthlyCost(name, "10"))
		want = append(want, name)
	}
	slices.Sort(want)

	var got []string
	pages := 0
	p := sdk.NewDescribeBudgetsPaginator(e.client, &sdk.DescribeBudgetsInput{AccountId: aws.String(testAccount)},
		func(o *sdk.DescribeBudgetsPaginatorOptions) { o.Limit = 3 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		requireNoError(t, err)
		if len(page.Budgets) > 3 {
			t.Fatalf("page of %d budgets exceeds MaxResults 3", len(page.Budgets))
		}
		pages++
		for _, b := range page.Budgets {
			got = append(got, aws.ToString(b.BudgetName))
		}
	}
	if pages != 3 || !slices.Equal(got, want) {
		t.Errorf("got %d pages %v, want 3 pages %v", pages, got, want)
	}

	all, err := e.client.DescribeBudgets(ctx, &sdk.DescribeBudgetsInput{AccountId: aws.String(testAccount)})
	requireNoError(t, err)
	if len(all.Budgets) != 7 || all.NextToken != nil {
		t.Errorf("default page: %d budgets, NextToken %v", len(all.Budgets), all.NextToken)
	}
}

func TestDescribeBudgetsRejectsBadPaging(t *testing.T) {
	e := newEnv(t)
	acct := aws.String(testAccount)
	_, err := e.client.DescribeBudgets(ctx, &sdk.DescribeBudgetsInput{AccountId: acct, MaxResults: aws.Int32(1001)})
	requireAPIError[*types.InvalidParameterException](t, err)
	_, err = e.client.DescribeBudgets(ctx, &sdk.DescribeBudgetsInput{AccountId: acct, MaxResults: aws.Int32(0)})
	requireAPIError[*types.InvalidParameterException](t, err)
	_, err = e.client.DescribeBudgets(ctx, &sdk.DescribeBudgetsInput{AccountId: acct, NextToken: aws.String("garbage")})
	requireAPIError[*types.InvalidNextTokenException](t, err)
}

func TestDescribeBudgetsEmpty(t *testing.T) {
	e := newEnv(t)
	out, err := e.client.DescribeBudgets(ctx, &sdk.DescribeBudgetsInput{AccountId: aws.String(testAccount)})
	requireNoError(t, err)
	if len(out.Budgets) != 0 || out.NextToken != nil {
		t.Errorf("got %+v", out)
	}
}

func TestUpdateBudgetKeepsNotificationsAndTags(t *testing.T) {
	e := newEnv(t)
	_, err := e.client.CreateBudget(ctx, &sdk.CreateBudgetInput{
		AccountId: aws.String(testAccount),
		Budget:    monthlyCost("team-b", "100"),
		NotificationsWithSubscribers: []types.NotificationWithSubscribers{{
			Notification: actualOver(80),
			Subscribers:  []types.Subscriber{email("ops@example.com"), sns(testTopic)},
		}},
		ResourceTags: []types.ResourceTag{{Key: aws.String("owner"), Value: aws.String("team-b")}},
	})
	requireNoError(t, err)
	before := e.describeBudget(t, "team-b")

	e.clock.Advance(time.Hour)
	updated := monthlyCost("team-b", "250.50")
	updated.TimeUnit = types.TimeUnitQuarterly
	_, err = e.client.UpdateBudget(ctx, &sdk.UpdateBudgetInput{AccountId: aws.String(testAccount), NewBudget: updated})
	requireNoError(t, err)

	got := e.describeBudget(t, "team-b")
	if aws.ToString(got.BudgetLimit.Amount) != "250.50" || got.TimeUnit != types.TimeUnitQuarterly {
		t.Errorf("after update: %s %s", aws.ToString(got.BudgetLimit.Amount), got.TimeUnit)
	}
	if !got.LastUpdatedTime.After(*before.LastUpdatedTime) {
		t.Errorf("LastUpdatedTime did not move: %v -> %v", before.LastUpdatedTime, got.LastUpdatedTime)
	}
	if !got.TimePeriod.Start.Equal(*before.TimePeriod.Start) {
		t.Errorf("update without TimePeriod moved the start: %v -> %v", before.TimePeriod.Start, got.TimePeriod.Start)
	}
	if n := e.notifications(t, "team-b"); len(n) != 1 || n[0].Threshold != 80 {
		t.Fatalf("notifications after update = %+v", n)
	}
	if subs := e.subscribers(t, "team-b", actualOver(80)); len(subs) != 2 {
		t.Errorf("subscribers after update = %v", addresses(subs))
	}
	tags, err := e.client.ListTagsForResource(ctx, &sdk.ListTagsForResourceInput{
		ResourceARN: aws.String("arn:aws:budgets::" + testAccount + ":budget/team-b"),
	})
	requireNoError(t, err)
	if len(tags.ResourceTags) != 1 {
		t.Errorf("tags after update = %+v", tags.ResourceTags)
	}
}

func TestUpdateBudgetValidates(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("v", "10"))
	bad := monthlyCost("v", "10")
	bad.TimeUnit = "HOURLY"
	_, err := e.client.UpdateBudget(ctx, &sdk.UpdateBudgetInput{AccountId: aws.String(testAccount), NewBudget: bad})
	requireAPIError[*types.InvalidParameterException](t, err)
	if got := e.describeBudget(t, "v"); got.TimeUnit != types.TimeUnitMonthly {
		t.Errorf("failed update changed TimeUnit to %s", got.TimeUnit)
	}
}

func TestDeleteBudgetRemovesNotifications(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("gone", "10"), types.NotificationWithSubscribers{
		Notification: actualOver(80), Subscribers: []types.Subscriber{email("ops@example.com")},
	})
	_, err := e.client.DeleteBudget(ctx, &sdk.DeleteBudgetInput{AccountId: aws.String(testAccount), BudgetName: aws.String("gone")})
	requireNoError(t, err)

	_, err = e.client.DescribeNotificationsForBudget(ctx, &sdk.DescribeNotificationsForBudgetInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String("gone"),
	})
	requireAPIError[*types.NotFoundException](t, err)

	// A budget made again under the same name starts with no notifications.
	e.createBudget(t, monthlyCost("gone", "10"))
	if n := e.notifications(t, "gone"); len(n) != 0 {
		t.Errorf("recreated budget inherited notifications %+v", n)
	}
}

func TestShowFilterExpression(t *testing.T) {
	e := newEnv(t)
	b := monthlyCost("filtered", "10")
	b.FilterExpression = &types.Expression{Dimensions: &types.ExpressionDimensionValues{
		Key: types.DimensionService, Values: []string{"Amazon Simple Storage Service"},
	}}
	e.createBudget(t, b)

	if got := e.describeBudget(t, "filtered"); got.FilterExpression != nil {
		t.Errorf("FilterExpression shown without ShowFilterExpression: %+v", got.FilterExpression)
	}
	out, err := e.client.DescribeBudget(ctx, &sdk.DescribeBudgetInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String("filtered"), ShowFilterExpression: aws.Bool(true),
	})
	requireNoError(t, err)
	if d := out.Budget.FilterExpression; d == nil || d.Dimensions == nil || d.Dimensions.Values[0] != "Amazon Simple Storage Service" {
		t.Errorf("FilterExpression = %+v", d)
	}
}

func TestUnknownOperation(t *testing.T) {
	e := newEnv(t)
	status, body, code := e.svc.Serve(testAccount, "Frobnicate", []byte(`{}`))
	if status != http.StatusBadRequest || code != "UnknownOperationException" {
		t.Errorf("Serve = %d %q", status, code)
	}
	var doc map[string]string
	if err := json.Unmarshal(body, &doc); err != nil || doc["__type"] != "UnknownOperationException" || doc["Message"] == "" {
		t.Errorf("body = %s (%v)", body, err)
	}

	// Through the SDK, an operation the emulator lacks is a generic API error.
	_, err := e.client.DescribeBudgetActionsForAccount(ctx, &sdk.DescribeBudgetActionsForAccountInput{AccountId: aws.String(testAccount)})
	if apiErr := requireAPIError[smithy.APIError](t, err); apiErr.ErrorCode() != "UnknownOperationException" {
		t.Errorf("code = %s", apiErr.ErrorCode())
	}
}

func TestServeReportsErrorCodes(t *testing.T) {
	svc := local.New(nil)
	status, _, code := svc.Serve(testAccount, "DescribeBudget", []byte(`{"AccountId":"123456789012","BudgetName":"x"}`))
	if status != http.StatusBadRequest || code != "NotFoundException" {
		t.Errorf("Serve = %d %q", status, code)
	}
	status, _, code = svc.Serve(testAccount, "DescribeBudgets", []byte(`{"AccountId":`))
	if status != http.StatusBadRequest || code != "SerializationException" {
		t.Errorf("malformed body: Serve = %d %q", status, code)
	}
	status, body, code := svc.Serve(testAccount, "DescribeBudgets", []byte(`{"AccountId":"123456789012"}`))
	if status != http.StatusOK || code != "" {
		t.Errorf("Serve = %d %q %s", status, code, body)
	}
}

func TestReset(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("a", "10"))
	e.svc.Reset()
	_, err := e.client.DescribeBudget(ctx, &sdk.DescribeBudgetInput{AccountId: aws.String(testAccount), BudgetName: aws.String("a")})
	requireAPIError[*types.NotFoundException](t, err)
}

func TestConcurrentClients(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			name := fmt.Sprintf("c-%d", i)
			if _, err := e.client.CreateBudget(ctx, &sdk.CreateBudgetInput{AccountId: aws.String(testAccount), Budget: monthlyCost(name, "1")}); err != nil {
				t.Error(err)
				return
			}
			if _, err := e.client.CreateNotification(ctx, &sdk.CreateNotificationInput{
				AccountId: aws.String(testAccount), BudgetName: aws.String(name),
				Notification: actualOver(50), Subscribers: []types.Subscriber{email("x@example.com")},
			}); err != nil {
				t.Error(err)
			}
			if _, err := e.client.DescribeBudgets(ctx, &sdk.DescribeBudgetsInput{AccountId: aws.String(testAccount)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	out, err := e.client.DescribeBudgets(ctx, &sdk.DescribeBudgetsInput{AccountId: aws.String(testAccount)})
	requireNoError(t, err)
	if len(out.Budgets) != 8 {
		t.Errorf("got %d budgets, want 8", len(out.Budgets))
	}
}
