package eval

import (
	"testing"

	"github.com/iam-baseline/operator/internal/policy"
)

func doc(t *testing.T, s string) *policy.Document {
	t.Helper()
	d, err := policy.Parse(s)
	if err != nil {
		t.Fatalf("parse %s: %v", s, err)
	}
	return d
}

const (
	alice   = "arn:aws:iam::111122223333:user/alice"
	carlos  = "arn:aws:iam::111122223333:user/carlossalazar"
	roleARN = "arn:aws:iam::111122223333:role/deploy"
)

// Cases follow the examples of AWS's IAM documentation ("Policy evaluation
// logic", "The difference between explicit and implicit denies", "Permissions
// boundaries for IAM entities", "Cross-account policy evaluation logic", "IAM
// JSON policy elements: Condition operators", "IAM policy elements: Variables
// and tags"), rewritten as requests with the decision the documentation gives.
func TestEvaluateDocumentationExamples(t *testing.T) {
	getListDenyReports := `{"Version":"2012-10-17","Statement":[
		{"Sid":"AllowGetList","Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"},
		{"Sid":"DenyReports","Effect":"Deny","Action":"iam:*Report","Resource":"*"}]}`
	generateReport := `{"Version":"2012-10-17","Statement":[{"Sid":"AllowReports","Effect":"Allow","Action":"iam:GenerateCredentialReport","Resource":"*"}]}`
	carlosIdentity := `{"Version":"2012-10-17","Statement":[
		{"Sid":"AllowS3ListRead","Effect":"Allow","Action":["s3:GetBucketLocation","s3:GetObject","s3:ListAllMyBuckets"],"Resource":"*"},
		{"Sid":"AllowS3Self","Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::carlossalazar/*","arn:aws:s3:::carlossalazar"]},
		{"Sid":"DenyS3Logs","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*log*"}]}`
	logsBucket := `{"Version":"2012-10-17","Statement":[
		{"Sid":"AllowCarlosPut","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/carlossalazar"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::carlossalazar-logs/*"}]}`
	carlosBucket := `{"Version":"2012-10-17","Statement":[
		{"Sid":"AllowCarlosList","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/carlossalazar"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar"}]}`
	boundary := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","cloudwatch:*","ec2:*"],"Resource":"*"}]}`
	createUser := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateUser","Resource":"*"}]}`
	s3All := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	trustAccount := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}`
	trustUser := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:AssumeRole",
		"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	trustOwnAccount := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]}`
	assumeAny := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`
	homePrefix := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::amzn-s3-demo-bucket",
		"Condition":{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}}]}`
	homeObjects := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"}]}`
	homeObjects2008 := `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"}]}`
	dateWindow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"*",
		"Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}}]}`
	maxKeys := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::amzn-s3-demo-bucket",
		"Condition":{"NumericLessThanEquals":{"s3:max-keys":"10"}}}]}`
	sourceIP := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
		"Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]},"Bool":{"aws:ViaAWSService":"false"}}},
		{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	tagKeysAll := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*",
		"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}}]}`
	tagKeysAny := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:CreateTags","Resource":"*",
		"Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}}]}`
	sourceARN := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:queue",
		"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:111122223333:*"}}}]}`
	tempCreds := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"false"}}}]}`
	noMFADeny := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"},
		{"Effect":"Deny","Action":"ec2:StopInstances","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`
	notDev := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"dev"}}}]}`
	tagVar := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"*",
		"Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'none'}"}}}]}`
	ignoreCase := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalTag/dept":"Finance"}}}]}`
	numericIfExists := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{"NumericGreaterThanEqualsIfExists":{"ec2:Count":"1"}}}]}`
	binary := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"x:Y","Resource":"*","Condition":{"BinaryEquals":{"x:bin":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}}]}`
	notResource := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"}]}`
	epoch := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"x:Y","Resource":"*","Condition":{"DateLessThanEquals":{"aws:EpochTime":"1700000000"}}}]}`

	type pol struct {
		kind Kind
		text string
	}
	idp := func(s string) pol { return pol{Identity, s} }
	tests := []struct {
		name     string
		req      Request
		policies []pol
		want     Verdict
		sid      string // deciding statement
	}{
		{"explicit/implicit: Get allowed", Request{Principal: alice, Action: "iam:GetUser", Resource: alice}, []pol{idp(getListDenyReports)}, Allowed, "AllowGetList"},
		{"explicit/implicit: CreatePolicy implicitly denied", Request{Principal: alice, Action: "iam:CreatePolicy", Resource: "*"}, []pol{idp(getListDenyReports)}, ImplicitDeny, ""},
		{"explicit/implicit: report explicitly denied", Request{Principal: alice, Action: "iam:GetCredentialReport", Resource: "*"}, []pol{idp(getListDenyReports)}, ExplicitDeny, "DenyReports"},
		{"explicit deny wins over another policy's allow", Request{Principal: alice, Action: "iam:GenerateCredentialReport", Resource: "*"}, []pol{idp(generateReport), idp(getListDenyReports)}, ExplicitDeny, "DenyReports"},
		{"action names are case-insensitive", Request{Principal: alice, Action: "IAM:getuser", Resource: alice}, []pol{idp(getListDenyReports)}, Allowed, "AllowGetList"},
		{"carlos: own bucket by identity policy", Request{Principal: carlos, Action: "s3:PutObject", Resource: "arn:aws:s3:::carlossalazar/a.txt"}, []pol{idp(carlosIdentity)}, Allowed, "AllowS3Self"},
		{"carlos: logs bucket denied by identity deny despite bucket policy", Request{Principal: carlos, Action: "s3:PutObject", Resource: "arn:aws:s3:::carlossalazar-logs/a.txt"}, []pol{idp(carlosIdentity), {Resource, logsBucket}}, ExplicitDeny, "DenyS3Logs"},
		{"carlos: resource policy alone grants within the account", Request{Principal: carlos, Action: "s3:ListBucket", Resource: "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar"}, []pol{idp(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`), {Resource, carlosBucket}}, Allowed, "AllowCarlosList"},
		{"boundary: action outside the boundary is implicitly denied", Request{Principal: alice, Action: "iam:CreateUser", Resource: "*"}, []pol{idp(createUser), {Boundary, boundary}}, ImplicitDeny, ""},
		{"boundary: action inside both is allowed", Request{Principal: alice, Action: "s3:GetObject", Resource: "*"}, []pol{idp(s3All), {Boundary, boundary}}, Allowed, ""},
		{"boundary alone grants nothing", Request{Principal: alice, Action: "ec2:RunInstances", Resource: "*"}, []pol{idp(s3All), {Boundary, boundary}}, ImplicitDeny, ""},
		{"boundary does not cap a resource policy naming the user", Request{Principal: carlos, Action: "s3:ListBucket", Resource: "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar"}, []pol{{Boundary, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}`}, {Resource, carlosBucket}}, Allowed, "AllowCarlosList"},
		{"cross-account: trust and identity both allow", Request{Principal: "arn:aws:iam::444455556666:user/bob", Action: "sts:AssumeRole", Resource: roleARN}, []pol{idp(assumeAny), {Resource, trustAccount}}, Allowed, ""},
		{"cross-account: trust alone is not enough", Request{Principal: "arn:aws:iam::444455556666:user/bob", Action: "sts:AssumeRole", Resource: roleARN}, []pol{{Resource, trustAccount}}, ImplicitDeny, ""},
		{"cross-account: identity alone is not enough", Request{Principal: "arn:aws:iam::777788889999:user/eve", Action: "sts:AssumeRole", Resource: roleARN}, []pol{idp(assumeAny), {Resource, trustAccount}}, ImplicitDeny, ""},
		{"same account: trust naming the user needs no identity policy", Request{Principal: alice, Action: "sts:AssumeRole", Resource: roleARN, Context: map[string][]string{"aws:MultiFactorAuthPresent": {"true"}}}, []pol{{Resource, trustUser}}, Allowed, ""},
		{"same account: trust condition unmet without MFA", Request{Principal: alice, Action: "sts:AssumeRole", Resource: roleARN, Context: map[string][]string{"aws:MultiFactorAuthPresent": {"false"}}}, []pol{idp(assumeAny), {Resource, trustUser}}, ImplicitDeny, ""},
		{"same account: trust naming the account needs the identity policy", Request{Principal: alice, Action: "sts:AssumeRole", Resource: roleARN}, []pol{{Resource, trustOwnAccount}}, ImplicitDeny, ""},
		{"same account: trust naming the account plus identity policy", Request{Principal: alice, Action: "sts:AssumeRole", Resource: roleARN}, []pol{idp(assumeAny), {Resource, trustOwnAccount}}, Allowed, ""},
		{"variables: own home prefix", Request{Principal: alice, Action: "s3:ListBucket", Resource: "arn:aws:s3:::amzn-s3-demo-bucket", Context: map[string][]string{"aws:username": {"alice"}, "s3:prefix": {"home/alice/docs"}}}, []pol{idp(homePrefix)}, Allowed, ""},
		{"variables: another user's prefix", Request{Principal: alice, Action: "s3:ListBucket", Resource: "arn:aws:s3:::amzn-s3-demo-bucket", Context: map[string][]string{"aws:username": {"alice"}, "s3:prefix": {"home/bob/"}}}, []pol{idp(homePrefix)}, ImplicitDeny, ""},
		{"variables in Resource", Request{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/x", Context: map[string][]string{"aws:username": {"alice"}}}, []pol{idp(homeObjects)}, Allowed, ""},
		{"variables in Resource: other user", Request{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/home/bob/x", Context: map[string][]string{"aws:username": {"alice"}}}, []pol{idp(homeObjects)}, ImplicitDeny, ""},
		{"variables unresolved match nothing", Request{Principal: roleARN, Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/x"}, []pol{idp(homeObjects)}, ImplicitDeny, ""},
		{"variables are literal under 2008-10-17", Request{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/x", Context: map[string][]string{"aws:username": {"alice"}}}, []pol{idp(homeObjects2008)}, Allowed, ""},
		{"variable default", Request{Principal: alice, Action: "ec2:StartInstances", Resource: "*", Context: map[string][]string{"aws:ResourceTag/team": {"none"}}}, []pol{idp(tagVar)}, Allowed, ""},
		{"date window inside", Request{Principal: alice, Action: "iam:CreateAccessKey", Resource: alice, Context: map[string][]string{"aws:CurrentTime": {"2020-05-01T12:00:00Z"}}}, []pol{idp(dateWindow)}, Allowed, ""},
		{"date window outside", Request{Principal: alice, Action: "iam:CreateAccessKey", Resource: alice, Context: map[string][]string{"aws:CurrentTime": {"2020-07-01T00:00:00Z"}}}, []pol{idp(dateWindow)}, ImplicitDeny, ""},
		{"date as epoch seconds", Request{Principal: alice, Action: "x:Y", Resource: "*", Context: map[string][]string{"aws:EpochTime": {"1600000000"}}}, []pol{idp(epoch)}, Allowed, ""},
		{"numeric within", Request{Principal: alice, Action: "s3:ListBucket", Resource: "arn:aws:s3:::amzn-s3-demo-bucket", Context: map[string][]string{"s3:max-keys": {"10"}}}, []pol{idp(maxKeys)}, Allowed, ""},
		{"numeric over", Request{Principal: alice, Action: "s3:ListBucket", Resource: "arn:aws:s3:::amzn-s3-demo-bucket", Context: map[string][]string{"s3:max-keys": {"11"}}}, []pol{idp(maxKeys)}, ImplicitDeny, ""},
		{"numeric missing key is false", Request{Principal: alice, Action: "s3:ListBucket", Resource: "arn:aws:s3:::amzn-s3-demo-bucket"}, []pol{idp(maxKeys)}, ImplicitDeny, ""},
		{"numeric IfExists on missing key", Request{Principal: alice, Action: "ec2:RunInstances", Resource: "*"}, []pol{idp(numericIfExists)}, Allowed, ""},
		{"source IP inside the ranges", Request{Principal: alice, Action: "s3:GetObject", Resource: "*", Context: map[string][]string{"aws:SourceIp": {"203.0.113.7"}, "aws:ViaAWSService": {"false"}}}, []pol{idp(sourceIP)}, Allowed, ""},
		{"source IP outside the ranges", Request{Principal: alice, Action: "s3:GetObject", Resource: "*", Context: map[string][]string{"aws:SourceIp": {"198.51.100.1"}, "aws:ViaAWSService": {"false"}}}, []pol{idp(sourceIP)}, ExplicitDeny, ""},
		{"ForAllValues: subset", Request{Principal: alice, Action: "ec2:CreateTags", Resource: "*", Context: map[string][]string{"aws:TagKeys": {"environment"}}}, []pol{idp(tagKeysAll)}, Allowed, ""},
		{"ForAllValues: extra key", Request{Principal: alice, Action: "ec2:CreateTags", Resource: "*", Context: map[string][]string{"aws:TagKeys": {"environment", "owner"}}}, []pol{idp(tagKeysAll)}, ImplicitDeny, ""},
		{"ForAllValues: missing key is true", Request{Principal: alice, Action: "ec2:CreateTags", Resource: "*"}, []pol{idp(tagKeysAll)}, Allowed, ""},
		{"ForAnyValue: one matches", Request{Principal: alice, Action: "ec2:CreateTags", Resource: "*", Context: map[string][]string{"aws:TagKeys": {"owner", "cost-center"}}}, []pol{idp(tagKeysAny)}, Allowed, ""},
		{"ForAnyValue: missing key is false", Request{Principal: alice, Action: "ec2:CreateTags", Resource: "*"}, []pol{idp(tagKeysAny)}, ImplicitDeny, ""},
		{"service principal with ArnLike", Request{Principal: "sns.amazonaws.com", PrincipalType: "Service", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111122223333:queue", Context: map[string][]string{"aws:SourceArn": {"arn:aws:sns:us-east-1:111122223333:topic"}}}, []pol{{Resource, sourceARN}}, Allowed, ""},
		{"service principal with ArnLike, other account", Request{Principal: "sns.amazonaws.com", PrincipalType: "Service", Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111122223333:queue", Context: map[string][]string{"aws:SourceArn": {"arn:aws:sns:us-east-1:999999999999:topic"}}}, []pol{{Resource, sourceARN}}, ImplicitDeny, ""},
		{"Null false: temporary credentials", Request{Principal: alice, Action: "ec2:RunInstances", Resource: "*", Context: map[string][]string{"aws:TokenIssueTime": {"2020-01-01T00:00:00Z"}}}, []pol{idp(tempCreds)}, Allowed, ""},
		{"Null false: long-term keys", Request{Principal: alice, Action: "ec2:RunInstances", Resource: "*"}, []pol{idp(tempCreds)}, ImplicitDeny, ""},
		{"BoolIfExists: no MFA key (long-term keys) denied", Request{Principal: alice, Action: "ec2:StopInstances", Resource: "*"}, []pol{idp(noMFADeny)}, ExplicitDeny, ""},
		{"BoolIfExists: MFA false denied", Request{Principal: alice, Action: "ec2:StopInstances", Resource: "*", Context: map[string][]string{"aws:MultiFactorAuthPresent": {"false"}}}, []pol{idp(noMFADeny)}, ExplicitDeny, ""},
		{"BoolIfExists: MFA true allowed", Request{Principal: alice, Action: "ec2:StopInstances", Resource: "*", Context: map[string][]string{"aws:MultiFactorAuthPresent": {"true"}}}, []pol{idp(noMFADeny)}, Allowed, ""},
		{"negated operator on a missing key is true", Request{Principal: alice, Action: "s3:GetObject", Resource: "*"}, []pol{idp(notDev)}, Allowed, ""},
		{"negated operator on a matching key is false", Request{Principal: alice, Action: "s3:GetObject", Resource: "*", Context: map[string][]string{"aws:PrincipalTag/team": {"dev"}}}, []pol{idp(notDev)}, ImplicitDeny, ""},
		{"condition key names are case-insensitive, IgnoreCase values", Request{Principal: alice, Action: "s3:GetObject", Resource: "*", Context: map[string][]string{"AWS:PRINCIPALTAG/DEPT": {"finance"}}}, []pol{idp(ignoreCase)}, Allowed, ""},
		{"BinaryEquals", Request{Principal: alice, Action: "x:Y", Resource: "*", Context: map[string][]string{"x:bin": {"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}}, []pol{idp(binary)}, Allowed, ""},
		{"NotAction and NotResource", Request{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::public/x"}, []pol{idp(notResource)}, Allowed, ""},
		{"NotResource excludes", Request{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::secret/x"}, []pol{idp(notResource)}, ImplicitDeny, ""},
		{"NotAction excludes", Request{Principal: alice, Action: "iam:CreateUser", Resource: "*"}, []pol{idp(notResource)}, ImplicitDeny, ""},
		{"no policies: implicit deny", Request{Principal: alice, Action: "s3:GetObject", Resource: "*"}, nil, ImplicitDeny, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ps []Policy
			for i, p := range tt.policies {
				ps = append(ps, Policy{ID: "p" + string(rune('1'+i)), Kind: p.kind, Document: doc(t, p.text)})
			}
			got := Evaluate(tt.req, ps)
			if got.Verdict != tt.want {
				t.Fatalf("verdict %s, want %s (matched %v)", got.Verdict, tt.want, got.Matched)
			}
			if (got.Verdict == ImplicitDeny) != (got.Deciding == nil) {
				t.Fatalf("deciding statement %v for %s", got.Deciding, got.Verdict)
			}
			if tt.sid != "" && got.Deciding.Sid != tt.sid {
				t.Fatalf("decided by %v, want Sid %s", got.Deciding, tt.sid)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"a*c", "abbbc", true}, {"a*c", "abbb", false}, {"a?c", "abc", true}, {"a?c", "ac", false},
		{"*x*y*", "aaxbbyc", true}, {"*x*y*", "aayxb", false}, {"", "", true}, {"", "a", false},
	} {
		if got := glob(c.p, c.s); got != c.want {
			t.Errorf("glob(%q, %q) = %v", c.p, c.s, got)
		}
	}
	// A wildcard in an ARN field does not cross into another field.
	if arnGlob("arn:aws:iam::*:user/alice", "arn:aws:iam::1:x:user/alice") {
		t.Error("account wildcard crossed a colon")
	}
	if !arnGlob("arn:aws:iam::*:user/*/alice", "arn:aws:iam::111122223333:user/eng/team/alice") {
		t.Error("resource wildcard must span slashes")
	}
}

func TestEvidence(t *testing.T) {
	p := Policy{ID: "arn:aws:iam::aws:policy/x", Kind: Identity, Document: doc(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:*","Resource":"*"},
		{"Effect":"Deny","Action":"s3:Delete*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`)}
	d := Evaluate(Request{Principal: alice, Action: "s3:DeleteObject", Resource: "*"}, []Policy{p})
	if d.Verdict != Allowed || len(d.Matched) != 1 || d.Deciding.String() != "arn:aws:iam::aws:policy/x statement #1" {
		t.Fatalf("decision %+v", d)
	}
	if len(d.MissingContext) != 1 || d.MissingContext[0] != "aws:multifactorauthpresent" {
		t.Fatalf("missing context %v", d.MissingContext)
	}
}
