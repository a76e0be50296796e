package preview

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/awslocal"
)

// A member trusted by more roles than its inline policy can name: the plan shows
// the grant moving to the member's managed policy, in the order the operator makes
// it (policy, attach, then the inline one deleted), and writes nothing.
func TestPlanShowsTheManagedAssumePolicy(t *testing.T) {
	srv, provider := localAWS(t)
	dir := t.TempDir()
	manifests := `apiVersion: iam.baseline.dev/v1alpha1
kind: AccountBaseline
metadata:
  name: sandbox
spec:
  accountID: "123456789012"
  mfaEnforcement:
    enabled: false
---
apiVersion: iam.baseline.dev/v1alpha1
kind: TeamMember
metadata:
  name: alice
  namespace: team
spec:
  accountRef: sandbox
  consoleAccess:
    enabled: false
`
	for i := range 60 {
		manifests += fmt.Sprintf(`---
apiVersion: iam.baseline.dev/v1alpha1
kind: AssumableRole
metadata:
  name: role-%02d
  namespace: team
spec:
  accountRef: sandbox
  trust:
    teamMembers:
      - name: alice
`, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "objects.yaml"), []byte(manifests), 0o600); err != nil {
		t.Fatal(err)
	}
	objs, err := ReadManifests([]string{dir}, nil, "default")
	if err != nil {
		t.Fatal(err)
	}
	// The user exists, the operator's, with a grant for one role inline.
	c := iamAdmin(t, srv)
	ctx := context.Background()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), Tags: []iamtypes.Tag{
		{Key: aws.String("iam.baseline.dev/managed-by"), Value: aws.String("iam-baseline-operator")},
		{Key: aws.String("iam.baseline.dev/owner"), Value: aws.String("TeamMember/team/alice")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("iam-baseline-assume-roles"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/role-00"}]}`)}); err != nil {
		t.Fatal(err)
	}
	before := srv.Calls()
	r, err := Plan(ctx, Input{Manifests: objs, AWS: provider})
	if err != nil {
		t.Fatal(err)
	}
	if m := srv.Calls().Since(before).Mutating(); len(m) > 0 {
		t.Fatalf("the plan wrote to AWS: %v", m.Summary())
	}
	var member *Object
	for i := range r.Objects {
		if r.Objects[i].Kind == iamv1KindMember {
			member = &r.Objects[i]
		}
	}
	if member == nil {
		t.Fatal("no member in the plan")
	}
	var actions []string
	var create Change
	for _, ch := range member.Changes {
		actions = append(actions, ch.Action)
		if ch.Action == "CreatePolicy" {
			create = ch
		}
	}
	const arn = "arn:aws:iam::123456789012:policy/iam-baseline/iam-baseline-assume-roles-alice"
	want := []string{"CreatePolicy", "AttachUserPolicy", "DeleteUserPolicy"}
	if i := slices.Index(actions, "CreatePolicy"); i < 0 || !slices.Equal(actions[i:i+3], want) {
		t.Fatalf("member changes %v, want %v in that order", actions, want)
	}
	if slices.Contains(actions, "PutUserPolicy") {
		t.Fatalf("the plan puts an inline grant of 60 roles: %v", actions)
	}
	if create.Target != "iam-baseline-assume-roles-alice" || !strings.Contains(create.Detail, "path /iam-baseline/") ||
		strings.Count(create.Document, "arn:aws:iam::123456789012:role/") != 60 || strings.Contains(create.Document, "*") {
		t.Fatalf("CreatePolicy = %+v", create)
	}
	if !slices.ContainsFunc(member.Changes, func(c Change) bool { return c.Action == "AttachUserPolicy" && c.Target == arn }) {
		t.Fatalf("no AttachUserPolicy %s in %+v", arn, member.Changes)
	}
}

// A member whose grant lives in its own managed policy is removed from the
// manifests: the plan shows that policy detached and deleted with the user.
func TestPlanDeletesTheMembersManagedAssumePolicy(t *testing.T) {
	srv, provider := localAWS(t)
	c := iamAdmin(t, srv)
	ctx := context.Background()
	owned := []iamtypes.Tag{
		{Key: aws.String("iam.baseline.dev/managed-by"), Value: aws.String("iam-baseline-operator")},
		{Key: aws.String("iam.baseline.dev/owner"), Value: aws.String("TeamMember/team/alice")}}
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), Tags: owned}); err != nil {
		t.Fatal(err)
	}
	pol, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("iam-baseline-assume-roles-alice"), Path: aws.String("/iam-baseline/"), Tags: owned,
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/role-00"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: pol.Policy.Arn}); err != nil {
		t.Fatal(err)
	}
	ab := &iamv1.AccountBaseline{ObjectMeta: metav1.ObjectMeta{Name: "sandbox"}, Spec: iamv1.AccountBaselineSpec{AccountID: "123456789012"}}
	tm := &iamv1.TeamMember{ObjectMeta: metav1.ObjectMeta{Name: "alice", Namespace: "team"}, Spec: iamv1.TeamMemberSpec{AccountRef: "sandbox"}}
	before := srv.Calls()
	// bob stays in the manifests, so they speak for namespace team: alice is pruned.
	bob := &iamv1.TeamMember{ObjectMeta: metav1.ObjectMeta{Name: "bob", Namespace: "team"}, Spec: iamv1.TeamMemberSpec{AccountRef: "sandbox"}}
	r, err := Plan(ctx, Input{Manifests: Objects{Baselines: []*iamv1.AccountBaseline{ab}, Members: []*iamv1.TeamMember{bob}}, AWS: provider,
		Cluster: &Objects{Baselines: []*iamv1.AccountBaseline{ab}, Members: []*iamv1.TeamMember{tm}}})
	if err != nil {
		t.Fatal(err)
	}
	if m := srv.Calls().Since(before).Mutating(); len(m) > 0 {
		t.Fatalf("the plan wrote to AWS: %v", m.Summary())
	}
	var actions []string
	for _, o := range r.Objects {
		if o.Kind == iamv1KindMember && o.Name == "alice" {
			for _, ch := range o.Changes {
				actions = append(actions, ch.Action+" "+ch.Target)
			}
		}
	}
	arn := aws.ToString(pol.Policy.Arn)
	for _, want := range []string{"DetachUserPolicy " + arn, "DeletePolicy " + arn, "DeleteUser alice"} {
		if !slices.Contains(actions, want) {
			t.Fatalf("deleting the member: %v lacks %q", actions, want)
		}
	}
}

// iamAdmin is an IAM client of the local AWS's account, for arranging state by hand.
func iamAdmin(t *testing.T, srv *awslocal.Server) *iam.Client {
	t.Helper()
	return iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, nil
		}))})
}
