package controllers

import (
	"context"
	"fmt"
	"slices"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/plan"
)

// budgets converges the spec's budgets, deletes the ones this baseline managed that
// the spec no longer names (status.budgets is the record, the ownership tags the
// proof), and reports each budget's spend.
func (s *baselineScope) budgets(ctx context.Context) partFailures {
	ab := s.ab
	svc := awsx.NewBudgets(s.clients)
	tags := awsx.OwnershipTags(s.owner)
	var status []iamv1.BudgetStatus
	var names []string
	var failed partFailures
	for _, b := range ab.Spec.Budgets {
		failed.run(fmt.Sprintf("budget %q", b.Name), func() error {
			st, err := s.budget(ctx, svc, b, tags)
			if st != nil {
				names = append(names, st.Name)
				status = append(status, *st)
			}
			return err
		})
	}
	var managed []string
	for _, b := range ab.Status.Budgets {
		managed = append(managed, b.Name)
		if !slices.Contains(names, b.Name) && slices.ContainsFunc(ab.Spec.Budgets, func(sb iamv1.Budget) bool { return sb.Name == b.Name }) {
			// Still wanted but failed this time: keep it known, or it would be
			// forgotten and never cleaned up.
			names = append(names, b.Name)
			status = append(status, b)
		}
	}
	for _, name := range plan.StaleBudgets(managed, names) {
		failed.run(fmt.Sprintf("deleting budget %q", name), func() error { return s.deleteBudget(ctx, svc, name) })
	}
	ab.Status.Budgets = status
	return failed
}

// budget converges one budget and returns its status (nil when it is not made yet).
func (s *baselineScope) budget(ctx context.Context, svc *awsx.Budgets, b iamv1.Budget, tags map[string]string) (*iamv1.BudgetStatus, error) {
	d, err := desired.Budget(b, tags)
	if err != nil {
		return nil, err
	}
	observed, spend, err := svc.Observe(ctx, d.Name)
	if err != nil {
		return nil, err
	}
	if observed.Exists {
		if err := s.r.checkBaselineOwnership(ctx, "budget "+d.Name, observed.Tags, s.owner); err != nil {
			return nil, err
		}
	}
	for _, ch := range plan.Budget(d, observed) {
		if err := s.apply(ch.Change(), func() error { return svc.Apply(ctx, ch) }); err != nil {
			return nil, err
		}
	}
	return &iamv1.BudgetStatus{
		Name: d.Name, Limit: d.Limit, ActualSpend: spend.Actual, ForecastedSpend: spend.Forecasted,
		Notifications: int32(len(d.Notifications)),
	}, nil
}

// deleteBudget deletes a budget this baseline owns (checked by its tags); a budget
// that lost our tags or is already gone is only forgotten.
func (s *baselineScope) deleteBudget(ctx context.Context, svc *awsx.Budgets, name string) error {
	tags, err := svc.Tags(ctx, name)
	if awsx.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if awsx.CheckOwnership("budget "+name, tags, s.owner, false) != nil {
		return nil
	}
	return s.apply(plan.Change{Action: "DeleteBudget", Target: "budget " + name}, func() error { return svc.Delete(ctx, name) })
}
