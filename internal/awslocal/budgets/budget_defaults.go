package budgets

// Validation and the defaults AWS fills into a budget on create and update.

import (
	"regexp"
	"strings"
	"time"
)

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
