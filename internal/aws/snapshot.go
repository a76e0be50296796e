package aws

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go/middleware"
)

// The account snapshot: an account's users, groups, roles and MFA assignments read
// in a few paginated calls (GetAccountAuthorizationDetails, ListVirtualMFADevices)
// and shared by every object of that account, so a resync costs a few pages per
// account plus, per object, only what those calls lack (a user's login profile and
// access keys, a role's description and session duration).
//
// It is never trusted for an entity the operator has written since the snapshot was
// read: every IAM write through these clients marks the user, group, role or policy
// it names, and observing a marked entity reads it directly, so a plan is never made
// from data older than the operator's own last write. Drift made by hand is seen at
// the next read, at most SnapshotTTL later.

// snapshotPageSize is the largest page IAM serves (MaxItems 1000).
const snapshotPageSize = 1000

// snapshotReadTimeout bounds one read of an account: a few pages, paced and
// retried, take seconds even for thousands of users.
const snapshotReadTimeout = 2 * time.Minute

// SnapshotUser is what the snapshot knows of an IAM user. Documents are as IAM
// returns them (URL-encoded); the planner canonicalises.
type SnapshotUser struct {
	Name, ARN, ID, Path string
	Tags                pairs
	Groups              []string // sorted
	Inline              pairs    // policy name → document
	Attached            []string // sorted ARNs
}

// SnapshotRole is what the snapshot keeps of an IAM role: only what GetRole lacks.
// GetAccountAuthorizationDetails has no description and no maximum session duration,
// so a role is read with GetRole anyway (trust, tags, boundary and path come with
// it); the snapshot saves its policy reads, and keeping the rest would be a second
// copy of every role's trust in memory.
type SnapshotRole struct {
	ID       string
	Inline   pairs    // policy name → document
	Attached []string // sorted ARNs
}

// SnapshotGroup is what the snapshot knows of an IAM group.
type SnapshotGroup struct {
	Path     string
	Inline   pairs    // policy name → document
	Attached []string // sorted ARNs
}

// pairs is a small read-only table of names and values, sorted by name. An account's
// users and roles have a handful of tags and inline policies each; a Go map per
// entity held 6.6 MiB of the manager's heap at 5,000 users and 1,000 roles, a sorted
// slice a fraction of that.
type pairs []pair

type pair struct{ Name, Value string }

func newPairs[T any](list []T, nameValue func(T) (string, string)) pairs {
	out := make(pairs, 0, len(list))
	for _, t := range list {
		n, v := nameValue(t)
		out = append(out, pair{n, v})
	}
	slices.SortFunc(out, func(a, b pair) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Get returns the value of name.
func (p pairs) Get(name string) (string, bool) {
	i, ok := slices.BinarySearchFunc(p, name, func(e pair, n string) int { return strings.Compare(e.Name, n) })
	if !ok {
		return "", false
	}
	return p[i].Value, true
}

// Map copies the table into a new map, for a planner that owns its input.
func (p pairs) Map() map[string]string {
	out := make(map[string]string, len(p))
	for _, e := range p {
		out[e.Name] = e.Value
	}
	return out
}

// Snapshot is one read of an account. It is immutable once read and shared.
type Snapshot struct {
	users  map[string]*SnapshotUser  // by lower-cased name (IAM names are case-insensitive)
	roles  map[string]*SnapshotRole  // by lower-cased name
	groups map[string]*SnapshotGroup // by lower-cased name
	mfa    map[string]string         // lower-cased user name → serial of its first assigned virtual MFA device
	// mfaComplete: every MFA device in use in the account is an assigned virtual one
	// (GetAccountSummary's MFADevicesInUse), so a user without one has no MFA at all.
	// Otherwise some user has a hardware or FIDO device, which ListVirtualMFADevices
	// does not list, and users without a virtual device are asked one by one.
	mfaComplete bool
	// Calls is how many AWS calls the read took.
	Calls int
}

// Users counts the users in the snapshot.
func (s *Snapshot) Users() int { return len(s.users) }

// Roles counts the roles in the snapshot.
func (s *Snapshot) Roles() int { return len(s.roles) }

// ReadSnapshot reads an account: every page of GetAccountAuthorizationDetails for
// users, groups and roles, every page of the assigned virtual MFA devices, and the
// account summary (to know whether those are all the MFA devices in use).
func ReadSnapshot(ctx context.Context, c *iam.Client) (*Snapshot, error) {
	s := &Snapshot{users: map[string]*SnapshotUser{}, roles: map[string]*SnapshotRole{}, groups: map[string]*SnapshotGroup{}, mfa: map[string]string{}}
	details := iam.NewGetAccountAuthorizationDetailsPaginator(c, &iam.GetAccountAuthorizationDetailsInput{
		Filter:   []iamtypes.EntityType{iamtypes.EntityTypeUser, iamtypes.EntityTypeGroup, iamtypes.EntityTypeRole},
		MaxItems: awssdk.Int32(snapshotPageSize),
	})
	for details.HasMorePages() {
		page, err := details.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		s.Calls++
		for _, u := range page.UserDetailList {
			su := &SnapshotUser{Name: awssdk.ToString(u.UserName), ARN: awssdk.ToString(u.Arn), ID: awssdk.ToString(u.UserId), Path: awssdk.ToString(u.Path),
				Tags: newPairs(u.Tags, tagPair), Groups: slices.Sorted(slices.Values(u.GroupList)),
				Inline: newPairs(u.UserPolicyList, policyPair), Attached: sortedARNs(u.AttachedManagedPolicies)}
			s.users[strings.ToLower(awssdk.ToString(u.UserName))] = su
		}
		for _, g := range page.GroupDetailList {
			s.groups[strings.ToLower(awssdk.ToString(g.GroupName))] = &SnapshotGroup{Path: awssdk.ToString(g.Path),
				Inline: newPairs(g.GroupPolicyList, policyPair), Attached: sortedARNs(g.AttachedManagedPolicies)}
		}
		for _, r := range page.RoleDetailList {
			s.roles[strings.ToLower(awssdk.ToString(r.RoleName))] = &SnapshotRole{ID: awssdk.ToString(r.RoleId),
				Inline: newPairs(r.RolePolicyList, policyPair), Attached: sortedARNs(r.AttachedManagedPolicies)}
		}
	}
	assigned := 0
	devices := iam.NewListVirtualMFADevicesPaginator(c, &iam.ListVirtualMFADevicesInput{
		AssignmentStatus: iamtypes.AssignmentStatusTypeAssigned, MaxItems: awssdk.Int32(snapshotPageSize),
	})
	for devices.HasMorePages() {
		page, err := devices.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		s.Calls++
		for _, d := range page.VirtualMFADevices {
			// The root user's device is listed too (its ARN ends in :root); it is not
			// a user's and is not counted against MFADevicesInUse.
			if d.User != nil && d.User.UserName != nil && !strings.HasSuffix(awssdk.ToString(d.User.Arn), ":root") {
				user := strings.ToLower(awssdk.ToString(d.User.UserName))
				if _, seen := s.mfa[user]; !seen {
					s.mfa[user] = awssdk.ToString(d.SerialNumber)
				}
				assigned++
			}
		}
	}
	summary, err := c.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		return nil, err
	}
	s.Calls++
	s.mfaComplete = int(summary.SummaryMap[string(iamtypes.SummaryKeyTypeMFADevicesInUse)]) <= assigned
	return s, nil
}

func policyPair(p iamtypes.PolicyDetail) (string, string) {
	return awssdk.ToString(p.PolicyName), awssdk.ToString(p.PolicyDocument)
}

func tagPair(t iamtypes.Tag) (string, string) {
	return awssdk.ToString(t.Key), awssdk.ToString(t.Value)
}

func sortedARNs(attached []iamtypes.AttachedPolicy) []string {
	out := policyARNs(attached)
	slices.Sort(out)
	return out
}

// accountSnapshot is the cached snapshot of one account: read at most once per TTL
// (concurrent readers share one read), with the entities written since it was read.
type accountSnapshot struct {
	ttl func() time.Duration

	mu     sync.Mutex
	snap   *Snapshot
	readAt time.Time           // when the read of snap began
	dirty  map[string]struct{} // entities written since readAt
	// inflight is the read under way, if any, and the entities written while it runs:
	// the read may or may not have seen those writes, so they stay marked after it.
	inflight *snapshotRead
}

type snapshotRead struct {
	done    chan struct{}
	err     error
	written map[string]struct{}
}

// current returns a snapshot no older than the TTL, reading one if needed.
func (a *accountSnapshot) current(ctx context.Context, c *iam.Client) (*Snapshot, error) {
	a.mu.Lock()
	if a.snap != nil && time.Since(a.readAt) < a.ttl() {
		s := a.snap
		a.mu.Unlock()
		return s, nil
	}
	if r := a.inflight; r != nil {
		a.mu.Unlock()
		select {
		case <-r.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if r.err != nil {
			return nil, r.err
		}
		a.mu.Lock()
		s := a.snap
		a.mu.Unlock()
		return s, nil
	}
	r := &snapshotRead{done: make(chan struct{}), written: map[string]struct{}{}}
	a.inflight = r
	start := time.Now()
	a.mu.Unlock()

	// The read is shared: one caller's cancelled context must not fail the others.
	// It is bounded all the same, so an AWS that stops answering fails the waiting
	// reconciles (they requeue) instead of holding them for ever.
	readCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), snapshotReadTimeout)
	s, err := ReadSnapshot(readCtx, c)
	cancel()

	a.mu.Lock()
	a.inflight = nil
	r.err = err
	if err == nil {
		a.snap, a.readAt, a.dirty = s, start, r.written
	}
	a.mu.Unlock()
	close(r.done)
	return s, err
}

// trusted reports whether the snapshot may stand for entity (not written since).
func (a *accountSnapshot) trusted(entity string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, written := a.dirty[entity]
	return !written
}

// written marks entities written by the operator.
func (a *accountSnapshot) written(entities []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.dirty == nil {
		a.dirty = map[string]struct{}{}
	}
	for _, e := range entities {
		a.dirty[e] = struct{}{}
		if a.inflight != nil {
			a.inflight.written[e] = struct{}{}
		}
	}
}

// invalidate drops the snapshot, so the next observation reads the account afresh.
func (a *accountSnapshot) invalidate() {
	a.mu.Lock()
	a.snap = nil
	a.mu.Unlock()
}

func userEntity(name string) string  { return "user/" + strings.ToLower(name) }
func roleEntity(name string) string  { return "role/" + strings.ToLower(name) }
func groupEntity(name string) string { return "group/" + strings.ToLower(name) }

// writeTracker is an IAM client middleware: a call that is not a read marks the
// user, group and role it names, before it is sent and again once answered (a
// snapshot read that overlaps the write keeps the mark).
func (a *accountSnapshot) writeTracker(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("iam-baseline-snapshot-writes",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			entities := writtenEntities(in.Parameters)
			if len(entities) > 0 {
				a.written(entities)
			}
			out, md, err := next.HandleInitialize(ctx, in)
			if len(entities) > 0 {
				a.written(entities)
			}
			return out, md, err
		}), middleware.Before)
}

// writtenEntities names what an IAM write changes, from its input's UserName,
// GroupName and RoleName fields; reads (Get*, List*, Generate*, Simulate*) name none.
func writtenEntities(params any) []string {
	v := reflect.ValueOf(params)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	op := strings.TrimSuffix(v.Elem().Type().Name(), "Input")
	for _, read := range []string{"Get", "List", "Generate", "Simulate"} {
		if strings.HasPrefix(op, read) {
			return nil
		}
	}
	var out []string
	for field, entity := range map[string]func(string) string{"UserName": userEntity, "GroupName": groupEntity, "RoleName": roleEntity} {
		if f := v.Elem().FieldByName(field); f.IsValid() && f.Kind() == reflect.Pointer && !f.IsNil() && f.Elem().Kind() == reflect.String {
			out = append(out, entity(f.Elem().String()))
		}
	}
	return out
}

// snapshotView is how the per-kind services consult the snapshot; a nil view (clients
// made without a Provider) always answers "not known", so they read directly.
type snapshotView struct {
	cache *accountSnapshot
	iam   *iam.Client
}

func (v *snapshotView) user(ctx context.Context, name string) (*SnapshotUser, bool, error) {
	if v == nil || v.cache == nil || !v.cache.trusted(userEntity(name)) {
		return nil, false, nil
	}
	s, err := v.cache.current(ctx, v.iam)
	if err != nil || !v.cache.trusted(userEntity(name)) {
		return nil, false, err
	}
	u, ok := s.users[strings.ToLower(name)]
	return u, ok, nil
}

// mfaDevice answers from the snapshot the serial of the user's assigned virtual MFA
// device ("" for none); known is false when the snapshot cannot stand for the user.
func (v *snapshotView) mfaDevice(ctx context.Context, name string) (serial string, known bool, err error) {
	if v == nil || v.cache == nil || !v.cache.trusted(userEntity(name)) {
		return "", false, nil
	}
	s, err := v.cache.current(ctx, v.iam)
	if err != nil || !v.cache.trusted(userEntity(name)) {
		return "", false, err
	}
	if _, ok := s.users[strings.ToLower(name)]; !ok {
		return "", false, nil
	}
	serial = s.mfa[strings.ToLower(name)]
	return serial, serial != "" || s.mfaComplete, nil
}

func (v *snapshotView) role(ctx context.Context, name string) (*SnapshotRole, bool, error) {
	if v == nil || v.cache == nil || !v.cache.trusted(roleEntity(name)) {
		return nil, false, nil
	}
	s, err := v.cache.current(ctx, v.iam)
	if err != nil || !v.cache.trusted(roleEntity(name)) {
		return nil, false, err
	}
	r, ok := s.roles[strings.ToLower(name)]
	return r, ok, nil
}

func (v *snapshotView) group(ctx context.Context, name string) (*SnapshotGroup, bool, error) {
	if v == nil || v.cache == nil || !v.cache.trusted(groupEntity(name)) {
		return nil, false, nil
	}
	s, err := v.cache.current(ctx, v.iam)
	if err != nil || !v.cache.trusted(groupEntity(name)) {
		return nil, false, err
	}
	g, ok := s.groups[strings.ToLower(name)]
	return g, ok, nil
}
