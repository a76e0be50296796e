package budgets

import (
	"slices"
	"sort"
)

// account is one AWS account's Budgets state.
type account struct {
	id      string
	budgets map[string]*budgetRecord
}

// budgetRecord is a budget with what hangs off it. Notifications and tags live
// here rather than beside it so UpdateBudget keeps them and DeleteBudget drops
// them without any bookkeeping.
type budgetRecord struct {
	spec          budget
	notifications []*notificationRecord // creation order, as AWS lists them
	tags          map[string]string
}

type notificationRecord struct {
	spec        notification
	subscribers []subscriber // creation order
}

// account returns the caller's state, creating it on first use. Callers hold s.mu.
func (s *Service) account(id string) *account {
	a, ok := s.accounts[id]
	if !ok {
		a = &account{id: id, budgets: map[string]*budgetRecord{}}
		s.accounts[id] = a
	}
	return a
}

func (a *account) budget(name string) (*budgetRecord, error) {
	if name == "" {
		return nil, errInvalidParameter("BudgetName is required")
	}
	b, ok := a.budgets[name]
	if !ok {
		return nil, errNotFound("Unable to get budget: %s - the budget doesn't exist.", name)
	}
	return b, nil
}

// sortedBudgets lists budgets by name, so pages are stable between calls.
func (a *account) sortedBudgets() []*budgetRecord {
	out := make([]*budgetRecord, 0, len(a.budgets))
	for _, b := range a.budgets {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].spec.BudgetName < out[j].spec.BudgetName })
	return out
}

// notificationKey is what identifies a notification within a budget: AWS has no
// notification ID, callers name one by these four fields.
type notificationKey struct {
	notificationType, comparisonOperator, thresholdType string
	threshold                                           float64
}

func (n notification) key() notificationKey {
	return notificationKey{n.NotificationType, n.ComparisonOperator, n.ThresholdType, n.Threshold}
}

func (b *budgetRecord) notificationIndex(n notification) int {
	return slices.IndexFunc(b.notifications, func(r *notificationRecord) bool { return r.spec.key() == n.key() })
}

func (b *budgetRecord) notification(n notification) (*notificationRecord, error) {
	i := b.notificationIndex(n)
	if i < 0 {
		return nil, errNotFound("Unable to get notification %s %s %v %s for budget %s - the notification doesn't exist.",
			n.NotificationType, n.ComparisonOperator, n.Threshold, n.ThresholdType, b.spec.BudgetName)
	}
	return b.notifications[i], nil
}

// subscriberIndex finds a subscriber by its identity, (SubscriptionType, Address).
func (n *notificationRecord) subscriberIndex(sub subscriber) int {
	return slices.Index(n.subscribers, sub)
}
