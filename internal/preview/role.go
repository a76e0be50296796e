package preview

import (
	"context"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/outcome"
	"github.com/iam-baseline/operator/internal/plan"
	"github.com/iam-baseline/operator/internal/policy"
)

// roleResult is a planned role and, when it will exist, who may assume it.
type roleResult struct {
	obj     Object
	arn     string
	url     string
	trusted []string // "namespace/name" of the members in its trust
}

// role plans an AssumableRole the way its controller converges it. Its trust names
// the members the manifests declare (their users are created by the same apply)
// and the members already in the cluster, by the user ARN each will have.
func (p *planner) role(ctx context.Context, ar *iamv1.AssumableRole) roleResult {
	o := Object{Kind: iamv1KindRole, Namespace: ar.Namespace, Name: ar.Name, Resource: "IAM role " + desired.RoleName(ar)}
	res := roleResult{}
	created, err := p.planRole(ctx, ar, &o, &res)
	if err == nil && ar.Spec.ManagementPolicy == iamv1.ManagementPolicyObserve {
		o.Action = ActionObserve
		res.obj, res.trusted = o, nil
		return res
	}
	conclude(&o, created, err)
	if err != nil {
		res.trusted = nil
	}
	res.obj = o
	return res
}

func (p *planner) planRole(ctx context.Context, ar *iamv1.AssumableRole, o *Object, res *roleResult) (bool, error) {
	inline, err := desired.RoleInlinePolicies(ar)
	if err != nil {
		return false, err
	}
	ab, clients, err := p.resolveChecked(ctx, ar.Spec.AccountRef, func(ab *iamv1.AccountBaseline) error { return p.checkRole(ab, ar) })
	o.Account = accountOf(ab)
	if err != nil {
		return false, err
	}
	trust, err := p.resolveTrust(ar, clients.Partition)
	if err != nil {
		return false, err
	}
	trustDoc, err := desired.BuildTrust(trust)
	if err != nil {
		return false, err
	}
	want := desired.Role(ar, trustDoc, inline)
	roles := awsx.NewRoles(clients)
	observed, _, err := roles.Observe(ctx, want.Name)
	if err != nil {
		return false, err
	}
	if observed.Exists {
		owner := awsx.Owner(desired.KindAssumableRole, ar.Namespace, ar.Name)
		if err := awsx.CheckOwnership("IAM role "+want.Name, observed.Tags, owner, ar.Spec.Adopt); err != nil {
			return false, err
		}
	}
	changes, err := plan.Role(want, observed)
	if err != nil {
		return false, err
	}
	if ar.Spec.ManagementPolicy != iamv1.ManagementPolicyObserve {
		for _, ch := range changes {
			if ch.Action != plan.ActionAttachRolePolicy {
				continue
			}
			ok, err := roles.PolicyExists(ctx, ch.Target)
			if err != nil {
				return false, err
			}
			if !ok {
				return false, outcome.Stalled(iamv1.ReasonInvalidSpec, "managed policy %s does not exist or is not attachable: create it or remove it from spec.managedPolicies", ch.Target)
			}
		}
	}
	o.Changes = changesOf(changes, func(c plan.Change) string {
		switch c.Action {
		case plan.ActionUpdateAssumeRolePolicy:
			return observed.Trust
		case plan.ActionPutRolePolicy:
			return observed.InlinePolicies[c.Target]
		}
		return ""
	})
	if len(trust.Pending) > 0 {
		o.Message = "TeamMembers " + joinList(trust.Pending) + " are left out of the trust until they exist and are Ready"
	}
	if ar.Spec.ManagementPolicy == iamv1.ManagementPolicyObserve {
		return !observed.Exists, nil // drift only: the operator changes nothing, grants nothing
	}
	res.arn = policy.RoleARN(clients.Partition, clients.AccountID, want.Path, want.Name)
	res.url = policy.SwitchRoleURL(clients.AccountID, want.Name, "")
	res.trusted = trust.Trusted()
	p.plannedRoles = append(p.plannedRoles, plannedRole{obj: o.Key(), name: want.Name, arn: res.arn, account: clients.AccountID,
		partition: clients.Partition, trust: trustDoc, people: trust.Input.People, requireMFA: trust.Input.RequireMFA})
	p.roleFindings(o.Key(), want.Name, observed, trustDoc, changes)
	return !observed.Exists, nil
}

// resolveTrust is the controller's resolveTrust over the planned objects: a member
// counts when the manifests declare it (or the cluster holds it and the manifests do
// not remove it) and the operator would not refuse it; anyone else is pending.
func (p *planner) resolveTrust(ar *iamv1.AssumableRole, partition string) (desired.Trust, error) {
	members := map[string]string{}
	var pending []string
	consider := func(key string) {
		tm, arn := p.memberARN(key, partition)
		if tm == nil || arn == "" || p.refusedMembers[key] {
			pending = append(pending, key)
			return
		}
		members[key] = arn
	}
	for _, ref := range ar.Spec.Trust.TeamMembers {
		consider(desired.MemberRef(ar, ref))
	}
	if sel := ar.Spec.Trust.TeamMemberSelector; sel != nil {
		selector, err := metav1.LabelSelectorAsSelector(sel)
		if err != nil {
			return desired.Trust{}, outcome.Stalled(iamv1.ReasonInvalidSpec, "spec.trust.teamMemberSelector is not a valid label selector: %v", err)
		}
		for _, key := range p.memberKeys() {
			tm := p.members[key]
			if tm.Namespace != ar.Namespace || !selector.Matches(labels.Set(tm.Labels)) {
				continue
			}
			if _, done := members[key]; done || slices.Contains(pending, key) {
				continue
			}
			consider(key)
		}
	}
	return desired.NewTrust(ar, partition, members, pending), nil
}

func (p *planner) memberKeys() []string {
	keys := make([]string, 0, len(p.members))
	for k := range p.members {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// memberARN is the user ARN a member has (from its status) or will have once the
// operator has created it (from its spec and its account).
func (p *planner) memberARN(key, partition string) (*iamv1.TeamMember, string) {
	tm, ok := p.members[key]
	if !ok {
		return nil, ""
	}
	ab, ok := p.baselines[tm.Spec.AccountRef]
	if !ok {
		return tm, ""
	}
	if c := p.clusterMember(key); c != nil && c.Status.ARN != "" && desired.UserName(c) == desired.UserName(tm) {
		return tm, c.Status.ARN
	}
	path := tm.Spec.Path
	if path == "" {
		path = "/"
	}
	return tm, policy.UserARN(partition, ab.Spec.AccountID, path, desired.UserName(tm))
}

// assumableRoleLinks are, per member, the roles that will trust it, sorted by ARN as
// the TeamMember controller sorts them.
func assumableRoleLinks(roles []roleResult) map[string][]iamv1.AssumableRoleLink {
	out := map[string][]iamv1.AssumableRoleLink{}
	for _, r := range roles {
		if r.arn == "" {
			continue
		}
		for _, m := range r.trusted {
			out[m] = append(out[m], iamv1.AssumableRoleLink{Name: r.obj.Namespace + "/" + r.obj.Name, RoleARN: r.arn, SwitchRoleURL: r.url})
		}
	}
	for _, links := range out {
		sortLinks(links)
	}
	return out
}

func sortLinks(links []iamv1.AssumableRoleLink) {
	slices.SortFunc(links, func(a, b iamv1.AssumableRoleLink) int { return strings.Compare(a.RoleARN, b.RoleARN) })
}
