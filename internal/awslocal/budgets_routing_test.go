package awslocal

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/budgets/types"
)

// Budgets behaviour is tested in the budgets package; this checks routing,
// account scoping, signature checks, faults and logging around it.
func TestBudgetsRouting(t *testing.T) {
	e := startServer(t, Options{})
	client := budgets.NewFromConfig(e.sdkConfig(t, "test", "test", "", 1))
	_, err := client.CreateBudget(ctx, &budgets.CreateBudgetInput{
		AccountId: aws.String(testAccount),
		Budget: &types.Budget{
			BudgetName: aws.String("monthly"), BudgetType: types.BudgetTypeCost, TimeUnit: types.TimeUnitMonthly,
			BudgetLimit: &types.Spend{Amount: aws.String("100"), Unit: aws.String("USD")},
		},
	})
	must(t, err)
	out, err := client.DescribeBudgets(ctx, &budgets.DescribeBudgetsInput{AccountId: aws.String(testAccount)})
	must(t, err)
	if len(out.Budgets) != 1 || *out.Budgets[0].BudgetName != "monthly" {
		t.Fatalf("budgets = %+v", out.Budgets)
	}

	// Another account sees its own (empty) budgets.
	e.srv.AddAccount(otherAccount, "other-key", "other-secret")
	other := budgets.NewFromConfig(e.sdkConfig(t, "other-key", "other-secret", "", 1))
	out, err = other.DescribeBudgets(ctx, &budgets.DescribeBudgetsInput{AccountId: aws.String(otherAccount)})
	if err == nil && len(out.Budgets) != 0 {
		t.Fatalf("other account sees %d budgets", len(out.Budgets))
	}

	bad := budgets.NewFromConfig(e.sdkConfig(t, "test", "nope", "", 1))
	_, err = bad.DescribeBudgets(ctx, &budgets.DescribeBudgetsInput{AccountId: aws.String(testAccount)})
	wantError(t, err, "InvalidSignatureException", 403)

	e.srv.SetFaults(Faults{Seed: 1, ThrottleRate: 1})
	_, err = client.DescribeBudgets(ctx, &budgets.DescribeBudgetsInput{AccountId: aws.String(testAccount)})
	wantError(t, err, "ThrottlingException", 400)
	e.srv.SetFaults(Faults{Seed: 1, FailureRate: 1})
	_, err = client.DescribeBudgets(ctx, &budgets.DescribeBudgetsInput{AccountId: aws.String(testAccount)})
	wantError(t, err, "InternalErrorException", 500)

	log := e.srv.Calls()
	if log.Count("budgets", "CreateBudget") != 1 || log.Count("budgets", "DescribeBudgets") != 5 {
		t.Fatalf("log = %v", log.Summary())
	}
	if m := log.Mutating(); len(m) != 1 || m[0].Operation != "CreateBudget" || m[0].Account != testAccount {
		t.Fatalf("mutating = %+v", m)
	}
}
