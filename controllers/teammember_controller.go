package controllers

import (
	"context"
	"slices"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/plan"
)

const (
	// Finalizer keeps an object until its AWS resources are handled per deletionPolicy.
	Finalizer = "iam.baseline.dev/finalizer"
	// ResetPasswordAnnotation asks for a new console password (for example after the
	// Secret was lost). The operator never resets a password on its own.
	ResetPasswordAnnotation = "iam.baseline.dev/reset-password"
	// AssumeRolePolicyName is the inline policy on each user that allows sts:AssumeRole
	// on exactly the roles that trust the user.
	AssumeRolePolicyName = desired.AssumeRolePolicyName

	kindTeamMember  = desired.KindTeamMember
	groupWait       = 5 * time.Second
	indexAccountRef = "spec.accountRef"
)

// TeamMemberReconciler converges a person's IAM user: the user, its groups, console
// login profile, access keys and assume-role permissions.
type TeamMemberReconciler struct {
	Client    client.Client
	APIReader client.Reader // uncached: Secrets are read fresh and never cached
	Recorder  recorder.EventRecorder
	AWS       *awsx.Provider
	Resync    time.Duration
	Now       func() time.Time
}

func (r *TeamMemberReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	return awsObject[*iamv1.TeamMember]{
		kind: kindTeamMember, resync: r.Resync,
		what:     func(tm *iamv1.TeamMember) string { return "IAM user " + desired.UserName(tm) },
		converge: r.reconcileMember,
		delete:   r.deleteUser,
	}.reconcile(ctx, r.Client, req, &iamv1.TeamMember{})
}

func (r *TeamMemberReconciler) reconcileMember(ctx context.Context, tm *iamv1.TeamMember) error {
	if err := checkMemberSpec(tm); err != nil {
		return err
	}
	ab, clients, err := resolveChecked(ctx, r.Client, r.AWS, tm.Spec.AccountRef, tm)
	if err != nil {
		return err
	}
	if err := checkMemberGroupsDeclared(ab, tm); err != nil {
		return err
	}
	roles, err := r.assumableRoles(ctx, tm)
	if err != nil {
		return err
	}
	desired, err := desired.User(ab, tm, roles, clients.Partition)
	if err != nil {
		return err
	}
	owner := awsx.Owner(kindTeamMember, tm.Namespace, tm.Name)
	users := awsx.NewUsers(clients)
	observed, userInfo, err := users.Observe(ctx, desired.Name, []string{AssumeRolePolicyName})
	if err != nil {
		return err
	}
	if observed.Exists {
		if err := awsx.CheckOwnership("IAM user "+desired.Name, observed.Tags, owner, tm.Spec.Adopt); err != nil {
			return err
		}
	}
	if err := awsx.ObserveAssumePolicy(ctx, clients, desired, &observed, owner, tm.Spec.Adopt); err != nil {
		return err
	}
	changes, err := plan.User(desired, observed)
	if err != nil {
		return err
	}

	observe := tm.Spec.ManagementPolicy == iamv1.ManagementPolicyObserve
	if observe {
		r.reportObserved(tm, observed, userInfo, changes)
		if !observed.Exists {
			return nil
		}
		return r.observeMFA(ctx, tm, users, desired.Name)
	}
	policies := awsx.NewManagedPolicies(clients)
	for _, ch := range changes {
		var info *awsx.UserInfo
		if plan.IsPolicyChange(ch.Action) {
			_, err = policies.Apply(ctx, desired.AssumePolicyARN, ch)
		} else {
			info, err = users.Apply(ctx, desired.Name, ch)
		}
		if ch.Action == "CreatePolicy" && awsx.IsAlreadyExists(err) {
			// Policy names are unique in an account whatever their path: one of this
			// name exists elsewhere (GetPolicy at our path found none).
			return stalled(iamv1.ReasonNotManaged, "an IAM policy named %s already exists in account %s outside the path %s and is not this member's: delete or rename it, or trust this member in fewer AssumableRoles so the grant fits inline",
				ch.Target, ab.Spec.AccountID, desired.AssumePolicy.Path)
		}
		if ch.Action == "AddUserToGroup" && awsx.IsNotFound(err) {
			// The baseline declares the group (checked above) but has not made it yet,
			// or IAM has not propagated a user created a moment ago: both resolve by
			// themselves, and the baseline turning Ready wakes the member.
			return waiting(iamv1.ReasonProgressing, groupWait, "group %q declared in AccountBaseline %q is not in account %s yet; waiting for the baseline to create it", ch.Target, ab.Name, ab.Spec.AccountID)
		}
		if err != nil {
			return err
		}
		if info != nil {
			userInfo = info
		}
		r.event(tm, ch)
	}
	tm.Status.UserName, tm.Status.ARN, tm.Status.UserID = desired.Name, userInfo.ARN, userInfo.ID
	tm.Status.Groups = slices.Clone(desired.Groups)
	tm.Status.AssumableRoles = roles
	setDrifted(&tm.Status.Conditions, tm.Generation, nil)

	creds := &memberCredentials{r: r, tm: tm, ab: ab, users: users, userName: desired.Name}
	if err := creds.console(ctx, desired.Console, observed.LoginProfile); err != nil {
		return err
	}
	if err := creds.accessKeys(ctx); err != nil {
		return err
	}
	if err := r.observeMFA(ctx, tm, users, desired.Name); err != nil {
		return err
	}
	return r.writeOnboarding(ctx, tm, ab)
}

// reportObserved fills status from what AWS holds and reports the differences as
// drift, writing nothing.
func (r *TeamMemberReconciler) reportObserved(tm *iamv1.TeamMember, o plan.UserObserved, info *awsx.UserInfo, changes []plan.Change) {
	tm.Status.UserName = desired.UserName(tm)
	if info != nil {
		tm.Status.ARN, tm.Status.UserID = info.ARN, info.ID
	}
	tm.Status.Groups = slices.Clone(o.Groups)
	setDrifted(&tm.Status.Conditions, tm.Generation, changes)
}

func (r *TeamMemberReconciler) observeMFA(ctx context.Context, tm *iamv1.TeamMember, users *awsx.Users, name string) error {
	serial, err := users.MFADevice(ctx, name)
	if err != nil {
		return err
	}
	enrolled := serial != ""
	tm.Status.MFAEnrolled, tm.Status.MFASerial = enrolled, serial
	setMFACondition(&tm.Status.Conditions, tm.Generation, enrolled)
	return nil
}

// assumableRoles lists the roles whose trust policy names this member, from the
// AssumableRoles' status, so the member's inline policy and status follow them.
func (r *TeamMemberReconciler) assumableRoles(ctx context.Context, tm *iamv1.TeamMember) ([]iamv1.AssumableRoleLink, error) {
	key := tm.Namespace + "/" + tm.Name
	list := &iamv1.AssumableRoleList{}
	if err := r.Client.List(ctx, list, client.MatchingFields{indexMembers: key}, client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	var out []iamv1.AssumableRoleLink
	for _, ar := range list.Items {
		if ar.Status.ARN == "" || !ar.DeletionTimestamp.IsZero() || !ar.Status.Grants(key) {
			continue
		}
		maxSession := ar.Spec.MaxSessionDuration
		if maxSession == 0 {
			maxSession = plan.DefaultMaxSessionDuration
		}
		out = append(out, iamv1.AssumableRoleLink{Name: ar.Namespace + "/" + ar.Name, RoleARN: ar.Status.ARN,
			SwitchRoleURL: ar.Status.SwitchRoleURL, MaxSessionDuration: maxSession})
	}
	slices.SortFunc(out, func(a, b iamv1.AssumableRoleLink) int {
		if a.RoleARN < b.RoleARN {
			return -1
		} else if a.RoleARN > b.RoleARN {
			return 1
		}
		return 0
	})
	return out, nil
}

func (r *TeamMemberReconciler) event(obj client.Object, ch plan.Change) {
	recordChange(r.Recorder, kindTeamMember, obj, ch)
}

// SetupWithManager watches TeamMembers, their AccountBaseline, and the
// AssumableRoles that trust them (old and new trust alike, so a member removed from a
// role's trust loses the permission without waiting for a resync).
func (r *TeamMemberReconciler) SetupWithManager(mgr ctrl.Manager, maxConcurrent int) error {
	ctx := context.Background()
	if err := mgr.GetFieldIndexer().IndexField(ctx, &iamv1.TeamMember{}, indexAccountRef, func(o client.Object) []string {
		return []string{o.(*iamv1.TeamMember).Spec.AccountRef}
	}); err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&iamv1.TeamMember{}, builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}, deletingPredicate()))).
		Watches(&iamv1.AccountBaseline{}, handler.EnqueueRequestsFromMapFunc(r.membersOfAccount), builder.WithPredicates(baselineChanged())).
		Watches(&iamv1.AssumableRole{}, handler.EnqueueRequestsFromMapFunc(trustedMembersOf), builder.WithPredicates(roleLinkChanged())).
		WithOptions(controllerOptions(maxConcurrent)).
		Named("teammember").
		Complete(r)
}

func (r *TeamMemberReconciler) membersOfAccount(ctx context.Context, o client.Object) []reconcile.Request {
	list := &iamv1.TeamMemberList{}
	if err := r.Client.List(ctx, list, client.MatchingFields{indexAccountRef: o.GetName()}, client.UnsafeDisableDeepCopy); err != nil {
		return nil
	}
	out := make([]reconcile.Request, 0, len(list.Items))
	for _, tm := range list.Items {
		out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&tm)})
	}
	return out
}

// roleLinkChanged passes the role updates a member's permission and status read
// (see assumableRoles): its ARN, sign-in link and session length, who it trusts or
// admits, and its deletion. A role's waiting messages and proofs wake none of its
// members: at a thousand members they were most of the members' reconciles.
func roleLinkChanged() predicate.Funcs {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		o, okO := e.ObjectOld.(*iamv1.AssumableRole)
		n, okN := e.ObjectNew.(*iamv1.AssumableRole)
		if !okO || !okN {
			return true
		}
		return o.Status.ARN != n.Status.ARN || o.Status.SwitchRoleURL != n.Status.SwitchRoleURL ||
			o.Spec.MaxSessionDuration != n.Spec.MaxSessionDuration ||
			!slices.Equal(o.Status.GrantedMembers(), n.Status.GrantedMembers()) ||
			o.DeletionTimestamp.IsZero() != n.DeletionTimestamp.IsZero()
	}}
}

// trustedMembersOf maps a role to the members in its trust or admitted to it. The
// handler calls it for the old and the new object of an update, so members dropped
// from trust are included.
func trustedMembersOf(_ context.Context, o client.Object) []reconcile.Request {
	ar := o.(*iamv1.AssumableRole)
	granted := ar.Status.GrantedMembers()
	out := make([]reconcile.Request, 0, len(granted))
	for _, m := range granted {
		ns, name, ok := cutNamespacedName(m)
		if ok {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKey{Namespace: ns, Name: name}})
		}
	}
	return out
}
