package preview

import (
	"context"
	"errors"
	"fmt"
	"strings"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/outcome"
	"github.com/iam-baseline/operator/internal/plan"
)

// baseline plans an AccountBaseline the way its controller converges it: the alias,
// the password policy, the MFA-enforcement policy, the groups (and the ones it
// created that the spec no longer names), and the budgets.
func (p *planner) baseline(ctx context.Context, ab *iamv1.AccountBaseline) Object {
	o := Object{Kind: iamv1KindBaseline, Name: ab.Name, Account: ab.Spec.AccountID, Resource: "account " + ab.Spec.AccountID}
	err := p.planBaseline(ctx, ab, &o)
	if err == nil && ab.Spec.ManagementPolicy == iamv1.ManagementPolicyObserve {
		o.Action = ActionObserve
		return o
	}
	conclude(&o, false, err)
	return o
}

func (p *planner) planBaseline(ctx context.Context, ab *iamv1.AccountBaseline, o *Object) error {
	if err := p.checkClaim(ab); err != nil {
		return err
	}
	if err := desired.ValidateBaseline(ab); err != nil {
		return err
	}
	clients, err := p.clients(ctx, ab)
	if err != nil {
		return err
	}
	owner := awsx.Owner(desired.KindAccountBaseline, "", ab.Name)
	prev := p.clusterBaseline(ab.Name)
	acct := awsx.NewAccount(clients)

	aliases, err := acct.Aliases(ctx)
	if err != nil {
		return err
	}
	o.Changes = append(o.Changes, changesOf(plan.BaselineAlias(ab.Spec.Alias, aliases), nil)...)

	observedPP, err := acct.PasswordPolicy(ctx)
	if err != nil {
		return err
	}
	wantPP := desired.PasswordPolicy(ab.Spec.PasswordPolicy)
	for _, ch := range plan.BaselinePasswordPolicy(wantPP, observedPP) {
		c := changeOf(ch, nil)
		c.Detail = passwordPolicyDiff(observedPP, wantPP)
		o.Changes = append(o.Changes, c)
		if observedPP != nil {
			p.passwordPolicyFindings(ab, *observedPP, wantPP)
		}
	}

	if desired.MFAGroup(ab) != "" {
		if err := p.mfaPolicy(ctx, ab, clients, owner, o); err != nil {
			return err
		}
	}

	groups := awsx.NewGroups(clients)
	var names []string
	for _, d := range desired.Groups(ab, clients.Partition, clients.AccountID) {
		names = append(names, d.Name)
		observed, err := groups.Observe(ctx, d.Name)
		if err != nil {
			return err
		}
		changes := plan.Group(d, observed)
		o.Changes = append(o.Changes, changesOf(changes, func(c plan.Change) string { return observed.InlinePolicies[c.Target] })...)
		p.groupFindings(ab, d.Name, changes)
	}
	if prev != nil {
		for _, g := range plan.StaleGroups(prev.Status.CreatedGroups, names) {
			o.Changes = append(o.Changes, Change{Action: "DeleteGroup", Target: g, Detail: "created by this baseline, no longer in spec.groups (members and policies removed first)"})
			p.add(Finding{Kind: "group-grants-change", Object: o.Key(), Message: fmt.Sprintf("group %s is deleted: its members lose what it grants", g)})
		}
		if desired.MFAGroup(ab) == "" && prev.Status.MFAPolicyARN != "" {
			o.Changes = append(o.Changes, Change{Action: "DeletePolicy", Target: prev.Status.MFAPolicyARN, Detail: "MFA enforcement is turned off"})
		}
	}
	if prev != nil && desired.MFAGroup(prev) != "" && desired.MFAGroup(ab) == "" {
		p.add(Finding{Kind: "mfa-requirement-removed", Object: o.Key(), Message: fmt.Sprintf("MFA enforcement is turned off for account %s: members are no longer denied everything until they sign in with MFA", ab.Spec.AccountID)})
	}

	return p.budgets(ctx, ab, clients, owner, prev, o)
}

// checkClaim is the controller's one-baseline-per-account rule: the oldest baseline
// of an account governs it (then the first by name). A baseline already in the
// cluster is older than one the manifests add.
func (p *planner) checkClaim(ab *iamv1.AccountBaseline) error {
	older := func(o *iamv1.AccountBaseline) bool {
		oc, ac := p.clusterBaseline(o.Name), p.clusterBaseline(ab.Name)
		switch {
		case oc != nil && ac == nil:
			return true
		case oc == nil && ac != nil:
			return false
		case oc != nil:
			ot, t := oc.CreationTimestamp.Time, ac.CreationTimestamp.Time
			return ot.Before(t) || (ot.Equal(t) && o.Name < ab.Name)
		default:
			return o.Name < ab.Name
		}
	}
	other := ""
	for _, o := range p.baselines {
		if o.Name != ab.Name && o.Spec.AccountID == ab.Spec.AccountID && older(o) && (other == "" || o.Name < other) {
			other = o.Name
		}
	}
	if other == "" {
		return nil
	}
	return outcome.Stalled(iamv1.ReasonOwnedByOther, "account %s is already governed by AccountBaseline %q (an account has one baseline): delete this AccountBaseline or merge it into %q",
		ab.Spec.AccountID, other, other)
}

// ownedByBaseline is the controller's checkBaselineOwnership: a resource tagged by
// an AccountBaseline that no longer exists is inherited by this one.
func (p *planner) ownedByBaseline(resource string, tags map[string]string, owner string) error {
	err := awsx.CheckOwnership(resource, tags, owner, false)
	var ob *awsx.OwnedByOtherError
	var nm *awsx.NotManagedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &nm):
		return outcome.Stalled(iamv1.ReasonNotManaged, "%s already exists and is not managed by iam-baseline-operator: delete or rename it in AWS, or choose another name in the spec", resource)
	case errors.As(err, &ob):
		prefix := desired.KindAccountBaseline + "//"
		if !strings.HasPrefix(ob.Owner, prefix) {
			return err
		}
		if _, live := p.baselines[strings.TrimPrefix(ob.Owner, prefix)]; !live {
			return nil
		}
		return err
	default:
		return err
	}
}

func (p *planner) mfaPolicy(ctx context.Context, ab *iamv1.AccountBaseline, clients *awsx.Clients, owner string, o *Object) error {
	arn := desired.MFAPolicyARN(ab, clients.Partition, clients.AccountID)
	want, err := desired.MFAPolicy(ab, clients.Partition, awsx.OwnershipTags(owner))
	if err != nil {
		return err
	}
	policies := awsx.NewManagedPolicies(clients)
	observed, err := policies.Observe(ctx, arn)
	if err != nil {
		return err
	}
	if observed.Exists {
		if err := p.ownedByBaseline("IAM policy "+arn, observed.Tags, owner); err != nil {
			return err
		}
		if plan.ManagedPolicyNeedsVersions(want, observed) {
			if observed.Versions, err = policies.Versions(ctx, arn); err != nil {
				return err
			}
		}
	}
	changes := plan.ManagedPolicy(want, observed)
	for _, c := range changes {
		ch := changeOf(c, nil)
		switch c.Action {
		case "CreatePolicyVersion", "SetDefaultPolicyVersion":
			// The default version drifted: show what is live now against the repair.
			ch.Document = prettyDocument(want.Document)
			ch.Diff = lineDiff(prettyDocument(observed.DefaultDocument), ch.Document)
			p.add(Finding{Kind: "mfa-requirement-removed", Object: o.Key(), Message: fmt.Sprintf("the MFA-enforcement policy %s was changed in AWS and is repaired: review the diff (its live version is not the operator's)", arn)})
		}
		o.Changes = append(o.Changes, ch)
	}
	return nil
}

func (p *planner) budgets(ctx context.Context, ab *iamv1.AccountBaseline, clients *awsx.Clients, owner string, prev *iamv1.AccountBaseline, o *Object) error {
	svc := awsx.NewBudgets(clients)
	tags := awsx.OwnershipTags(owner)
	var names []string
	for _, b := range ab.Spec.Budgets {
		d, err := desired.Budget(b, tags)
		if err != nil {
			return err
		}
		names = append(names, d.Name)
		observed, _, err := svc.Observe(ctx, d.Name)
		if err != nil {
			return err
		}
		if observed.Exists {
			if err := p.ownedByBaseline("budget "+d.Name, observed.Tags, owner); err != nil {
				return err
			}
		}
		o.Changes = append(o.Changes, changesOf(plan.BudgetChanges(plan.Budget(d, observed)), nil)...)
	}
	if prev == nil {
		return nil
	}
	var managed []string
	for _, b := range prev.Status.Budgets {
		managed = append(managed, b.Name)
	}
	for _, name := range plan.StaleBudgets(managed, names) {
		t, err := svc.Tags(ctx, name)
		if awsx.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if awsx.CheckOwnership("budget "+name, t, owner, false) != nil {
			continue
		}
		o.Changes = append(o.Changes, Change{Action: "DeleteBudget", Target: "budget " + name})
	}
	return nil
}

// passwordPolicyDiff names the settings that change ("minimumLength 8 -> 14"), or
// all of them when the account has no password policy.
func passwordPolicyDiff(o *plan.PasswordPolicy, d plan.PasswordPolicy) string {
	none := o == nil
	if none {
		o = &plan.PasswordPolicy{}
	}
	var parts []string
	add := func(name string, a, b any) {
		switch {
		case none:
			parts = append(parts, fmt.Sprintf("%s %v", name, b))
		case fmt.Sprint(a) != fmt.Sprint(b):
			parts = append(parts, fmt.Sprintf("%s %v -> %v", name, a, b))
		}
	}
	add("minimumLength", o.MinimumLength, d.MinimumLength)
	add("passwordReusePrevention", o.PasswordReusePrevention, d.PasswordReusePrevention)
	add("requireSymbols", o.RequireSymbols, d.RequireSymbols)
	add("requireNumbers", o.RequireNumbers, d.RequireNumbers)
	add("requireUppercase", o.RequireUppercase, d.RequireUppercase)
	add("requireLowercase", o.RequireLowercase, d.RequireLowercase)
	add("allowUsersToChangePassword", o.AllowUsersToChangePassword, d.AllowUsersToChangePassword)
	add("maxPasswordAgeDays", o.MaxPasswordAgeDays, d.MaxPasswordAgeDays)
	add("hardExpiry", o.HardExpiry, d.HardExpiry)
	if none {
		return "the account has none: " + strings.Join(parts, ", ")
	}
	return strings.Join(parts, ", ")
}
