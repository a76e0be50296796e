package budgets_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/budgets/types"
)

// subscriberEnv is a budget "s" with one notification at 80% that has one
// email subscriber.
func subscriberEnv(t *testing.T) *env {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("s", "10"))
	e.createNotification(t, "s", actualOver(80), email("first@example.com"))
	return e
}

func (e *env) createSubscriber(budget string, n *types.Notification, sub types.Subscriber) error {
	_, err := e.client.CreateSubscriber(ctx, &sdk.CreateSubscriberInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String(budget), Notification: n, Subscriber: &sub,
	})
	return err
}

func (e *env) updateSubscriber(n *types.Notification, old, new types.Subscriber) error {
	_, err := e.client.UpdateSubscriber(ctx, &sdk.UpdateSubscriberInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String("s"), Notification: n,
		OldSubscriber: &old, NewSubscriber: &new,
	})
	return err
}

func (e *env) deleteSubscriber(n *types.Notification, sub types.Subscriber) error {
	_, err := e.client.DeleteSubscriber(ctx, &sdk.DeleteSubscriberInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String("s"), Notification: n, Subscriber: &sub,
	})
	return err
}

func TestCreateSubscriber(t *testing.T) {
	e := subscriberEnv(t)
	requireNoError(t, e.createSubscriber("s", actualOver(80), sns(testTopic)))
	requireNoError(t, e.createSubscriber("s", actualOver(80), email("second@example.com")))

	got := addresses(e.subscribers(t, "s", actualOver(80)))
	want := []string{"EMAIL:first@example.com", "SNS:" + testTopic, "EMAIL:second@example.com"}
	if !slices.Equal(got, want) {
		t.Errorf("subscribers = %v, want %v", got, want)
	}
}

func TestCreateSubscriberErrors(t *testing.T) {
	e := subscriberEnv(t)
	requireAPIError[*types.NotFoundException](t, e.createSubscriber("missing", actualOver(80), email("a@example.com")))
	requireAPIError[*types.NotFoundException](t, e.createSubscriber("s", actualOver(90), email("a@example.com")))
	requireAPIError[*types.DuplicateRecordException](t, e.createSubscriber("s", actualOver(80), email("first@example.com")))
	requireAPIError[*types.InvalidParameterException](t, e.createSubscriber("s", actualOver(80), email("nobody")))
	requireAPIError[*types.InvalidParameterException](t, e.createSubscriber("s", actualOver(80), sns("arn:aws:sns:us-east-1:123:x")))
	requireAPIError[*types.InvalidParameterException](t, e.createSubscriber("s", actualOver(80),
		types.Subscriber{SubscriptionType: "PAGER", Address: aws.String("a@example.com")}))
}

func TestSubscriberLimits(t *testing.T) {
	e := subscriberEnv(t)
	for i := 2; i <= 10; i++ {
		requireNoError(t, e.createSubscriber("s", actualOver(80), email(fmt.Sprintf("u%d@example.com", i))))
	}
	requireAPIError[*types.CreationLimitExceededException](t, e.createSubscriber("s", actualOver(80), email("u11@example.com")))

	requireNoError(t, e.createSubscriber("s", actualOver(80), sns(testTopic)))
	requireAPIError[*types.CreationLimitExceededException](t,
		e.createSubscriber("s", actualOver(80), sns("arn:aws:sns:us-east-1:123456789012:second")))

	if got := len(e.subscribers(t, "s", actualOver(80))); got != 11 {
		t.Errorf("got %d subscribers, want 11", got)
	}
}

func TestUpdateSubscriber(t *testing.T) {
	e := subscriberEnv(t)
	requireNoError(t, e.createSubscriber("s", actualOver(80), email("second@example.com")))

	requireNoError(t, e.updateSubscriber(actualOver(80), email("first@example.com"), sns(testTopic)))
	got := addresses(e.subscribers(t, "s", actualOver(80)))
	if want := []string{"SNS:" + testTopic, "EMAIL:second@example.com"}; !slices.Equal(got, want) {
		t.Errorf("subscribers = %v, want %v (replaced in place)", got, want)
	}

	// Updating a subscriber to itself is allowed.
	requireNoError(t, e.updateSubscriber(actualOver(80), sns(testTopic), sns(testTopic)))
}

func TestUpdateSubscriberErrors(t *testing.T) {
	e := subscriberEnv(t)
	requireNoError(t, e.createSubscriber("s", actualOver(80), sns(testTopic)))

	requireAPIError[*types.NotFoundException](t, e.updateSubscriber(actualOver(80), email("ghost@example.com"), email("x@example.com")))
	requireAPIError[*types.NotFoundException](t, e.updateSubscriber(actualOver(90), email("first@example.com"), email("x@example.com")))
	requireAPIError[*types.DuplicateRecordException](t, e.updateSubscriber(actualOver(80), email("first@example.com"), sns(testTopic)))
	requireAPIError[*types.InvalidParameterException](t, e.updateSubscriber(actualOver(80), email("first@example.com"), email("bad")))
	// A second SNS topic breaks the quota; UpdateSubscriber reports it as an invalid parameter.
	requireAPIError[*types.InvalidParameterException](t,
		e.updateSubscriber(actualOver(80), email("first@example.com"), sns("arn:aws:sns:us-east-1:123456789012:second")))

	got := addresses(e.subscribers(t, "s", actualOver(80)))
	if want := []string{"EMAIL:first@example.com", "SNS:" + testTopic}; !slices.Equal(got, want) {
		t.Errorf("failed updates changed subscribers: %v", got)
	}
}

func TestDeleteSubscriber(t *testing.T) {
	e := subscriberEnv(t)
	requireNoError(t, e.createSubscriber("s", actualOver(80), sns(testTopic)))
	requireNoError(t, e.deleteSubscriber(actualOver(80), email("first@example.com")))
	if got := addresses(e.subscribers(t, "s", actualOver(80))); !slices.Equal(got, []string{"SNS:" + testTopic}) {
		t.Errorf("subscribers after delete = %v", got)
	}
	requireAPIError[*types.NotFoundException](t, e.deleteSubscriber(actualOver(80), email("first@example.com")))
	requireAPIError[*types.NotFoundException](t, e.deleteSubscriber(actualOver(90), sns(testTopic)))
}

func TestDescribeSubscribersPaginates(t *testing.T) {
	e := subscriberEnv(t)
	want := []string{"EMAIL:first@example.com"}
	for i := 2; i <= 10; i++ {
		addr := fmt.Sprintf("u%d@example.com", i)
		requireNoError(t, e.createSubscriber("s", actualOver(80), email(addr)))
		want = append(want, "EMAIL:"+addr)
	}

	var got []types.Subscriber
	pages := 0
	p := sdk.NewDescribeSubscribersForNotificationPaginator(e.client, &sdk.DescribeSubscribersForNotificationInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String("s"), Notification: actualOver(80),
	}, func(o *sdk.DescribeSubscribersForNotificationPaginatorOptions) { o.Limit = 3 })
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		requireNoError(t, err)
		if len(page.Subscribers) > 3 {
			t.Fatalf("page of %d exceeds MaxResults 3", len(page.Subscribers))
		}
		pages++
		got = append(got, page.Subscribers...)
	}
	if pages != 4 || !slices.Equal(addresses(got), want) {
		t.Errorf("got %d pages %v, want 4 pages %v", pages, addresses(got), want)
	}

	_, err := e.client.DescribeSubscribersForNotification(ctx, &sdk.DescribeSubscribersForNotificationInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String("s"), Notification: actualOver(80), MaxResults: aws.Int32(0),
	})
	requireAPIError[*types.InvalidParameterException](t, err)
	_, err = e.client.DescribeSubscribersForNotification(ctx, &sdk.DescribeSubscribersForNotificationInput{
		AccountId: aws.String(testAccount), BudgetName: aws.String("s"), Notification: actualOver(80), NextToken: aws.String("%%%"),
	})
	requireAPIError[*types.InvalidNextTokenException](t, err)
}
