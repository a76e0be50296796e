package budgets

import (
	"regexp"
	"strings"
	"time"
)

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

var (
	// Budget names may not contain ':' or '\' (they would break the ARN).
	budgetNamePattern = regexp.MustCompile(`^[^:\\]{1,100}$`)
	amountPattern     = regexp.MustCompile(`^([0-9]*\.)?[0-9]+$`)
)

// normaliseBudget validates a budget from CreateBudget or UpdateBudget and fills
// in what AWS fills in: default cost types, a default time period, zero
// calculated spend and the update time. prev is the stored budget on update.
func (s *Service) normaliseBudget(b *budget, prev *budget) error {
	if b.BudgetName == "" {
		return errInvalidParameter("BudgetName is required")
	}
	// "/action/" is reserved: it would make the budget's ARN look like an action's.
	if !budgetNamePattern.MatchString(b.BudgetName) || strings.Contains(b.BudgetName, "/action/") {
		return errInvalidParameter("BudgetName %q must be 1 to 100 characters without ':', '\\' or \"/action/\"", b.BudgetName)
	}
	if err := checkEnum("TimeUnit", b.TimeUnit, timeUnits); err != nil {
		return err
	}
	if err := checkEnum("BudgetType", b.BudgetType, budgetTypes); err != nil {
		return err
	}
	if err := normaliseLimit(b); err != nil {
		return err
	}
	if b.TimePeriod == nil && prev != nil {
		// An update that leaves out the period keeps the budget's period.
		b.TimePeriod = prev.TimePeriod
	}
	if err := s.normaliseTimePeriod(b); err != nil {
		return err
	}
	if b.BudgetType == "COST" || b.BudgetType == "USAGE" {
		b.CostTypes = withCostTypeDefaults(b.CostTypes)
	}
	unit := "USD"
	if b.BudgetLimit != nil {
		unit = b.BudgetLimit.Unit
	}
	// The emulator has no billing data, so spend is always zero.
	b.CalculatedSpend = &calculatedSpend{
		ActualSpend:     &spend{Amount: "0.0", Unit: unit},
		ForecastedSpend: &spend{Amount: "0.0", Unit: unit},
	}
	b.LastUpdatedTime = newEpoch(s.now())
	return nil
}

// normaliseLimit requires a limit where AWS does (cost and usage budgets need
// one unless they are planned or auto-adjusting) and writes amounts the way AWS
// returns them: "100" comes back as "100.0". Emulating that matters, since a
// controller comparing amounts as strings would otherwise update forever.
func normaliseLimit(b *budget) error {
	needsLimit := (b.BudgetType == "COST" || b.BudgetType == "USAGE") &&
		len(b.PlannedBudgetLimits) == 0 && len(b.AutoAdjustData) == 0
	if b.BudgetLimit == nil && needsLimit {
		return errInvalidParameter("BudgetLimit is required for a %s budget", b.BudgetType)
	}
	if b.BudgetLimit != nil {
		if err := normaliseSpend("BudgetLimit", b.BudgetLimit); err != nil {
			return err
		}
	}
	for period, sp := range b.PlannedBudgetLimits {
		if err := normaliseSpend("PlannedBudgetLimits["+period+"]", &sp); err != nil {
			return err
		}
		b.PlannedBudgetLimits[period] = sp
	}
	return nil
}

func normaliseSpend(field string, sp *spend) error {
	if !amountPattern.MatchString(sp.Amount) {
		return errInvalidParameter("%s.Amount %q is not a decimal number", field, sp.Amount)
	}
	if sp.Unit == "" {
		return errInvalidParameter("%s.Unit is required", field)
	}
	if !strings.Contains(sp.Amount, ".") {
		sp.Amount += ".0"
	}
	return nil
}

// defaultPeriodEnd is where AWS ends a budget given no end: 2087-06-15.
var defaultPeriodEnd = time.Date(2087, 6, 15, 0, 0, 0, 0, time.UTC)

// normaliseTimePeriod fills a missing start with the start of the current
// period and a missing end with AWS's far-future default. CUSTOM budgets have no
// natural period, so they must say both.
func (s *Service) normaliseTimePeriod(b *budget) error {
	if b.TimePeriod == nil {
		b.TimePeriod = &timePeriod{}
	}
	tp := b.TimePeriod
	if b.TimeUnit == "CUSTOM" && (tp.Start == nil || tp.End == nil) {
		return errInvalidParameter("a CUSTOM budget needs TimePeriod.Start and TimePeriod.End")
	}
	if tp.Start == nil {
		tp.Start = newEpoch(periodStart(s.now().UTC(), b.TimeUnit))
	}
	if tp.End == nil {
		tp.End = newEpoch(defaultPeriodEnd)
	}
	if !tp.End.After(tp.Start.Time) {
		return errInvalidParameter("TimePeriod.End must be after TimePeriod.Start")
	}
	return nil
}

func periodStart(now time.Time, unit string) time.Time {
	y, m, d := now.Date()
	switch unit {
	case "DAILY":
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	case "QUARTERLY":
		return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, time.UTC)
	case "ANNUALLY":
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	default: // MONTHLY
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	}
}

// withCostTypeDefaults fills unset cost types with AWS's documented defaults
// (everything included, neither amortized nor blended), because AWS returns
// them filled and a controller must see what AWS would show it.
func withCostTypeDefaults(ct *costTypes) *costTypes {
	out := costTypes{}
	if ct != nil {
		out = *ct
	}
	for _, f := range []**bool{
		&out.IncludeCredit, &out.IncludeDiscount, &out.IncludeOtherSubscription,
		&out.IncludeRecurring, &out.IncludeRefund, &out.IncludeSubscription,
		&out.IncludeSupport, &out.IncludeTax, &out.IncludeUpfront,
	} {
		if *f == nil {
			*f = ptr(true)
		}
	}
	for _, f := range []**bool{&out.UseAmortized, &out.UseBlended} {
		if *f == nil {
			*f = ptr(false)
		}
	}
	return &out
}

func ptr[T any](v T) *T { return &v }
