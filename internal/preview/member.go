package preview

import (
	"context"
	"slices"
	"strings"
	"time"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/plan"
	"github.com/iam-baseline/operator/internal/policy"
)

// precheckMembers finds the members the operator would refuse before any AWS call
// (no AccountBaseline, self-service rules), so roles leave them out of their trust as
// the controller leaves out members that are not Ready.
func (p *planner) precheckMembers() {
	for _, tm := range p.in.Manifests.Members {
		ab, ok := p.baselines[tm.Spec.AccountRef]
		if !ok || p.checkMember(ab, tm) != nil || tm.Spec.ManagementPolicy == iamv1.ManagementPolicyObserve {
			p.refusedMembers[tm.Namespace+"/"+tm.Name] = true
		}
	}
}

// member plans a TeamMember the way its controller converges it: the user, its
// tags, groups and assume-role policy, then its console login and access keys.
func (p *planner) member(ctx context.Context, tm *iamv1.TeamMember) Object {
	o := Object{Kind: iamv1KindMember, Namespace: tm.Namespace, Name: tm.Name, Resource: "IAM user " + desired.UserName(tm)}
	created, err := p.planMember(ctx, tm, &o)
	if err == nil && tm.Spec.ManagementPolicy == iamv1.ManagementPolicyObserve {
		o.Action = ActionObserve
		return o
	}
	conclude(&o, created, err)
	return o
}

func (p *planner) planMember(ctx context.Context, tm *iamv1.TeamMember, o *Object) (bool, error) {
	ab, clients, err := p.resolveChecked(ctx, tm.Spec.AccountRef, func(ab *iamv1.AccountBaseline) error { return p.checkMember(ab, tm) })
	o.Account = accountOf(ab)
	if err != nil {
		return false, err
	}
	key := tm.Namespace + "/" + tm.Name
	want, err := desired.User(ab, tm, p.links[key], clients.Partition)
	if err != nil {
		return false, err
	}
	owner := awsx.Owner(desired.KindTeamMember, tm.Namespace, tm.Name)
	users := awsx.NewUsers(clients)
	observed, _, err := users.Observe(ctx, want.Name, []string{desired.AssumeRolePolicyName})
	if err != nil {
		return false, err
	}
	if observed.Exists {
		if err := awsx.CheckOwnership("IAM user "+want.Name, observed.Tags, owner, tm.Spec.Adopt); err != nil {
			return false, err
		}
	}
	if err := awsx.ObserveAssumePolicy(ctx, clients, want, &observed, owner, tm.Spec.Adopt); err != nil {
		return false, err
	}
	changes, err := plan.User(want, observed)
	if err != nil {
		return false, err
	}
	o.Changes = changesOf(changes, func(c plan.Change) string {
		if c.Action == "CreatePolicyVersion" {
			return observed.AssumePolicy.DefaultDocument // the member's managed policy, as live now
		}
		return observed.InlinePolicies[c.Target]
	})
	if tm.Spec.ManagementPolicy == iamv1.ManagementPolicyObserve {
		return !observed.Exists, nil // drift only: the operator changes nothing
	}
	p.memberFindings(o.Key(), ab, want.Name, observed, changes)
	if err := p.planUser(o.Key(), ab, clients, want); err != nil {
		return false, err
	}
	// The console login and the access keys: the controller makes these after the
	// user (the password and key go straight into Secrets, which a plan never reads).
	if want.Console && !observed.LoginProfile {
		o.Changes = append(o.Changes, Change{Action: "CreateLoginProfile", Target: want.Name,
			Detail: "password in Secret " + consoleSecretName(tm) + ", reset required at first sign-in"})
	}
	keys := []plan.AccessKey(nil)
	if observed.Exists {
		if keys, err = users.AccessKeys(ctx, want.Name); err != nil {
			return false, err
		}
	}
	o.Changes = append(o.Changes, accessKeyChanges(tm, want.Name, keys, p.in.Now())...)
	return !observed.Exists, nil
}

// accessKeyChanges plans the keys with the controller's planner. The Secret that
// holds the key in use is not read (a plan reads no Secret), so the newest active key
// is taken as the one it holds.
func accessKeyChanges(tm *iamv1.TeamMember, userName string, keys []plan.AccessKey, now time.Time) []Change {
	ak := tm.Spec.AccessKeys
	enabled := ak != nil && ak.Enabled
	var maxAge time.Duration
	if enabled && ak.MaxAge != nil {
		maxAge = ak.MaxAge.Duration
	}
	var held *plan.AccessKey
	for i := range keys {
		if keys[i].Active && (held == nil || keys[i].Created.After(held.Created)) {
			held = &keys[i]
		}
	}
	heldID := ""
	if held != nil {
		heldID = held.ID
	}
	var grace time.Duration
	if enabled && ak.RotationGracePeriod != nil {
		grace = ak.RotationGracePeriod.Duration
	}
	kp := plan.AccessKeys(enabled, maxAge, grace, now, heldID, keys)
	var out []Change
	for _, id := range kp.Delete {
		out = append(out, Change{Action: "DeleteAccessKey", Target: id})
	}
	if kp.Deactivate != "" {
		out = append(out, Change{Action: "UpdateAccessKey", Target: kp.Deactivate, Detail: "Inactive: its rotation grace period is over"})
	}
	if kp.Create {
		secret := tm.Name + "-access-key"
		if ak.SecretName != "" {
			secret = ak.SecretName
		}
		out = append(out, Change{Action: "CreateAccessKey", Target: userName, Detail: kp.Reason + "; the key goes to Secret " + secret + "; the old key stays active for the rotation grace period"})
	}
	return out
}

// planUser records the user after the change for the MFA proof.
func (p *planner) planUser(obj string, ab *iamv1.AccountBaseline, clients *awsx.Clients, want plan.UserDesired) error {
	u := plannedUser{obj: obj, name: want.Name, arn: policy.UserARN(clients.Partition, clients.AccountID, want.Path, want.Name)}
	if g := desired.MFAGroup(ab); g != "" && slices.Contains(want.Groups, g) {
		mfa, err := desired.MFAPolicy(ab, clients.Partition, nil)
		if err != nil {
			return err
		}
		u.mfaPolicy = mfa.Document
	}
	p.plannedUsers = append(p.plannedUsers, u)
	return nil
}

func consoleSecretName(tm *iamv1.TeamMember) string {
	if ca := tm.Spec.ConsoleAccess; ca != nil && ca.SecretName != "" {
		return ca.SecretName
	}
	return tm.Name + "-console"
}

func joinList(items []string) string {
	s := slices.Clone(items)
	slices.Sort(s)
	return "[" + strings.Join(s, " ") + "]"
}
