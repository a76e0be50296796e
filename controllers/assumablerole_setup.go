package controllers

import (
	"context"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/conditions"
	"github.com/iam-baseline/operator/internal/desired"
)

// indexMembers indexes AssumableRoles by every TeamMember they name
// ("namespace/name"): in spec.trust.teamMembers (the namespace defaulted), in
// status.trustedMembers (the trust as written) or in status.admittedMembers. One
// index for all: the informer keeps a set per key and value, twice
// (controller-runtime adds a per-namespace copy), and two indexes of the same
// members were 8 MiB of the manager's heap at 5,000 members. Readers that need one
// side check it on the role.
const indexMembers = "members"

// indexRolesByMember registers indexMembers, read by both controllers.
func indexRolesByMember(ctx context.Context, mgr ctrl.Manager) error {
	return mgr.GetFieldIndexer().IndexField(ctx, &iamv1.AssumableRole{}, indexMembers, func(o client.Object) []string {
		ar := o.(*iamv1.AssumableRole)
		out := make([]string, 0, len(ar.Spec.Trust.TeamMembers)+len(ar.Status.TrustedMembers)+len(ar.Status.AdmittedMembers))
		for _, ref := range ar.Spec.Trust.TeamMembers {
			out = append(out, desired.MemberRef(ar, ref))
		}
		out = append(out, ar.Status.TrustedMembers...)
		out = append(out, ar.Status.AdmittedMembers...)
		slices.Sort(out)
		return slices.Compact(out)
	})
}

// setupAssumableRole registers the AssumableRole controller.
func setupAssumableRole(mgr ctrl.Manager, opts Options, rec recorder.EventRecorder) error {
	r := &AssumableRoleReconciler{
		Client:   mgr.GetClient(),
		Recorder: rec,
		AWS:      opts.AWS,
		Resync:   opts.ResyncPeriod,
	}
	return r.SetupWithManager(mgr, opts.MaxConcurrentReconciles)
}

// SetupWithManager watches AssumableRoles, their AccountBaseline, and the
// TeamMembers they trust (by reference, by selector, or already in the trust), so a
// member that appears, becomes Ready, changes its labels or goes away updates the
// trust without waiting for a resync. The members index (indexMembers) is
// registered before either controller, in SetupWithManager.
func (r *AssumableRoleReconciler) SetupWithManager(mgr ctrl.Manager, maxConcurrent int) error {
	ctx := context.Background()
	idx := mgr.GetFieldIndexer()
	if err := idx.IndexField(ctx, &iamv1.AssumableRole{}, indexAccountRef, func(o client.Object) []string {
		return []string{o.(*iamv1.AssumableRole).Spec.AccountRef}
	}); err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&iamv1.AssumableRole{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}, deletingPredicate()))).
		Watches(&iamv1.AccountBaseline{}, handler.EnqueueRequestsFromMapFunc(r.rolesOfAccount), builder.WithPredicates(baselineChanged())).
		Watches(&iamv1.TeamMember{}, enqueueCoalesced(memberCoalesce, r.rolesTrusting), builder.WithPredicates(memberTrustChanged())).
		WithOptions(controllerOptions(maxConcurrent)).
		Named("assumablerole").
		Complete(r)
}

func (r *AssumableRoleReconciler) rolesOfAccount(ctx context.Context, o client.Object) []reconcile.Request {
	list := &iamv1.AssumableRoleList{}
	if err := r.Client.List(ctx, list, client.MatchingFields{indexAccountRef: o.GetName()}, client.UnsafeDisableDeepCopy); err != nil {
		return nil
	}
	out := make([]reconcile.Request, 0, len(list.Items))
	for _, ar := range list.Items {
		out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&ar)})
	}
	return out
}

// rolesTrusting maps a TeamMember to the roles that name it, select it, or have it
// in their trust. The handler calls it for the old and the new object of an update,
// so a member whose labels stop matching a selector is included.
func (r *AssumableRoleReconciler) rolesTrusting(ctx context.Context, o client.Object) []reconcile.Request {
	tm, ok := o.(*iamv1.TeamMember)
	if !ok {
		return nil
	}
	key := tm.Namespace + "/" + tm.Name
	var out []reconcile.Request
	add := func(ar *iamv1.AssumableRole) {
		req := reconcile.Request{NamespacedName: client.ObjectKeyFromObject(ar)}
		if !slices.Contains(out, req) {
			out = append(out, req)
		}
	}
	list := &iamv1.AssumableRoleList{}
	if err := r.Client.List(ctx, list, client.MatchingFields{indexMembers: key}, client.UnsafeDisableDeepCopy); err == nil {
		for i := range list.Items {
			add(&list.Items[i])
		}
	}
	list = &iamv1.AssumableRoleList{}
	if err := r.Client.List(ctx, list, client.InNamespace(tm.Namespace), client.UnsafeDisableDeepCopy); err == nil {
		set := labels.Set(tm.Labels)
		for i := range list.Items {
			ar := &list.Items[i]
			if ar.Spec.Trust.TeamMemberSelector == nil {
				continue
			}
			sel, err := metav1.LabelSelectorAsSelector(ar.Spec.Trust.TeamMemberSelector)
			if err == nil && sel.Matches(set) {
				add(ar)
			}
		}
	}
	return out
}

// memberTrustChanged lets through the TeamMember updates that can change a role's
// trust or readiness: its ARN, whether it is Ready for its generation, the roles its
// inline policy lets it assume, its labels, its deletion.
func memberTrustChanged() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		o, okO := e.ObjectOld.(*iamv1.TeamMember)
		n, okN := e.ObjectNew.(*iamv1.TeamMember)
		if !okO || !okN {
			return true
		}
		return o.Status.ARN != n.Status.ARN ||
			conditions.IsReady(o.Status.Conditions, o.Generation) != conditions.IsReady(n.Status.Conditions, n.Generation) ||
			!slices.Equal(o.Status.AssumableRoles, n.Status.AssumableRoles) ||
			!labels.Equals(o.Labels, n.Labels) ||
			o.DeletionTimestamp.IsZero() != n.DeletionTimestamp.IsZero()
	}}
}
