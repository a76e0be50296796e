package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

// One bad part of a baseline (a group naming a managed policy that does not exist)
// does not stop the others: the other group and the budget are made, and the
// baseline is Stalled (Ready False) naming exactly the bad part.
func TestAccountBaselinePartialProgress(t *testing.T) {
	ctx := context.Background()
	a := account(t, 5)
	missing := "arn:aws:iam::aws:policy/NoSuchPolicyForParts"
	ab := a.baseline(t, "parts-five", func(ab *iamv1.AccountBaseline) {
		ab.Spec.Groups = []iamv1.PermissionGroup{
			{Name: "parts-broken", ManagedPolicies: []string{missing}},
			{Name: "parts-fine", ManagedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}},
		}
		ab.Spec.Budgets = []iamv1.Budget{{Name: "parts-budget", Limit: "5", Notifications: []iamv1.BudgetNotification{{Threshold: "50", Subscribers: []iamv1.BudgetSubscriber{{Address: "a@example.com"}}}}}}
	})
	defer deleteBaseline(t, ab)
	eventually(t, 60*time.Second, func() error {
		st := condition(t, ab, abConds(ab), iamv1.ConditionStalled)
		if st == nil || st.Status != metav1.ConditionTrue || st.ObservedGeneration != ab.Generation {
			return fmt.Errorf("Stalled = %+v", st)
		}
		if !strings.Contains(st.Message, `group "parts-broken"`) || !strings.Contains(st.Message, missing) || strings.Contains(st.Message, "parts-fine") {
			return fmt.Errorf("Stalled does not name exactly the bad part: %s", st.Message)
		}
		return nil
	})
	if r := condition(t, ab, abConds(ab), iamv1.ConditionReady); r == nil || r.Status != metav1.ConditionFalse {
		t.Fatalf("Ready = %+v, want False", r)
	}
	if _, err := a.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: awssdk.String("parts-fine")}); err != nil {
		t.Errorf("the good group was not made: %v", err)
	}
	if _, err := a.budgets.DescribeBudget(ctx, &budgets.DescribeBudgetInput{AccountId: &a.id, BudgetName: awssdk.String("parts-budget")}); err != nil {
		t.Errorf("the budget was not made: %v", err)
	}
	if len(ab.Status.Budgets) != 1 || ab.Status.Budgets[0].Name != "parts-budget" {
		t.Errorf("status.budgets = %+v", ab.Status.Budgets)
	}
}
