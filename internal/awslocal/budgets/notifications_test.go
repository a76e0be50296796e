package budgets_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/budgets/types"
)

func TestCreateAndDescribeNotifications(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("n", "10"))
	e.createNotification(t, "n", actualOver(80), email("ops@example.com"))
	// ThresholdType omitted: AWS treats it as PERCENTAGE.
	e.createNotification(t, "n", &types.Notification{
		NotificationType:   types.NotificationTypeForecasted,
		ComparisonOperator: types.ComparisonOperatorGreaterThan,
		Threshold:          100,
	}, sns(testTopic))

	got := e.notifications(t, "n")
	if len(got) != 2 {
		t.Fatalf("got %d notifications, want 2", len(got))
	}
	if got[0].NotificationType != types.NotificationTypeActual || got[0].Threshold != 80 {
		t.Errorf("first = %+v", got[0])
	}
	if got[1].ThresholdType != types.ThresholdTypePercentage {
		t.Errorf("default ThresholdType = %q, want PERCENTAGE", got[1].ThresholdType)
	}
	for _, n := range got {
		if n.NotificationState != types.NotificationStateOk {
			t.Errorf("NotificationState = %q, want OK", n.NotificationState)
		}
	}
}

func TestCreateNotificationRejectsInvalidInput(t *testing.T) {
	cases := map[string]struct {
		n    func(*types.Notification)
		subs []types.Subscriber
	}{
		"bad notification type": {n: func(n *types.Notification) { n.NotificationType = "PAST" }},
		"bad comparison":        {n: func(n *types.Notification) { n.ComparisonOperator = "ABOUT" }},
		"bad threshold type":    {n: func(n *types.Notification) { n.ThresholdType = "RATIO" }},
		"zero threshold":        {n: func(n *types.Notification) { n.Threshold = 0 }},
		"negative threshold":    {n: func(n *types.Notification) { n.Threshold = -5 }},
		"huge threshold":        {n: func(n *types.Notification) { n.Threshold = 2e13 }},
		"no subscribers":        {subs: []types.Subscriber{}},
		"bad email":             {subs: []types.Subscriber{email("ops.example.com")}},
		"sns not an arn":        {subs: []types.Subscriber{sns("budget-alerts")}},
		"sns arn of a queue":    {subs: []types.Subscriber{sns("arn:aws:sqs:us-east-1:123456789012:q")}},
		"bad subscription type": {subs: []types.Subscriber{{SubscriptionType: "SMS", Address: aws.String("+15550100")}}},
		"repeated subscriber":   {subs: []types.Subscriber{email("a@example.com"), email("a@example.com")}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			e.createBudget(t, monthlyCost("n", "10"))
			n := actualOver(80)
			if tc.n != nil {
				tc.n(n)
			}
			subs := tc.subs
			if subs == nil {
				subs = []types.Subscriber{email("ops@example.com")}
			}
			_, err := e.client.CreateNotification(ctx, &sdk.CreateNotificationInput{
				AccountId: aws.String(testAccount), BudgetName: aws.String("n"), Notification: n, Subscribers: subs,
			})
			requireAPIError[*types.InvalidParameterException](t, err)
		})
	}
}

func TestCreateNotificationErrors(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("n", "10"))
	create := func(budget string, n *types.Notification, subs ...types.Subscriber) error {
		_, err := e.client.CreateNotification(ctx, &sdk.CreateNotificationInput{
			AccountId: aws.String(testAccount), BudgetName: aws.String(budget), Notification: n, Subscribers: subs,
		})
		return err
	}

	requireAPIError[*types.NotFoundException](t, create("missing", actualOver(80), email("a@example.com")))

	e.createNotification(t, "n", actualOver(80), email("a@example.com"))
	requireAPIError[*types.DuplicateRecordException](t, create("n", actualOver(80), email("b@example.com")))
	// Same notification with ThresholdType left out is still a duplicate.
	implicit := actualOver(80)
	implicit.ThresholdType = ""
	requireAPIError[*types.DuplicateRecordException](t, create("n", implicit, email("b@example.com")))

	requireAPIError[*types.CreationLimitExceededException](t,
		create("n", actualOver(90), sns(testTopic), sns("arn:aws:sns:us-east-1:123456789012:second")))
}

func TestNotificationLimitPerBudget(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("n", "10"))
	for i := 1; i <= 10; i++ {
		e.createNotification(t, "n", actualOver(float64(10*i)), email("a@example.com"))
	}
	_, err := e.client.CreateNotification(ctx, &sdk.CreateNotificationInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String("n"),
		Notification: actualOver(500), Subscribers: []types.Subscriber{email("a@example.com")},
	})
	requireAPIError[*types.CreationLimitExceededException](t, err)
}

func TestDescribeNotificationsPaginates(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("n", "10"))
	for i := 1; i <= 10; i++ {
		e.createNotification(t, "n", actualOver(float64(10*i)), email("a@example.com"))
	}
	var got []float64
	pages := 0
	p := sdk.NewDescribeNotificationsForBudgetPaginator(e.client, &sdk.DescribeNotificationsForBudgetInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String("n"),
	}, func(o *sdk.DescribeNotificationsForBudgetPaginatorOptions) { o.Limit = 4 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		requireNoError(t, err)
		if len(page.Notifications) > 4 {
			t.Fatalf("page of %d exceeds MaxResults 4", len(page.Notifications))
		}
		pages++
		for _, n := range page.Notifications {
			got = append(got, n.Threshold)
		}
	}
	if pages != 3 || len(got) != 10 || got[0] != 10 || got[9] != 100 {
		t.Errorf("got %d pages %v, want 3 pages in creation order", pages, got)
	}

	_, err := e.client.DescribeNotificationsForBudget(ctx, &sdk.DescribeNotificationsForBudgetInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String("n"), MaxResults: aws.Int32(101),
	})
	requireAPIError[*types.InvalidParameterException](t, err)
	_, err = e.client.DescribeNotificationsForBudget(ctx, &sdk.DescribeNotificationsForBudgetInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String("n"), NextToken: aws.String("not-a-token"),
	})
	requireAPIError[*types.InvalidNextTokenException](t, err)
}

func TestUpdateNotificationKeepsSubscribers(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("n", "10"))
	e.createNotification(t, "n", actualOver(80), email("a@example.com"), sns(testTopic))

	newer := &types.Notification{
		NotificationType:   types.NotificationTypeForecasted,
		ComparisonOperator: types.ComparisonOperatorGreaterThan,
		Threshold:          120,
		ThresholdType:      types.ThresholdTypeAbsoluteValue,
	}
	_, err := e.client.UpdateNotification(ctx, &sdk.UpdateNotificationInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String("n"),
		OldNotification: actualOver(80), NewNotification: newer,
	})
	requireNoError(t, err)

	got := e.notifications(t, "n")
	if len(got) != 1 || got[0].NotificationType != types.NotificationTypeForecasted || got[0].Threshold != 120 ||
		got[0].ThresholdType != types.ThresholdTypeAbsoluteValue {
		t.Fatalf("notifications after update = %+v", got)
	}
	if subs := e.subscribers(t, "n", newer); len(subs) != 2 {
		t.Errorf("subscribers moved with the notification: %v", addresses(subs))
	}
	_, err = e.describeSubscribers("n", actualOver(80))
	requireAPIError[*types.NotFoundException](t, err)

	// Updating a notification to itself is allowed.
	_, err = e.client.UpdateNotification(ctx, &sdk.UpdateNotificationInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String("n"), OldNotification: newer, NewNotification: newer,
	})
	requireNoError(t, err)
}

func TestUpdateNotificationErrors(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("n", "10"))
	e.createNotification(t, "n", actualOver(80), email("a@example.com"))
	e.createNotification(t, "n", actualOver(100), email("a@example.com"))
	update := func(budget string, old, new *types.Notification) error {
		_, err := e.client.UpdateNotification(ctx, &sdk.UpdateNotificationInput{
			AccountId: aws.String(testAccount), BudgetName: aws.String(budget), OldNotification: old, NewNotification: new,
		})
		return err
	}
	requireAPIError[*types.NotFoundException](t, update("missing", actualOver(80), actualOver(90)))
	requireAPIError[*types.NotFoundException](t, update("n", actualOver(70), actualOver(90)))
	requireAPIError[*types.DuplicateRecordException](t, update("n", actualOver(80), actualOver(100)))
	requireAPIError[*types.InvalidParameterException](t, update("n", actualOver(80), actualOver(0)))
}

func TestDeleteNotificationRemovesSubscribers(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("n", "10"))
	e.createNotification(t, "n", actualOver(80), email("a@example.com"))
	e.createNotification(t, "n", actualOver(100), email("b@example.com"))
	del := func(n *types.Notification) error {
		_, err := e.client.DeleteNotification(ctx, &sdk.DeleteNotificationInput{
			AccountId: aws.String(testAccount), BudgetName: aws.String("n"), Notification: n,
		})
		return err
	}
	requireNoError(t, del(actualOver(80)))
	if got := e.notifications(t, "n"); len(got) != 1 || got[0].Threshold != 100 {
		t.Errorf("notifications after delete = %+v", got)
	}
	_, err := e.describeSubscribers("n", actualOver(80))
	requireAPIError[*types.NotFoundException](t, err)
	requireAPIError[*types.NotFoundException](t, del(actualOver(80)))

	// Re-creating it starts with only the new subscribers.
	e.createNotification(t, "n", actualOver(80), email("c@example.com"))
	if subs := e.subscribers(t, "n", actualOver(80)); len(subs) != 1 || aws.ToString(subs[0].Address) != "c@example.com" {
		t.Errorf("subscribers of re-created notification = %v", addresses(subs))
	}
}
