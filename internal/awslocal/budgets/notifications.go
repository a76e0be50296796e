package budgets

import "slices"

type createNotificationRequest struct {
	accountScoped
	BudgetName   string        `json:"BudgetName"`
	Notification *notification `json:"Notification"`
	Subscribers  []subscriber  `json:"Subscribers"`
}

type updateNotificationRequest struct {
	accountScoped
	BudgetName      string        `json:"BudgetName"`
	OldNotification *notification `json:"OldNotification"`
	NewNotification *notification `json:"NewNotification"`
}

type deleteNotificationRequest struct {
	accountScoped
	BudgetName   string        `json:"BudgetName"`
	Notification *notification `json:"Notification"`
}

type describeNotificationsForBudgetRequest struct {
	accountScoped
	BudgetName string  `json:"BudgetName"`
	MaxResults *int32  `json:"MaxResults"`
	NextToken  *string `json:"NextToken"`
}

// newNotificationRecord validates a notification with its initial subscribers;
// CreateBudget and CreateNotification share it so both apply the same rules.
func newNotificationRecord(n *notification, subs []subscriber) (*notificationRecord, error) {
	if err := validateNotification(n); err != nil {
		return nil, err
	}
	if err := validateSubscriberList(subs); err != nil {
		return nil, err
	}
	if msg := subscriberLimitExceeded(subs); msg != "" {
		return nil, errCreationLimit("%s", msg)
	}
	n.NotificationState = "OK"
	return &notificationRecord{spec: *n, subscribers: subs}, nil
}

func createNotification(_ *Service, acct *account, req *createNotificationRequest) (any, error) {
	b, err := acct.budget(req.BudgetName)
	if err != nil {
		return nil, err
	}
	rec, err := newNotificationRecord(req.Notification, req.Subscribers)
	if err != nil {
		return nil, err
	}
	if b.notificationIndex(rec.spec) >= 0 {
		return nil, errDuplicate("Error creating notification for budget %s - the notification already exists.", b.spec.BudgetName)
	}
	if len(b.notifications) >= maxNotificationsPerBudget {
		return nil, errCreationLimit("budget %s already has %d notifications", b.spec.BudgetName, maxNotificationsPerBudget)
	}
	b.notifications = append(b.notifications, rec)
	return empty{}, nil
}

// updateNotification changes a notification's identifying fields in place; its
// subscribers stay with it.
func updateNotification(_ *Service, acct *account, req *updateNotificationRequest) (any, error) {
	b, rec, err := acct.lookupNotification(req.BudgetName, req.OldNotification)
	if err != nil {
		return nil, err
	}
	if err := validateNotification(req.NewNotification); err != nil {
		return nil, err
	}
	newKey := req.NewNotification.key()
	if newKey != rec.spec.key() && b.notificationIndex(*req.NewNotification) >= 0 {
		return nil, errDuplicate("Error updating notification for budget %s - the new notification already exists.", b.spec.BudgetName)
	}
	req.NewNotification.NotificationState = rec.spec.NotificationState
	rec.spec = *req.NewNotification
	return empty{}, nil
}

func deleteNotification(_ *Service, acct *account, req *deleteNotificationRequest) (any, error) {
	b, rec, err := acct.lookupNotification(req.BudgetName, req.Notification)
	if err != nil {
		return nil, err
	}
	b.notifications = slices.DeleteFunc(b.notifications, func(r *notificationRecord) bool { return r == rec })
	return empty{}, nil
}

func describeNotificationsForBudget(_ *Service, acct *account, req *describeNotificationsForBudgetRequest) (any, error) {
	b, err := acct.budget(req.BudgetName)
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(b.notifications, req.NextToken, req.MaxResults, childPages)
	if err != nil {
		return nil, err
	}
	out := make([]notification, len(page))
	for i, rec := range page {
		out[i] = rec.spec
	}
	return struct {
		Notifications []notification `json:"Notifications"`
		NextToken     *string        `json:"NextToken,omitempty"`
	}{out, next}, nil
}

// lookupNotification resolves a (budget, notification) pair named in a request.
// The notification is validated first, which also fills its default
// ThresholdType so it matches the stored one.
func (a *account) lookupNotification(budgetName string, n *notification) (*budgetRecord, *notificationRecord, error) {
	b, err := a.budget(budgetName)
	if err != nil {
		return nil, nil, err
	}
	if err := validateNotification(n); err != nil {
		return nil, nil, err
	}
	rec, err := b.notification(*n)
	if err != nil {
		return nil, nil, err
	}
	return b, rec, nil
}
