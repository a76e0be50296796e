package controllers

import (
	"context"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/conditions"
	"github.com/iam-baseline/operator/internal/metrics"
	"github.com/iam-baseline/operator/internal/plan"
)

// reconcileDelete handles a deleted AccountBaseline. Retain (the default here) only
// releases the object: deleting a baseline must never weaken an account by accident.
// Delete removes what the baseline made, in an order that never meets DeleteConflict:
// budgets, the groups it created (members, policies, then the group), the
// MFA-enforcement policy (attachments, old versions, then the policy), the alias and
// the password policy. A baseline that never governed its account (an older one
// does), or one under Observe, touches nothing.
func (r *AccountBaselineReconciler) reconcileDelete(ctx context.Context, ab *iamv1.AccountBaseline) (ctrl.Result, error) {
	if !controllerutil.ContainsFinalizer(ab, Finalizer) {
		return ctrl.Result{}, nil
	}
	if ab.Spec.DeletionPolicy == iamv1.DeletionPolicyDelete && ab.Spec.ManagementPolicy != iamv1.ManagementPolicyObserve {
		other, err := r.claimant(ctx, ab)
		if err != nil {
			return ctrl.Result{}, err
		}
		if other == "" {
			conditions.MarkReconciling(&ab.Status.Conditions, ab.Generation, iamv1.ReasonDeleting, "deleting what the baseline created in account "+ab.Spec.AccountID)
			if err := r.deleteBaseline(ctx, ab); err != nil {
				return finish(kindAccountBaseline, &ab.Status.Conditions, ab.Generation, err, r.Resync, "")
			}
		}
	} else {
		r.Recorder.Eventf(ab, nil, corev1.EventTypeNormal, "Retained", "Delete", "deletionPolicy %s: the baseline of account %s is left in AWS", ab.Spec.DeletionPolicy, ab.Spec.AccountID)
	}
	controllerutil.RemoveFinalizer(ab, Finalizer)
	if err := r.Client.Update(ctx, ab); err != nil {
		return ctrl.Result{}, err
	}
	if other, err := r.claimant(ctx, ab); err == nil && other == "" {
		// The account's findings gauges go with the baseline that reported them.
		metrics.CISFindings.DeletePartialMatch(prometheus.Labels{"account": ab.Spec.AccountID})
	}
	metrics.Reconciles.WithLabelValues(kindAccountBaseline, "deleted").Inc()
	return ctrl.Result{}, nil
}

func (r *AccountBaselineReconciler) deleteBaseline(ctx context.Context, ab *iamv1.AccountBaseline) error {
	clients, err := r.AWS.For(ctx, baselineTarget(ab))
	if err != nil {
		return err
	}
	s := &baselineScope{r: r, ab: ab, clients: clients, owner: awsx.Owner(kindAccountBaseline, "", ab.Name)}

	svc := awsx.NewBudgets(clients)
	var budgets []string
	for _, b := range ab.Spec.Budgets {
		budgets = append(budgets, b.Name)
	}
	for _, b := range ab.Status.Budgets {
		budgets = append(budgets, b.Name)
	}
	slices.Sort(budgets)
	for _, name := range slices.Compact(budgets) {
		if err := s.deleteBudget(ctx, svc, name); err != nil {
			return err
		}
	}
	ab.Status.Budgets = nil

	groups := awsx.NewGroups(clients)
	for _, g := range slices.Clone(ab.Status.CreatedGroups) {
		if err := s.deleteGroup(ctx, groups, g); err != nil {
			return err
		}
	}
	if ab.Status.MFAPolicyARN != "" {
		if err := s.deleteMFAPolicy(ctx); err != nil {
			return err
		}
	}

	acct := awsx.NewAccount(clients)
	if alias := ab.Spec.Alias; alias != "" {
		aliases, err := acct.Aliases(ctx)
		if err != nil {
			return err
		}
		if slices.Contains(aliases, alias) {
			if err := s.apply(plan.Change{Action: "DeleteAccountAlias", Target: alias}, func() error { return acct.DeleteAlias(ctx, alias) }); err != nil {
				return err
			}
		}
	}
	pp, err := acct.PasswordPolicy(ctx)
	if err != nil {
		return err
	}
	if pp != nil {
		return s.apply(plan.Change{Action: "DeleteAccountPasswordPolicy"}, func() error { return acct.DeletePasswordPolicy(ctx) })
	}
	return nil
}
