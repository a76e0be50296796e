package aws_test

import (
	"context"
	"strings"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/awslocal"
	"github.com/iam-baseline/operator/internal/policy"
	"github.com/iam-baseline/operator/internal/policy/proof"
)

// The Prover against the local AWS over HTTP: the operator's MFA policy on a
// group, two users in different sets of groups; the catalogue holds, in one
// simulation call per principal, MFA context and resource; detached by hand,
// the first broken request is named.
func TestProverAgainstTheLocalAWS(t *testing.T) {
	ctx := context.Background()
	srv := awslocal.New(awslocal.Options{})
	url, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"), config.WithBaseEndpoint(url),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")))
	if err != nil {
		t.Fatal(err)
	}
	c := iam.NewFromConfig(cfg)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	doc, _ := policy.Marshal(policy.MFAEnforcement("aws"))
	out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: awssdk.String("force-mfa"), PolicyDocument: &doc})
	if err != nil {
		t.Fatal(err)
	}
	mfaARN := awssdk.ToString(out.Policy.Arn)
	must(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: awssdk.String("mfa")}))
	must(c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: awssdk.String("mfa"), PolicyArn: &mfaARN}))
	must(c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: awssdk.String("readers")}))
	must(c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: awssdk.String("readers"), PolicyArn: awssdk.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}))
	var users []string
	for _, m := range []struct {
		name   string
		groups []string
	}{{"alice", []string{"mfa", "readers"}}, {"bob", []string{"mfa"}}} {
		name, groups := m.name, m.groups
		u, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: awssdk.String(name), Path: awssdk.String("/eng/")})
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, awssdk.ToString(u.User.Arn))
		for _, g := range groups {
			must(c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: &g, UserName: &name}))
		}
	}
	var requests []proof.Request
	for _, u := range users {
		requests = append(requests, proof.MFACatalogue(proof.MemberInput{AccountID: "123456789012", UserARN: u,
			OtherUserARN: "arn:aws:iam::123456789012:user/someone-else", MFAPolicyARN: mfaARN})...)
	}
	prover := awsx.NewProver(&awsx.Clients{IAM: c})
	srv.ResetCalls()
	res, calls, err := prover.Prove(ctx, requests)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Holds() || res.Proven != 136 || calls != 18 {
		t.Fatalf("%s in %d calls", res.Message("MFA"), calls)
	}
	if n := srv.Calls().Count("iam", "SimulatePrincipalPolicy"); n != 18 || len(srv.Calls().Mutating()) != 0 {
		t.Fatalf("call log: %v", srv.Calls().Summary())
	}

	must(c.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: awssdk.String("mfa"), PolicyArn: &mfaARN}))
	res, _, err = prover.Prove(ctx, requests)
	if err != nil {
		t.Fatal(err)
	}
	if res.Holds() || !strings.Contains(res.Message("MFA"), "iam:ListUsers on * by arn:aws:iam::123456789012:user/eng/alice without MFA must be denied, but iam:SimulatePrincipalPolicy says allowed") {
		t.Fatalf("detached: %s", res.Message("MFA"))
	}
}
