package controllers

import (
	"context"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
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
func (r *AssumableRoleReconciler) resolveTrust(ctx context.Context, ar *iamv1.AssumableRole, partition string) (desired.Trust, memberProgress, error) {
	members := map[string]string{}
	var pending []string
	progress := memberProgress{roleARNs: map[string][]string{}}
	consider := func(key string, tm *iamv1.TeamMember) {
		progress.note(key, tm)
		switch {
		case tm == nil || !tm.DeletionTimestamp.IsZero():
			pending = append(pending, key)
		case tm.Status.ARN == "":
			pending = append(pending, key)
			progress.maybeArriving(key, tm)
		case conditions.IsReady(tm.Status.Conditions, tm.Generation):
			members[key] = tm.Status.ARN
		case slices.Contains(ar.Status.TrustedMembers, key) && slices.Contains(ar.Status.Principals, tm.Status.ARN):
			members[key] = tm.Status.ARN
		default:
			pending = append(pending, key)
			progress.maybeArriving(key, tm)
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
			return desired.Trust{}, progress, err
		}
		consider(key, tm)
	}
	if sel := ar.Spec.Trust.TeamMemberSelector; sel != nil {
		selector, err := metav1.LabelSelectorAsSelector(sel)
		if err != nil {
			return desired.Trust{}, progress, stalled(iamv1.ReasonInvalidSpec, "spec.trust.teamMemberSelector is not a valid label selector: %v", err)
		}
		list := &iamv1.TeamMemberList{}
		if err := r.Client.List(ctx, list, client.InNamespace(ar.Namespace), client.MatchingLabelsSelector{Selector: selector}, client.UnsafeDisableDeepCopy); err != nil {
			return desired.Trust{}, progress, err
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
	slices.Sort(progress.arriving)
	progress.arriving = slices.Compact(progress.arriving)
	return desired.NewTrust(ar, partition, members, pending), progress, nil
}

// memberProgress is what resolving the trust learnt about the members beyond who is
// in it: who is about to be Ready, and which roles each may already assume.
type memberProgress struct {
	// arriving are pending members created a moment ago and on their way to Ready
	// (not Stalled): worth waiting for, so the trust is written once, not once each.
	arriving []string
	// roleARNs are, for each member the operator manages (Enforce), the role ARNs
	// its assume-role grant lets it assume (its status.assumableRoles, written once
	// the grant is in place, whether inline or in the member's managed policy).
	roleARNs map[string][]string
}

// memberArrival is how long after its creation a pending member holds its roles'
// trust policy back. Members normally turn Ready within seconds; one that does not
// (a bad spec, a missing group) must not keep the others out for long.
const memberArrival = time.Minute

// arrivalWait is how soon a role waiting for members looks again; the TeamMember
// watch usually wakes it sooner.
const arrivalWait = 10 * time.Second

func (p *memberProgress) note(key string, tm *iamv1.TeamMember) {
	if tm == nil || tm.Spec.ManagementPolicy == iamv1.ManagementPolicyObserve {
		return
	}
	arns := []string{}
	for _, l := range tm.Status.AssumableRoles {
		arns = append(arns, l.RoleARN)
	}
	p.roleARNs[key] = arns
}

func (p *memberProgress) maybeArriving(key string, tm *iamv1.TeamMember) {
	if time.Since(tm.CreationTimestamp.Time) < memberArrival && !meta.IsStatusConditionTrue(tm.Status.Conditions, iamv1.ConditionStalled) {
		p.arriving = append(p.arriving, key)
	}
}

// cannotAssumeYet lists the trusted members whose assume-role grant does not name
// roleARN yet: IAM trusts them, but they cannot switch into the role.
func (p memberProgress) cannotAssumeYet(trusted []string, roleARN string) []string {
	var out []string
	for _, key := range trusted {
		if arns, managed := p.roleARNs[key]; managed && !slices.Contains(arns, roleARN) {
			out = append(out, key)
		}
	}
	return out
}
