package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/yaml"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/controllers"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/awslocal"
	"github.com/iam-baseline/operator/internal/preview"
	"github.com/iam-baseline/operator/internal/testenv"
)

// The plan command against a real kube-apiserver (envtest), the local AWS over HTTP
// and the operator itself, in one process: plan, apply with the operator, compare.

const accountID = "123456789012"

var (
	k8s        client.Client
	awsSrv     *awslocal.Server
	kubeconfig string // a user that may only get and list the operator's kinds
	samples    = filepath.Join(testenv.RepoRoot(), "config", "samples")
	// planCalls are every AWS call the plan made in these tests, for the policy check.
	planCalls awslocal.CallLog
)

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	cp, err := testenv.StartControlPlane()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = cp.Stop() }()
	awsSrv = awslocal.New(awslocal.Options{AccountID: accountID})
	url, err := awsSrv.Start("127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = awsSrv.Close() }()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
	} {
		_ = os.Setenv(k, v)
	}
	ctrl.SetLogger(logr.Discard()) // the operator's log is not what these tests read
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	provider, err := awsx.NewProvider(ctx, awsx.ProviderOptions{MaxBackoff: 100 * time.Millisecond})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	mgr, err := ctrl.NewManager(cp.Config, ctrl.Options{Scheme: scheme.Scheme, Metrics: metricsserver.Options{BindAddress: "0"}, HealthProbeBindAddress: "0"})
	if err == nil {
		err = controllers.SetupWithManager(mgr, controllers.Options{ResyncPeriod: time.Hour, MaxConcurrentReconciles: 4, AWS: provider})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	k8s = cp.Client
	if kubeconfig, err = readOnlyKubeconfig(ctx, cp); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	cancel()
	<-done
	return code
}

// readOnlyKubeconfig writes a kubeconfig for a user bound to config/plan/rbac.yaml
// only: any write the plan tried would be Forbidden.
func readOnlyKubeconfig(ctx context.Context, cp *testenv.ControlPlane) (string, error) {
	data, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "config", "plan", "rbac.yaml"))
	if err != nil {
		return "", err
	}
	role := &rbacv1.ClusterRole{}
	if err := yaml.Unmarshal(data, role); err != nil {
		return "", err
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "plan-reader"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "plan-reader"}},
	}
	for _, o := range []client.Object{role, binding} {
		if err := cp.Client.Create(ctx, o); err != nil {
			return "", err
		}
	}
	user, err := cp.Env.AddUser(envtest.User{Name: "plan-reader"}, cp.Config)
	if err != nil {
		return "", err
	}
	kc, err := user.KubeConfig()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "plan-test-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "kubeconfig")
	return path, os.WriteFile(path, kc, 0o600)
}

// plan runs the command in this process and checks it made no mutating AWS call.
func plan(t *testing.T, stdin io.Reader, args ...string) (int, *preview.Report, string) {
	t.Helper()
	before := awsSrv.Calls()
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"iam-baseline", "plan", "-o", "json"}, args...), stdin, &out, &errOut)
	calls := awsSrv.Calls().Since(before)
	planCalls = append(planCalls, calls...)
	if m := calls.Mutating(); len(m) > 0 {
		t.Fatalf("the plan made %d mutating AWS calls: %v", len(m), m.Summary())
	}
	if errOut.Len() > 0 {
		t.Logf("stderr: %s", errOut.String())
	}
	r := &preview.Report{}
	if code != 1 || out.Len() > 0 {
		if err := json.Unmarshal(out.Bytes(), r); err != nil {
			t.Fatalf("exit %d, output is not a report: %v\n%s", code, err, out.String())
		}
	}
	text := textOf(t, r)
	t.Logf("plan %v: exit %d\n%s", args, code, text)
	return code, r, text
}

func textOf(t *testing.T, r *preview.Report) string {
	t.Helper()
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// changes lists a report's changes as "Kind ns/name: Action Target", sorted.
func changes(r *preview.Report) []string {
	var out []string
	for _, o := range r.Objects {
		for _, c := range o.Changes {
			out = append(out, fmt.Sprintf("%s %s/%s: %s %s", o.Kind, o.Namespace, o.Name, c.Action, c.Target))
		}
	}
	sort.Strings(out)
	return out
}

// actions is the multiset of AWS operations a report would call, sorted.
func actions(r *preview.Report) []string {
	var out []string
	for _, o := range r.Objects {
		if o.Action == preview.ActionCreate || o.Action == preview.ActionUpdate || o.Action == preview.ActionDelete {
			for _, c := range o.Changes {
				out = append(out, c.Action)
			}
		}
	}
	sort.Strings(out)
	return out
}

// writes is the multiset of successful mutating operations in calls, sorted.
func writes(calls awslocal.CallLog) []string {
	var out []string
	for _, c := range calls.Mutating() {
		if c.Outcome == "ok" {
			out = append(out, c.Operation)
		}
	}
	sort.Strings(out)
	return out
}

// diffHas reports whether a change of the report has a diff line starting with sign
// ("+ " or "- ") that contains text.
func diffHas(r *preview.Report, action, sign, text string) bool {
	for _, o := range r.Objects {
		for _, c := range o.Changes {
			if c.Action != action {
				continue
			}
			for _, l := range c.Diff {
				if strings.HasPrefix(l, sign) && strings.Contains(l, text) {
					return true
				}
			}
		}
	}
	return false
}

// apply creates (or updates) the objects of a manifest file, as kubectl apply would.
func apply(t *testing.T, files ...string) {
	t.Helper()
	ctx := context.Background()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs, err := preview.DecodeManifests(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range docs {
			ensureNamespace(t, u.GetNamespace())
			cur := &unstructured.Unstructured{}
			cur.SetGroupVersionKind(u.GroupVersionKind())
			err := k8s.Get(ctx, client.ObjectKeyFromObject(u), cur)
			if err == nil {
				u.SetResourceVersion(cur.GetResourceVersion())
				err = k8s.Update(ctx, u)
			} else {
				err = k8s.Create(ctx, u)
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
	}
}

func ensureNamespace(t *testing.T, ns string) {
	if ns == "" {
		return
	}
	err := k8s.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		t.Fatal(err)
	}
}

type conditioned interface {
	client.Object
	CommonStatusRef() *iamv1.CommonStatus
}

// waitFor waits until obj's condition typ is status for its current generation and
// returns it. The machine is shared and loaded: the timeout is generous.
func waitFor(t *testing.T, obj conditioned, typ string, status metav1.ConditionStatus) *metav1.Condition {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		err := k8s.Get(context.Background(), client.ObjectKeyFromObject(obj), obj)
		if err == nil {
			c := meta.FindStatusCondition(obj.CommonStatusRef().Conditions, typ)
			if c != nil && c.Status == status && c.ObservedGeneration == obj.GetGeneration() {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s is not %s: %+v (%v)", obj.GetName(), typ, status, obj.CommonStatusRef().Conditions, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// quiesce waits until the local AWS has seen no call for a while.
func quiesce() {
	prev := len(awsSrv.Calls())
	for i := 0; i < 150; i++ {
		time.Sleep(700 * time.Millisecond)
		n := len(awsSrv.Calls())
		if n == prev {
			return
		}
		prev = n
	}
}

func sample(name string) string { return filepath.Join(samples, name) }

func baselineKey() *iamv1.AccountBaseline {
	return &iamv1.AccountBaseline{ObjectMeta: metav1.ObjectMeta{Name: "sandbox"}}
}
func memberKey(name string) *iamv1.TeamMember {
	return &iamv1.TeamMember{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team-payments"}}
}
func roleKey() *iamv1.AssumableRole {
	return &iamv1.AssumableRole{ObjectMeta: metav1.ObjectMeta{Name: "payments-deployer", Namespace: "team-payments"}}
}

// TestPlan is one story, in order: the samples on an empty account, applied by the
// operator (which makes exactly the planned changes), then no changes, then a pull
// request that edits a group, a role's trust and removes a member, then a
// self-service violation. Every plan makes no mutating AWS call.
func TestPlan(t *testing.T) {
	var first *preview.Report
	t.Run("samples on an empty account", func(t *testing.T) {
		code, r, text := plan(t, nil, "-f", samples)
		if code != 2 {
			t.Fatalf("exit %d, want 2 (changes)", code)
		}
		want := []string{
			"AccountBaseline /sandbox: AttachGroupPolicy arn:aws:iam::123456789012:policy/iam-baseline-force-mfa",
			"AccountBaseline /sandbox: AttachGroupPolicy arn:aws:iam::aws:policy/ReadOnlyAccess",
			"AccountBaseline /sandbox: CreateAccountAlias acme-sandbox",
			"AccountBaseline /sandbox: CreateBudget budget daily-guardrail",
			"AccountBaseline /sandbox: CreateGroup billing-viewers",
			"AccountBaseline /sandbox: CreateGroup developers",
			"AccountBaseline /sandbox: CreateGroup iam-baseline-mfa-required",
			"AccountBaseline /sandbox: CreatePolicy iam-baseline-force-mfa",
			"AccountBaseline /sandbox: PutGroupPolicy view-billing",
			"AccountBaseline /sandbox: UpdateAccountPasswordPolicy ",
			"AssumableRole team-payments/payments-deployer: AttachRolePolicy arn:aws:iam::aws:policy/PowerUserAccess",
			"AssumableRole team-payments/payments-deployer: CreateRole payments-deployer",
			"TeamMember team-payments/alice: AddUserToGroup developers",
			"TeamMember team-payments/alice: AddUserToGroup iam-baseline-mfa-required",
			"TeamMember team-payments/alice: CreateLoginProfile alice",
			"TeamMember team-payments/alice: CreateUser alice",
			"TeamMember team-payments/alice: PutUserPolicy iam-baseline-assume-roles",
			"TeamMember team-payments/bob: AddUserToGroup developers",
			"TeamMember team-payments/bob: AddUserToGroup iam-baseline-mfa-required",
			"TeamMember team-payments/bob: CreateLoginProfile bob.builder",
			"TeamMember team-payments/bob: CreateUser bob.builder",
			"TeamMember team-payments/bob: PutUserPolicy iam-baseline-assume-roles",
		}
		if got := changes(r); !slices.Equal(got, want) {
			t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for _, s := range []string{
			"arn:aws:iam::123456789012:user/alice may assume role payments-deployer (with MFA)",
			"arn:aws:iam::123456789012:user/bob.builder may assume role payments-deployer (with MFA)",
			"IAM user alice joins group developers",
		} {
			if !strings.Contains(text, s) {
				t.Errorf("the security summary misses %q", s)
			}
		}
		if !strings.HasPrefix(text, "Security summary:") {
			t.Error("the security summary is not at the top")
		}
		first = r
	})
	if first == nil {
		t.FailNow()
	}

	t.Run("the operator makes exactly the planned changes", func(t *testing.T) {
		before := awsSrv.Calls()
		// In the order a person applies them, so nothing waits on anything: the
		// baseline, the members, the role.
		apply(t, sample("iam_v1alpha1_accountbaseline.yaml"))
		waitFor(t, baselineKey(), iamv1.ConditionReady, metav1.ConditionTrue)
		apply(t, sample("iam_v1alpha1_teammember_alice.yaml"), sample("iam_v1alpha1_teammember_bob.yaml"))
		waitFor(t, memberKey("alice"), iamv1.ConditionReady, metav1.ConditionTrue)
		waitFor(t, memberKey("bob"), iamv1.ConditionReady, metav1.ConditionTrue)
		apply(t, sample("iam_v1alpha1_assumablerole.yaml"))
		waitFor(t, roleKey(), iamv1.ConditionReady, metav1.ConditionTrue)
		for _, name := range []string{"alice", "bob"} {
			deadline := time.Now().Add(3 * time.Minute)
			for tm := memberKey(name); ; time.Sleep(200 * time.Millisecond) {
				if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(tm), tm); err == nil && len(tm.Status.AssumableRoles) == 1 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s never got the role in status", name)
				}
			}
		}
		quiesce()
		got, want := writes(awsSrv.Calls().Since(before)), actions(first)
		t.Logf("the operator made %d AWS writes; the plan listed %d changes", len(got), len(want))
		if !slices.Equal(got, want) {
			t.Errorf("the operator wrote\n%s\nthe plan said\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})

	t.Run("converged: no changes", func(t *testing.T) {
		code, r, _ := plan(t, nil, "-f", samples, "--kubeconfig", kubeconfig)
		if code != 0 || len(changes(r)) != 0 || len(r.Security) != 0 {
			t.Fatalf("exit %d, changes %v, findings %v; want exit 0 and nothing", code, changes(r), r.Security)
		}
	})

	t.Run("a pull request edits a group and a role's trust and removes a member", func(t *testing.T) {
		dir := t.TempDir()
		edit := func(name string, f func(string) string) {
			data, err := os.ReadFile(sample(name))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(f(string(data))), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		edit("iam_v1alpha1_accountbaseline.yaml", func(s string) string {
			return strings.Replace(s, "        - arn:aws:iam::aws:policy/ReadOnlyAccess\n", "        - arn:aws:iam::aws:policy/ReadOnlyAccess\n        - arn:aws:iam::aws:policy/job-function/ViewOnlyAccess\n", 1)
		})
		edit("iam_v1alpha1_assumablerole.yaml", func(s string) string {
			return strings.Replace(s, "      - name: bob\n", "", 1)
		})
		edit("iam_v1alpha1_teammember_alice.yaml", func(s string) string { return s })
		code, r, text := plan(t, nil, "-f", dir, "--kubeconfig", kubeconfig)
		if code != 2 {
			t.Fatalf("exit %d, want 2", code)
		}
		want := []string{
			"AccountBaseline /sandbox: AttachGroupPolicy arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
			"AssumableRole team-payments/payments-deployer: UpdateAssumeRolePolicy ",
			"TeamMember team-payments/bob: DeleteLoginProfile bob.builder",
			"TeamMember team-payments/bob: DeleteUser bob.builder",
			"TeamMember team-payments/bob: DeleteUserPolicy iam-baseline-assume-roles",
			"TeamMember team-payments/bob: RemoveUserFromGroup developers",
			"TeamMember team-payments/bob: RemoveUserFromGroup iam-baseline-mfa-required",
		}
		if got := changes(r); !slices.Equal(got, want) {
			t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for _, s := range []string{
			"group developers gains managed policy arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
			"arn:aws:iam::123456789012:user/bob.builder may no longer assume role payments-deployer",
		} {
			if !strings.Contains(text, s) {
				t.Errorf("the plan misses %q", s)
			}
		}
		if !diffHas(r, "UpdateAssumeRolePolicy", "- ", "user/bob.builder") || diffHas(r, "UpdateAssumeRolePolicy", "+ ", "user/bob.builder") {
			t.Error("the trust diff does not show exactly bob leaving")
		}
	})
}

// TestPlanShowsChangesMadeByHand: someone rewrote the MFA-enforcement policy in the
// console (a new default version without the deny) and added an inline policy to the
// role. The plan shows the repairs, the MFA one as a diff flagged in the security
// summary. It runs after TestPlan, on the converged samples.
func TestPlanShowsChangesMadeByHand(t *testing.T) {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	admin := iam.NewFromConfig(cfg)
	arn := "arn:aws:iam::" + accountID + ":policy/iam-baseline-force-mfa"
	if _, err := admin.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn}); err != nil {
		t.Skipf("the samples are not applied (TestPlan did not run): %v", err)
	}
	weak := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ChangePassword","Resource":"*"}]}`
	if _, err := admin.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &arn, PolicyDocument: &weak, SetAsDefault: true}); err != nil {
		t.Fatal(err)
	}
	role, name, extra := "payments-deployer", "by-hand", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	if _, err := admin.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: &role, PolicyName: &name, PolicyDocument: &extra}); err != nil {
		t.Fatal(err)
	}
	code, r, text := plan(t, nil, "-f", samples, "--kubeconfig", kubeconfig)
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	// The repair of the MFA policy: the hand-made default goes and the operator's
	// version is the default again; the role loses the policy the spec does not name.
	want := []string{
		"AccountBaseline /sandbox: DeletePolicyVersion v2",
		"AccountBaseline /sandbox: SetDefaultPolicyVersion v1",
		"AssumableRole team-payments/payments-deployer: DeleteRolePolicy by-hand",
	}
	if got := changes(r); !slices.Equal(got, want) {
		t.Errorf("changes %v, want %v", got, want)
	}
	if !strings.Contains(text, "[mfa-requirement-removed]") {
		t.Error("the security summary does not flag the MFA policy")
	}
	if !diffHas(r, "SetDefaultPolicyVersion", "+ ", `"Sid": "DenyAllExceptSelfServiceWithoutMFA"`) {
		t.Error("the MFA policy diff does not show the deny coming back")
	}
}

// budgetsActions are the IAM actions of the AWS Budgets operations the plan calls
// (Budgets' action names are not its API names; see config/iam/policy_test.go).
var budgetsActions = map[string]string{
	"DescribeBudget":                     "budgets:ViewBudget",
	"DescribeBudgets":                    "budgets:ViewBudget",
	"DescribeNotificationsForBudget":     "budgets:ViewBudget",
	"DescribeSubscribersForNotification": "budgets:ViewBudget",
	"ListTagsForResource":                "budgets:ListTagsForResource",
}

// TestReadOnlyPolicyCoversThePlan checks config/iam/plan-policy.json against the calls
// the plans above made: every call is granted, nothing that writes is granted, and
// nothing is granted that no plan called. It runs after TestPlan (Go runs tests in
// file order), whose plans cover every kind of read: empty account, converged,
// changed, deletions.
func TestReadOnlyPolicyCoversThePlan(t *testing.T) {
	if len(planCalls) == 0 {
		t.Skip("TestPlan did not run")
	}
	called := map[string]bool{}
	for _, c := range planCalls {
		action := c.Service + ":" + c.Operation
		if c.Service == "budgets" {
			var ok bool
			if action, ok = budgetsActions[c.Operation]; !ok {
				t.Errorf("budgets:%s is not mapped to an IAM action", c.Operation)
				continue
			}
		}
		called[action] = true
	}
	data, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "config", "iam", "plan-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Effect   string
			Action   []string
			Resource string
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	granted := map[string]bool{}
	for _, st := range doc.Statement {
		for _, a := range st.Action {
			granted[a] = true
			_, op, _ := strings.Cut(a, ":")
			if awslocalMutating(op) {
				t.Errorf("plan-policy.json grants %s, which writes", a)
			}
		}
	}
	for a := range called {
		if !granted[a] {
			t.Errorf("the plan calls %s, which plan-policy.json does not grant", a)
		}
	}
	for a := range granted {
		if !called[a] {
			t.Errorf("plan-policy.json grants %s, which no plan called", a)
		}
	}
}

// awslocalMutating reports whether an action's name says it writes: the prefixes of
// the local AWS's call log (internal/awslocal/calllog.go) and Budgets' Modify.
func awslocalMutating(op string) bool {
	for _, p := range []string{"Create", "Delete", "Update", "Put", "Attach", "Detach", "Add", "Remove", "Tag", "Untag", "Enable", "Deactivate", "Set", "Change", "Resync", "Upload", "Modify"} {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

// TestUsageAsKubectlPlugin: installed as kubectl-iam_baseline, the command names itself
// as kubectl does; a bad invocation is exit 1 with the usage, and reads nothing.
func TestUsageAsKubectlPlugin(t *testing.T) {
	before := len(awsSrv.Calls())
	for _, args := range [][]string{
		{"/usr/local/bin/kubectl-iam_baseline"},
		{"kubectl-iam_baseline", "apply", "-f", samples},
		{"kubectl-iam_baseline", "plan"},
		{"kubectl-iam_baseline", "plan", "-f", samples, "-o", "yaml"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, nil, &out, &errOut); code != 1 {
			t.Errorf("%v: exit %d, want 1", args, code)
		}
		if len(args) < 4 && !strings.Contains(errOut.String(), "Usage: kubectl iam-baseline plan -f") {
			t.Errorf("%v: usage %q", args, errOut.String())
		}
	}
	if n := len(awsSrv.Calls()) - before; n != 0 {
		t.Errorf("a bad invocation made %d AWS calls", n)
	}
}
