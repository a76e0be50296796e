package controllers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/plan"
	"github.com/iam-baseline/operator/internal/policy"
	"github.com/iam-baseline/operator/internal/policy/proof"
)

const (
	kindAccountBaseline = desired.KindAccountBaseline
	// findingsRetry is how soon a baseline looks again while AWS generates the
	// credential report.
	findingsRetry = 5 * time.Second
	// proofRetry is how soon a baseline asks again for an MFA proof AWS could not
	// answer (throttled, or the simulation failed), rather than at the resync.
	proofRetry = 30 * time.Second
)

// AccountBaselineReconciler converges one AWS account's baseline: the alias, the
// password policy, the MFA-enforcement policy and group, the permission groups and
// the budgets; it reports the root user's state and the CIS IAM findings.
//
// Ready summarises only what the operator converges. The root conditions
// (RootMFAEnabled, RootAccessKeysAbsent) and CISCompliant are reported beside it but
// never make Ready False: AWS has no API to enrol root MFA or delete root keys, and
// findings such as an old access key belong to people, so a Ready that depended on
// them would stay False whatever the operator did, and Argo CD would show the
// baseline as failing to apply when it applied perfectly. Alerts read those
// conditions (and the iam_baseline_cis_findings metric) directly.
type AccountBaselineReconciler struct {
	Client   client.Client
	Recorder recorder.EventRecorder
	AWS      *awsx.Provider
	Resync   time.Duration
	// FindingsInterval is how often the CIS findings are refreshed.
	FindingsInterval time.Duration
	Now              func() time.Time
	// proofs remembers what MFAEnforced was last proven for, per baseline.
	proofs proof.Memo
}

func (r *AccountBaselineReconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *AccountBaselineReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return reconcileObject(ctx, r.Client, req, &iamv1.AccountBaseline{}, r.reconcileDelete, r.converge)
}

func (r *AccountBaselineReconciler) converge(ctx context.Context, ab *iamv1.AccountBaseline) (ctrl.Result, error) {
	s := &baselineScope{r: r, ab: ab, observe: ab.Spec.ManagementPolicy == iamv1.ManagementPolicyObserve}
	err := s.reconcile(ctx)
	res, err := finish(kindAccountBaseline, &ab.Status.Conditions, ab.Generation, err, r.Resync, baselineReadyMessage(ab, s.observe))
	if s.findingsPending && err == nil && (res.RequeueAfter == 0 || res.RequeueAfter > findingsRetry) {
		res.RequeueAfter = findingsRetry
	}
	if s.proofPending && err == nil && (res.RequeueAfter == 0 || res.RequeueAfter > proofRetry) {
		res.RequeueAfter = proofRetry
	}
	return res, err
}

func baselineReadyMessage(ab *iamv1.AccountBaseline, observe bool) string {
	name := ab.Spec.AccountID
	if ab.Spec.Alias != "" {
		name += " (" + ab.Spec.Alias + ")"
	}
	if observe {
		return "observed the baseline of account " + name
	}
	return "the baseline of account " + name + " is in sync"
}

// baselineScope is one reconcile of one AccountBaseline: the object, its account's
// clients, and what was found on the way.
type baselineScope struct {
	r       *AccountBaselineReconciler
	ab      *iamv1.AccountBaseline
	clients *awsx.Clients
	owner   string
	observe bool
	// drift collects the changes Observe mode would have made.
	drift []plan.Change
	// passwordPolicy is the policy in force after this reconcile, for the findings.
	passwordPolicy *plan.PasswordPolicy
	root           awsx.RootState
	// findingsPending: the credential report is still being generated.
	findingsPending bool
	// changed: a change was made in AWS in this reconcile (Enforce).
	changed bool
	// proofPending: AWS could not answer the MFA proof; ask again soon.
	proofPending bool
}

func (s *baselineScope) reconcile(ctx context.Context) error {
	ab := s.ab
	if err := s.r.checkClaim(ctx, ab); err != nil {
		return err
	}
	if err := desired.ValidateBaseline(ab); err != nil {
		return err
	}
	clients, err := s.r.AWS.For(ctx, baselineTarget(ab))
	if err != nil {
		return err
	}
	s.clients = clients
	s.owner = awsx.Owner(kindAccountBaseline, "", ab.Name)

	convergeErr := s.converge(ctx)
	// The root checks and the findings are read-only; they are reported even when
	// converging stopped on a bad spec, so a person sees the whole picture.
	if err := s.observeAccount(ctx); err != nil && convergeErr == nil {
		convergeErr = err
	}
	if convergeErr != nil {
		return convergeErr
	}
	if err := s.proveMFA(ctx); err != nil {
		return err
	}
	if s.observe {
		setDrifted(&ab.Status.Conditions, ab.Generation, s.drift)
	} else {
		setDrifted(&ab.Status.Conditions, ab.Generation, nil)
	}
	return nil
}

// baselineTarget is how the operator reaches the baseline's account: an
// AccountBaseline is its own account source.
func baselineTarget(ab *iamv1.AccountBaseline) awsx.Target {
	t := awsx.Target{AccountID: ab.Spec.AccountID}
	if ab.Spec.Access != nil {
		t.RoleARN, t.ExternalID = ab.Spec.Access.RoleARN, ab.Spec.Access.ExternalID
	}
	return t
}

// checkClaim enforces one AccountBaseline per account: the oldest (by creation time,
// then name) governs it; any other is Stalled and makes no AWS call.
func (r *AccountBaselineReconciler) checkClaim(ctx context.Context, ab *iamv1.AccountBaseline) error {
	if other, err := r.claimant(ctx, ab); err != nil || other == "" {
		return err
	} else {
		return stalled(iamv1.ReasonOwnedByOther, "account %s is already governed by AccountBaseline %q (an account has one baseline): delete this AccountBaseline or merge it into %q",
			ab.Spec.AccountID, other, other)
	}
}

// claimant is the name of an older baseline of the same account, or "".
func (r *AccountBaselineReconciler) claimant(ctx context.Context, ab *iamv1.AccountBaseline) (string, error) {
	list := &iamv1.AccountBaselineList{}
	if err := r.Client.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		return "", err
	}
	for _, o := range list.Items {
		if o.Name == ab.Name || o.Spec.AccountID != ab.Spec.AccountID {
			continue
		}
		ot, t := o.CreationTimestamp.Time, ab.CreationTimestamp.Time
		if ot.Before(t) || (ot.Equal(t) && o.Name < ab.Name) {
			return o.Name, nil
		}
	}
	return "", nil
}

// apply records a change: under Observe it is drift, under Enforce do makes it and
// an event is recorded.
func (s *baselineScope) apply(ch plan.Change, do func() error) error {
	if s.observe {
		s.drift = append(s.drift, ch)
		return nil
	}
	if err := do(); err != nil {
		return err
	}
	s.changed = true
	recordChange(s.r.Recorder, kindAccountBaseline, s.ab, ch)
	return nil
}

// converge runs every part of the baseline; a part that fails is reported with the
// others' failures and does not stop them (see partFailures).
func (s *baselineScope) converge(ctx context.Context) error {
	var failed partFailures
	failed.run("account alias", func() error { return s.alias(ctx) })
	failed.run("password policy", func() error { return s.passwordPolicyStep(ctx) })
	failed.run("MFA enforcement", func() error { return s.mfa(ctx) })
	failed = append(failed, s.groups(ctx)...)
	failed = append(failed, s.budgets(ctx)...)
	return failed.err()
}

// alias converges the account alias and reports the sign-in URL of the alias AWS
// holds, never of the one the spec asks for: when AWS refuses a new alias the old
// one stays, and so does the sign-in URL members are given.
func (s *baselineScope) alias(ctx context.Context) error {
	acct := awsx.NewAccount(s.clients)
	observed, err := acct.Aliases(ctx)
	if err != nil {
		return err
	}
	current := ""
	if len(observed) > 0 {
		current = observed[0]
	}
	setURL := func() {
		if current == "" {
			s.ab.Status.SignInURL = policy.SignInURL(s.ab.Spec.AccountID)
			return
		}
		s.ab.Status.SignInURL = policy.SignInURL(current)
	}
	for _, ch := range plan.BaselineAlias(s.ab.Spec.Alias, observed) {
		err := s.apply(ch, func() error { return acct.CreateAlias(ctx, ch.Target) })
		if awsx.IsAlreadyExists(err) {
			setURL()
			return stalled(iamv1.ReasonInvalidSpec, "the account alias %q is taken by another AWS account (aliases are unique across AWS): choose another spec.alias; the account keeps its alias %q",
				ch.Target, current)
		}
		if err != nil {
			setURL()
			return err
		}
		if !s.observe {
			current = ch.Target
		}
	}
	setURL()
	return nil
}

func (s *baselineScope) passwordPolicyStep(ctx context.Context) error {
	acct := awsx.NewAccount(s.clients)
	observed, err := acct.PasswordPolicy(ctx)
	if err != nil {
		return err
	}
	desired := desired.PasswordPolicy(s.ab.Spec.PasswordPolicy)
	s.passwordPolicy = observed
	for _, ch := range plan.BaselinePasswordPolicy(desired, observed) {
		if err := s.apply(ch, func() error { return acct.UpdatePasswordPolicy(ctx, desired) }); err != nil {
			return err
		}
		if !s.observe {
			s.passwordPolicy = &desired
		}
	}
	return nil
}

// mfa converges the MFA-enforcement policy; its group is converged with the others.
// With enforcement off, a policy this baseline made is deleted once its group is.
func (s *baselineScope) mfa(ctx context.Context) error {
	ab := s.ab
	arn := desired.MFAPolicyARN(ab, s.clients.Partition, s.clients.AccountID)
	policies := awsx.NewManagedPolicies(s.clients)
	if desired.MFAGroup(ab) == "" {
		ab.Status.MFAGroupName = ""
		return nil // the policy goes after its group, in groups()
	}
	want, err := desired.MFAPolicy(ab, s.clients.Partition, awsx.OwnershipTags(s.owner))
	if err != nil {
		return err
	}
	observed, err := policies.Observe(ctx, arn)
	if err != nil {
		return err
	}
	if observed.Exists {
		if err := s.r.checkBaselineOwnership(ctx, "IAM policy "+arn, observed.Tags, s.owner); err != nil {
			return err
		}
		if plan.ManagedPolicyNeedsVersions(want, observed) {
			if observed.Versions, err = policies.Versions(ctx, arn); err != nil {
				return err
			}
		}
	}
	for _, ch := range plan.ManagedPolicy(want, observed) {
		if err := s.apply(ch, func() error {
			var err error
			arn, err = policies.Apply(ctx, arn, ch)
			return err
		}); err != nil {
			return err
		}
	}
	ab.Status.MFAPolicyARN = arn
	ab.Status.MFAGroupName = desired.MFAGroup(ab)
	return nil
}

// groups converges the MFA group and the permission groups, then deletes the groups
// this baseline created that the spec no longer names.
//
// Groups cannot carry tags in IAM, so a group named in the spec is the baseline's
// whether it made it or found it (the spec naming it is the decision to manage it),
// while only groups recorded in status.createdGroups are ever deleted.
func (s *baselineScope) groups(ctx context.Context) partFailures {
	ab := s.ab
	groups := awsx.NewGroups(s.clients)
	want := desired.Groups(ab, s.clients.Partition, s.clients.AccountID)
	var names []string
	var failed partFailures
	for _, d := range want {
		names = append(names, d.Name)
		failed.run(fmt.Sprintf("group %q", d.Name), func() error { return s.group(ctx, groups, d) })
	}
	for _, g := range plan.StaleGroups(ab.Status.CreatedGroups, names) {
		failed.run(fmt.Sprintf("deleting group %q", g), func() error { return s.deleteGroup(ctx, groups, g) })
	}
	if desired.MFAGroup(ab) == "" && ab.Status.MFAPolicyARN != "" {
		failed.run("deleting the MFA policy", func() error { return s.deleteMFAPolicy(ctx) })
	}
	slices.Sort(names)
	ab.Status.Groups = names
	return failed
}

// group converges one group: its existence, managed and inline policies.
func (s *baselineScope) group(ctx context.Context, groups *awsx.Groups, d plan.GroupDesired) error {
	observed, err := groups.Observe(ctx, d.Name)
	if err != nil {
		return err
	}
	if err := s.checkGroupOwnership(d.Name, observed); err != nil {
		return err
	}
	for _, ch := range plan.Group(d, observed) {
		if ch.Action == "CreateGroup" && !s.observe {
			if err := s.createGroup(ctx, groups, ch); err != nil {
				return err
			}
			continue
		}
		err := s.apply(ch, func() error { return groups.Apply(ctx, d.Name, ch) })
		if ch.Action == "AttachGroupPolicy" && awsx.IsNotFound(err) {
			return stalled(iamv1.ReasonInvalidSpec, "managed policy %s does not exist in account %s: fix spec.groups[%s].managedPolicies",
				ch.Target, s.clients.AccountID, d.Name)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// checkGroupOwnership applies the ownership rule to groups. IAM groups carry no
// tags, so the evidence that a group is this baseline's is its own record
// (status.createdGroups). A group that exists without it was made by someone else
// and is never changed unless the spec says adopt. One exception keeps a successor
// baseline working: an MFA group with the account's MFA-enforcement policy attached
// is the operator's, because only the operator attaches that tagged policy (whose
// ownership mfa() has already checked).
func (s *baselineScope) checkGroupOwnership(name string, observed plan.GroupObserved) error {
	if !observed.Exists || slices.ContainsFunc(s.ab.Status.CreatedGroups, func(g string) bool { return strings.EqualFold(g, name) }) {
		return nil
	}
	if strings.EqualFold(name, desired.MFAGroup(s.ab)) {
		if s.ab.Spec.MFAEnforcement != nil && s.ab.Spec.MFAEnforcement.Adopt {
			return nil
		}
		arn := policy.PolicyARN(s.clients.Partition, s.clients.AccountID, "/", desired.MFAPolicyName(s.ab))
		if slices.ContainsFunc(observed.ManagedPolicies, func(p string) bool { return strings.EqualFold(p, arn) }) {
			return nil
		}
		return stalled(iamv1.ReasonNotManaged, "IAM group %s already exists and was not created by this AccountBaseline (IAM groups carry no ownership tags): set spec.mfaEnforcement.adopt: true to take it over, or choose another spec.mfaEnforcement.groupName", name)
	}
	for _, g := range s.ab.Spec.Groups {
		if strings.EqualFold(g.Name, name) && g.Adopt {
			return nil
		}
	}
	return stalled(iamv1.ReasonNotManaged, "IAM group %s already exists and was not created by this AccountBaseline (IAM groups carry no ownership tags): set adopt: true on spec.groups[%s] to take it over, or choose another name", name, name)
}

func (s *baselineScope) deleteGroup(ctx context.Context, groups *awsx.Groups, name string) error {
	if s.observe {
		s.drift = append(s.drift, plan.Change{Action: "DeleteGroup", Target: name})
		return nil
	}
	steps, err := groups.Delete(ctx, name)
	s.r.deletedEvents(s.ab, steps, "group "+name)
	if err != nil {
		return err
	}
	s.ab.Status.CreatedGroups = slices.DeleteFunc(s.ab.Status.CreatedGroups, func(g string) bool { return g == name })
	return nil
}

// deleteMFAPolicy removes the MFA-enforcement policy this baseline made, after
// enforcement was turned off (its group is already gone).
func (s *baselineScope) deleteMFAPolicy(ctx context.Context) error {
	arn := s.ab.Status.MFAPolicyARN
	if s.observe {
		s.drift = append(s.drift, plan.Change{Action: "DeletePolicy", Target: arn})
		return nil
	}
	policies := awsx.NewManagedPolicies(s.clients)
	observed, err := policies.Observe(ctx, arn)
	if err != nil {
		return err
	}
	if observed.Exists && awsx.CheckOwnership("IAM policy "+arn, observed.Tags, s.owner, false) == nil {
		steps, err := policies.Delete(ctx, arn)
		s.r.deletedEvents(s.ab, steps, "policy "+arn)
		if err != nil {
			return err
		}
	}
	s.ab.Status.MFAPolicyARN = ""
	return nil
}

func (r *AccountBaselineReconciler) deletedEvents(ab *iamv1.AccountBaseline, steps []string, what string) {
	for _, st := range steps {
		recordChange(r.Recorder, kindAccountBaseline, ab, plan.Change{Action: firstWord(st), Target: strings.TrimSpace(strings.TrimPrefix(st, firstWord(st))) + " (" + what + ")"})
	}
}

// checkBaselineOwnership decides whether this baseline may manage a tagged resource:
// its own, or one left by an AccountBaseline that no longer exists (deleted with
// Retain; one account has one baseline, so its successor inherits). Anything else
// (untagged, or owned by a live object) is Stalled with the owner named.
func (r *AccountBaselineReconciler) checkBaselineOwnership(ctx context.Context, resource string, tags map[string]string, owner string) error {
	err := awsx.CheckOwnership(resource, tags, owner, false)
	var ob *awsx.OwnedByOtherError
	var nm *awsx.NotManagedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &nm):
		return stalled(iamv1.ReasonNotManaged, "%s already exists and is not managed by iam-baseline-operator: delete or rename it in AWS, or choose another name in the spec", resource)
	case errors.As(err, &ob):
		prefix := kindAccountBaseline + "//"
		if !strings.HasPrefix(ob.Owner, prefix) {
			return err
		}
		prev := &iamv1.AccountBaseline{}
		getErr := r.Client.Get(ctx, client.ObjectKey{Name: strings.TrimPrefix(ob.Owner, prefix)}, prev)
		if apierrors.IsNotFound(getErr) {
			return nil // retagged by the plan
		}
		if getErr != nil {
			return getErr
		}
		return err
	default:
		return err
	}
}

func addToSet(set []string, v string) []string {
	if slices.Contains(set, v) {
		return set
	}
	out := append(slices.Clone(set), v)
	slices.Sort(out)
	return out
}
