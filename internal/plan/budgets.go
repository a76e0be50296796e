package plan

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strconv"
)

// Notification identifies a budget notification. AWS has no notification id: these
// four fields are its identity.
type Notification struct {
	Type               string // ACTUAL, FORECASTED
	ComparisonOperator string // GREATER_THAN, LESS_THAN, EQUAL_TO
	Threshold          float64
	ThresholdType      string // PERCENTAGE, ABSOLUTE_VALUE
}

func (n Notification) String() string {
	return fmt.Sprintf("%s %s %s %s", n.Type, n.ComparisonOperator, strconv.FormatFloat(n.Threshold, 'f', -1, 64), n.ThresholdType)
}

// Subscriber is an EMAIL address or an SNS topic.
type Subscriber struct {
	Type    string
	Address string
}

func (s Subscriber) String() string { return s.Type + ":" + s.Address }

// BudgetNotification is a notification with its subscribers.
type BudgetNotification struct {
	Notification
	Subscribers []Subscriber
}

// BudgetDesired is a budget as the spec wants it.
type BudgetDesired struct {
	Name     string
	Limit    string // decimal, compared numerically ("5" equals "5.0")
	Unit     string
	TimeUnit string
	// Tags are the operator's ownership tags.
	Tags          map[string]string
	Notifications []BudgetNotification
}

// BudgetObserved is a budget as read from AWS Budgets.
type BudgetObserved struct {
	Exists        bool
	Limit, Unit   string
	TimeUnit      string
	Tags          map[string]string
	Notifications []BudgetNotification
}

// BudgetChange is one write to AWS Budgets. Budgets' operations need more structure
// than Change carries (a notification is identified by four fields), so they have
// their own type; Change() gives the summary used in events and drift messages.
type BudgetChange struct {
	// Action: CreateBudget, UpdateBudget, TagResource, CreateNotification,
	// UpdateNotification, DeleteNotification, CreateSubscriber, DeleteSubscriber.
	Action string
	Budget string
	// Desired is the whole budget for CreateBudget and UpdateBudget.
	Desired *BudgetDesired
	// Tags for TagResource.
	Tags map[string]string
	// Notification is the notification created, deleted, or given subscribers; for
	// UpdateNotification it is the new one and Old the one it replaces.
	Notification *Notification
	Old          *Notification
	// Subscribers of a new notification (CreateNotification).
	Subscribers []Subscriber
	// Subscriber added or removed (CreateSubscriber, DeleteSubscriber).
	Subscriber *Subscriber
}

// Change is the generic summary of the change. It never holds more than names,
// thresholds and subscriber addresses.
func (c BudgetChange) Change() Change {
	target := "budget " + c.Budget
	switch {
	case c.Old != nil && c.Notification != nil:
		target += " notification " + c.Old.String() + " -> " + c.Notification.String()
	case c.Notification != nil:
		target += " notification " + c.Notification.String()
	}
	if c.Subscriber != nil {
		target += " subscriber " + c.Subscriber.String()
	}
	return Change{Action: c.Action, Target: target, Tags: c.Tags}
}

// BudgetChanges turns budget changes into generic ones for events and drift.
func BudgetChanges(in []BudgetChange) []Change {
	out := make([]Change, 0, len(in))
	for _, c := range in {
		out = append(out, c.Change())
	}
	return out
}

// AmountsEqual compares two decimal amounts numerically: AWS returns "5.0" for "5".
// Amounts that do not parse are equal only when identical.
func AmountsEqual(a, b string) bool {
	ra, okA := new(big.Rat).SetString(a)
	rb, okB := new(big.Rat).SetString(b)
	if !okA || !okB {
		return a == b
	}
	return ra.Cmp(rb) == 0
}

// Budget plans one budget: create it with its notifications and subscribers, or
// update it in place (UpdateBudget keeps the notifications; a budget is never deleted
// and re-created, which would lose its history), add the operator's tags, and
// converge the notifications and their subscribers exactly to the spec.
//
// Notifications are matched by identity first. A desired notification with no match
// is paired with an unmatched observed one of the same type (its threshold or
// operator changed) and updated in place, so its subscribers are kept and only their
// difference is written; what is left is created or deleted.
func Budget(d BudgetDesired, o BudgetObserved) []BudgetChange {
	if !o.Exists {
		dd := d
		return []BudgetChange{{Action: "CreateBudget", Budget: d.Name, Desired: &dd, Tags: d.Tags}}
	}
	var out []BudgetChange
	if !AmountsEqual(d.Limit, o.Limit) || d.TimeUnit != o.TimeUnit || (o.Unit != "" && d.Unit != o.Unit) {
		dd := d
		out = append(out, BudgetChange{Action: "UpdateBudget", Budget: d.Name, Desired: &dd})
	}
	missing := map[string]string{}
	for k, v := range d.Tags {
		if o.Tags[k] != v {
			missing[k] = v
		}
	}
	if len(missing) > 0 {
		out = append(out, BudgetChange{Action: "TagResource", Budget: d.Name, Tags: missing})
	}

	var unmatchedD []BudgetNotification
	matchedO := make([]bool, len(o.Notifications))
	type pair struct{ d, o BudgetNotification }
	var pairs []pair
	for _, dn := range d.Notifications {
		i := slices.IndexFunc(o.Notifications, func(on BudgetNotification) bool { return on.Notification == dn.Notification })
		if i < 0 {
			unmatchedD = append(unmatchedD, dn)
			continue
		}
		matchedO[i] = true
		pairs = append(pairs, pair{dn, o.Notifications[i]})
	}
	var unmatchedO []BudgetNotification
	for i, on := range o.Notifications {
		if !matchedO[i] {
			unmatchedO = append(unmatchedO, on)
		}
	}
	var creates []BudgetNotification
	for _, dn := range unmatchedD {
		i := slices.IndexFunc(unmatchedO, func(on BudgetNotification) bool { return on.Type == dn.Type })
		if i < 0 {
			creates = append(creates, dn)
			continue
		}
		on := unmatchedO[i]
		unmatchedO = slices.Delete(unmatchedO, i, i+1)
		oldN, newN := on.Notification, dn.Notification
		out = append(out, BudgetChange{Action: "UpdateNotification", Budget: d.Name, Old: &oldN, Notification: &newN})
		pairs = append(pairs, pair{dn, on})
	}
	// Deletions first: AWS allows five notifications per budget, so room is made
	// before anything is added.
	for _, on := range unmatchedO {
		n := on.Notification
		out = append(out, BudgetChange{Action: "DeleteNotification", Budget: d.Name, Notification: &n})
	}
	for _, p := range pairs {
		n := p.d.Notification
		out = append(out, subscriberChanges(d.Name, n, p.d.Subscribers, p.o.Subscribers)...)
	}
	for _, dn := range creates {
		n := dn.Notification
		out = append(out, BudgetChange{Action: "CreateNotification", Budget: d.Name, Notification: &n, Subscribers: sortedSubscribers(dn.Subscribers)})
	}
	return out
}

// subscriberChanges converges one notification's subscribers exactly. Removals come
// first (a notification allows one SNS topic and ten addresses), but never the last
// one before an addition: AWS refuses to remove a notification's only subscriber.
func subscriberChanges(budget string, n Notification, desired, observed []Subscriber) []BudgetChange {
	var adds, removes []BudgetChange
	for _, s := range sortedSubscribers(desired) {
		if !slices.Contains(observed, s) {
			s := s
			adds = append(adds, BudgetChange{Action: "CreateSubscriber", Budget: budget, Notification: &n, Subscriber: &s})
		}
	}
	for _, s := range sortedSubscribers(observed) {
		if !slices.Contains(desired, s) {
			s := s
			removes = append(removes, BudgetChange{Action: "DeleteSubscriber", Budget: budget, Notification: &n, Subscriber: &s})
		}
	}
	if len(removes) > 0 && len(removes) == len(observed) && len(adds) > 0 {
		// Every current subscriber goes: add one new subscriber first so the
		// notification is never left without any.
		return append(append(adds[:1:1], removes...), adds[1:]...)
	}
	return append(removes, adds...)
}

func sortedSubscribers(in []Subscriber) []Subscriber {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b Subscriber) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Address, b.Address))
	})
	return slices.Compact(out)
}

// StaleBudgets are the budgets to delete because the spec no longer names them: only
// budgets this baseline recorded as its own (the controller checks their ownership
// tags again before deleting).
func StaleBudgets(managed, desired []string) []string {
	var out []string
	for _, b := range sortedUnique(managed) {
		if !slices.Contains(desired, b) {
			out = append(out, b)
		}
	}
	return out
}
