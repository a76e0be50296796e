package budgets_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/budgets/types"
)

func arnOf(name string) string { return "arn:aws:budgets::" + testAccount + ":budget/" + name }

func tag(k, v string) types.ResourceTag {
	return types.ResourceTag{Key: aws.String(k), Value: aws.String(v)}
}

func (e *env) tags(t *testing.T, arn string) map[string]string {
	t.Helper()
	out, err := e.client.ListTagsForResource(ctx, &sdk.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	requireNoError(t, err)
	m := map[string]string{}
	for i, rt := range out.ResourceTags {
		if i > 0 && aws.ToString(out.ResourceTags[i-1].Key) >= aws.ToString(rt.Key) {
			t.Errorf("tags not sorted by key: %v", out.ResourceTags)
		}
		m[aws.ToString(rt.Key)] = aws.ToString(rt.Value)
	}
	return m
}

func (e *env) tagResource(arn string, tags ...types.ResourceTag) error {
	_, err := e.client.TagResource(ctx, &sdk.TagResourceInput{ResourceARN: aws.String(arn), ResourceTags: tags})
	return err
}

func TestTagsOnCreateAndTagResource(t *testing.T) {
	e := newEnv(t)
	_, err := e.client.CreateBudget(ctx, &sdk.CreateBudgetInput{
		AccountId: aws.String(testAccount),
		Budget:    monthlyCost("team/tagged", "10"), // names may contain '/'
		ResourceTags: []types.ResourceTag{
			tag("iam.baseline.dev/managed-by", "iam-baseline-operator"),
			tag("iam.baseline.dev/owner", "AccountBaseline//prod"),
		},
	})
	requireNoError(t, err)
	arn := arnOf("team/tagged")

	requireNoError(t, e.tagResource(arn, tag("iam.baseline.dev/owner", "AccountBaseline//staging"), tag("cost-centre", "")))
	got := e.tags(t, arn)
	want := map[string]string{
		"iam.baseline.dev/managed-by": "iam-baseline-operator",
		"iam.baseline.dev/owner":      "AccountBaseline//staging",
		"cost-centre":                 "",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("tags = %v, want %v", got, want)
	}

	_, err = e.client.UntagResource(ctx, &sdk.UntagResourceInput{
		ResourceARN: aws.String(arn), ResourceTagKeys: []string{"cost-centre", "never-set"},
	})
	requireNoError(t, err)
	if got := e.tags(t, arn); len(got) != 2 || got["cost-centre"] != "" {
		t.Errorf("tags after untag = %v", got)
	}
}

func TestTagErrors(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("t", "10"))

	requireAPIError[*types.NotFoundException](t, e.tagResource(arnOf("missing"), tag("a", "b")))
	requireAPIError[*types.NotFoundException](t, e.tagResource(arnOf("t/action/1234"), tag("a", "b")))
	requireAPIError[*types.InvalidParameterException](t, e.tagResource("arn:aws:iam::123456789012:role/t", tag("a", "b")))
	requireAPIError[*types.InvalidParameterException](t, e.tagResource("t", tag("a", "b")))
	requireAPIError[*types.AccessDeniedException](t, e.tagResource("arn:aws:budgets::"+otherAccount+":budget/t", tag("a", "b")))
	requireAPIError[*types.InvalidParameterException](t, e.tagResource(arnOf("t"), tag("aws:reserved", "b")))
	requireAPIError[*types.InvalidParameterException](t, e.tagResource(arnOf("t"), tag("", "b")))

	_, err := e.client.ListTagsForResource(ctx, &sdk.ListTagsForResourceInput{ResourceARN: aws.String(arnOf("missing"))})
	requireAPIError[*types.NotFoundException](t, err)
	_, err = e.client.UntagResource(ctx, &sdk.UntagResourceInput{ResourceARN: aws.String(arnOf("missing")), ResourceTagKeys: []string{"a"}})
	requireAPIError[*types.NotFoundException](t, err)

	if got := e.tags(t, arnOf("t")); len(got) != 0 {
		t.Errorf("failed requests left tags %v", got)
	}
}

func TestTagQuota(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("q", "10"))
	var tags []types.ResourceTag
	for i := range 50 {
		tags = append(tags, tag(fmt.Sprintf("k%02d", i), "v"))
	}
	requireNoError(t, e.tagResource(arnOf("q"), tags...))
	requireAPIError[*types.ServiceQuotaExceededException](t, e.tagResource(arnOf("q"), tag("one-more", "v")))
	// Overwriting an existing key does not count against the quota.
	requireNoError(t, e.tagResource(arnOf("q"), tag("k00", "new")))
	if got := e.tags(t, arnOf("q")); len(got) != 50 || got["k00"] != "new" {
		t.Errorf("got %d tags, k00=%q", len(got), got["k00"])
	}
}

func TestTagsGoWithTheBudget(t *testing.T) {
	e := newEnv(t)
	e.createBudget(t, monthlyCost("d", "10"))
	requireNoError(t, e.tagResource(arnOf("d"), tag("owner", "x")))

	_, err := e.client.UpdateBudget(ctx, &sdk.UpdateBudgetInput{AccountId: aws.String(testAccount), NewBudget: monthlyCost("d", "20")})
	requireNoError(t, err)
	if got := e.tags(t, arnOf("d")); got["owner"] != "x" {
		t.Errorf("tags after update = %v", got)
	}

	_, err = e.client.DeleteBudget(ctx, &sdk.DeleteBudgetInput{AccountId: aws.String(testAccount), BudgetName: aws.String("d")})
	requireNoError(t, err)
	e.createBudget(t, monthlyCost("d", "10"))
	if got := e.tags(t, arnOf("d")); len(got) != 0 {
		t.Errorf("recreated budget inherited tags %v", got)
	}
}
