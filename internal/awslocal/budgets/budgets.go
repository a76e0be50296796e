package budgets

type createBudgetRequest struct {
	accountScoped
	Budget                       *budget                       `json:"Budget"`
	NotificationsWithSubscribers []notificationWithSubscribers `json:"NotificationsWithSubscribers"`
	ResourceTags                 []resourceTag                 `json:"ResourceTags"`
}

type describeBudgetRequest struct {
	accountScoped
	BudgetName           string `json:"BudgetName"`
	ShowFilterExpression bool   `json:"ShowFilterExpression"`
}

type describeBudgetsRequest struct {
	accountScoped
	MaxResults           *int32  `json:"MaxResults"`
	NextToken            *string `json:"NextToken"`
	ShowFilterExpression bool    `json:"ShowFilterExpression"`
}

type updateBudgetRequest struct {
	accountScoped
	NewBudget *budget `json:"NewBudget"`
}

type deleteBudgetRequest struct {
	accountScoped
	BudgetName string `json:"BudgetName"`
}

func createBudget(s *Service, acct *account, req *createBudgetRequest) (any, error) {
	if req.Budget == nil {
		return nil, errInvalidParameter("Budget is required")
	}
	if err := s.normaliseBudget(req.Budget, nil); err != nil {
		return nil, err
	}
	notifications, err := newNotificationRecords(req.NotificationsWithSubscribers)
	if err != nil {
		return nil, err
	}
	tags, err := mergeTags(nil, req.ResourceTags)
	if err != nil {
		return nil, err
	}
	name := req.Budget.BudgetName
	if _, exists := acct.budgets[name]; exists {
		return nil, errDuplicate("Error creating budget: %s - the budget already exists.", name)
	}
	acct.budgets[name] = &budgetRecord{spec: *req.Budget, notifications: notifications, tags: tags}
	return empty{}, nil
}

// newNotificationRecords validates the notifications given to CreateBudget as a
// whole before anything is stored, so a bad one leaves no half-made budget.
func newNotificationRecords(in []notificationWithSubscribers) ([]*notificationRecord, error) {
	if len(in) > maxNotificationsPerBudget {
		return nil, errCreationLimit("a budget can have at most %d notifications", maxNotificationsPerBudget)
	}
	out := make([]*notificationRecord, 0, len(in))
	for _, nws := range in {
		rec, err := newNotificationRecord(nws.Notification, nws.Subscribers)
		if err != nil {
			return nil, err
		}
		for _, prev := range out {
			if prev.spec.key() == rec.spec.key() {
				return nil, errInvalidParameter("notification %s %s %v %s is listed twice",
					rec.spec.NotificationType, rec.spec.ComparisonOperator, rec.spec.Threshold, rec.spec.ThresholdType)
			}
		}
		out = append(out, rec)
	}
	return out, nil
}

func describeBudget(_ *Service, acct *account, req *describeBudgetRequest) (any, error) {
	b, err := acct.budget(req.BudgetName)
	if err != nil {
		return nil, err
	}
	return struct {
		Budget budget `json:"Budget"`
	}{b.view(req.ShowFilterExpression)}, nil
}

func describeBudgets(_ *Service, acct *account, req *describeBudgetsRequest) (any, error) {
	page, next, err := paginate(acct.sortedBudgets(), req.NextToken, req.MaxResults, budgetPages)
	if err != nil {
		return nil, err
	}
	out := make([]budget, len(page))
	for i, b := range page {
		out[i] = b.view(req.ShowFilterExpression)
	}
	return struct {
		Budgets   []budget `json:"Budgets"`
		NextToken *string  `json:"NextToken,omitempty"`
	}{out, next}, nil
}

// updateBudget replaces the budget's definition in place. Its notifications,
// subscribers and tags are untouched: AWS keeps them, and a controller that
// updates a limit must not lose the alerts.
func updateBudget(s *Service, acct *account, req *updateBudgetRequest) (any, error) {
	if req.NewBudget == nil {
		return nil, errInvalidParameter("NewBudget is required")
	}
	b, err := acct.budget(req.NewBudget.BudgetName)
	if err != nil {
		return nil, err
	}
	if err := s.normaliseBudget(req.NewBudget, &b.spec); err != nil {
		return nil, err
	}
	b.spec = *req.NewBudget
	return empty{}, nil
}

func deleteBudget(_ *Service, acct *account, req *deleteBudgetRequest) (any, error) {
	if _, err := acct.budget(req.BudgetName); err != nil {
		return nil, err
	}
	delete(acct.budgets, req.BudgetName) // notifications, subscribers and tags go with it
	return empty{}, nil
}

// view is the budget as Describe* returns it. FilterExpression is only shown on
// request, as in AWS.
func (b *budgetRecord) view(showFilterExpression bool) budget {
	v := b.spec
	if !showFilterExpression {
		v.FilterExpression = nil
	}
	return v
}
