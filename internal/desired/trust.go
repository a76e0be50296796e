package desired

import (
	"errors"
	"slices"
	"time"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/outcome"
	"github.com/iam-baseline/operator/internal/policy"
)

// TrustWait is how soon a role with nobody to trust yet looks again; the TeamMember
// watch usually wakes it sooner.
const TrustWait = 15 * time.Second

// Trust is an AssumableRole's spec.trust with its TeamMembers resolved to user ARNs.
// Who counts as resolved is the caller's decision (the controller takes members that
// are Ready; the plan command also takes members its manifests are about to create).
type Trust struct {
	Input policy.TrustInput
	// Members maps "namespace/name" of each member in the trust to its user ARN.
	Members map[string]string
	// Pending are referenced or selected members left out until they are Ready.
	Pending []string
}

// NewTrust builds the trust input from spec.trust and the resolved members.
func NewTrust(ar *iamv1.AssumableRole, partition string, members map[string]string, pending []string) Trust {
	t := Trust{Members: members, Pending: slices.Compact(slices.Sorted(slices.Values(pending)))}
	if t.Members == nil {
		t.Members = map[string]string{}
	}
	tr := ar.Spec.Trust
	people := make([]string, 0, len(t.Members))
	for _, arn := range t.Members {
		people = append(people, arn)
	}
	slices.Sort(people)
	t.Input = policy.TrustInput{
		Partition:  partition,
		People:     people,
		Accounts:   slices.Clone(tr.Accounts),
		RequireMFA: tr.RequireMFA == nil || *tr.RequireMFA,
		ExternalID: tr.ExternalID,
		Services:   slices.Clone(tr.Services),
	}
	if tr.MaxMFAAge != nil {
		t.Input.MaxMFAAgeSeconds = int64(tr.MaxMFAAge.Seconds())
	}
	for _, o := range tr.OIDCProviders {
		t.Input.OIDC = append(t.Input.OIDC, policy.OIDCTrust{ProviderARN: o.ProviderARN, Audience: o.Audience, Subjects: slices.Clone(o.Subjects)})
	}
	return t
}

// MemberRef is "namespace/name" of a TeamMember reference, defaulting the namespace
// to the role's.
func MemberRef(ar *iamv1.AssumableRole, ref iamv1.TeamMemberReference) string {
	ns := ref.Namespace
	if ns == "" {
		ns = ar.Namespace
	}
	return ns + "/" + ref.Name
}

// Trusted returns the members in the trust, sorted.
func (t Trust) Trusted() []string {
	out := make([]string, 0, len(t.Members))
	for k := range t.Members {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Principals lists every principal of the trust, sorted, for status.
func (t Trust) Principals() []string {
	var out []string
	out = append(out, t.Input.People...)
	for _, a := range t.Input.Accounts {
		out = append(out, policy.AccountRootARN(t.Input.Partition, a))
	}
	out = append(out, t.Input.Services...)
	for _, o := range t.Input.OIDC {
		out = append(out, o.ProviderARN)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// BuildTrust builds and validates the trust policy. With nobody to trust yet
// because every person is pending, the role waits; any other problem is the spec's.
func BuildTrust(t Trust) (string, error) {
	doc, err := policy.Trust(t.Input)
	if errors.Is(err, policy.ErrNoPrincipals) {
		if len(t.Pending) > 0 {
			return "", outcome.Waiting(iamv1.ReasonWaitingForMembers, TrustWait,
				"waiting for TeamMembers %v to exist and be Ready: the role cannot be created before someone can assume it", t.Pending)
		}
		if len(t.Members) == 0 {
			return "", outcome.Waiting(iamv1.ReasonWaitingForMembers, TrustWait,
				"no TeamMember matches spec.trust.teamMemberSelector yet and the trust names no other principal")
		}
	}
	if err != nil {
		var ve *policy.ValidationError
		if errors.As(err, &ve) {
			return "", err
		}
		return "", outcome.Stalled(iamv1.ReasonInvalidSpec, "spec.trust: %v", err)
	}
	// Trust validates already; checked again here so no builder change can ever
	// send a document that lets anyone assume the role.
	if err := policy.ValidateTrustPolicy(doc); err != nil {
		return "", err
	}
	// Within IAM's trust policy quota for teams of any size, checked before any
	// write (see FitTrust for how people are compacted without widening the trust).
	fitted, err := policy.FitTrust(doc, t.Input.Partition, policy.TrustPolicyQuota)
	var tl *policy.TrustTooLargeError
	if errors.As(err, &tl) {
		return "", outcome.Stalled(iamv1.ReasonInvalidSpec, "spec.trust: %v", err)
	}
	if err != nil {
		return "", err
	}
	return policy.Marshal(fitted)
}
