package awslocal

import (
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const denyWithoutMFA = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Sid": "DenyWithoutMFA", "Effect": "Deny", "NotAction": "iam:ChangePassword", "Resource": "*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
  ]
}`

func mfaContext(v string) []types.ContextEntry {
	return []types.ContextEntry{{ContextKeyName: aws.String("aws:MultiFactorAuthPresent"), ContextKeyType: types.ContextKeyTypeEnumBoolean, ContextKeyValues: []string{v}}}
}

// SimulatePrincipalPolicy evaluates a user's own, group and managed policies
// with the evaluator and reports the wire format the SDK decodes: decisions,
// matched statements with positions, missing context keys, pagination.
func TestSimulatePrincipalPolicy(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), Path: aws.String("/eng/")})
	must(t, err)
	_, err = e.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")})
	must(t, err)
	_, err = e.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String("alice")})
	must(t, err)
	arn := newTestPolicy(t, e, "s3-read")
	_, err = e.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("devs"), PolicyArn: &arn})
	must(t, err)
	_, err = e.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("mfa"), PolicyDocument: aws.String(denyWithoutMFA)})
	must(t, err)
	alice := "arn:aws:iam::" + testAccount + ":user/eng/alice"

	sim := func(mfa string, actions ...string) *iam.SimulatePrincipalPolicyOutput {
		in := &iam.SimulatePrincipalPolicyInput{PolicySourceArn: &alice, ActionNames: actions}
		if mfa != "" {
			in.ContextEntries = mfaContext(mfa)
		}
		out, err := e.iam.SimulatePrincipalPolicy(ctx, in)
		must(t, err)
		return out
	}
	out := sim("false", "s3:GetObject", "iam:ChangePassword")
	if len(out.EvaluationResults) != 2 || out.IsTruncated {
		t.Fatalf("results %+v", out)
	}
	get, change := out.EvaluationResults[0], out.EvaluationResults[1]
	if aws.ToString(get.EvalActionName) != "s3:GetObject" || aws.ToString(get.EvalResourceName) != "*" || get.EvalDecision != types.PolicyEvaluationDecisionTypeExplicitDeny {
		t.Fatalf("s3:GetObject without MFA: %+v", get)
	}
	// Both statements of the inline policy (AllowAll, DenyWithoutMFA) and the group's
	// managed policy matched; positions point into the stored document.
	var deny *types.Statement
	for i, m := range get.MatchedStatements {
		if aws.ToString(m.SourcePolicyId) == "mfa" && m.StartPosition.Line == 5 {
			deny = &get.MatchedStatements[i]
		}
	}
	if len(get.MatchedStatements) != 3 || deny == nil || deny.SourcePolicyType != types.PolicySourceTypeUser ||
		deny.StartPosition.Column != 5 || deny.EndPosition.Line != 6 {
		t.Fatalf("matched statements %+v", get.MatchedStatements)
	}
	if change.EvalDecision != types.PolicyEvaluationDecisionTypeAllowed {
		t.Fatalf("iam:ChangePassword without MFA: %+v", change)
	}
	if got := sim("true", "s3:GetObject").EvaluationResults[0]; got.EvalDecision != types.PolicyEvaluationDecisionTypeAllowed {
		t.Fatalf("with MFA: %+v", got)
	}
	// Without the key: the Deny's BoolIfExists applies, and the key is reported missing.
	absent := sim("", "s3:GetObject").EvaluationResults[0]
	if absent.EvalDecision != types.PolicyEvaluationDecisionTypeExplicitDeny || len(absent.MissingContextValues) != 1 || absent.MissingContextValues[0] != "aws:multifactorauthpresent" {
		t.Fatalf("absent key: %+v", absent)
	}
	if got := sim("true", "ec2:RunInstances").EvaluationResults[0]; got.EvalDecision != types.PolicyEvaluationDecisionTypeAllowed {
		t.Fatalf("AllowAll: %+v", got)
	}

	// Pagination over (action, resource) pairs, in order.
	var names []string
	p := iam.NewSimulatePrincipalPolicyPaginator(e.iam, &iam.SimulatePrincipalPolicyInput{
		PolicySourceArn: &alice, ActionNames: []string{"s3:GetObject", "s3:PutObject"},
		ResourceArns: []string{"arn:aws:s3:::a", "arn:aws:s3:::b"}, MaxItems: aws.Int32(3), ContextEntries: mfaContext("true"),
	})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		must(t, err)
		pages++
		for _, r := range page.EvaluationResults {
			names = append(names, aws.ToString(r.EvalActionName)+" "+aws.ToString(r.EvalResourceName))
		}
	}
	if pages != 2 || strings.Join(names, ",") != "s3:GetObject arn:aws:s3:::a,s3:GetObject arn:aws:s3:::b,s3:PutObject arn:aws:s3:::a,s3:PutObject arn:aws:s3:::b" {
		t.Fatalf("%d pages: %v", pages, names)
	}

	_, err = e.iam.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::" + testAccount + ":user/nobody"), ActionNames: []string{"s3:GetObject"}})
	wantError(t, err, "NoSuchEntity", 404)
	_, err = e.iam.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: &alice, ActionNames: []string{"s3:*"}})
	wantError(t, err, "InvalidInput", 400)
	_, err = e.iam.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: &alice, ActionNames: []string{"s3:GetObject"}, PolicyInputList: []string{"{"}})
	wantError(t, err, "MalformedPolicyDocument", 400)
	if n := len(e.srv.Calls().Mutating()); n != 6 {
		t.Fatalf("simulation must not count as a write: %d mutating calls", n)
	}
}

// A role's trust policy given as ResourcePolicy: the listed person with MFA
// may assume it, without MFA not, someone else in the account not.
func TestSimulateTrustAsResourcePolicy(t *testing.T) {
	e := startServer(t, Options{})
	for _, n := range []string{"alice", "mallory"} {
		_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(n)})
		must(t, err)
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + testAccount + `:user/alice"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	role := "arn:aws:iam::" + testAccount + ":role/deploy"
	decide := func(user, mfa string) types.PolicyEvaluationDecisionType {
		out, err := e.iam.SimulatePrincipalPolicy(ctx, &iam.SimulatePrincipalPolicyInput{
			PolicySourceArn: aws.String("arn:aws:iam::" + testAccount + ":user/" + user), ActionNames: []string{"sts:AssumeRole"},
			ResourceArns: []string{role}, ResourcePolicy: &trust, ContextEntries: mfaContext(mfa),
		})
		must(t, err)
		r := out.EvaluationResults[0]
		if r.EvalDecisionDetails["ResourcePolicy"] == "" {
			t.Fatalf("no resource-policy detail: %+v", r)
		}
		return r.EvalDecision
	}
	if d := decide("alice", "true"); d != types.PolicyEvaluationDecisionTypeAllowed {
		t.Errorf("alice with MFA: %s", d)
	}
	if d := decide("alice", "false"); d != types.PolicyEvaluationDecisionTypeImplicitDeny {
		t.Errorf("alice without MFA: %s", d)
	}
	if d := decide("mallory", "true"); d != types.PolicyEvaluationDecisionTypeImplicitDeny {
		t.Errorf("mallory: %s", d)
	}

	out, err := e.iam.SimulateCustomPolicy(ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{denyWithoutMFA}, ActionNames: []string{"s3:GetObject"}, ContextEntries: mfaContext("true"),
	})
	must(t, err)
	if r := out.EvaluationResults[0]; r.EvalDecision != types.PolicyEvaluationDecisionTypeAllowed || aws.ToString(r.MatchedStatements[0].SourcePolicyId) != "PolicyInputList.1" {
		t.Fatalf("custom: %+v", r)
	}
}

// Documents come back URL-encoded per RFC 3986: a space is %20, never "+",
// so a plain percent-decoder (boto3, the AWS CLI) reads them back exactly.
func TestDocumentsAreRFC3986Encoded(t *testing.T) {
	e := startServer(t, Options{})
	doc := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my bucket+x/*"}]}`
	out, err := e.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("spaces"), PolicyDocument: aws.String(doc)})
	must(t, err)
	v, err := e.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: out.Policy.Arn, VersionId: aws.String("v1")})
	must(t, err)
	raw := aws.ToString(v.PolicyVersion.Document)
	if strings.Contains(raw, "+") || !strings.Contains(raw, "%20") || !strings.Contains(raw, "%2B") {
		t.Fatalf("not RFC 3986: %s", raw)
	}
	back, err := url.PathUnescape(raw)
	if err != nil || back != doc {
		t.Fatalf("percent-decoding gives %q, %v", back, err)
	}
	_, err = e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(strings.ReplaceAll(trustAccount(testAccount), ",", ", "))})
	must(t, err)
	r, err := e.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")})
	must(t, err)
	if raw := aws.ToString(r.Role.AssumeRolePolicyDocument); strings.Contains(raw, "+") || !strings.Contains(raw, "%20") {
		t.Fatalf("trust policy not RFC 3986: %s", raw)
	}
}
