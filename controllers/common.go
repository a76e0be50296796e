package controllers

import (
	"fmt"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/conditions"
	"github.com/iam-baseline/operator/internal/metrics"
	"github.com/iam-baseline/operator/internal/plan"
)

// recordChange counts a change made in AWS and notes it for the reconcile's one
// AWSChange Event (see flushChanges). Change.String never holds a document body or
// a secret.
func recordChange(rec recorder.EventRecorder, kind string, obj client.Object, ch plan.Change) {
	metrics.AWSChanges.WithLabelValues(kind, ch.Action).Inc()
	pending.add(rec, obj, ch.String())
}

// flushChanges emits one Event summarising the changes a reconcile of obj made in
// AWS, and nothing when it made none. One Event per reconcile rather than one per
// change: a member's creation is five changes, and each Event is an API write.
func flushChanges(obj client.Object) {
	oc := pending.take(obj)
	if oc == nil {
		return
	}
	note := strings.Join(oc.changes, "; ")
	if len(oc.changes) > 1 {
		note = fmt.Sprintf("%d changes: %s", len(oc.changes), note)
	}
	if len(note) > maxEventNote {
		note = note[:maxEventNote-len(" …")] + " …"
	}
	oc.rec.Eventf(obj, nil, corev1.EventTypeNormal, "AWSChange", firstWord(oc.changes[0]), "%s", note)
}

// maxEventNote is the API server's limit on an Event's note (events.k8s.io/v1).
const maxEventNote = 1024

// pending holds the changes of reconciles in flight, by object UID. A controller
// never reconciles one object in two workers at once, so an entry has one writer.
var pending = &changeBuffer{m: map[types.UID]*objectChanges{}}

type changeBuffer struct {
	mu sync.Mutex
	m  map[types.UID]*objectChanges
}

type objectChanges struct {
	rec     recorder.EventRecorder
	changes []string
}

func (b *changeBuffer) add(rec recorder.EventRecorder, obj client.Object, change string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	oc := b.m[obj.GetUID()]
	if oc == nil {
		oc = &objectChanges{rec: rec}
		b.m[obj.GetUID()] = oc
	}
	oc.changes = append(oc.changes, change)
}

func (b *changeBuffer) take(obj client.Object) *objectChanges {
	b.mu.Lock()
	defer b.mu.Unlock()
	oc := b.m[obj.GetUID()]
	delete(b.m, obj.GetUID())
	return oc
}

// setDrifted reports the differences between the spec and AWS. Under Observe they
// stay; under Enforce the condition is False once they are applied.
func setDrifted(conds *[]metav1.Condition, generation int64, changes []plan.Change) {
	if len(changes) == 0 {
		conditions.Set(conds, generation, iamv1.ConditionDrifted, metav1.ConditionFalse, iamv1.ReasonInSync, "AWS matches the spec")
		return
	}
	conditions.Set(conds, generation, iamv1.ConditionDrifted, metav1.ConditionTrue, iamv1.ReasonDriftDetected,
		"AWS differs from the spec (managementPolicy Observe, nothing changed): "+plan.Summary(changes))
}

func setMFACondition(conds *[]metav1.Condition, generation int64, enrolled bool) {
	if enrolled {
		conditions.Set(conds, generation, iamv1.ConditionMFAEnrolled, metav1.ConditionTrue, "MFADeviceEnrolled", "the user has an MFA device")
		return
	}
	conditions.Set(conds, generation, iamv1.ConditionMFAEnrolled, metav1.ConditionFalse, "NoMFADevice",
		"the user has no MFA device yet: sign in to the console and assign one under Security credentials; until then everything but that is denied")
}

// deletingPredicate lets the deletion of an object through even when the generation
// filter would not (finalizer bookkeeping).
func deletingPredicate() predicate.Predicate {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		return !e.ObjectNew.GetDeletionTimestamp().IsZero()
	}}
}

// baselineChanged passes AccountBaseline updates that matter to the objects of its
// account: a spec change, or Ready turning True (its groups now exist), so members
// waiting for a group are woken at once rather than at their next retry.
func baselineChanged() predicate.Predicate {
	return predicate.Or(predicate.GenerationChangedPredicate{}, predicate.Funcs{
		CreateFunc: func(event.CreateEvent) bool { return true },
		UpdateFunc: func(e event.UpdateEvent) bool {
			o, ok1 := e.ObjectOld.(*iamv1.AccountBaseline)
			n, ok2 := e.ObjectNew.(*iamv1.AccountBaseline)
			return ok1 && ok2 && conditions.IsReady(o.Status.Conditions, o.Generation) != conditions.IsReady(n.Status.Conditions, n.Generation)
		},
		DeleteFunc:  func(event.DeleteEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
	})
}

func cutNamespacedName(s string) (namespace, name string, ok bool) {
	return strings.Cut(s, "/")
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return w
}
