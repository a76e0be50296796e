package awslocal

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// policyOfSize is an identity policy of exactly n non-space characters (n >= 120).
func policyOfSize(t *testing.T, n int) string {
	t.Helper()
	head := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::`
	tail := `"}]}`
	pad := n - len(head) - len(tail)
	if pad < 1 {
		t.Fatalf("size %d too small", n)
	}
	return head + strings.Repeat("b", pad) + tail
}

// IAM's inline policy quotas are on an identity's inline policies together (user
// 2,048, group 5,120, role 10,240 non-space characters), not on each one.
func TestInlinePolicyAggregateQuotas(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
	must(t, err)
	put := func(name string, n int) error {
		_, err := e.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String(name), PolicyDocument: aws.String(policyOfSize(t, n))})
		return err
	}
	must(t, put("a", 1500))
	wantError(t, put("b", 600), "LimitExceeded", 409) // 2,100 together
	must(t, put("b", 548))                            // exactly 2,048
	must(t, put("a", 1500))                           // replacing one does not count it twice

	_, err = e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deployer"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`)})
	must(t, err)
	for i := range 3 {
		_, err := e.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String(fmt.Sprintf("p%d", i)), PolicyDocument: aws.String(policyOfSize(t, 3000))})
		must(t, err)
	}
	_, err = e.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String("p3"), PolicyDocument: aws.String(policyOfSize(t, 1241))})
	wantError(t, err, "LimitExceeded", 409) // 10,241 together
	_, err = e.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String("p3"), PolicyDocument: aws.String(policyOfSize(t, 1240))})
	must(t, err)
}

// A customer-managed policy's document is limited to 6,144 non-space characters,
// on its first version and on every later one; white space is not counted.
func TestManagedPolicySizeQuota(t *testing.T) {
	e := startServer(t, Options{})
	create := func(name, doc string) error {
		_, err := e.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(doc)})
		return err
	}
	wantError(t, create("too-big", policyOfSize(t, 6145)), "LimitExceeded", 409)
	spaced := strings.Replace(policyOfSize(t, 6144), ",", ",    \n", -1) // white space is free
	must(t, create("exact", spaced))
	arn := aws.String("arn:aws:iam::123456789012:policy/exact")
	_, err := e.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(policyOfSize(t, 6145))})
	wantError(t, err, "LimitExceeded", 409)
	_, err = e.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(policyOfSize(t, 6144)), SetAsDefault: true})
	must(t, err)
	if _, err := e.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::123456789012:policy/too-big")}); err == nil {
		t.Fatal("a refused CreatePolicy left a policy behind")
	}
}

// Role descriptions and policy documents take only IAM's character set.
func TestDescriptionAndDocumentCharacters(t *testing.T) {
	e := startServer(t, Options{})
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`
	for _, bad := range []string{"deploys 🚀", "デプロイ"} {
		_, err := e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(trust), Description: aws.String(bad)})
		wantError(t, err, "ValidationError", 400)
	}
	_, err := e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r1"), AssumeRolePolicyDocument: aws.String(trust), Description: aws.String("Déploie l'équipe\tpaiements")})
	must(t, err)
	_, err = e.iam.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String("r1"), Description: aws.String("🚀")})
	wantError(t, err, "ValidationError", 400)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::東京/*"}]}`
	_, err = e.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r1"), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
	wantError(t, err, "ValidationError", 400)
}

// Names are unique ignoring case for users, groups, roles and policies.
func TestNamesUniqueIgnoringCase(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")})
	must(t, err)
	_, err = e.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Devs")})
	wantError(t, err, "EntityAlreadyExists", 409)
	_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")})
	must(t, err)
	_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ALICE")})
	wantError(t, err, "EntityAlreadyExists", 409)
	// Another spelling names the same entity.
	_, err = e.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String("Alice"), GroupName: aws.String("DEVS")})
	must(t, err)
	out, err := e.iam.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("alice")})
	must(t, err)
	if len(out.Groups) != 1 || aws.ToString(out.Groups[0].GroupName) != "devs" {
		t.Fatalf("groups = %+v, want the one group devs as created", out.Groups)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	_, err = e.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("Read"), PolicyDocument: aws.String(doc)})
	must(t, err)
	_, err = e.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("read"), PolicyDocument: aws.String(doc)})
	wantError(t, err, "EntityAlreadyExists", 409)
}
