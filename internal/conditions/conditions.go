// Package conditions sets the kstatus conditions every kind carries (Ready,
// Reconciling, Stalled) in one place, so all three controllers report the same way
// and Argo CD and Flux read them correctly.
package conditions

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

// Set sets one condition with the object's generation.
func Set(conds *[]metav1.Condition, generation int64, typ string, status metav1.ConditionStatus, reason, message string) {
	meta.SetStatusCondition(conds, metav1.Condition{
		Type: typ, Status: status, Reason: reason, Message: message, ObservedGeneration: generation,
	})
}

// MarkReady: converged. Reconciling and Stalled are removed, as kstatus expects
// abnormal-true conditions to be absent when they do not apply.
func MarkReady(conds *[]metav1.Condition, generation int64, reason, message string) {
	Set(conds, generation, iamv1.ConditionReady, metav1.ConditionTrue, reason, message)
	meta.RemoveStatusCondition(conds, iamv1.ConditionReconciling)
	meta.RemoveStatusCondition(conds, iamv1.ConditionStalled)
}

// MarkReconciling: work is under way (or waiting on something that will resolve by
// itself, such as a referenced object becoming ready, or AWS throttling).
func MarkReconciling(conds *[]metav1.Condition, generation int64, reason, message string) {
	Set(conds, generation, iamv1.ConditionReconciling, metav1.ConditionTrue, reason, message)
	Set(conds, generation, iamv1.ConditionReady, metav1.ConditionFalse, reason, message)
	meta.RemoveStatusCondition(conds, iamv1.ConditionStalled)
}

// MarkStalled: progress needs a person to change the spec or AWS. The message says
// what to change.
func MarkStalled(conds *[]metav1.Condition, generation int64, reason, message string) {
	Set(conds, generation, iamv1.ConditionStalled, metav1.ConditionTrue, reason, message)
	Set(conds, generation, iamv1.ConditionReady, metav1.ConditionFalse, reason, message)
	meta.RemoveStatusCondition(conds, iamv1.ConditionReconciling)
}

// IsReady reports whether Ready is True for the given generation.
func IsReady(conds []metav1.Condition, generation int64) bool {
	c := meta.FindStatusCondition(conds, iamv1.ConditionReady)
	return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == generation
}
