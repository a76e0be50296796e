package controllers

import (
	"context"
	"slices"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

// setupAccountBaseline registers the AccountBaseline controller.
func setupAccountBaseline(mgr ctrl.Manager, opts Options, rec recorder.EventRecorder) error {
	r := &AccountBaselineReconciler{
		Client:           mgr.GetClient(),
		Recorder:         rec,
		AWS:              opts.AWS,
		Resync:           opts.ResyncPeriod,
		FindingsInterval: DefaultFindingsInterval,
	}
	return r.SetupWithManager(mgr, opts.MaxConcurrentReconciles)
}

// DefaultFindingsInterval is how often the CIS findings are refreshed from the
// credential report. AWS keeps a report for four hours and generating one is
// expensive, so a resync in between reuses status.findings.
const DefaultFindingsInterval = 15 * time.Minute

// SetupWithManager watches AccountBaselines (spec changes and deletions; drift is
// caught by the jittered resync). When a baseline is deleted, the other baselines
// naming the same account are woken: the next oldest takes over the account. A
// TeamMember whose user or groups change wakes its baseline, which proves
// MFAEnforced for the new set of groups; coalesced, so a team created together
// is one look at the account's members, not one per member.
func (r *AccountBaselineReconciler) SetupWithManager(mgr ctrl.Manager, maxConcurrent int) error {
	onDelete := predicate.Funcs{
		CreateFunc:  func(event.CreateEvent) bool { return false },
		UpdateFunc:  func(event.UpdateEvent) bool { return false },
		DeleteFunc:  func(event.DeleteEvent) bool { return true },
		GenericFunc: func(event.GenericEvent) bool { return false },
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&iamv1.AccountBaseline{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, deletingPredicate()))).
		Watches(&iamv1.AccountBaseline{}, handler.EnqueueRequestsFromMapFunc(r.sameAccount), builder.WithPredicates(onDelete)).
		Watches(&iamv1.TeamMember{}, enqueueCoalesced(memberCoalesce, memberBaseline), builder.WithPredicates(memberPermissionsChanged())).
		WithOptions(controllerOptions(maxConcurrent)).
		Named("accountbaseline").
		Complete(r)
}

// memberBaseline maps a TeamMember to its account's baseline, whose MFAEnforced
// proof covers the member's set of groups.
func memberBaseline(_ context.Context, o client.Object) []reconcile.Request {
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: o.(*iamv1.TeamMember).Spec.AccountRef}}}
}

// memberPermissionsChanged passes the member events that can change what the
// MFA proof must cover: a user appearing or going (status.arn) and a change of
// its groups. Anything else (and so a steady state) wakes no baseline.
func memberPermissionsChanged() predicate.Funcs {
	return predicate.Funcs{
		CreateFunc: func(e event.CreateEvent) bool { return e.Object.(*iamv1.TeamMember).Status.ARN != "" },
		UpdateFunc: func(e event.UpdateEvent) bool {
			o, n := e.ObjectOld.(*iamv1.TeamMember), e.ObjectNew.(*iamv1.TeamMember)
			return o.Status.ARN != n.Status.ARN || !slices.Equal(o.Status.Groups, n.Status.Groups)
		},
		DeleteFunc:  func(e event.DeleteEvent) bool { return e.Object.(*iamv1.TeamMember).Status.ARN != "" },
		GenericFunc: func(event.GenericEvent) bool { return false },
	}
}

// sameAccount maps a baseline to the other baselines of its account.
func (r *AccountBaselineReconciler) sameAccount(ctx context.Context, o client.Object) []reconcile.Request {
	ab := o.(*iamv1.AccountBaseline)
	list := &iamv1.AccountBaselineList{}
	if err := r.Client.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		return nil
	}
	var out []reconcile.Request
	for _, other := range list.Items {
		if other.Name != ab.Name && other.Spec.AccountID == ab.Spec.AccountID {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKey{Name: other.Name}})
		}
	}
	return out
}
