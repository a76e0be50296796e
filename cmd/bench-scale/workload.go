package main

import (
	"context"
	"fmt"
	"slices"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/conditions"
)

const (
	accountID       = "123456789012"
	baselineName    = "bench"
	membersPerRole  = 5
	readOnlyAccess  = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	developersGroup = "developers"
)

// workload is what a platform team applies: one AccountBaseline, n members with
// console access spread over the namespaces, and n/5 roles each trusting 5 members.
type workload struct {
	n, namespaces int
}

func (w workload) roles() int { return w.n / membersPerRole }

func (w workload) objects() int { return 1 + w.n + w.roles() }

func (w workload) namespace(i int) string { return fmt.Sprintf("bench-%d", i%w.namespaces) }

func memberName(i int) string { return fmt.Sprintf("m-%04d", i) }

func roleName(j int) string { return fmt.Sprintf("r-%04d", j) }

// members of role j are 5j .. 5j+4, in whatever namespace each lives in.
func (w workload) roleMembers(j int) []int {
	out := make([]int, 0, membersPerRole)
	for k := 0; k < membersPerRole; k++ {
		out = append(out, j*membersPerRole+k)
	}
	return out
}

// apply creates every object, with a few writers in parallel as kubectl apply -f of
// a directory (or Argo CD) would.
func (w workload) apply(ctx context.Context, c client.Client) error {
	for i := 0; i < w.namespaces; i++ {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: w.namespace(i)}}
		if err := c.Create(ctx, ns); err != nil {
			return err
		}
	}
	ab := &iamv1.AccountBaseline{
		ObjectMeta: metav1.ObjectMeta{Name: baselineName},
		Spec: iamv1.AccountBaselineSpec{
			AccountID:      accountID,
			MFAEnforcement: &iamv1.MFAEnforcement{Enabled: ptr.To(true)},
			Groups:         []iamv1.PermissionGroup{{Name: developersGroup, ManagedPolicies: []string{readOnlyAccess}}},
		},
	}
	if err := c.Create(ctx, ab); err != nil {
		return err
	}
	var objs []client.Object
	for i := 0; i < w.n; i++ {
		objs = append(objs, &iamv1.TeamMember{
			ObjectMeta: metav1.ObjectMeta{Name: memberName(i), Namespace: w.namespace(i)},
			Spec: iamv1.TeamMemberSpec{
				AccountRef:    baselineName,
				Groups:        []string{developersGroup},
				ConsoleAccess: &iamv1.ConsoleAccess{Enabled: ptr.To(true)},
			},
		})
	}
	for j := 0; j < w.roles(); j++ {
		var refs []iamv1.TeamMemberReference
		for _, i := range w.roleMembers(j) {
			refs = append(refs, iamv1.TeamMemberReference{Name: memberName(i), Namespace: w.namespace(i)})
		}
		objs = append(objs, &iamv1.AssumableRole{
			ObjectMeta: metav1.ObjectMeta{Name: roleName(j), Namespace: w.namespace(j)},
			Spec: iamv1.AssumableRoleSpec{
				AccountRef:      baselineName,
				ManagedPolicies: []string{readOnlyAccess},
				Trust:           iamv1.RoleTrust{TeamMembers: refs},
			},
		})
	}
	// Interleave members and roles as a directory listing would not: roles first
	// would only make them wait; this is the order a person would write them in.
	return parallel(ctx, 8, objs, func(o client.Object) error { return c.Create(ctx, o) })
}

func parallel(ctx context.Context, workers int, objs []client.Object, f func(client.Object) error) error {
	ch := make(chan client.Object)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range ch {
				if err := f(o); err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("%s/%s: %w", o.GetNamespace(), o.GetName(), err)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, o := range objs {
		select {
		case ch <- o:
		case <-ctx.Done():
		}
	}
	close(ch)
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// progress is how far the operator got, as a person would check it: every object
// Ready for its generation, every role trusting all five members, and every member
// listing the role in its status (its inline permission written).
type progress struct {
	ready, objects int
	wiredRoles     int
	wiredMembers   int
	notReady       []string
}

func (p progress) done(w workload) bool {
	return p.ready == p.objects && p.wiredRoles == w.roles() && p.wiredMembers == w.roles()*membersPerRole
}

func (p progress) String() string {
	s := fmt.Sprintf("%d/%d Ready, %d roles trusting all members, %d member→role links", p.ready, p.objects, p.wiredRoles, p.wiredMembers)
	if len(p.notReady) > 0 {
		s += fmt.Sprintf("; e.g. not Ready: %v", p.notReady[:min(3, len(p.notReady))])
	}
	return s
}

func (w workload) check(ctx context.Context, c client.Reader) (progress, error) {
	p := progress{objects: w.objects()}
	ab := &iamv1.AccountBaseline{}
	if err := c.Get(ctx, client.ObjectKey{Name: baselineName}, ab); err != nil {
		return p, err
	}
	p.count(ab.Name, ab.Status.Conditions, ab.Generation)
	members := &iamv1.TeamMemberList{}
	if err := c.List(ctx, members); err != nil {
		return p, err
	}
	links := map[string][]string{} // member -> role names in its status
	for _, tm := range members.Items {
		p.count(tm.Namespace+"/"+tm.Name, tm.Status.Conditions, tm.Generation)
		for _, l := range tm.Status.AssumableRoles {
			links[tm.Namespace+"/"+tm.Name] = append(links[tm.Namespace+"/"+tm.Name], l.Name)
		}
	}
	roles := &iamv1.AssumableRoleList{}
	if err := c.List(ctx, roles); err != nil {
		return p, err
	}
	for _, ar := range roles.Items {
		p.count(ar.Namespace+"/"+ar.Name, ar.Status.Conditions, ar.Generation)
		if len(ar.Status.TrustedMembers) == membersPerRole && len(ar.Status.PendingMembers) == 0 {
			p.wiredRoles++
		}
		for _, m := range ar.Spec.Trust.TeamMembers {
			if slices.Contains(links[m.Namespace+"/"+m.Name], ar.Namespace+"/"+ar.Name) {
				p.wiredMembers++
			}
		}
	}
	return p, nil
}

func (p *progress) count(name string, conds []metav1.Condition, generation int64) {
	if conditions.IsReady(conds, generation) {
		p.ready++
	} else {
		p.notReady = append(p.notReady, name)
	}
}

// minimalWrites is the least a perfect operator writes to AWS for the members and
// roles: each user created with its tags, added to its two groups (developers and
// the MFA group), given a login profile and one inline assume-role policy; each role
// created with its whole trust policy and its managed policy attached. The
// baseline's own writes are taken as observed (a constant handful).
func (w workload) minimalWrites() map[string]int {
	return map[string]int{
		"CreateUser":             w.n,
		"AddUserToGroup":         2 * w.n,
		"CreateLoginProfile":     w.n,
		"PutUserPolicy":          w.roles() * membersPerRole,
		"CreateRole":             w.roles(),
		"AttachRolePolicy":       w.roles(),
		"UpdateAssumeRolePolicy": 0,
		"UpdateLoginProfile":     0,
		"DeleteUserPolicy":       0,
		"PutRolePolicy":          0,
	}
}
