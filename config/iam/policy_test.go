// Package iam holds the operator's own least-privilege IAM policy
// (operator-policy.json) and the test that keeps it equal to what the code calls.
//
// The test collects every AWS operation the operator can call, statically, from the
// non-test Go files under controllers/ and internal/ (internal/awslocal, the local
// AWS, is a server and calls nothing), maps each to the IAM action that authorises
// it, and fails when the policy misses one or grants one that nothing calls. Re-run
// it whenever the code that talks to AWS changes:
//
//	go test ./config/iam/
package iam

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const (
	repoRoot   = "../.."
	policyFile = "operator-policy.json"

	sdkPrefix   = "github.com/aws/aws-sdk-go-v2/service/"
	stscredsPkg = "github.com/aws/aws-sdk-go-v2/credentials/stscreds"
)

// scanned are the directories (relative to the repository root) whose non-test Go
// files make AWS calls; skipped are left out below them.
var (
	scanned = []string{"controllers", "internal"}
	skipped = []string{"internal/awslocal"}
)

// services maps an SDK service package to its IAM action prefix.
//
// sts:GetCallerIdentity is collected and granted like any other action although AWS
// authorises it for every principal (an explicit Deny cannot remove it): the policy is
// the list of what the operator calls, and a reviewer should see the account check.
// sts:AssumeRole is collected from stscreds.NewAssumeRoleProvider (spec.access.roleARN).
// sts:AssumeRoleWithWebIdentity (IRSA) and the EKS Pod Identity agent need no grant
// on this policy: the role's trust policy authorises them.
var services = map[string]string{
	"iam":     "iam",
	"sts":     "sts",
	"budgets": "budgets",
}

// budgetsActions maps AWS Budgets API operations to the IAM actions that authorise
// them. Budgets is one of the services whose action names are not its API names
// (Service Authorization Reference, "Actions, resources, and condition keys for AWS
// Budget Service"): every write to a budget, its notifications or its subscribers is
// budgets:ModifyBudget, every read is budgets:ViewBudget, and only tagging has actions
// of its own. CreateBudget with ResourceTags (the operator always tags what it
// creates) also authorises budgets:TagResource. The reference also lists the legacy
// aws-portal:ModifyBilling/ViewBilling for these operations; AWS retired those actions
// with the fine-grained billing permissions, so the policy does not grant them.
var budgetsActions = map[string][]string{
	"CreateBudget":                       {"budgets:ModifyBudget", "budgets:TagResource"},
	"UpdateBudget":                       {"budgets:ModifyBudget"},
	"DeleteBudget":                       {"budgets:ModifyBudget"},
	"CreateNotification":                 {"budgets:ModifyBudget"},
	"UpdateNotification":                 {"budgets:ModifyBudget"},
	"DeleteNotification":                 {"budgets:ModifyBudget"},
	"CreateSubscriber":                   {"budgets:ModifyBudget"},
	"UpdateSubscriber":                   {"budgets:ModifyBudget"},
	"DeleteSubscriber":                   {"budgets:ModifyBudget"},
	"DescribeBudget":                     {"budgets:ViewBudget"},
	"DescribeBudgets":                    {"budgets:ViewBudget"},
	"DescribeNotificationsForBudget":     {"budgets:ViewBudget"},
	"DescribeSubscribersForNotification": {"budgets:ViewBudget"},
	"DescribeBudgetPerformanceHistory":   {"budgets:ViewBudget"},
	"TagResource":                        {"budgets:TagResource"},
	"UntagResource":                      {"budgets:UntagResource"},
	"ListTagsForResource":                {"budgets:ListTagsForResource"},
}

// createWithTags: IAM authorises tags passed to a Create call with the Tag action
// of that resource as well ("Permissions required to tag IAM resources" in the IAM
// user guide), and the operator tags everything it creates.
var createWithTags = map[string]string{
	"CreateUser":   "iam:TagUser",
	"CreateRole":   "iam:TagRole",
	"CreatePolicy": "iam:TagPolicy",
}

// clientNames are the names a service client goes by in this code base (Clients.IAM,
// a service's c.iam field, ...). A method call on one of them is an operation even
// when its input is built elsewhere; such calls are only counted when the method is a
// real operation of the SDK (see sdkOperations), so helpers on these names do not
// count.
var clientNames = map[string]string{
	"IAM": "iam", "iam": "iam",
	"STS": "sts", "sts": "sts",
	"Budgets": "budgets", "budgets": "budgets",
}

// operation is one AWS API operation found in the code, with where it was seen.
type operation struct {
	Service, Name string
}

func (o operation) String() string { return o.Service + "." + o.Name }

// collected maps each operation to the places it was seen ("file:line").
type collected map[operation][]string

func (c collected) add(op operation, where string) {
	if !slices.Contains(c[op], where) {
		c[op] = append(c[op], where)
	}
}

// sdkOps is the set of real operations per service (nil when the SDK source could
// not be found, which only disables the method-call heuristic).
type sdkOps map[string]map[string]bool

// collectFile finds the AWS operations in one parsed file:
//   - <alias>.<Op>Input anywhere (composite literal, new(), a declared type): every
//     SDK operation takes *<Op>Input, so this is the most reliable signal;
//   - <alias>.New<Op>Paginator( and <alias>.New<Op>Waiter(;
//   - a method call <x>.IAM.<Op>(, <x>.iam.<Op>(, ... when <Op> is a real operation;
//   - stscreds.NewAssumeRoleProvider( (sts.AssumeRole through the credential chain).
//
// alias is the local name of the import, so renamed imports are followed.
func collectFile(fset *token.FileSet, f *ast.File, rel string, ops sdkOps, out collected) {
	aliases := map[string]string{} // local name -> service
	stscreds := ""
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		local := path[strings.LastIndex(path, "/")+1:]
		if imp.Name != nil {
			local = imp.Name.Name
		}
		if local == "_" || local == "." {
			continue
		}
		if svc, ok := strings.CutPrefix(path, sdkPrefix); ok {
			if _, known := services[svc]; known {
				aliases[local] = svc
			}
		}
		if path == stscredsPkg {
			stscreds = local
		}
	}
	where := func(n ast.Node) string {
		return fmt.Sprintf("%s:%d", rel, fset.Position(n.Pos()).Line)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			id, ok := n.X.(*ast.Ident)
			if !ok {
				return true
			}
			name := n.Sel.Name
			if svc, ok := aliases[id.Name]; ok {
				switch {
				case strings.HasSuffix(name, "Input") && len(name) > len("Input"):
					out.add(operation{svc, strings.TrimSuffix(name, "Input")}, where(n))
				case strings.HasPrefix(name, "New") && strings.HasSuffix(name, "Paginator"):
					out.add(operation{svc, strings.TrimSuffix(strings.TrimPrefix(name, "New"), "Paginator")}, where(n))
				case strings.HasPrefix(name, "New") && strings.HasSuffix(name, "Waiter"):
					out.add(operation{svc, strings.TrimSuffix(strings.TrimPrefix(name, "New"), "Waiter")}, where(n))
				}
			}
			if stscreds != "" && id.Name == stscreds && name == "NewAssumeRoleProvider" {
				out.add(operation{"sts", "AssumeRole"}, where(n))
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok || ops == nil {
				return true
			}
			var recv string
			switch x := sel.X.(type) {
			case *ast.SelectorExpr: // c.IAM.Op(, a.iam.Op(
				recv = x.Sel.Name
			case *ast.Ident: // iam.Op( on a variable named iam
				if _, isPkg := aliases[x.Name]; !isPkg {
					recv = x.Name
				}
			}
			if svc, ok := clientNames[recv]; ok && ops[svc][sel.Sel.Name] {
				out.add(operation{svc, sel.Sel.Name}, where(n))
			}
		}
		return true
	})
}

// collectOperations parses the scanned directories of the repository at root.
func collectOperations(t *testing.T, root string, ops sdkOps) collected {
	t.Helper()
	out := collected{}
	fset := token.NewFileSet()
	for _, dir := range scanned {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if slices.Contains(skipped, rel) || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			collectFile(fset, f, rel, ops, out)
			return nil
		})
		if err != nil {
			t.Fatalf("scanning %s: %v", dir, err)
		}
	}
	return out
}

// loadSDKOperations lists each service's operations from the SDK source in the module
// cache (one api_op_<Op>.go file per operation). It returns nil, and the test logs
// why, when the go command cannot locate the modules.
func loadSDKOperations(t *testing.T) sdkOps {
	t.Helper()
	out := sdkOps{}
	for svc := range services {
		cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", sdkPrefix+svc)
		cmd.Dir = repoRoot
		dir, err := cmd.Output()
		if err != nil || strings.TrimSpace(string(dir)) == "" {
			t.Logf("SDK source of %s not found (%v); method calls are not cross-checked", svc, err)
			return nil
		}
		files, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(dir)), "api_op_*.go"))
		out[svc] = map[string]bool{}
		for _, f := range files {
			out[svc][strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "api_op_"), ".go")] = true
		}
	}
	return out
}

// actionsFor maps an operation to the IAM actions that authorise it.
func actionsFor(op operation) ([]string, error) {
	if op.Service == "budgets" {
		a, ok := budgetsActions[op.Name]
		if !ok {
			return nil, fmt.Errorf("no IAM action known for budgets.%s: add it to budgetsActions from the Service Authorization Reference", op.Name)
		}
		return a, nil
	}
	prefix, ok := services[op.Service]
	if !ok {
		return nil, fmt.Errorf("unknown service %q", op.Service)
	}
	actions := []string{prefix + ":" + op.Name}
	if tag, ok := createWithTags[op.Name]; ok && op.Service == "iam" {
		actions = append(actions, tag)
	}
	return actions, nil
}

// policy is the subset of an IAM policy document the test reads.
type policy struct {
	Version   string
	Statement []statement
}

type statement struct {
	Sid       string
	Effect    string
	Action    stringList
	NotAction stringList
	Resource  stringList
	Condition map[string]any
}

// stringList accepts IAM's "a string or a list of strings".
type stringList []string

func (s *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

func readPolicy(t *testing.T) policy {
	t.Helper()
	b, err := os.ReadFile(policyFile)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var p policy
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("%s: %v", policyFile, err)
	}
	return p
}

// TestPolicyShape: an identity policy of Allow statements, one per service, with
// explicit, sorted actions (no wildcards, no NotAction) so a review sees every grant.
func TestPolicyShape(t *testing.T) {
	p := readPolicy(t)
	if p.Version != "2012-10-17" {
		t.Errorf("Version is %q, want 2012-10-17", p.Version)
	}
	seenPrefix := map[string]string{}
	for i, s := range p.Statement {
		name := s.Sid
		if name == "" {
			name = fmt.Sprintf("statement %d", i)
		}
		if s.Effect != "Allow" {
			t.Errorf("%s: Effect %q, want Allow", name, s.Effect)
		}
		if len(s.NotAction) > 0 {
			t.Errorf("%s: NotAction grants everything else; list actions explicitly", name)
		}
		if len(s.Action) == 0 || len(s.Resource) == 0 {
			t.Errorf("%s: needs Action and Resource", name)
		}
		if !slices.IsSorted(s.Action) || len(slices.Compact(slices.Clone(s.Action))) != len(s.Action) {
			t.Errorf("%s: keep Action sorted and without duplicates", name)
		}
		for _, a := range s.Action {
			prefix, op, ok := strings.Cut(a, ":")
			if !ok || strings.ContainsAny(op, "*?") {
				t.Errorf("%s: %q: actions must be explicit service:Operation names", name, a)
				continue
			}
			if a == "iam:PassRole" {
				t.Errorf("%s: iam:PassRole is not needed (the operator hands no role to a service) and would let it escalate", name)
			}
			if other, ok := seenPrefix[prefix]; ok && other != name {
				t.Errorf("%s: %s actions are also in %s; keep one statement per service", name, prefix, other)
			}
			seenPrefix[prefix] = name
		}
	}
}

// TestPolicyMatchesCode: the policy grants exactly the actions the code needs.
func TestPolicyMatchesCode(t *testing.T) {
	ops := loadSDKOperations(t)
	found := collectOperations(t, repoRoot, ops)
	if len(found) == 0 {
		t.Fatal("no AWS operations found in the code: the collector is broken")
	}

	needed := map[string][]string{} // action -> operations (with locations) needing it
	var opNames []operation
	for op := range found {
		opNames = append(opNames, op)
	}
	sort.Slice(opNames, func(i, j int) bool { return opNames[i].String() < opNames[j].String() })
	perService := map[string][]string{}
	for _, op := range opNames {
		if ops != nil && !ops[op.Service][op.Name] {
			t.Errorf("%s (at %s) is not an operation of the SDK: fix the collector", op, strings.Join(found[op], ", "))
			continue
		}
		actions, err := actionsFor(op)
		if err != nil {
			t.Error(err)
			continue
		}
		perService[op.Service] = append(perService[op.Service], op.Name)
		for _, a := range actions {
			needed[a] = append(needed[a], fmt.Sprintf("%s at %s", op, found[op][0]))
		}
	}
	for _, svc := range []string{"iam", "sts", "budgets"} {
		t.Logf("%s (%d): %s", svc, len(perService[svc]), strings.Join(perService[svc], " "))
	}

	granted := map[string]bool{}
	for _, s := range readPolicy(t).Statement {
		for _, a := range s.Action {
			granted[a] = true
		}
	}

	var missing, unused []string
	for a, why := range needed {
		if !granted[a] {
			missing = append(missing, fmt.Sprintf("+ %-40s needed by %s", a, strings.Join(why, "; ")))
		}
	}
	for a := range granted {
		if _, ok := needed[a]; !ok {
			unused = append(unused, fmt.Sprintf("- %-40s granted, but no code calls it", a))
		}
	}
	sort.Strings(missing)
	sort.Strings(unused)
	if len(missing)+len(unused) > 0 {
		t.Errorf("config/iam/%s does not match the AWS calls in controllers/ and internal/ "+
			"(add the + lines, remove the - lines, keep each statement's Action sorted):\n%s",
			policyFile, strings.Join(append(missing, unused...), "\n"))
	}
}

// TestCollector checks the collector on code written every way the SDK can be used.
func TestCollector(t *testing.T) {
	const src = `package x

import (
	"context"

	awsiam "github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/budgets"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	creds "github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

type svc struct{ iam *awsiam.Client; c *budgets.Client }
type clients struct{ IAM *awsiam.Client; STS *sts.Client }

func f(ctx context.Context, s svc, cl clients, in *awsiam.GetRoleInput) {
	s.iam.CreateUser(ctx, &awsiam.CreateUserInput{})
	p := awsiam.NewListUsersPaginator(s.iam, nil)
	_ = p
	var del awsiam.DeleteUserInput
	_ = del
	_ = new(awsiam.TagUserInput)
	s.c.DescribeBudget(ctx, nil)
	cl.IAM.ListRoleTags(ctx, nil)
	cl.STS.GetCallerIdentity(ctx, nil)
	s.iam.NotAnOperation()
	_ = creds.NewAssumeRoleProvider(nil, "")
	_ = iamtypes.StatusTypeActive
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	ops := sdkOps{
		"iam":     {"CreateUser": true, "ListRoleTags": true, "GetRole": true},
		"sts":     {"GetCallerIdentity": true},
		"budgets": {"DescribeBudget": true},
	}
	out := collected{}
	collectFile(fset, f, "x.go", ops, out)
	var got []string
	for op := range out {
		got = append(got, op.String())
	}
	sort.Strings(got)
	want := []string{
		"iam.CreateUser", "iam.DeleteUser", "iam.GetRole", "iam.ListRoleTags", "iam.ListUsers", "iam.TagUser",
		"sts.AssumeRole", "sts.GetCallerIdentity",
	}
	// s.c.DescribeBudget is not found: "c" is no client name and no Input is built.
	// That is why the production code always builds &budgets.<Op>Input{...}.
	if !slices.Equal(got, want) {
		t.Errorf("collected %v, want %v", got, want)
	}
}
