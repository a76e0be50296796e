package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/preview"
)

// TestPlanRefusesASelfServiceViolation: a TeamMember in a namespace the baseline does
// not allow is refused by the plan (exit 1) with the reason and message the operator
// sets when the same object is applied, and neither makes an AWS write. It runs after
// TestPlan, against the converged samples.
func TestPlanRefusesASelfServiceViolation(t *testing.T) {
	if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(baselineKey()), baselineKey()); err != nil {
		t.Skipf("the samples are not applied (TestPlan did not run): %v", err)
	}
	mallory := `apiVersion: iam.baseline.dev/v1alpha1
kind: TeamMember
metadata: {name: mallory, namespace: team-x}
spec: {accountRef: sandbox, groups: [developers]}
`
	f := filepath.Join(t.TempDir(), "mallory.yaml")
	if err := os.WriteFile(f, []byte(mallory), 0o600); err != nil {
		t.Fatal(err)
	}
	code, r, _ := plan(t, nil, "-f", samples, "-f", f, "--kubeconfig", kubeconfig)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (refused)", code)
	}
	var refused *preview.Object
	for i := range r.Objects {
		if r.Objects[i].Name == "mallory" {
			refused = &r.Objects[i]
		}
	}
	if refused == nil || refused.Action != preview.ActionRefused || len(refused.Changes) != 0 {
		t.Fatalf("mallory: %+v, want refused with no change", refused)
	}
	// The same object applied: the operator's Stalled message is the plan's, word
	// for word, and it makes no AWS write for it.
	before := awsSrv.Calls()
	apply(t, f)
	c := waitFor(t, &iamv1.TeamMember{ObjectMeta: metav1.ObjectMeta{Name: "mallory", Namespace: "team-x"}}, iamv1.ConditionStalled, metav1.ConditionTrue)
	if c.Message != refused.Message || c.Reason != refused.Reason {
		t.Errorf("operator: %s: %s\nplan:     %s: %s", c.Reason, c.Message, refused.Reason, refused.Message)
	}
	if w := writes(awsSrv.Calls().Since(before)); len(w) > 0 {
		t.Errorf("the operator wrote %v for a refused member", w)
	}
}
