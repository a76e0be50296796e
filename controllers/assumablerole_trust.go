package controllers

import (
	"context"
	"errors"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/conditions"
	"github.com/iam-baseline/operator/internal/policy"
)

// resolvedTrust is spec.trust with TeamMembers turned into user ARNs.
type resolvedTrust struct {
	input policy.TrustInput
	// members maps "namespace/name" of each member in the trust to its user ARN.
	members map[string]string
	// pending are referenced or selected members left out until they are Ready.
	pending []string
}

// trusted returns the members in the trust, sorted.
func (t resolvedTrust) trusted() []string {
	out := make([]string, 0, len(t.members))
	for k := range t.members {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// principals lists every principal of the trust, sorted, for status.
func (t resolvedTrust) principals() []string {
	var out []string
	out = append(out, t.input.People...)
	for _, a := range t.input.Accounts {
		out = append(out, policy.AccountRootARN(t.input.Partition, a))
	}
	out = append(out, t.input.Services...)
	for _, o := range t.input.OIDC {
		out = append(out, o.ProviderARN)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// memberRef is "namespace/name" of a TeamMember reference, defaulting the
// namespace to the role's.
func memberRef(ar *iamv1.AssumableRole, ref iamv1.TeamMemberReference) string {
	ns := ref.Namespace
	if ns == "" {
		ns = ar.Namespace
	}
	return ns + "/" + ref.Name
}

// resolveTrust turns spec.trust into a TrustInput. A member that does not exist,
// is being deleted or is not Ready for its current generation is left out and
// reported as pending; a member already in the trust (status.trustedMembers) with
// an unchanged ARN stays while it is re-reconciled, so a member's own spec change
// does not take it out of every role and back in.
func (r *AssumableRoleReconciler) resolveTrust(ctx context.Context, ar *iamv1.AssumableRole, partition string) (resolvedTrust, error) {
	t := resolvedTrust{members: map[string]string{}}
	consider := func(key string, tm *iamv1.TeamMember) {
		switch {
		case tm == nil || !tm.DeletionTimestamp.IsZero() || tm.Status.ARN == "":
			t.pending = append(t.pending, key)
		case conditions.IsReady(tm.Status.Conditions, tm.Generation):
			t.members[key] = tm.Status.ARN
		case slices.Contains(ar.Status.TrustedMembers, key) && slices.Contains(ar.Status.Principals, tm.Status.ARN):
			t.members[key] = tm.Status.ARN
		default:
			t.pending = append(t.pending, key)
		}
	}
	for _, ref := range ar.Spec.Trust.TeamMembers {
		key := memberRef(ar, ref)
		ns, name, _ := cutNamespacedName(key)
		tm := &iamv1.TeamMember{}
		err := r.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, tm)
		if apierrors.IsNotFound(err) {
			tm = nil
		} else if err != nil {
			return t, err
		}
		consider(key, tm)
	}
	if sel := ar.Spec.Trust.TeamMemberSelector; sel != nil {
		selector, err := metav1.LabelSelectorAsSelector(sel)
		if err != nil {
			return t, stalled(iamv1.ReasonInvalidSpec, "spec.trust.teamMemberSelector is not a valid label selector: %v", err)
		}
		list := &iamv1.TeamMemberList{}
		if err := r.Client.List(ctx, list, client.InNamespace(ar.Namespace), client.MatchingLabelsSelector{Selector: selector}); err != nil {
			return t, err
		}
		for i := range list.Items {
			tm := &list.Items[i]
			key := tm.Namespace + "/" + tm.Name
			if _, done := t.members[key]; done || slices.Contains(t.pending, key) {
				continue
			}
			consider(key, tm)
		}
	}
	slices.Sort(t.pending)
	t.pending = slices.Compact(t.pending)

	tr := ar.Spec.Trust
	people := make([]string, 0, len(t.members))
	for _, arn := range t.members {
		people = append(people, arn)
	}
	slices.Sort(people)
	t.input = policy.TrustInput{
		Partition:  partition,
		People:     people,
		Accounts:   slices.Clone(tr.Accounts),
		RequireMFA: tr.RequireMFA == nil || *tr.RequireMFA,
		ExternalID: tr.ExternalID,
		Services:   slices.Clone(tr.Services),
	}
	if tr.MaxMFAAge != nil {
		t.input.MaxMFAAgeSeconds = int64(tr.MaxMFAAge.Seconds())
	}
	for _, o := range tr.OIDCProviders {
		t.input.OIDC = append(t.input.OIDC, policy.OIDCTrust{ProviderARN: o.ProviderARN, Audience: o.Audience, Subjects: slices.Clone(o.Subjects)})
	}
	return t, nil
}

// buildTrust builds and validates the trust policy. With nobody to trust yet
// because every person is pending, the role waits; any other problem is the spec's.
func buildTrust(t resolvedTrust) (string, error) {
	doc, err := policy.Trust(t.input)
	if errors.Is(err, policy.ErrNoPrincipals) {
		if len(t.pending) > 0 {
			return "", waiting(iamv1.ReasonWaitingForMembers, accountWait,
				"waiting for TeamMembers %v to exist and be Ready: the role cannot be created before someone can assume it", t.pending)
		}
		if len(t.members) == 0 {
			return "", waiting(iamv1.ReasonWaitingForMembers, accountWait,
				"no TeamMember matches spec.trust.teamMemberSelector yet and the trust names no other principal")
		}
	}
	if err != nil {
		var ve *policy.ValidationError
		if errors.As(err, &ve) {
			return "", err
		}
		return "", stalled(iamv1.ReasonInvalidSpec, "spec.trust: %v", err)
	}
	// Trust validates already; checked again here so no builder change can ever
	// send a document that lets anyone assume the role.
	if err := policy.ValidateTrustPolicy(doc); err != nil {
		return "", err
	}
	return policy.Marshal(doc)
}
