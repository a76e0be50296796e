package controllers_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/awslocal"
)

// managerWrites counts the writes the manager's client makes to the API server, per
// object, so tests can assert exactly how many a reconcile costs. The client is the
// real one; the interceptor only counts.
var managerWrites = &writeCounter{m: map[string]map[string]int{}}

type writeCounter struct {
	mu sync.Mutex
	m  map[string]map[string]int // "Kind ns/name" -> "verb[ subresource]" -> n
}

func (w *writeCounter) newClient(cfg *rest.Config, o client.Options) (client.Client, error) {
	c, err := client.NewWithWatch(cfg, o)
	if err != nil {
		return nil, err
	}
	count := func(c client.WithWatch, obj client.Object, verb string) {
		kind := obj.GetObjectKind().GroupVersionKind().Kind
		if gvk, err := apiutil.GVKForObject(obj, c.Scheme()); err == nil {
			kind = gvk.Kind
		}
		key := kind + " " + obj.GetNamespace() + "/" + obj.GetName()
		w.mu.Lock()
		if w.m[key] == nil {
			w.m[key] = map[string]int{}
		}
		w.m[key][verb]++
		w.mu.Unlock()
	}
	return interceptor.NewClient(c, interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.CreateOption) error {
			count(c, obj, "create")
			return c.Create(ctx, obj, opts...)
		},
		Update: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
			count(c, obj, "update")
			return c.Update(ctx, obj, opts...)
		},
		Patch: func(ctx context.Context, c client.WithWatch, obj client.Object, patch client.Patch, opts ...client.PatchOption) error {
			count(c, obj, "patch")
			return c.Patch(ctx, obj, patch, opts...)
		},
		Delete: func(ctx context.Context, c client.WithWatch, obj client.Object, opts ...client.DeleteOption) error {
			count(c, obj, "delete")
			return c.Delete(ctx, obj, opts...)
		},
		SubResourceUpdate: func(ctx context.Context, c client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
			count(c.(client.WithWatch), obj, "update "+sub)
			return c.SubResource(sub).Update(ctx, obj, opts...)
		},
		SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
			count(c.(client.WithWatch), obj, "patch "+sub)
			return c.SubResource(sub).Patch(ctx, obj, patch, opts...)
		},
	}), nil
}

// of returns the writes made to one object so far.
func (w *writeCounter) of(kind, ns, name string) map[string]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return maps.Clone(w.m[kind+" "+ns+"/"+name])
}

// awsChangeEvents are the AWSChange Events recorded for an object.
func awsChangeEvents(t *testing.T, ns, name string) []corev1.Event {
	t.Helper()
	list := &corev1.EventList{}
	if err := k8s.List(context.Background(), list, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	var out []corev1.Event
	for _, e := range list.Items {
		if e.InvolvedObject.Name == name && e.Reason == "AWSChange" {
			out = append(out, e)
		}
	}
	return out
}

// A member with console access costs exactly: one update (the finalizer), one status
// patch, one Secret (the password), one onboarding ConfigMap and one Event summarising
// the AWS changes. A
// feature that is off (access keys) reads and writes no Secret.
func TestMemberCreateKubernetesWrites(t *testing.T) {
	ensureMembersBaseline(t)
	ns := newNamespace(t)
	tm := createMember(t, member(ns, "writes", func(tm *iamv1.TeamMember) {
		tm.Spec.Groups = []string{"developers"}
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: new(true)}
	}))
	waitMemberReady(t, tm)
	quiesce(t, time.Second)

	want := map[string]int{"update": 1, "patch status": 1}
	if got := managerWrites.of("TeamMember", ns, "writes"); !maps.Equal(got, want) {
		t.Errorf("writes to the TeamMember: %v, want %v", got, want)
	}
	if got := managerWrites.of("Secret", ns, "writes-console"); !maps.Equal(got, map[string]int{"create": 1}) {
		t.Errorf("writes to the console Secret: %v, want one create", got)
	}
	if got := managerWrites.of("ConfigMap", ns, "writes-onboarding"); !maps.Equal(got, map[string]int{"create": 1}) {
		t.Errorf("writes to the onboarding ConfigMap: %v, want one create", got)
	}
	if got := managerWrites.of("Secret", ns, "writes-access-key"); len(got) != 0 {
		t.Errorf("writes to an access-key Secret with access keys off: %v", got)
	}
	eventually(t, 10*time.Second, func() error {
		evs := awsChangeEvents(t, ns, "writes")
		if len(evs) != 1 {
			return fmt.Errorf("%d AWSChange events, want exactly one for the reconcile", len(evs))
		}
		for _, action := range []string{"CreateUser", "AddUserToGroup", "CreateLoginProfile"} {
			if !strings.Contains(evs[0].Message, action) {
				return fmt.Errorf("the event %q does not mention %s", evs[0].Message, action)
			}
		}
		return nil
	})

	// Deleting it writes no status to the object on its way out.
	deleteAndWaitGone(t, tm)
	if got := managerWrites.of("TeamMember", ns, "writes"); got["patch status"] != 1 {
		t.Errorf("writes to the TeamMember after deletion: %v, want no further status patch", got)
	}
}

// Members and the role that trusts them, applied together: the trust policy is
// written once, with everyone in it (no UpdateAssumeRolePolicy), and the role is
// Ready only once each member may assume it.
func TestRoleTrustWrittenOnceForArrivingMembers(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	ab := arBaseline(t, ns, nil)
	snap := awsSrv.Calls()
	names := []string{"ann", "ben", "cat"}
	var refs []iamv1.TeamMemberReference
	for _, n := range names {
		refs = append(refs, iamv1.TeamMemberReference{Name: n})
	}
	ar := arCreate(t, arRole(ns, ab, "together", func(ar *iamv1.AssumableRole) { ar.Spec.Trust.TeamMembers = refs }))
	for _, n := range names {
		if err := k8s.Create(ctx, arMemberObject(ns, ab, n, nil)); err != nil {
			t.Fatal(err)
		}
	}
	arWaitReady(t, ar)
	// Ready means every member's inline permission names the role.
	for _, n := range names {
		tm := &iamv1.TeamMember{}
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: n}, tm); err != nil {
			t.Fatal(err)
		}
		if len(tm.Status.AssumableRoles) != 1 || tm.Status.AssumableRoles[0].RoleARN != ar.Status.ARN {
			t.Fatalf("role Ready while %s may assume %v", n, tm.Status.AssumableRoles)
		}
	}
	// Tests run one at a time: the calls since snap are this test's.
	writes := roleTrustWrites(awsSrv.Calls().Since(snap))
	if writes["CreateRole"] != 1 || writes["UpdateAssumeRolePolicy"] != 0 {
		t.Fatalf("trust writes %v: want the role created once with its whole trust", writes)
	}
}

// roleTrustWrites counts the successful trust-policy writes in a call log.
func roleTrustWrites(l awslocal.CallLog) map[string]int {
	out := map[string]int{}
	for _, c := range l {
		if c.Outcome == "ok" && (c.Operation == "CreateRole" || c.Operation == "UpdateAssumeRolePolicy") {
			out[c.Operation]++
		}
	}
	return out
}
