package conditions

import (
	"testing"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

func TestTransitions(t *testing.T) {
	var conds []metav1.Condition
	MarkReconciling(&conds, 1, iamv1.ReasonProgressing, "creating the user")
	assertStatus(t, conds, map[string]metav1.ConditionStatus{"Ready": "False", "Reconciling": "True", "Stalled": ""})
	if IsReady(conds, 1) {
		t.Fatal("reconciling object reported ready")
	}

	MarkStalled(&conds, 2, iamv1.ReasonInvalidSpec, "bad policy")
	assertStatus(t, conds, map[string]metav1.ConditionStatus{"Ready": "False", "Reconciling": "", "Stalled": "True"})
	if c := meta.FindStatusCondition(conds, "Stalled"); c.ObservedGeneration != 2 || c.Message != "bad policy" {
		t.Fatalf("stalled condition = %+v", c)
	}

	MarkReady(&conds, 3, iamv1.ReasonReconciled, "in sync")
	assertStatus(t, conds, map[string]metav1.ConditionStatus{"Ready": "True", "Reconciling": "", "Stalled": ""})
	if !IsReady(conds, 3) || IsReady(conds, 4) {
		t.Fatal("IsReady must hold for the observed generation only")
	}
}

func assertStatus(t *testing.T, conds []metav1.Condition, want map[string]metav1.ConditionStatus) {
	t.Helper()
	for typ, status := range want {
		c := meta.FindStatusCondition(conds, typ)
		switch {
		case status == "" && c != nil:
			t.Errorf("%s should be absent, is %s", typ, c.Status)
		case status != "" && (c == nil || c.Status != status):
			t.Errorf("%s = %v, want %s", typ, c, status)
		}
	}
}
