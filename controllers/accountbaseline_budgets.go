package controllers

import (
	"context"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/plan"
)

// budgets converges the spec's budgets, deletes the ones this baseline managed that
// the spec no longer names (status.budgets is the record, the ownership tags the
// proof), and reports each budget's spend.
func (s *baselineScope) budgets(ctx context.Context) error {
	ab := s.ab
	svc := awsx.NewBudgets(s.clients)
	tags := awsx.OwnershipTags(s.owner)
	var status []iamv1.BudgetStatus
	var names []string
	for _, b := range ab.Spec.Budgets {
		d, err := desired.Budget(b, tags)
		if err != nil {
			return err
		}
		names = append(names, d.Name)
		observed, spend, err := svc.Observe(ctx, d.Name)
		if err != nil {
			return err
		}
		if observed.Exists {
			if err := s.r.checkBaselineOwnership(ctx, "budget "+d.Name, observed.Tags, s.owner); err != nil {
				return err
			}
		}
		for _, ch := range plan.Budget(d, observed) {
			if err := s.apply(ch.Change(), func() error { return svc.Apply(ctx, ch) }); err != nil {
				return err
			}
		}
		status = append(status, iamv1.BudgetStatus{
			Name: d.Name, Limit: d.Limit, ActualSpend: spend.Actual, ForecastedSpend: spend.Forecasted,
			Notifications: int32(len(d.Notifications)),
		})
	}
	var managed []string
	for _, b := range ab.Status.Budgets {
		managed = append(managed, b.Name)
	}
	for _, name := range plan.StaleBudgets(managed, names) {
		if err := s.deleteBudget(ctx, svc, name); err != nil {
			return err
		}
	}
	ab.Status.Budgets = status
	return nil
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
