package preview

import (
	"context"
	"errors"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/outcome"
	"github.com/iam-baseline/operator/internal/plan"
	"github.com/iam-baseline/operator/internal/policy"
)

// Objects is a set of the operator's objects: what manifests declare, or what a
// cluster holds.
type Objects struct {
	Baselines []*iamv1.AccountBaseline
	Members   []*iamv1.TeamMember
	Roles     []*iamv1.AssumableRole
}

// Input is what a plan is made from.
type Input struct {
	// Manifests are the objects as they will be applied (with the CRDs' defaults).
	Manifests Objects
	// Cluster is what the cluster holds now; nil when no cluster was given. It
	// supplies AccountBaselines the manifests reference but do not declare, the
	// status the operator keeps (groups and budgets a baseline created, members'
	// user ARNs), and the objects the manifests no longer declare (deletions).
	Cluster *Objects
	// AWS reaches each account with the operator's credentials chain and
	// spec.access.roleARN. Only reads are made through it.
	AWS *awsx.Provider
	// Now is the time access-key ages are judged at (default time.Now).
	Now func() time.Time
}

// Plan reads AWS and returns what applying the manifests would change. An error is
// returned only for a problem with the input itself; an account that cannot be read
// is reported on its objects (Action error), so one bad account does not hide the
// plan of the others.
func Plan(ctx context.Context, in Input) (*Report, error) {
	if in.AWS == nil {
		return nil, errors.New("preview: no AWS provider")
	}
	if in.Now == nil {
		in.Now = time.Now
	}
	p := &planner{in: in, accounts: map[awsx.Target]accountResult{}}
	p.index()
	p.precheckMembers()
	r := &Report{}
	for _, ab := range p.in.Manifests.Baselines {
		r.Objects = append(r.Objects, p.baseline(ctx, ab))
	}
	// Roles first: a member's assume-role policy follows the roles that trust it.
	roles := make([]roleResult, 0, len(p.in.Manifests.Roles))
	for _, ar := range p.in.Manifests.Roles {
		roles = append(roles, p.role(ctx, ar))
	}
	p.links = assumableRoleLinks(roles)
	p.keptRoleLinks()
	for _, tm := range p.in.Manifests.Members {
		r.Objects = append(r.Objects, p.member(ctx, tm))
	}
	for _, rr := range roles {
		r.Objects = append(r.Objects, rr.obj)
	}
	r.Objects = append(r.Objects, p.deletions(ctx)...)
	sortObjects(r.Objects)
	r.Security = p.findings
	sortFindings(r.Security)
	r.Guarantees = p.proveGuarantees()
	r.Counts = count(r.Objects)
	return r, nil
}

// planner holds one plan's state: the objects by name and the accounts reached.
type planner struct {
	in        Input
	baselines map[string]*iamv1.AccountBaseline // manifests, then cluster
	members   map[string]*iamv1.TeamMember      // "namespace/name"
	accounts  map[awsx.Target]accountResult
	// links are the roles each member may assume after the change, by "namespace/name".
	links map[string][]iamv1.AssumableRoleLink
	// refusedMembers are members the operator would not create (left out of trusts).
	refusedMembers map[string]bool
	// namespaces the manifests declare objects in: the scope of deletions.
	namespaces map[string]bool
	findings   []Finding
	// plannedUsers and plannedRoles are the state after the change, for the proofs.
	plannedUsers []plannedUser
	plannedRoles []plannedRole
}

type accountResult struct {
	clients *awsx.Clients
	err     error
}

func (p *planner) index() {
	p.baselines = map[string]*iamv1.AccountBaseline{}
	p.members = map[string]*iamv1.TeamMember{}
	p.refusedMembers = map[string]bool{}
	p.namespaces = map[string]bool{}
	for _, tm := range p.in.Manifests.Members {
		p.namespaces[tm.Namespace] = true
	}
	for _, ar := range p.in.Manifests.Roles {
		p.namespaces[ar.Namespace] = true
	}
	// Cluster objects the apply keeps (outside the manifests' scope) still count:
	// their baselines still govern, their members can still be trusted.
	if c := p.in.Cluster; c != nil {
		for _, ab := range c.Baselines {
			if !p.inScope("") {
				p.baselines[ab.Name] = ab
			}
		}
		for _, tm := range c.Members {
			if !p.inScope(tm.Namespace) {
				p.members[tm.Namespace+"/"+tm.Name] = tm
			}
		}
	}
	for _, ab := range p.in.Manifests.Baselines {
		p.baselines[ab.Name] = ab
	}
	for _, tm := range p.in.Manifests.Members {
		p.members[tm.Namespace+"/"+tm.Name] = tm
	}
}

// keptRoleLinks adds the roles the apply keeps (cluster roles outside the manifests'
// scope) to the members they trust, from their status, as the TeamMember controller
// reads them.
func (p *planner) keptRoleLinks() {
	if p.in.Cluster == nil {
		return
	}
	for _, ar := range p.in.Cluster.Roles {
		if p.inScope(ar.Namespace) || ar.Status.ARN == "" || !ar.DeletionTimestamp.IsZero() {
			continue
		}
		for _, m := range ar.Status.GrantedMembers() {
			p.links[m] = append(p.links[m], iamv1.AssumableRoleLink{Name: ar.Namespace + "/" + ar.Name, RoleARN: ar.Status.ARN, SwitchRoleURL: ar.Status.SwitchRoleURL})
		}
	}
	for _, links := range p.links {
		sortLinks(links)
	}
}

// clusterBaseline is the AccountBaseline of that name in the cluster (for its status).
func (p *planner) clusterBaseline(name string) *iamv1.AccountBaseline {
	if p.in.Cluster == nil {
		return nil
	}
	for _, ab := range p.in.Cluster.Baselines {
		if ab.Name == name {
			return ab
		}
	}
	return nil
}

func (p *planner) clusterMember(key string) *iamv1.TeamMember {
	if p.in.Cluster == nil {
		return nil
	}
	for _, tm := range p.in.Cluster.Members {
		if tm.Namespace+"/"+tm.Name == key {
			return tm
		}
	}
	return nil
}

func (p *planner) clusterRole(key string) *iamv1.AssumableRole {
	if p.in.Cluster == nil {
		return nil
	}
	for _, ar := range p.in.Cluster.Roles {
		if ar.Namespace+"/"+ar.Name == key {
			return ar
		}
	}
	return nil
}

// target is how the operator reaches a baseline's account.
func target(ab *iamv1.AccountBaseline) awsx.Target {
	t := awsx.Target{AccountID: ab.Spec.AccountID}
	if ab.Spec.Access != nil {
		t.RoleARN, t.ExternalID = ab.Spec.Access.RoleARN, ab.Spec.Access.ExternalID
	}
	return t
}

// clients reaches an account once per plan (GetCallerIdentity, and AssumeRole when
// spec.access.roleARN is set).
func (p *planner) clients(ctx context.Context, ab *iamv1.AccountBaseline) (*awsx.Clients, error) {
	t := target(ab)
	if r, ok := p.accounts[t]; ok {
		return r.clients, r.err
	}
	c, err := p.in.AWS.For(ctx, t)
	p.accounts[t] = accountResult{clients: c, err: err}
	return c, err
}

// resolveAccount is the controllers' resolveAccount without the Kubernetes read:
// the AccountBaseline comes from the manifests or, failing that, the cluster.
func (p *planner) resolveAccount(ctx context.Context, accountRef string) (*iamv1.AccountBaseline, *awsx.Clients, error) {
	ab, err := p.lookupBaseline(accountRef)
	if err != nil {
		return nil, nil, err
	}
	c, err := p.clients(ctx, ab)
	return ab, c, err
}

// resolveChecked is the controllers' resolveChecked: the self-service rules are
// applied once the baseline is known and before any AWS call.
func (p *planner) resolveChecked(ctx context.Context, accountRef string, check func(*iamv1.AccountBaseline) error) (*iamv1.AccountBaseline, *awsx.Clients, error) {
	ab, err := p.lookupBaseline(accountRef)
	if err != nil {
		return nil, nil, err
	}
	if err := check(ab); err != nil {
		return ab, nil, err
	}
	c, err := p.clients(ctx, ab)
	return ab, c, err
}

// lookupBaseline is the AccountBaseline an object names, from the manifests or the cluster.
func (p *planner) lookupBaseline(accountRef string) (*iamv1.AccountBaseline, error) {
	ab, ok := p.baselines[accountRef]
	if !ok {
		return nil, outcome.Waiting(iamv1.ReasonAccountNotReady, 0, "AccountBaseline %q does not exist", accountRef)
	}
	return ab, nil
}

// conclude sets an object's action from its changes or from the error that stopped
// it, the way the controllers' finish turns errors into conditions.
func conclude(o *Object, created bool, err error) {
	if err != nil {
		o.Changes = nil
		o.Action, o.Reason, o.Message = classify(err)
		return
	}
	switch {
	case len(o.Changes) == 0:
		o.Action = ActionNoOp
	case created:
		o.Action = ActionCreate
	default:
		o.Action = ActionUpdate
	}
}

// classify maps an error to the action and the reason and message the operator
// would report on the object's conditions.
func classify(err error) (action, reason, message string) {
	var (
		st *outcome.StalledError
		wt *outcome.WaitingError
		na *awsx.NotManagedError
		ob *awsx.OwnedByOtherError
		wa *awsx.WrongAccountError
		pv *policy.ValidationError
		pc *plan.PathChangeError
	)
	switch {
	case errors.As(err, &st):
		return ActionRefused, st.Reason, st.Message
	case errors.As(err, &na):
		return ActionRefused, iamv1.ReasonNotManaged, na.Error()
	case errors.As(err, &ob):
		return ActionRefused, iamv1.ReasonOwnedByOther, ob.Error()
	case errors.As(err, &wa):
		return ActionRefused, iamv1.ReasonWrongAccount, wa.Error()
	case errors.As(err, &pv):
		return ActionRefused, iamv1.ReasonInvalidSpec, pv.Error()
	case errors.As(err, &pc):
		return ActionRefused, iamv1.ReasonInvalidSpec, pc.Error()
	case errors.As(err, &wt):
		return ActionWaiting, wt.Reason, wt.Message
	default:
		return ActionError, iamv1.ReasonAWSError, err.Error()
	}
}

func count(objs []Object) Counts {
	var c Counts
	for _, o := range objs {
		switch o.Action {
		case ActionCreate, ActionUpdate:
			c.Changed++
			c.Changes += len(o.Changes)
		case ActionDelete:
			c.Deleted++
			c.Changes += len(o.Changes)
		case ActionRefused:
			c.Refused++
		case ActionWaiting:
			c.Waiting++
		case ActionError:
			c.Errors++
		}
	}
	return c
}

var kindOrder = map[string]int{iamv1KindBaseline: 0, iamv1KindMember: 1, iamv1KindRole: 2}

const (
	iamv1KindBaseline = "AccountBaseline"
	iamv1KindMember   = "TeamMember"
	iamv1KindRole     = "AssumableRole"
)

func sortObjects(objs []Object) {
	slices.SortStableFunc(objs, func(a, b Object) int {
		if d := kindOrder[a.Kind] - kindOrder[b.Kind]; d != 0 {
			return d
		}
		return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if c := strings.Compare(a.Object, b.Object); c != 0 {
			return c
		}
		return strings.Compare(a.Kind+a.Message, b.Kind+b.Message)
	})
}

// changesOf turns planner changes into report changes; old gives the document AWS
// holds for a change that replaces one ("" when there is none).
func changesOf(in []plan.Change, old func(plan.Change) string) []Change {
	out := make([]Change, 0, len(in))
	for _, c := range in {
		out = append(out, changeOf(c, old))
	}
	return out
}

func changeOf(c plan.Change, old func(plan.Change) string) Change {
	ch := Change{Action: c.Action, Target: c.Target, Detail: detail(c)}
	if c.Document != "" {
		ch.Document = prettyDocument(c.Document)
		if old != nil {
			if prev := old(c); prev != "" {
				ch.Diff = lineDiff(prettyDocument(prev), ch.Document)
			}
		}
	}
	return ch
}

// detail describes the values a change writes, never a secret (there is none in a
// plan: passwords and keys are made by the operator when it applies).
func detail(c plan.Change) string {
	var parts []string
	if c.Value != "" && c.Value != c.Target {
		label := "value"
		switch c.Action {
		case "CreateUser", "UpdateUser", "CreateGroup", "UpdateGroup", "CreatePolicy", plan.ActionCreateRole:
			label = "path"
		}
		parts = append(parts, label+" "+c.Value)
	}
	if len(c.Tags) > 0 {
		var kv []string
		for _, k := range slices.Sorted(mapKeys(c.Tags)) {
			kv = append(kv, k+"="+c.Tags[k])
		}
		parts = append(parts, "tags "+strings.Join(kv, ", "))
	}
	if len(c.Keys) > 0 {
		parts = append(parts, "keys "+strings.Join(c.Keys, ", "))
	}
	return strings.Join(parts, "; ")
}

func mapKeys(m map[string]string) iter.Seq[string] { return maps.Keys(m) }

func accountOf(ab *iamv1.AccountBaseline) string {
	if ab == nil {
		return ""
	}
	return ab.Spec.AccountID
}
