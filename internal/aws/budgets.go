package aws

import (
	"context"
	"fmt"
	"slices"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	btypes "github.com/aws/aws-sdk-go-v2/service/budgets/types"

	"github.com/iam-baseline/operator/internal/plan"
)

// Budgets reads and writes AWS Budgets cost budgets of one account.
type Budgets struct {
	c                    *budgets.Client
	accountID, partition string
}

// NewBudgets returns the Budgets service of an account.
func NewBudgets(c *Clients) *Budgets {
	return &Budgets{c: c.Budgets, accountID: c.AccountID, partition: partitionOrAWS(c.Partition)}
}

func partitionOrAWS(p string) string {
	if p == "" {
		return "aws"
	}
	return p
}

// ARN is the budget's ARN, used for tagging.
func (b *Budgets) ARN(name string) string {
	return "arn:" + b.partition + ":budgets::" + b.accountID + ":budget/" + name
}

// Spend is a budget's calculated spend.
type Spend struct{ Actual, Forecasted string }

// Observe reads a budget, its tags, notifications and subscribers. A missing budget
// is Exists=false.
func (b *Budgets) Observe(ctx context.Context, name string) (plan.BudgetObserved, Spend, error) {
	out, err := b.c.DescribeBudget(ctx, &budgets.DescribeBudgetInput{AccountId: &b.accountID, BudgetName: &name})
	if IsNotFound(err) {
		return plan.BudgetObserved{}, Spend{}, nil
	}
	if err != nil {
		return plan.BudgetObserved{}, Spend{}, err
	}
	bu := out.Budget
	o := plan.BudgetObserved{Exists: true, TimeUnit: string(bu.TimeUnit)}
	if bu.BudgetLimit != nil {
		o.Limit, o.Unit = awssdk.ToString(bu.BudgetLimit.Amount), awssdk.ToString(bu.BudgetLimit.Unit)
	}
	var sp Spend
	if cs := bu.CalculatedSpend; cs != nil {
		if cs.ActualSpend != nil {
			sp.Actual = awssdk.ToString(cs.ActualSpend.Amount)
		}
		if cs.ForecastedSpend != nil {
			sp.Forecasted = awssdk.ToString(cs.ForecastedSpend.Amount)
		}
	}
	if o.Tags, err = b.Tags(ctx, name); err != nil {
		return o, sp, err
	}
	np := budgets.NewDescribeNotificationsForBudgetPaginator(b.c, &budgets.DescribeNotificationsForBudgetInput{AccountId: &b.accountID, BudgetName: &name})
	for np.HasMorePages() {
		page, err := np.NextPage(ctx)
		if IsNotFound(err) {
			break // AWS answers NotFound for a budget without notifications
		}
		if err != nil {
			return o, sp, err
		}
		for _, n := range page.Notifications {
			subs, err := b.subscribers(ctx, name, n)
			if err != nil {
				return o, sp, err
			}
			o.Notifications = append(o.Notifications, plan.BudgetNotification{Notification: fromNotification(n), Subscribers: subs})
		}
	}
	return o, sp, nil
}

// Tags returns the budget's resource tags.
func (b *Budgets) Tags(ctx context.Context, name string) (map[string]string, error) {
	arn := b.ARN(name)
	out, err := b.c.ListTagsForResource(ctx, &budgets.ListTagsForResourceInput{ResourceARN: &arn})
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(out.ResourceTags))
	for _, t := range out.ResourceTags {
		m[awssdk.ToString(t.Key)] = awssdk.ToString(t.Value)
	}
	return m, nil
}

func (b *Budgets) subscribers(ctx context.Context, name string, n btypes.Notification) ([]plan.Subscriber, error) {
	var out []plan.Subscriber
	p := budgets.NewDescribeSubscribersForNotificationPaginator(b.c, &budgets.DescribeSubscribersForNotificationInput{AccountId: &b.accountID, BudgetName: &name, Notification: &n})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if IsNotFound(err) {
			break
		}
		if err != nil {
			return nil, err
		}
		for _, s := range page.Subscribers {
			out = append(out, plan.Subscriber{Type: string(s.SubscriptionType), Address: awssdk.ToString(s.Address)})
		}
	}
	return out, nil
}

func fromNotification(n btypes.Notification) plan.Notification {
	return plan.Notification{
		Type: string(n.NotificationType), ComparisonOperator: string(n.ComparisonOperator),
		Threshold: n.Threshold, ThresholdType: string(n.ThresholdType),
	}
}

func toNotification(n *plan.Notification) *btypes.Notification {
	if n == nil {
		return nil
	}
	return &btypes.Notification{
		NotificationType: btypes.NotificationType(n.Type), ComparisonOperator: btypes.ComparisonOperator(n.ComparisonOperator),
		Threshold: n.Threshold, ThresholdType: btypes.ThresholdType(n.ThresholdType),
	}
}

func toSubscriber(s plan.Subscriber) btypes.Subscriber {
	return btypes.Subscriber{SubscriptionType: btypes.SubscriptionType(s.Type), Address: awssdk.String(s.Address)}
}

func toSubscribers(in []plan.Subscriber) []btypes.Subscriber {
	out := make([]btypes.Subscriber, 0, len(in))
	for _, s := range in {
		out = append(out, toSubscriber(s))
	}
	return out
}

func budgetTags(m map[string]string) []btypes.ResourceTag {
	out := make([]btypes.ResourceTag, 0, len(m))
	for _, k := range sortedTagKeys(m) {
		out = append(out, btypes.ResourceTag{Key: awssdk.String(k), Value: awssdk.String(m[k])})
	}
	return out
}

func sortedTagKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Apply makes one planned budget change.
func (b *Budgets) Apply(ctx context.Context, ch plan.BudgetChange) error {
	acct, name := &b.accountID, &ch.Budget
	var err error
	switch ch.Action {
	case "CreateBudget":
		d := ch.Desired
		in := &budgets.CreateBudgetInput{AccountId: acct, ResourceTags: budgetTags(d.Tags), Budget: &btypes.Budget{
			BudgetName: name, BudgetType: btypes.BudgetTypeCost, TimeUnit: btypes.TimeUnit(d.TimeUnit),
			BudgetLimit: &btypes.Spend{Amount: awssdk.String(d.Limit), Unit: awssdk.String(d.Unit)},
		}}
		for _, n := range d.Notifications {
			in.NotificationsWithSubscribers = append(in.NotificationsWithSubscribers, btypes.NotificationWithSubscribers{
				Notification: toNotification(&n.Notification), Subscribers: toSubscribers(n.Subscribers),
			})
		}
		_, err = b.c.CreateBudget(ctx, in)
	case "UpdateBudget":
		err = b.update(ctx, ch.Desired)
	case "TagResource":
		arn := b.ARN(ch.Budget)
		_, err = b.c.TagResource(ctx, &budgets.TagResourceInput{ResourceARN: &arn, ResourceTags: budgetTags(ch.Tags)})
	case "CreateNotification":
		_, err = b.c.CreateNotification(ctx, &budgets.CreateNotificationInput{AccountId: acct, BudgetName: name, Notification: toNotification(ch.Notification), Subscribers: toSubscribers(ch.Subscribers)})
	case "UpdateNotification":
		_, err = b.c.UpdateNotification(ctx, &budgets.UpdateNotificationInput{AccountId: acct, BudgetName: name, OldNotification: toNotification(ch.Old), NewNotification: toNotification(ch.Notification)})
	case "DeleteNotification":
		_, err = b.c.DeleteNotification(ctx, &budgets.DeleteNotificationInput{AccountId: acct, BudgetName: name, Notification: toNotification(ch.Notification)})
		if IsNotFound(err) {
			err = nil
		}
	case "CreateSubscriber":
		s := toSubscriber(*ch.Subscriber)
		_, err = b.c.CreateSubscriber(ctx, &budgets.CreateSubscriberInput{AccountId: acct, BudgetName: name, Notification: toNotification(ch.Notification), Subscriber: &s})
	case "DeleteSubscriber":
		s := toSubscriber(*ch.Subscriber)
		_, err = b.c.DeleteSubscriber(ctx, &budgets.DeleteSubscriberInput{AccountId: acct, BudgetName: name, Notification: toNotification(ch.Notification), Subscriber: &s})
		if IsNotFound(err) {
			err = nil
		}
	default:
		return fmt.Errorf("unknown budget change %q", ch.Action)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", ch.Change(), err)
	}
	return nil
}

// update changes the limit and time unit in place. The budget is read again so the
// rest of its definition (cost types, filters, time period) is sent back unchanged;
// the time period is dropped only when the time unit changes, so AWS picks the
// period of the new unit.
func (b *Budgets) update(ctx context.Context, d *plan.BudgetDesired) error {
	out, err := b.c.DescribeBudget(ctx, &budgets.DescribeBudgetInput{AccountId: &b.accountID, BudgetName: &d.Name})
	if err != nil {
		return err
	}
	nb := *out.Budget
	nb.CalculatedSpend = nil
	nb.LastUpdatedTime = nil
	if string(nb.TimeUnit) != d.TimeUnit {
		nb.TimePeriod = nil
	}
	nb.TimeUnit = btypes.TimeUnit(d.TimeUnit)
	nb.BudgetLimit = &btypes.Spend{Amount: awssdk.String(d.Limit), Unit: awssdk.String(d.Unit)}
	_, err = b.c.UpdateBudget(ctx, &budgets.UpdateBudgetInput{AccountId: &b.accountID, NewBudget: &nb})
	return err
}

// Delete deletes a budget; its notifications and subscribers go with it. One
// already gone is fine.
func (b *Budgets) Delete(ctx context.Context, name string) error {
	_, err := b.c.DeleteBudget(ctx, &budgets.DeleteBudgetInput{AccountId: &b.accountID, BudgetName: &name})
	if IsNotFound(err) {
		return nil
	}
	return err
}
