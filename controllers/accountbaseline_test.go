package controllers_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	dto "github.com/prometheus/client_model/go"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/awslocal"
	"github.com/iam-baseline/operator/internal/metrics"
	"github.com/iam-baseline/operator/internal/policy"
)

// AccountBaseline tests use the accounts 21098765432{1..5} only, reached through
// AssumeRole into a role "baseline-admin" that trusts the main account.

const baselineRole = "baseline-admin"

type testAccount struct {
	id      string
	iam     *iam.Client
	budgets *budgets.Client
	roleARN string
}

// account returns clients for account i and makes sure the baseline-admin role exists.
func account(t *testing.T, i int) testAccount {
	t.Helper()
	cfg := sdkConfig(t, fmt.Sprintf("acct%d", i), fmt.Sprintf("secret%d", i))
	a := testAccount{id: otherAccount(i), iam: iam.NewFromConfig(cfg), budgets: budgets.NewFromConfig(cfg)}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + accountID + `:root"},"Action":"sts:AssumeRole"}]}`
	out, err := a.iam.CreateRole(context.Background(), &iam.CreateRoleInput{RoleName: awssdk.String(baselineRole), AssumeRolePolicyDocument: &trust})
	switch {
	case err == nil:
		a.roleARN = awssdk.ToString(out.Role.Arn)
	case awsx.IsAlreadyExists(err):
		a.roleARN = "arn:aws:iam::" + a.id + ":role/" + baselineRole
	default:
		t.Fatal(err)
	}
	return a
}

func (a testAccount) baseline(t *testing.T, name string, mutate func(*iamv1.AccountBaseline)) *iamv1.AccountBaseline {
	t.Helper()
	return baseline(t, name, func(ab *iamv1.AccountBaseline) {
		ab.Spec.AccountID = a.id
		ab.Spec.Access = &iamv1.AccountAccess{RoleARN: a.roleARN}
		if mutate != nil {
			mutate(ab)
		}
	})
}

func abConds(ab *iamv1.AccountBaseline) func() []metav1.Condition {
	return func() []metav1.Condition { return ab.Status.Conditions }
}

func waitBaselineReady(t *testing.T, ab *iamv1.AccountBaseline) {
	t.Helper()
	waitCondition(t, ab, abConds(ab), iamv1.ConditionReady, metav1.ConditionTrue, 60*time.Second)
}

// deleteBaseline deletes ab and waits until it is gone.
func deleteBaseline(t *testing.T, ab *iamv1.AccountBaseline) {
	t.Helper()
	if err := k8s.Delete(context.Background(), ab); err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, func() error {
		err := k8s.Get(context.Background(), client.ObjectKeyFromObject(ab), &iamv1.AccountBaseline{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("AccountBaseline %s still exists (%v)", ab.Name, err)
	})
}

func accountCalls(log awslocal.CallLog, acct string) awslocal.CallLog {
	var out awslocal.CallLog
	for _, c := range log {
		if c.Account == acct {
			out = append(out, c)
		}
	}
	return out
}

const (
	abS3ReadPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`
	abSNSTopic     = "arn:aws:sns:us-east-1:210987654321:budget-alerts"
)

func fullSpec(alias string) func(*iamv1.AccountBaseline) {
	return func(ab *iamv1.AccountBaseline) {
		ab.Spec.Alias = alias
		ab.Spec.Groups = []iamv1.PermissionGroup{
			{Name: "developers", Path: "/teams/", ManagedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"},
				InlinePolicies: []iamv1.InlinePolicy{{Name: "s3-read", Document: abS3ReadPolicy}}},
			{Name: "admins", ManagedPolicies: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}},
		}
		ab.Spec.Budgets = []iamv1.Budget{{
			Name: "monthly", Limit: "100",
			Notifications: []iamv1.BudgetNotification{
				{Threshold: "80", Subscribers: []iamv1.BudgetSubscriber{{Address: "ops@example.com"}}},
				{Type: "FORECASTED", Threshold: "100", Subscribers: []iamv1.BudgetSubscriber{{Address: "finance@example.com"}, {Type: "SNS", Address: abSNSTopic}}},
			},
		}}
	}
}

// budgetState reads a budget's limit and its notifications with subscribers, as
// "TYPE OP THRESHOLD: sub1,sub2" lines, sorted.
func budgetState(t *testing.T, a testAccount, name string) (string, []string) {
	t.Helper()
	ctx := context.Background()
	b, err := a.budgets.DescribeBudget(ctx, &budgets.DescribeBudgetInput{AccountId: &a.id, BudgetName: &name})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := a.budgets.DescribeNotificationsForBudget(ctx, &budgets.DescribeNotificationsForBudgetInput{AccountId: &a.id, BudgetName: &name})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, n := range ns.Notifications {
		n := n
		subs, err := a.budgets.DescribeSubscribersForNotification(ctx, &budgets.DescribeSubscribersForNotificationInput{AccountId: &a.id, BudgetName: &name, Notification: &n})
		if err != nil {
			t.Fatal(err)
		}
		var ss []string
		for _, s := range subs.Subscribers {
			ss = append(ss, string(s.SubscriptionType)+":"+awssdk.ToString(s.Address))
		}
		sort.Strings(ss)
		lines = append(lines, fmt.Sprintf("%s %s %v %s: %s", n.NotificationType, n.ComparisonOperator, n.Threshold, n.ThresholdType, strings.Join(ss, ",")))
	}
	sort.Strings(lines)
	return awssdk.ToString(b.Budget.BudgetLimit.Amount), lines
}

func groupPolicies(t *testing.T, a testAccount, group string) (attached []string, inline map[string]string) {
	t.Helper()
	ctx := context.Background()
	att, err := a.iam.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: &group})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range att.AttachedPolicies {
		attached = append(attached, awssdk.ToString(p.PolicyArn))
	}
	names, err := a.iam.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: &group})
	if err != nil {
		t.Fatal(err)
	}
	inline = map[string]string{}
	for _, n := range names.PolicyNames {
		p, err := a.iam.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: &group, PolicyName: awssdk.String(n)})
		if err != nil {
			t.Fatal(err)
		}
		inline[n] = awssdk.ToString(p.PolicyDocument)
	}
	return attached, inline
}

func mustEqualPolicy(t *testing.T, want, got string) {
	t.Helper()
	same, err := policy.Equal(want, got)
	if err != nil || !same {
		t.Fatalf("policy differs (err %v):\nwant %s\ngot  %s", err, want, got)
	}
}

// TestAccountBaselineFiveAccounts reconciles five accounts at once through AssumeRole,
// then checks the one-baseline-per-account rule and that a successor inherits an
// account whose baseline was deleted with Retain.
func TestAccountBaselineFiveAccounts(t *testing.T) {
	var abs []*iamv1.AccountBaseline
	accts := make([]testAccount, 5)
	for i := 1; i <= 5; i++ {
		accts[i-1] = account(t, i)
	}
	for i, a := range accts {
		abs = append(abs, a.baseline(t, fmt.Sprintf("five-%d", i+1), func(ab *iamv1.AccountBaseline) {
			ab.Spec.Alias = fmt.Sprintf("five-acct-%d", i+1)
			ab.Spec.Groups = []iamv1.PermissionGroup{{Name: "readers", ManagedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}
			ab.Spec.Budgets = []iamv1.Budget{{Name: "guard", Limit: "10", Notifications: []iamv1.BudgetNotification{{Threshold: "90", Subscribers: []iamv1.BudgetSubscriber{{Address: "ops@example.com"}}}}}}
		}))
	}
	for i, ab := range abs {
		waitBaselineReady(t, ab)
		if ab.Status.SignInURL != fmt.Sprintf("https://five-acct-%d.signin.aws.amazon.com/console", i+1) {
			t.Errorf("%s signInURL = %q", ab.Name, ab.Status.SignInURL)
		}
		if _, err := accts[i].iam.GetGroup(context.Background(), &iam.GetGroupInput{GroupName: awssdk.String("readers")}); err != nil {
			t.Errorf("account %s: %v", accts[i].id, err)
		}
	}

	// A second baseline for account 5 is Stalled, naming the first, and makes no call.
	snap := awsSrv.Calls()
	dup := accts[4].baseline(t, "five-dup", func(ab *iamv1.AccountBaseline) {
		ab.Spec.Alias = "five-acct-5"
		// IAM groups carry no ownership tags: a successor adopts the groups it finds.
		ab.Spec.Groups = []iamv1.PermissionGroup{{Name: "readers", Adopt: true, ManagedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}}}
	})
	st := waitCondition(t, dup, abConds(dup), iamv1.ConditionStalled, metav1.ConditionTrue, 30*time.Second)
	if !strings.Contains(st.Message, `"five-5"`) || st.Reason != iamv1.ReasonOwnedByOther {
		t.Errorf("Stalled = %s: %s", st.Reason, st.Message)
	}
	if mut := accountCalls(awsSrv.Calls().Since(snap), accts[4].id).Mutating(); len(mut) > 0 {
		t.Errorf("the duplicate baseline changed AWS: %v", mut.Summary())
	}

	// Deleting the originals (Retain) leaves AWS as it is; the duplicate then takes
	// over account 5, inheriting the MFA policy the first baseline tagged.
	for _, ab := range abs {
		deleteBaseline(t, ab)
	}
	waitBaselineReady(t, dup)
	if _, err := accts[0].iam.GetGroup(context.Background(), &iam.GetGroupInput{GroupName: awssdk.String("readers")}); err != nil {
		t.Errorf("Retain removed a group: %v", err)
	}
	arn := "arn:aws:iam::" + accts[4].id + ":policy/iam-baseline-force-mfa"
	p, err := accts[4].iam.GetPolicy(context.Background(), &iam.GetPolicyInput{PolicyArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range p.Policy.Tags {
		if awssdk.ToString(tag.Key) == awsx.TagOwner && awssdk.ToString(tag.Value) != "AccountBaseline//five-dup" {
			t.Errorf("owner tag = %s, want the successor", awssdk.ToString(tag.Value))
		}
	}
	deleteBaseline(t, dup)
}

// TestAccountBaselineConverges applies a full baseline, reads AWS back, checks that a
// steady state writes nothing, then changes the budget and its subscribers.
func TestAccountBaselineConverges(t *testing.T) {
	ctx := context.Background()
	a := account(t, 1)
	ab := a.baseline(t, "full-one", fullSpec("acme-one"))
	waitBaselineReady(t, ab)

	aliases, err := a.iam.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	if err != nil || !slices.Equal(aliases.AccountAliases, []string{"acme-one"}) {
		t.Errorf("aliases = %v, %v", aliases, err)
	}
	pp, err := a.iam.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if awssdk.ToInt32(pp.PasswordPolicy.MinimumPasswordLength) != 14 || awssdk.ToInt32(pp.PasswordPolicy.PasswordReusePrevention) != 24 ||
		!pp.PasswordPolicy.RequireSymbols || !pp.PasswordPolicy.RequireNumbers || !pp.PasswordPolicy.RequireUppercaseCharacters ||
		!pp.PasswordPolicy.RequireLowercaseCharacters || !pp.PasswordPolicy.AllowUsersToChangePassword {
		t.Errorf("password policy = %+v", pp.PasswordPolicy)
	}

	mfaARN := "arn:aws:iam::" + a.id + ":policy/iam-baseline-force-mfa"
	gp, err := a.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &mfaARN})
	if err != nil {
		t.Fatal(err)
	}
	v, err := a.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &mfaARN, VersionId: gp.Policy.DefaultVersionId})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := policy.Marshal(policy.MFAEnforcement("aws"))
	mustEqualPolicy(t, want, awssdk.ToString(v.PolicyVersion.Document))
	tags := map[string]string{}
	for _, tag := range gp.Policy.Tags {
		tags[awssdk.ToString(tag.Key)] = awssdk.ToString(tag.Value)
	}
	if tags[awsx.TagManagedBy] != awsx.ManagedByValue || tags[awsx.TagOwner] != "AccountBaseline//full-one" {
		t.Errorf("MFA policy tags = %v", tags)
	}

	if att, _ := groupPolicies(t, a, "iam-baseline-mfa-required"); !slices.Equal(att, []string{mfaARN}) {
		t.Errorf("MFA group policies = %v", att)
	}
	att, inline := groupPolicies(t, a, "developers")
	if !slices.Equal(att, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}) || len(inline) != 1 {
		t.Errorf("developers: attached %v inline %v", att, inline)
	}
	mustEqualPolicy(t, abS3ReadPolicy, inline["s3-read"])
	g, err := a.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: awssdk.String("developers")})
	if err != nil || awssdk.ToString(g.Group.Path) != "/teams/" {
		t.Errorf("developers path: %v %v", g, err)
	}
	if att, _ := groupPolicies(t, a, "admins"); !slices.Equal(att, []string{"arn:aws:iam::aws:policy/AdministratorAccess"}) {
		t.Errorf("admins policies = %v", att)
	}

	limit, notes := budgetState(t, a, "monthly")
	wantNotes := []string{
		"ACTUAL GREATER_THAN 80 PERCENTAGE: EMAIL:ops@example.com",
		"FORECASTED GREATER_THAN 100 PERCENTAGE: EMAIL:finance@example.com,SNS:" + abSNSTopic,
	}
	if limit != "100.0" && limit != "100" || !slices.Equal(notes, wantNotes) {
		t.Errorf("budget: limit %s notifications %q", limit, notes)
	}

	// Status.
	eventually(t, 20*time.Second, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(ab), ab); err != nil {
			return err
		}
		st := ab.Status
		switch {
		case st.SignInURL != "https://acme-one.signin.aws.amazon.com/console":
			return fmt.Errorf("signInURL %q", st.SignInURL)
		case st.MFAPolicyARN != mfaARN || st.MFAGroupName != "iam-baseline-mfa-required":
			return fmt.Errorf("mfa %q %q", st.MFAPolicyARN, st.MFAGroupName)
		case !slices.Equal(st.Groups, []string{"admins", "developers", "iam-baseline-mfa-required"}):
			return fmt.Errorf("groups %v", st.Groups)
		case len(st.Budgets) != 1 || st.Budgets[0].Name != "monthly" || st.Budgets[0].Notifications != 2 || st.Budgets[0].ActualSpend == "":
			return fmt.Errorf("budgets %+v", st.Budgets)
		}
		return nil
	})

	// Steady state: the periodic resync reads AWS and writes nothing.
	quiesce(t, time.Second)
	snap := awsSrv.Calls()
	eventually(t, 30*time.Second, func() error {
		if n := accountCalls(awsSrv.Calls().Since(snap), a.id).Count("iam", "GetAccountSummary"); n < 2 {
			return fmt.Errorf("%d resyncs so far", n)
		}
		return nil
	})
	since := accountCalls(awsSrv.Calls().Since(snap), a.id)
	if mut := since.Mutating(); len(mut) > 0 {
		t.Fatalf("steady state made mutating calls: %v", mut.Summary())
	}
	if n := since.Count("iam", "GenerateCredentialReport"); n > 0 {
		t.Errorf("steady state regenerated the credential report %d times", n)
	}
	resyncs := since.Count("iam", "GetAccountSummary")
	t.Logf("steady state: %d calls in %d resyncs (%d per reconcile): %v", len(since), resyncs, len(since)/resyncs, since.Summary())

	// Drift made by hand is repaired.
	if _, err := a.iam.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: awssdk.String("developers"), PolicyName: awssdk.String("s3-read")}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		if _, inline := groupPolicies(t, a, "developers"); inline["s3-read"] == "" {
			return fmt.Errorf("s3-read not restored")
		}
		return nil
	})

	// A new limit is an UpdateBudget, never a delete and re-create; subscribers
	// converge exactly.
	snap = awsSrv.Calls()
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(ab), ab); err != nil {
		t.Fatal(err)
	}
	ab.Spec.Budgets[0].Limit = "250.50"
	ab.Spec.Budgets[0].Notifications[0].Subscribers = []iamv1.BudgetSubscriber{{Address: "oncall@example.com"}, {Address: "lead@example.com"}}
	ab.Spec.Budgets[0].Notifications[1].Subscribers = []iamv1.BudgetSubscriber{{Address: "finance@example.com"}}
	if err := k8s.Update(ctx, ab); err != nil {
		t.Fatal(err)
	}
	waitBaselineReady(t, ab)
	eventually(t, 30*time.Second, func() error {
		limit, notes := budgetState(t, a, "monthly")
		want := []string{
			"ACTUAL GREATER_THAN 80 PERCENTAGE: EMAIL:lead@example.com,EMAIL:oncall@example.com",
			"FORECASTED GREATER_THAN 100 PERCENTAGE: EMAIL:finance@example.com",
		}
		if limit != "250.5" && limit != "250.50" || !slices.Equal(notes, want) {
			return fmt.Errorf("limit %s notifications %q", limit, notes)
		}
		return nil
	})
	calls := accountCalls(awsSrv.Calls().Since(snap), a.id)
	if calls.Count("budgets", "UpdateBudget") == 0 || calls.Count("budgets", "DeleteBudget") > 0 || calls.Count("budgets", "CreateBudget") > 0 {
		t.Errorf("budget change calls: %v", calls.Mutating().Summary())
	}

	// A changed threshold updates the notification in place and keeps its subscribers.
	snap = awsSrv.Calls()
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(ab), ab); err != nil {
		t.Fatal(err)
	}
	ab.Spec.Budgets[0].Notifications[0].Threshold = "90"
	if err := k8s.Update(ctx, ab); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		_, notes := budgetState(t, a, "monthly")
		if !slices.Contains(notes, "ACTUAL GREATER_THAN 90 PERCENTAGE: EMAIL:lead@example.com,EMAIL:oncall@example.com") {
			return fmt.Errorf("notifications %q", notes)
		}
		return nil
	})
	calls = accountCalls(awsSrv.Calls().Since(snap), a.id)
	if calls.Count("budgets", "UpdateNotification") != 1 || calls.Count("budgets", "DeleteNotification") > 0 || calls.Count("budgets", "CreateSubscriber") > 0 {
		t.Errorf("threshold change calls: %v", calls.Mutating().Summary())
	}
	deleteBaseline(t, ab)
}

// TestAccountBaselineRootAndCIS seeds CIS problems and root state, then checks the
// root conditions, the findings (exactly the seeded ones) and the metric.
func TestAccountBaselineRootAndCIS(t *testing.T) {
	ctx := context.Background()
	a := account(t, 2)
	awsSrv.SetRootAccountState(a.id, false, true)
	mkUser := func(name string) {
		if _, err := a.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: &name}); err != nil && !awsx.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	mkKey := func(user string) string {
		k, err := a.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: &user})
		if err != nil {
			t.Fatal(err)
		}
		return awssdk.ToString(k.AccessKey.AccessKeyId)
	}
	mkUser("console-no-mfa")
	if _, err := a.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: awssdk.String("console-no-mfa"), Password: awssdk.String("Corr3ct-Horse-Battery-Staple!")}); err != nil {
		t.Fatal(err)
	}
	mkUser("old-key")
	old := mkKey("old-key")
	awsSrv.SetAccessKeyCreateDate(a.id, "old-key", old, time.Now().Add(-120*24*time.Hour))
	awsSrv.SetAccessKeyLastUsed(a.id, old, time.Now().Add(-24*time.Hour), "iam", "us-east-1")
	mkUser("two-keys")
	mkKey("two-keys")
	mkKey("two-keys")
	mkUser("direct-policy")
	if _, err := a.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: awssdk.String("direct-policy"), PolicyArn: awssdk.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	// A member's assume-role grant is the operator's own inline policy: not a 1.15 finding.
	mkUser("member")
	assume := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::` + a.id + `:role/x"}]}`
	if _, err := a.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: awssdk.String("member"), PolicyName: awssdk.String("iam-baseline-assume-roles"), PolicyDocument: &assume}); err != nil {
		t.Fatal(err)
	}

	ab := a.baseline(t, "cis-two", nil)
	waitBaselineReady(t, ab)
	c := waitCondition(t, ab, abConds(ab), iamv1.ConditionRootMFAEnabled, metav1.ConditionFalse, 30*time.Second)
	if !strings.Contains(c.Message, "sign in to the console as the root user") || !strings.Contains(c.Message, "Security credentials") || !strings.Contains(c.Message, "MFA") {
		t.Errorf("RootMFAEnabled message: %s", c.Message)
	}
	c = waitCondition(t, ab, abConds(ab), iamv1.ConditionRootAccessKeysAbsent, metav1.ConditionFalse, 30*time.Second)
	if !strings.Contains(c.Message, "delete the root access keys") || !strings.Contains(c.Message, "Security credentials") {
		t.Errorf("RootAccessKeysAbsent message: %s", c.Message)
	}
	c = waitCondition(t, ab, abConds(ab), iamv1.ConditionCISCompliant, metav1.ConditionFalse, 30*time.Second)
	if !strings.Contains(c.Message, "1.13") || !strings.Contains(c.Message, "6 CIS finding") {
		t.Errorf("CISCompliant message: %s", c.Message)
	}
	// Ready stays True: the operator cannot fix the root user.
	if r := condition(t, ab, abConds(ab), iamv1.ConditionReady); r.Status != metav1.ConditionTrue {
		t.Errorf("Ready = %+v", r)
	}
	var got []string
	for _, f := range ab.Status.Findings {
		got = append(got, f.Control+" "+f.Subject)
	}
	want := []string{"1.4 <root_account>", "1.5 <root_account>", "1.10 console-no-mfa", "1.13 two-keys", "1.14 old-key", "1.15 direct-policy"}
	if !slices.Equal(got, want) {
		t.Errorf("findings = %q, want %q", got, want)
	}
	if ab.Status.FindingsGeneratedAt == nil {
		t.Error("findingsGeneratedAt not set")
	}
	for control, n := range map[string]float64{"1.13": 1, "1.15": 1, "1.8": 0, "1.12": 0} {
		m := &dto.Metric{}
		if err := metrics.CISFindings.WithLabelValues(a.id, control).Write(m); err != nil {
			t.Fatal(err)
		}
		if m.GetGauge().GetValue() != n {
			t.Errorf("cis gauge %s = %v, want %v", control, m.GetGauge().GetValue(), n)
		}
	}

	// The root conditions are live (GetAccountSummary every reconcile).
	awsSrv.SetRootAccountState(a.id, true, false)
	waitCondition(t, ab, abConds(ab), iamv1.ConditionRootMFAEnabled, metav1.ConditionTrue, 30*time.Second)
	waitCondition(t, ab, abConds(ab), iamv1.ConditionRootAccessKeysAbsent, metav1.ConditionTrue, 30*time.Second)
	deleteBaseline(t, ab)
}

// TestAccountBaselineDeletion: Retain leaves everything; Delete removes what the
// baseline created (and only that), without DeleteConflict.
func TestAccountBaselineDeletion(t *testing.T) {
	ctx := context.Background()
	t.Run("Retain", func(t *testing.T) {
		a := account(t, 3)
		ab := a.baseline(t, "retain-three", fullSpec("acme-three"))
		waitBaselineReady(t, ab)
		deleteBaseline(t, ab)
		if _, err := a.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: awssdk.String("developers")}); err != nil {
			t.Error(err)
		}
		if _, err := a.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: awssdk.String("arn:aws:iam::" + a.id + ":policy/iam-baseline-force-mfa")}); err != nil {
			t.Error(err)
		}
		if _, err := a.budgets.DescribeBudget(ctx, &budgets.DescribeBudgetInput{AccountId: &a.id, BudgetName: awssdk.String("monthly")}); err != nil {
			t.Error(err)
		}
		if al, err := a.iam.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{}); err != nil || len(al.AccountAliases) != 1 {
			t.Errorf("alias: %v %v", al, err)
		}
		if _, err := a.iam.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{}); err != nil {
			t.Error(err)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		a := account(t, 4)
		// A group that exists before the baseline names it is adopted, not created:
		// Delete leaves it.
		if _, err := a.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: awssdk.String("admins")}); err != nil && !awsx.IsAlreadyExists(err) {
			t.Fatal(err)
		}
		ab := a.baseline(t, "delete-four", func(ab *iamv1.AccountBaseline) {
			fullSpec("acme-four")(ab)
			ab.Spec.Groups[1].Adopt = true // admins was made by hand: adopted, not created
			ab.Spec.DeletionPolicy = iamv1.DeletionPolicyDelete
			// Its own MFA group, so this baseline creates it (the account's default
			// one was made by an earlier baseline and is not this one's to delete).
			ab.Spec.MFAEnforcement = &iamv1.MFAEnforcement{GroupName: "four-mfa-required", PolicyName: "four-force-mfa"}
		})
		waitBaselineReady(t, ab)
		// A person in the MFA group and a non-default policy version must not block
		// the delete (a version made by hand beside an intact default: nothing
		// repairs it, so it is still there).
		if _, err := a.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: awssdk.String("someone")}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: awssdk.String("someone"), GroupName: awssdk.String("four-mfa-required")}); err != nil {
			t.Fatal(err)
		}
		mfaARN := "arn:aws:iam::" + a.id + ":policy/four-force-mfa"
		if _, err := a.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &mfaARN, PolicyDocument: awssdk.String(abS3ReadPolicy)}); err != nil {
			t.Fatal(err)
		}
		snap := awsSrv.Calls()
		deleteBaseline(t, ab)
		for _, g := range []string{"developers", "four-mfa-required"} {
			if _, err := a.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: &g}); !awsx.IsNotFound(err) {
				t.Errorf("group %s: %v", g, err)
			}
		}
		if _, err := a.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: awssdk.String("admins")}); err != nil {
			t.Errorf("pre-existing group admins was deleted: %v", err)
		}
		if _, err := a.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &mfaARN}); !awsx.IsNotFound(err) {
			t.Errorf("MFA policy: %v", err)
		}
		if _, err := a.budgets.DescribeBudget(ctx, &budgets.DescribeBudgetInput{AccountId: &a.id, BudgetName: awssdk.String("monthly")}); !awsx.IsNotFound(err) {
			t.Errorf("budget: %v", err)
		}
		if al, err := a.iam.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{}); err != nil || len(al.AccountAliases) != 0 {
			t.Errorf("alias: %v %v", al, err)
		}
		if _, err := a.iam.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{}); !awsx.IsNotFound(err) {
			t.Errorf("password policy: %v", err)
		}
		for _, c := range accountCalls(awsSrv.Calls().Since(snap), a.id) {
			if c.Outcome == "DeleteConflict" {
				t.Errorf("DeleteConflict on %s", c.Operation)
			}
		}
	})
}

// TestAccountBaselineBadInputAndObserve: an invalid inline policy stalls before any
// AWS call; a managed policy that does not exist stalls with its ARN; Observe reports
// drift and writes nothing.
func TestAccountBaselineBadInputAndObserve(t *testing.T) {
	ctx := context.Background()
	a := account(t, 5)

	snap := awsSrv.Calls()
	bad := a.baseline(t, "bad-five", func(ab *iamv1.AccountBaseline) {
		ab.Spec.Groups = []iamv1.PermissionGroup{{Name: "broken", InlinePolicies: []iamv1.InlinePolicy{{Name: "p", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}`}}}}
	})
	st := waitCondition(t, bad, abConds(bad), iamv1.ConditionStalled, metav1.ConditionTrue, 30*time.Second)
	if st.Reason != iamv1.ReasonInvalidSpec || !strings.Contains(st.Message, "spec.groups[broken].inlinePolicies[p]") {
		t.Errorf("Stalled = %s: %s", st.Reason, st.Message)
	}
	if calls := accountCalls(awsSrv.Calls().Since(snap), a.id); len(calls) > 0 {
		t.Errorf("an invalid spec reached AWS: %v", calls.Summary())
	}

	// Fixing the document but naming a policy that does not exist: Stalled with the ARN.
	missing := "arn:aws:iam::aws:policy/NoSuchPolicy"
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(bad), bad); err != nil {
		t.Fatal(err)
	}
	bad.Spec.Groups = []iamv1.PermissionGroup{{Name: "broken", ManagedPolicies: []string{missing}}}
	if err := k8s.Update(ctx, bad); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		st := condition(t, bad, abConds(bad), iamv1.ConditionStalled)
		if st == nil || st.ObservedGeneration != bad.Generation || !strings.Contains(st.Message, missing) {
			return fmt.Errorf("Stalled = %+v", st)
		}
		return nil
	})
	deleteBaseline(t, bad)

	// Observe: drift is reported, nothing is written.
	snap = awsSrv.Calls()
	obs := a.baseline(t, "observe-five", func(ab *iamv1.AccountBaseline) {
		ab.Spec.ManagementPolicy = iamv1.ManagementPolicyObserve
		ab.Spec.Groups = []iamv1.PermissionGroup{{Name: "observed-only"}}
		ab.Spec.Budgets = []iamv1.Budget{{Name: "observed-budget", Limit: "5", Notifications: []iamv1.BudgetNotification{{Threshold: "50", Subscribers: []iamv1.BudgetSubscriber{{Address: "a@example.com"}}}}}}
	})
	waitBaselineReady(t, obs)
	d := waitCondition(t, obs, abConds(obs), iamv1.ConditionDrifted, metav1.ConditionTrue, 30*time.Second)
	if !strings.Contains(d.Message, "CreateGroup observed-only") || !strings.Contains(d.Message, "CreateBudget") {
		t.Errorf("Drifted: %s", d.Message)
	}
	if mut := accountCalls(awsSrv.Calls().Since(snap), a.id).Mutating(); len(mut) > 0 {
		t.Errorf("Observe changed AWS: %v", mut.Summary())
	}
	if _, err := a.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: awssdk.String("observed-only")}); !awsx.IsNotFound(err) {
		t.Errorf("observed-only group: %v", err)
	}
	deleteBaseline(t, obs)
}
