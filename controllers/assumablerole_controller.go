package controllers

import (
	"context"
	"errors"
	"slices"
	"time"

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
	kindAssumableRole = desired.KindAssumableRole
	// principalWait is how soon a role retries a trust policy IAM refused because a
	// user created a moment ago is not visible yet (eventual consistency).
	principalWait = 2 * time.Second
)

// AssumableRoleReconciler converges an IAM role: its trust policy (built from
// spec.trust), settings, permissions boundary, tags and policies.
type AssumableRoleReconciler struct {
	Client   client.Client
	Recorder recorder.EventRecorder
	AWS      *awsx.Provider
	Resync   time.Duration
	// proofs remembers what TrustVerified was last proven for, per role.
	proofs proof.Memo
}

func (r *AssumableRoleReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return awsObject[*iamv1.AssumableRole]{
		kind: kindAssumableRole, resync: r.Resync,
		what:     func(ar *iamv1.AssumableRole) string { return "IAM role " + desired.RoleName(ar) },
		converge: r.reconcileRole,
		delete:   r.deleteRole,
	}.reconcile(ctx, r.Client, req, &iamv1.AssumableRole{})
}

func (r *AssumableRoleReconciler) reconcileRole(ctx context.Context, ar *iamv1.AssumableRole) (err error) {
	defer func() {
		if _, _, stops := stallReason(err); stops {
			withdrawAdmission(ar)
		}
	}()
	// What can be judged from the spec alone is judged before any AWS call.
	if n := desired.RoleName(ar); len(n) > 64 {
		return stalled(iamv1.ReasonInvalidSpec, "IAM role names are at most 64 characters and %q has %d: set spec.roleName", n, len(n))
	}
	if err := checkTagValues(ar.Spec.Tags); err != nil {
		return err
	}
	inline, err := desired.RoleInlinePolicies(ar)
	if err != nil {
		return err
	}
	_, clients, err := resolveChecked(ctx, r.Client, r.AWS, ar.Spec.AccountRef, ar)
	if err != nil {
		return err
	}
	trust, progress, err := r.resolveTrust(ctx, ar, clients.Partition)
	if err != nil {
		return err
	}
	ar.Status.PendingMembers = trust.Pending
	name := desired.RoleName(ar)
	ar.Status.RoleName = name
	if len(progress.arriving) > 0 {
		// Writing the trust now would rewrite it as each of them turns Ready; they
		// may take the grant meanwhile, so they need one reconcile, not two.
		if err := r.admitArriving(ctx, ar, clients, trust.Trusted(), progress.arriving); err != nil {
			return err
		}
		return waiting(iamv1.ReasonWaitingForMembers, arrivalWait,
			"waiting for TeamMembers %v, created a moment ago, to be Ready, so the trust policy of IAM role %s is written once", progress.arriving, name)
	}
	trustDoc, err := desired.BuildTrust(trust)
	if err != nil {
		if len(trust.Members) == 0 {
			// Nobody to trust (every member pending or gone): no member is in the trust.
			ar.Status.TrustedMembers, ar.Status.Principals, ar.Status.AdmittedMembers = nil, nil, nil
		}
		return err
	}
	desired := desired.Role(ar, trustDoc, inline)

	roles := awsx.NewRoles(clients)
	observed, info, err := roles.Observe(ctx, name)
	if err != nil {
		return err
	}
	owner := awsx.Owner(kindAssumableRole, ar.Namespace, ar.Name)
	if observed.Exists {
		if err := awsx.CheckOwnership("IAM role "+name, observed.Tags, owner, ar.Spec.Adopt); err != nil {
			return err
		}
	}
	changes, err := plan.Role(desired, observed)
	if err != nil {
		var pe *plan.PathChangeError
		if errors.As(err, &pe) {
			return stalled(iamv1.ReasonInvalidSpec, "%s", pe.Error())
		}
		return err
	}

	if ar.Spec.ManagementPolicy == iamv1.ManagementPolicyObserve {
		r.reportObserved(ar, clients.AccountID, observed, info, trust, changes)
		return nil
	}
	if err := r.checkManagedPoliciesExist(ctx, roles, changes); err != nil {
		return err
	}
	if err := checkBoundaryExists(ctx, roles, desired, changes, clients.AccountID); err != nil {
		return err
	}
	for _, ch := range changes {
		created, err := roles.Apply(ctx, desired, ch)
		switch {
		case err == nil:
		case awsx.IsInvalidPrincipal(err):
			return waiting(iamv1.ReasonProgressing, principalWait, "IAM does not know a trusted principal yet (a user created a moment ago); retrying: %s", awsx.Message(err))
		case ch.Action == plan.ActionAttachRolePolicy && awsx.IsNotFound(err):
			return stalled(iamv1.ReasonInvalidSpec, "managed policy %s does not exist or is not attachable in account %s: create it or remove it from spec.managedPolicies", ch.Target, clients.AccountID)
		default:
			return err
		}
		if created != nil {
			info = created
		}
		r.event(ar, ch)
		if plan.TrustChanged([]plan.Change{ch}) {
			// From here on AWS trusts exactly the resolved members.
			ar.Status.TrustedMembers, ar.Status.Principals = trust.Trusted(), trust.Principals()
		}
	}
	r.setRoleStatus(ar, clients.AccountID, info)
	ar.Status.TrustedMembers, ar.Status.Principals = trust.Trusted(), trust.Principals()
	// The trust is written with the members that are Ready: nobody is admitted
	// ahead of it any more.
	ar.Status.AdmittedMembers = nil
	setDrifted(&ar.Status.Conditions, ar.Generation, nil)
	if lacking := progress.cannotAssumeYet(trust.Trusted(), ar.Status.ARN); len(lacking) > 0 {
		// Ready means the people can switch into the role: IAM must trust them and
		// their own policy must allow sts:AssumeRole on it.
		return waiting(iamv1.ReasonWaitingForMembers, arrivalWait,
			"IAM role %s trusts TeamMembers %v, but they cannot assume it until their inline permission is written", name, lacking)
	}
	// Proven once the people can switch in, not before: a compacted trust (the
	// account, the names in a condition) lets in only callers whose own policy
	// allows sts:AssumeRole on the role, so a proof run before the members'
	// permission is written would find the promise broken.
	if err := r.proveTrust(ctx, ar, clients, ar.Status.ARN, trustDoc, trust, plan.TrustChanged(changes)); err != nil {
		return err
	}
	if len(trust.Pending) > 0 {
		return waiting(iamv1.ReasonWaitingForMembers, jitter(r.Resync),
			"IAM role %s is in sync; TeamMembers %v are left out of its trust until they exist and are Ready", name, trust.Pending)
	}
	return nil
}

// checkManagedPoliciesExist looks up each managed policy about to be attached, so
// a missing one is a Stalled condition before any write (no half-made role).
// Policies already attached are not looked up: a steady state reads nothing extra.
func (r *AssumableRoleReconciler) checkManagedPoliciesExist(ctx context.Context, roles *awsx.Roles, changes []plan.Change) error {
	for _, ch := range changes {
		if ch.Action != plan.ActionAttachRolePolicy {
			continue
		}
		ok, err := roles.PolicyExists(ctx, ch.Target)
		if err != nil {
			return err
		}
		if !ok {
			return stalled(iamv1.ReasonInvalidSpec, "managed policy %s does not exist or is not attachable: create it or remove it from spec.managedPolicies", ch.Target)
		}
	}
	return nil
}

// checkBoundaryExists looks up the permissions boundary before a change that sets it
// (CreateRole carries it, or PutRolePermissionsBoundary): IAM refuses a boundary that
// does not exist, and retrying would never help, so it is a Stalled condition that
// names the fix, with no write made. A boundary already in place is not looked up.
func checkBoundaryExists(ctx context.Context, roles *awsx.Roles, d plan.RoleDesired, changes []plan.Change, accountID string) error {
	if d.PermissionsBoundary == "" || !slices.ContainsFunc(changes, func(ch plan.Change) bool {
		return ch.Action == plan.ActionCreateRole || ch.Action == plan.ActionPutRolePermissionsBoundary
	}) {
		return nil
	}
	ok, err := roles.PolicyExists(ctx, d.PermissionsBoundary)
	if err != nil {
		return err
	}
	if !ok {
		return stalled(iamv1.ReasonInvalidSpec, "permissions boundary %s does not exist in account %s: create that managed policy, or fix spec.permissionsBoundary",
			d.PermissionsBoundary, accountID)
	}
	return nil
}

func (r *AssumableRoleReconciler) setRoleStatus(ar *iamv1.AssumableRole, accountID string, info *awsx.RoleInfo) {
	if info == nil {
		return
	}
	ar.Status.ARN, ar.Status.RoleID = info.ARN, info.ID
	ar.Status.SwitchRoleURL = policy.SwitchRoleURL(accountID, ar.Status.RoleName, "")
}

// reportObserved fills status from what AWS holds and reports the differences as
// drift, writing nothing. Members count as trusted only when AWS's trust names them.
func (r *AssumableRoleReconciler) reportObserved(ar *iamv1.AssumableRole, accountID string, o plan.RoleObserved, info *awsx.RoleInfo, t desired.Trust, changes []plan.Change) {
	r.setRoleStatus(ar, accountID, info)
	inAWS := plan.TrustAWSPrincipals(o.Trust)
	// Read AWS's trust as the operator writes it: a large team is compacted to the
	// account with the user names in a condition (policy.FitTrust), not listed.
	doc, _ := policy.Parse(o.Trust)
	var trusted []string
	for key, arn := range t.Members {
		if policy.TrustNamesUser(doc, arn) {
			trusted = append(trusted, key)
		}
	}
	slices.Sort(trusted)
	ar.Status.TrustedMembers = trusted
	ar.Status.Principals = inAWS
	if !o.Exists {
		ar.Status.ARN, ar.Status.RoleID, ar.Status.SwitchRoleURL = "", "", ""
		ar.Status.TrustedMembers, ar.Status.Principals = nil, nil
	}
	setDrifted(&ar.Status.Conditions, ar.Generation, changes)
}

func (r *AssumableRoleReconciler) event(obj client.Object, ch plan.Change) {
	recordChange(r.Recorder, kindAssumableRole, obj, ch)
}
