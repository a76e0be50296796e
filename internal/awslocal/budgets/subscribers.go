package budgets

import "slices"

type createSubscriberRequest struct {
	accountScoped
	BudgetName   string        `json:"BudgetName"`
	Notification *notification `json:"Notification"`
	Subscriber   *subscriber   `json:"Subscriber"`
}

type updateSubscriberRequest struct {
	accountScoped
	BudgetName    string        `json:"BudgetName"`
	Notification  *notification `json:"Notification"`
	OldSubscriber *subscriber   `json:"OldSubscriber"`
	NewSubscriber *subscriber   `json:"NewSubscriber"`
}

type deleteSubscriberRequest struct {
	accountScoped
	BudgetName   string        `json:"BudgetName"`
	Notification *notification `json:"Notification"`
	Subscriber   *subscriber   `json:"Subscriber"`
}

type describeSubscribersForNotificationRequest struct {
	accountScoped
	BudgetName   string        `json:"BudgetName"`
	Notification *notification `json:"Notification"`
	MaxResults   *int32        `json:"MaxResults"`
	NextToken    *string       `json:"NextToken"`
}

func createSubscriber(_ *Service, acct *account, req *createSubscriberRequest) (any, error) {
	_, rec, err := acct.lookupNotification(req.BudgetName, req.Notification)
	if err != nil {
		return nil, err
	}
	sub, err := requireSubscriber("Subscriber", req.Subscriber)
	if err != nil {
		return nil, err
	}
	if rec.subscriberIndex(sub) >= 0 {
		return nil, errDuplicate("Error creating subscriber %s %s - the subscriber already exists.", sub.SubscriptionType, sub.Address)
	}
	if msg := subscriberLimitExceeded(append(slices.Clone(rec.subscribers), sub)); msg != "" {
		return nil, errCreationLimit("%s", msg)
	}
	rec.subscribers = append(rec.subscribers, sub)
	return empty{}, nil
}

// updateSubscriber replaces one subscriber with another in the same position.
func updateSubscriber(_ *Service, acct *account, req *updateSubscriberRequest) (any, error) {
	_, rec, i, err := acct.lookupSubscriber(req.BudgetName, req.Notification, req.OldSubscriber, "OldSubscriber")
	if err != nil {
		return nil, err
	}
	sub, err := requireSubscriber("NewSubscriber", req.NewSubscriber)
	if err != nil {
		return nil, err
	}
	if j := rec.subscriberIndex(sub); j >= 0 && j != i {
		return nil, errDuplicate("Error updating subscriber %s %s - the new subscriber already exists.", sub.SubscriptionType, sub.Address)
	}
	updated := slices.Clone(rec.subscribers) // only stored once it passes the quota
	updated[i] = sub
	// UpdateSubscriber's model has no CreationLimitExceededException, so turning
	// an email subscriber into a second SNS topic is an invalid parameter.
	if msg := subscriberLimitExceeded(updated); msg != "" {
		return nil, errInvalidParameter("%s", msg)
	}
	rec.subscribers = updated
	return empty{}, nil
}

func deleteSubscriber(_ *Service, acct *account, req *deleteSubscriberRequest) (any, error) {
	_, rec, i, err := acct.lookupSubscriber(req.BudgetName, req.Notification, req.Subscriber, "Subscriber")
	if err != nil {
		return nil, err
	}
	rec.subscribers = slices.Delete(rec.subscribers, i, i+1)
	return empty{}, nil
}

func describeSubscribersForNotification(_ *Service, acct *account, req *describeSubscribersForNotificationRequest) (any, error) {
	_, rec, err := acct.lookupNotification(req.BudgetName, req.Notification)
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(rec.subscribers, req.NextToken, req.MaxResults, childPages)
	if err != nil {
		return nil, err
	}
	return struct {
		Subscribers []subscriber `json:"Subscribers"`
		NextToken   *string      `json:"NextToken,omitempty"`
	}{page, next}, nil
}

func requireSubscriber(field string, s *subscriber) (subscriber, error) {
	if s == nil {
		return subscriber{}, errInvalidParameter("%s is required", field)
	}
	return *s, validateSubscriber(*s)
}

// lookupSubscriber resolves a subscriber named in a request to its notification
// and its index there.
func (a *account) lookupSubscriber(budgetName string, n *notification, s *subscriber, field string) (*budgetRecord, *notificationRecord, int, error) {
	b, rec, err := a.lookupNotification(budgetName, n)
	if err != nil {
		return nil, nil, 0, err
	}
	sub, err := requireSubscriber(field, s)
	if err != nil {
		return nil, nil, 0, err
	}
	i := rec.subscriberIndex(sub)
	if i < 0 {
		return nil, nil, 0, errNotFound("Unable to get subscriber %s %s for budget %s - the subscriber doesn't exist.",
			sub.SubscriptionType, sub.Address, b.spec.BudgetName)
	}
	return b, rec, i, nil
}
