package preview

import (
	"context"
	"fmt"
	"slices"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/desired"
)

// inScope reports whether the manifests speak for a cluster object: namespaced
// objects of a namespace the manifests declare something in, and AccountBaselines when
// the manifests declare any. An object in scope that the manifests do not declare is
// removed by the apply (kubectl apply --prune, Argo CD's prune).
func (p *planner) inScope(namespace string) bool {
	if namespace == "" {
		return len(p.in.Manifests.Baselines) > 0
	}
	return p.namespaces[namespace]
}

// deletions plans the cluster objects the manifests no longer declare, the way the
// controllers handle their deletion: deletionPolicy Retain or managementPolicy
// Observe leave AWS alone; Delete removes what the object owns.
func (p *planner) deletions(ctx context.Context) []Object {
	if p.in.Cluster == nil {
		return nil
	}
	var out []Object
	for _, tm := range p.in.Cluster.Members {
		if !p.inScope(tm.Namespace) || p.declared(iamv1KindMember, tm.Namespace, tm.Name) {
			continue
		}
		out = append(out, p.deleteMember(ctx, tm))
	}
	for _, ar := range p.in.Cluster.Roles {
		if !p.inScope(ar.Namespace) || p.declared(iamv1KindRole, ar.Namespace, ar.Name) {
			continue
		}
		out = append(out, p.deleteRole(ctx, ar))
	}
	for _, ab := range p.in.Cluster.Baselines {
		if !p.inScope("") || p.declared(iamv1KindBaseline, "", ab.Name) {
			continue
		}
		out = append(out, p.deleteBaseline(ab))
	}
	return out
}

func (p *planner) declared(kind, namespace, name string) bool {
	switch kind {
	case iamv1KindMember:
		return slices.ContainsFunc(p.in.Manifests.Members, func(o *iamv1.TeamMember) bool { return o.Namespace == namespace && o.Name == name })
	case iamv1KindRole:
		return slices.ContainsFunc(p.in.Manifests.Roles, func(o *iamv1.AssumableRole) bool { return o.Namespace == namespace && o.Name == name })
	default:
		return slices.ContainsFunc(p.in.Manifests.Baselines, func(o *iamv1.AccountBaseline) bool { return o.Name == name })
	}
}

// policied is an object with a deletion and a management policy.
type policied interface {
	Policies() (iamv1.DeletionPolicy, iamv1.ManagementPolicy)
}

// deletionTarget starts the plan of deleting a user or a role: Retain when deleting
// the object leaves AWS as it is, otherwise the clients of its account to read what
// is there. ok is false when o is already complete (retained, or the account could
// not be read).
func (p *planner) deletionTarget(ctx context.Context, o *Object, obj policied, accountRef, what string) (*awsx.Clients, bool) {
	if released(obj) {
		o.Action, o.Message = ActionRetain, "removed from the manifests; deletionPolicy Retain (or Observe) leaves the "+what+" in AWS"
		return nil, false
	}
	ab, clients, err := p.resolveAccount(ctx, accountRef)
	o.Account = accountOf(ab)
	if err != nil {
		conclude(o, false, err)
		return nil, false
	}
	return clients, true
}

// released reports whether deleting the object leaves AWS as it is.
func released(obj policied) bool {
	d, m := obj.Policies()
	return d == iamv1.DeletionPolicyRetain || m == iamv1.ManagementPolicyObserve
}

func (p *planner) deleteMember(ctx context.Context, tm *iamv1.TeamMember) Object {
	name := desired.UserName(tm)
	o := Object{Kind: iamv1KindMember, Namespace: tm.Namespace, Name: tm.Name, Resource: "IAM user " + name}
	clients, ok := p.deletionTarget(ctx, &o, tm, tm.Spec.AccountRef, "user")
	if !ok {
		return o
	}
	users := awsx.NewUsers(clients)
	observed, _, err := users.Observe(ctx, name, []string{desired.AssumeRolePolicyName})
	if err != nil || !observed.Exists {
		conclude(&o, false, err)
		return o
	}
	if awsx.CheckOwnership("IAM user "+name, observed.Tags, awsx.Owner(desired.KindTeamMember, tm.Namespace, tm.Name), false) != nil {
		o.Action, o.Message = ActionRetain, fmt.Sprintf("IAM user %s is not owned by this TeamMember; left in place", name)
		return o
	}
	// What Users.Delete removes before the user, as far as a read shows it.
	if observed.LoginProfile {
		o.Changes = append(o.Changes, Change{Action: "DeleteLoginProfile", Target: name})
	}
	keys, err := users.AccessKeys(ctx, name)
	if err != nil {
		conclude(&o, false, err)
		return o
	}
	for _, k := range keys {
		o.Changes = append(o.Changes, Change{Action: "DeleteAccessKey", Target: k.ID})
	}
	for _, g := range observed.Groups {
		o.Changes = append(o.Changes, Change{Action: "RemoveUserFromGroup", Target: g})
	}
	for _, pol := range slices.Sorted(mapKeys(observed.InlinePolicies)) {
		if observed.InlinePolicies[pol] != "" {
			o.Changes = append(o.Changes, Change{Action: "DeleteUserPolicy", Target: pol})
		}
	}
	// The member's own managed assume-role policy (a grant too long to be inline) is
	// detached with the user and then deleted with its versions.
	for _, arn := range observed.Attached {
		if desired.IsOwnAssumeRolePolicy(name, arn) {
			o.Changes = append(o.Changes, Change{Action: "DetachUserPolicy", Target: arn}, Change{Action: "DeletePolicy", Target: arn, Detail: "the member's own assume-role grant"})
		}
	}
	o.Changes = append(o.Changes, Change{Action: "DeleteUser", Target: name, Detail: "with its MFA devices and any other credentials"})
	o.Action = ActionDelete
	p.add(Finding{Kind: "principal-loses-access", Object: o.Key(), Message: fmt.Sprintf("IAM user %s is deleted", name)})
	return o
}

func (p *planner) deleteRole(ctx context.Context, ar *iamv1.AssumableRole) Object {
	name := desired.RoleName(ar)
	o := Object{Kind: iamv1KindRole, Namespace: ar.Namespace, Name: ar.Name, Resource: "IAM role " + name}
	clients, ok := p.deletionTarget(ctx, &o, ar, ar.Spec.AccountRef, "role")
	if !ok {
		return o
	}
	observed, _, err := awsx.NewRoles(clients).Observe(ctx, name)
	if err != nil || !observed.Exists {
		conclude(&o, false, err)
		return o
	}
	if awsx.CheckOwnership("IAM role "+name, observed.Tags, awsx.Owner(desired.KindAssumableRole, ar.Namespace, ar.Name), false) != nil {
		o.Action, o.Message = ActionRetain, fmt.Sprintf("IAM role %s is not owned by this AssumableRole; left in place", name)
		return o
	}
	for _, arn := range observed.ManagedPolicies {
		o.Changes = append(o.Changes, Change{Action: "DetachRolePolicy", Target: arn})
	}
	for _, pol := range slices.Sorted(mapKeys(observed.InlinePolicies)) {
		o.Changes = append(o.Changes, Change{Action: "DeleteRolePolicy", Target: pol})
	}
	o.Changes = append(o.Changes, Change{Action: "DeleteRole", Target: name})
	o.Action = ActionDelete
	p.add(Finding{Kind: "principal-loses-access", Object: o.Key(), Message: fmt.Sprintf("IAM role %s is deleted: nobody can assume it any more", name)})
	return o
}

// deleteBaseline: Retain is the default for baselines (deleting one must never weaken
// an account by accident); Delete removes what status says it created.
func (p *planner) deleteBaseline(ab *iamv1.AccountBaseline) Object {
	o := Object{Kind: iamv1KindBaseline, Name: ab.Name, Account: ab.Spec.AccountID, Resource: "account " + ab.Spec.AccountID}
	if released(ab) {
		o.Action, o.Message = ActionRetain, fmt.Sprintf("removed from the manifests; deletionPolicy %s leaves the baseline of account %s in AWS", ab.Spec.DeletionPolicy, ab.Spec.AccountID)
		return o
	}
	for _, b := range ab.Status.Budgets {
		o.Changes = append(o.Changes, Change{Action: "DeleteBudget", Target: "budget " + b.Name})
	}
	for _, g := range ab.Status.CreatedGroups {
		o.Changes = append(o.Changes, Change{Action: "DeleteGroup", Target: g, Detail: "members and policies removed first"})
	}
	if ab.Status.MFAPolicyARN != "" {
		o.Changes = append(o.Changes, Change{Action: "DeletePolicy", Target: ab.Status.MFAPolicyARN})
		p.add(Finding{Kind: "mfa-requirement-removed", Object: o.Key(), Message: fmt.Sprintf("AccountBaseline %s is deleted with deletionPolicy Delete: the MFA-enforcement policy and group of account %s go", ab.Name, ab.Spec.AccountID)})
	}
	if ab.Spec.Alias != "" {
		o.Changes = append(o.Changes, Change{Action: "DeleteAccountAlias", Target: ab.Spec.Alias})
	}
	o.Changes = append(o.Changes, Change{Action: "DeleteAccountPasswordPolicy"})
	o.Action = ActionDelete
	return o
}
