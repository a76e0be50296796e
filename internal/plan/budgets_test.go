package plan

import (
	"reflect"
	"testing"
)

func budgetActions(cs []BudgetChange) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Change().String())
	}
	return out
}

var (
	ownTags = map[string]string{"iam.baseline.dev/managed-by": "iam-baseline-operator", "iam.baseline.dev/owner": "AccountBaseline//a"}
	n80     = Notification{Type: "ACTUAL", ComparisonOperator: "GREATER_THAN", Threshold: 80, ThresholdType: "PERCENTAGE"}
	n100F   = Notification{Type: "FORECASTED", ComparisonOperator: "GREATER_THAN", Threshold: 100, ThresholdType: "PERCENTAGE"}
	ops     = Subscriber{Type: "EMAIL", Address: "ops@example.com"}
	fin     = Subscriber{Type: "EMAIL", Address: "fin@example.com"}
	topic   = Subscriber{Type: "SNS", Address: "arn:aws:sns:us-east-1:111111111111:t"}
)

func desiredBudget() BudgetDesired {
	return BudgetDesired{Name: "monthly", Limit: "5", Unit: "USD", TimeUnit: "MONTHLY", Tags: ownTags, Notifications: []BudgetNotification{
		{Notification: n80, Subscribers: []Subscriber{ops}},
		{Notification: n100F, Subscribers: []Subscriber{fin, topic}},
	}}
}

func steadyBudget() BudgetObserved {
	return BudgetObserved{Exists: true, Limit: "5.0", Unit: "USD", TimeUnit: "MONTHLY", Tags: ownTags, Notifications: []BudgetNotification{
		{Notification: n100F, Subscribers: []Subscriber{topic, fin}},
		{Notification: n80, Subscribers: []Subscriber{ops}},
	}}
}

func TestAmountsEqual(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{{"5", "5.0", true}, {"250.50", "250.5", true}, {"5", "5.01", false}, {"x", "x", true}, {"x", "5", false}} {
		if got := AmountsEqual(tc.a, tc.b); got != tc.want {
			t.Errorf("AmountsEqual(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func TestBudgetCreate(t *testing.T) {
	got := Budget(desiredBudget(), BudgetObserved{})
	if len(got) != 1 || got[0].Action != "CreateBudget" || got[0].Desired == nil || len(got[0].Desired.Notifications) != 2 || !reflect.DeepEqual(got[0].Tags, ownTags) {
		t.Errorf("create: %+v", got)
	}
}

func TestBudgetSteadyState(t *testing.T) {
	// "5" against "5.0", notifications and subscribers in another order: no change.
	if got := Budget(desiredBudget(), steadyBudget()); len(got) != 0 {
		t.Errorf("steady: %v", budgetActions(got))
	}
}

func TestBudgetUpdateInPlace(t *testing.T) {
	d := desiredBudget()
	d.Limit = "7.5"
	got := Budget(d, steadyBudget())
	if len(got) != 1 || got[0].Action != "UpdateBudget" || got[0].Desired.Limit != "7.5" {
		t.Errorf("limit: %v", budgetActions(got))
	}
	d = desiredBudget()
	d.TimeUnit = "DAILY"
	if got := budgetActions(Budget(d, steadyBudget())); !reflect.DeepEqual(got, []string{"UpdateBudget budget monthly"}) {
		t.Errorf("time unit: %v", got)
	}
}

func TestBudgetTags(t *testing.T) {
	o := steadyBudget()
	o.Tags = map[string]string{"iam.baseline.dev/managed-by": "iam-baseline-operator", "iam.baseline.dev/owner": "AccountBaseline//old", "cost-center": "x"}
	got := Budget(desiredBudget(), o)
	if len(got) != 1 || got[0].Action != "TagResource" || !reflect.DeepEqual(got[0].Tags, map[string]string{"iam.baseline.dev/owner": "AccountBaseline//a"}) {
		t.Errorf("tags: %+v", got)
	}
}

func TestBudgetSubscribersExact(t *testing.T) {
	d := desiredBudget()
	other := Subscriber{Type: "EMAIL", Address: "oncall@example.com"}
	d.Notifications[0].Subscribers = []Subscriber{other} // replace ops by oncall
	d.Notifications[1].Subscribers = []Subscriber{fin}   // drop the topic
	got := budgetActions(Budget(d, steadyBudget()))
	want := []string{
		"CreateSubscriber budget monthly notification ACTUAL GREATER_THAN 80 PERCENTAGE subscriber EMAIL:oncall@example.com",
		"DeleteSubscriber budget monthly notification ACTUAL GREATER_THAN 80 PERCENTAGE subscriber EMAIL:ops@example.com",
		"DeleteSubscriber budget monthly notification FORECASTED GREATER_THAN 100 PERCENTAGE subscriber SNS:arn:aws:sns:us-east-1:111111111111:t",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("subscribers:\n got %q\nwant %q", got, want)
	}
}

func TestBudgetNotificationChanges(t *testing.T) {
	d := desiredBudget()
	n90 := n80
	n90.Threshold = 90
	d.Notifications[0].Notification = n90 // threshold changed: updated in place
	got := budgetActions(Budget(d, steadyBudget()))
	want := []string{"UpdateNotification budget monthly notification ACTUAL GREATER_THAN 80 PERCENTAGE -> ACTUAL GREATER_THAN 90 PERCENTAGE"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("threshold: %q", got)
	}

	d = desiredBudget()
	d.Notifications = d.Notifications[1:] // the ACTUAL one goes
	absolute := Notification{Type: "FORECASTED", ComparisonOperator: "GREATER_THAN", Threshold: 50, ThresholdType: "ABSOLUTE_VALUE"}
	d.Notifications = append(d.Notifications, BudgetNotification{Notification: absolute, Subscribers: []Subscriber{ops}})
	got = budgetActions(Budget(d, steadyBudget()))
	want = []string{
		"DeleteNotification budget monthly notification ACTUAL GREATER_THAN 80 PERCENTAGE",
		"CreateNotification budget monthly notification FORECASTED GREATER_THAN 50 ABSOLUTE_VALUE",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("add/remove: %q", got)
	}
}

func TestSubscriberNeverEmpty(t *testing.T) {
	// Every subscriber replaced: one addition comes before the removals.
	got := subscriberChanges("b", n80, []Subscriber{fin, topic}, []Subscriber{ops})
	var acts []string
	for _, c := range got {
		acts = append(acts, c.Action+" "+c.Subscriber.String())
	}
	want := []string{"CreateSubscriber EMAIL:fin@example.com", "DeleteSubscriber EMAIL:ops@example.com", "CreateSubscriber SNS:arn:aws:sns:us-east-1:111111111111:t"}
	if !reflect.DeepEqual(acts, want) {
		t.Errorf("got %q, want %q", acts, want)
	}
}

func TestStaleBudgets(t *testing.T) {
	if got := StaleBudgets([]string{"old", "monthly"}, []string{"monthly"}); !reflect.DeepEqual(got, []string{"old"}) {
		t.Errorf("StaleBudgets = %v", got)
	}
}
