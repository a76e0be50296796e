package controllers

import (
	"context"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/conditions"
	"github.com/iam-baseline/operator/internal/desired"
)

// resolveTrust turns spec.trust into a TrustInput. A member that does not exist,
// is being deleted or is not Ready for its current generation is left out and
// reported as pending; a member already in the trust (status.trustedMembers) with
// an unchanged ARN stays while it is re-reconciled, so a member's own spec change
// does not take it out of every role and back in.
func (r *AssumableRoleReconciler) resolveTrust(ctx context.Context, ar *iamv1.AssumableRole, partition string) (desired.Trust, error) {
	members := map[string]string{}
	var pending []string
	consider := func(key string, tm *iamv1.TeamMember) {
		switch {
		case tm == nil || !tm.DeletionTimestamp.IsZero() || tm.Status.ARN == "":
			pending = append(pending, key)
		case conditions.IsReady(tm.Status.Conditions, tm.Generation):
			members[key] = tm.Status.ARN
		case slices.Contains(ar.Status.TrustedMembers, key) && slices.Contains(ar.Status.Principals, tm.Status.ARN):
			members[key] = tm.Status.ARN
		default:
			pending = append(pending, key)
		}
	}
	for _, ref := range ar.Spec.Trust.TeamMembers {
		key := desired.MemberRef(ar, ref)
		ns, name, _ := cutNamespacedName(key)
		tm := &iamv1.TeamMember{}
		err := r.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, tm)
		if apierrors.IsNotFound(err) {
			tm = nil
		} else if err != nil {
			return desired.Trust{}, err
		}
		consider(key, tm)
	}
	if sel := ar.Spec.Trust.TeamMemberSelector; sel != nil {
		selector, err := metav1.LabelSelectorAsSelector(sel)
		if err != nil {
			return desired.Trust{}, stalled(iamv1.ReasonInvalidSpec, "spec.trust.teamMemberSelector is not a valid label selector: %v", err)
		}
		list := &iamv1.TeamMemberList{}
		if err := r.Client.List(ctx, list, client.InNamespace(ar.Namespace), client.MatchingLabelsSelector{Selector: selector}); err != nil {
			return desired.Trust{}, err
		}
		for i := range list.Items {
			tm := &list.Items[i]
			key := tm.Namespace + "/" + tm.Name
			if _, done := members[key]; done || slices.Contains(pending, key) {
				continue
			}
			consider(key, tm)
		}
	}
	return desired.NewTrust(ar, partition, members, pending), nil
}
