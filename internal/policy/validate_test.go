package policy

import (
	"errors"
	"strings"
	"testing"
)

func mustParse(t testing.TB, s string) *Document {
	t.Helper()
	d, err := Parse(s)
	if err != nil {
		t.Fatalf("parse %s: %v", s, err)
	}
	return d
}

// stmt wraps statement JSON in a 2012-10-17 document.
func stmt(s ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(s, ",") + `]}`
}

func TestValidateIdentityPolicy(t *testing.T) {
	ok := `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`
	tests := []struct {
		name string
		doc  string
		want string // empty: valid
	}{
		{"valid", stmt(ok), ""},
		{"valid 2008 without variables", `{"Version":"2008-10-17","Statement":[` + ok + `]}`, ""},
		{"valid NotAction NotResource", stmt(`{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:iam::*:user/x"}`), ""},
		{"valid wildcard action", stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`), ""},
		{"valid conditions", stmt(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{
			"BoolIfExists":{"aws:MultiFactorAuthPresent":false},
			"ForAllValues:StringLike":{"aws:TagKeys":["team*"]},
			"ForAnyValue:StringEqualsIfExists":{"aws:CalledVia":"cloudformation.amazonaws.com"},
			"NumericLessThanEquals":{"aws:MultiFactorAuthAge":3600},
			"Null":{"aws:TokenIssueTime":"true"},
			"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},
			"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},
			"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"},
			"BinaryEquals":{"k:k":"QmluYXJ5"}}}`), ""},
		{"valid policy variable", stmt(`{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}`), ""},
		{"nil document", "", "missing"},
		{"version missing", `{"Statement":[` + ok + `]}`, "Version is missing"},
		{"version wrong", `{"Version":"2012-10-18","Statement":[` + ok + `]}`, `Version "2012-10-18"`},
		{"no statements", `{"Version":"2012-10-17","Statement":[]}`, "no statements"},
		{"effect missing", stmt(`{"Action":"s3:*","Resource":"*"}`), "statement 1: Effect is missing"},
		{"effect wrong case", stmt(`{"Sid":"X","Effect":"allow","Action":"s3:*","Resource":"*"}`), `statement 1 (Sid "X"): Effect "allow"`},
		{"both action and notaction", stmt(`{"Effect":"Allow","Action":"s3:*","NotAction":"iam:*","Resource":"*"}`), "both Action and NotAction"},
		{"no action", stmt(`{"Effect":"Allow","Resource":"*"}`), "needs an Action or a NotAction"},
		{"both resource and notresource", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"arn:aws:s3:::x"}`), "both Resource and NotResource"},
		{"no resource", stmt(`{"Effect":"Allow","Action":"s3:*"}`), "needs a Resource or a NotResource"},
		{"principal", stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}`), "cannot name a Principal"},
		{"notprincipal", stmt(`{"Effect":"Deny","NotPrincipal":{"AWS":"x"},"Action":"s3:*","Resource":"*"}`), "cannot name a Principal"},
		{"malformed action", stmt(`{"Effect":"Allow","Action":"GetObject","Resource":"*"}`), `action "GetObject"`},
		{"malformed action service", stmt(`{"Effect":"Allow","Action":"s 3:Get","Resource":"*"}`), `action "s 3:Get"`},
		{"resource not arn", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"my-bucket"}`), `resource "my-bucket" must be an ARN`},
		{"unknown operator", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqual":{"k:k":"v"}}}`), `operator "StringEqual" is not`},
		{"operator wrong case", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"stringequals":{"k:k":"v"}}}`), `did you mean "StringEquals"`},
		{"bad set prefix", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAll:StringEquals":{"k:k":"v"}}}`), `"ForAll:StringEquals"`},
		{"NullIfExists", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"k:k":"true"}}}`), `"NullIfExists"`},
		{"operator without keys", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{}}}`), "has no condition keys"},
		{"key without values", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"k:k":[]}}}`), "has no values"},
		{"empty key", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"":"v"}}}`), "empty condition key"},
		{"bool value", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}`), `value "yes" must be "true" or "false"`},
		{"numeric value", stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"an hour"}}}`), `"an hour" is not a number`},
		{"sid not alphanumeric", stmt(`{"Sid":"my-sid","Effect":"Allow","Action":"s3:*","Resource":"*"}`), "only letters and digits"},
		{"duplicate sid", stmt(`{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"}`, `{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}`), `statement 2 (Sid "A"): Sid "A" is already used by statement 1`},
		{"variables need 2012", `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}]}`, "policy variable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d *Document
			if tt.doc != "" {
				d = mustParse(t, tt.doc)
			}
			checkValidation(t, ValidateIdentityPolicy(d), "identity policy", tt.want)
		})
	}
}

func checkValidation(t *testing.T, err error, kind, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("want valid, got %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("want error containing %q", want)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want *ValidationError, got %T", err)
	}
	if ve.Kind != kind || len(ve.Problems) == 0 {
		t.Fatalf("bad ValidationError %+v", ve)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not contain %q", err, want)
	}
}

func TestValidationErrorListsAllProblems(t *testing.T) {
	d := mustParse(t, `{"Statement":[{"Effect":"Permit","Resource":"*"}]}`)
	var ve *ValidationError
	if !errors.As(ValidateIdentityPolicy(d), &ve) {
		t.Fatal("want *ValidationError")
	}
	if len(ve.Problems) != 3 { // Version, Effect, Action
		t.Fatalf("want 3 problems, got %q", ve.Problems)
	}
}

func TestValidateTrustPolicy(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"valid account", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}`), ""},
		{"valid service", stmt(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}`), ""},
		{"valid web identity", stmt(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111111111111:oidc-provider/example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"example.com:aud":"sts.amazonaws.com"}}}`), ""},
		{"valid saml and friends", stmt(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111111111111:saml-provider/x"},"Action":["sts:AssumeRoleWithSAML","sts:SetSourceIdentity","sts:SetContext"]}`), ""},
		{"valid action case-insensitive", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"STS:assumerole"}`), ""},
		{"valid wildcard with org condition", stmt(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}`), ""},
		{"valid deny anyone", stmt(`{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}`), ""},
		{"missing version", `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`, "Version is missing"},
		{"no principal", stmt(`{"Effect":"Allow","Action":"sts:AssumeRole"}`), "needs a Principal"},
		{"notprincipal", stmt(`{"Effect":"Deny","NotPrincipal":{"AWS":"x"},"Principal":{"AWS":"y"},"Action":"sts:AssumeRole"}`), "NotPrincipal is not supported"},
		{"empty principal map", stmt(`{"Effect":"Allow","Principal":{},"Action":"sts:AssumeRole"}`), "names no principal type"},
		{"principal without values", stmt(`{"Effect":"Allow","Principal":{"AWS":[]},"Action":"sts:AssumeRole"}`), "Principal AWS has no values"},
		{"principal empty value", stmt(`{"Effect":"Allow","Principal":{"AWS":""},"Action":"sts:AssumeRole"}`), "Principal AWS has an empty value"},
		{"no action", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"}}`), "needs an Action"},
		{"notaction", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"NotAction":"s3:*"}`), "NotAction is not allowed"},
		{"wrong action", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":["sts:AssumeRole","s3:GetObject"]}`), `action "s3:GetObject" is not allowed`},
		{"sts wildcard action", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:*"}`), `action "sts:*" is not allowed`},
		{"resource", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Resource":"*"}`), "cannot have a Resource"},
		{"anyone star", stmt(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`), "statement 1 lets anyone assume the role: add a condition such as aws:PrincipalOrgID or sts:ExternalId"},
		{"anyone AWS star", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}`, `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}`), "statement 2 lets anyone assume the role"},
		{"anyone root wildcard", stmt(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::*:root"]},"Action":"sts:AssumeRole"}`), "lets anyone assume the role"},
		{"bad condition operator", stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Condition":{"Boolean":{"aws:MultiFactorAuthPresent":"true"}}}`), `operator "Boolean"`},
		{"bad effect", stmt(`{"Effect":"Maybe","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}`), `Effect "Maybe"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkValidation(t, ValidateTrustPolicy(mustParse(t, tt.doc)), "trust policy", tt.want)
		})
	}
	checkValidation(t, ValidateTrustPolicy(nil), "trust policy", "missing")
}

func TestParseOperator(t *testing.T) {
	tests := []struct {
		op               string
		prefix, base     string
		ifExists, wantOK bool
	}{
		{"StringEquals", "", "StringEquals", false, true},
		{"StringLikeIfExists", "", "StringLike", true, true},
		{"ForAllValues:StringEquals", "ForAllValues:", "StringEquals", false, true},
		{"ForAnyValue:ArnLikeIfExists", "ForAnyValue:", "ArnLike", true, true},
		{"Null", "", "Null", false, true},
		{"NullIfExists", "", "", false, false},
		{"IfExists", "", "", false, false},
		{"ForAllValues:", "", "", false, false},
		{"stringequals", "", "", false, false},
		{"ForAllValues:ForAnyValue:StringEquals", "", "", false, false},
	}
	for _, tt := range tests {
		p, b, ie, ok := ParseOperator(tt.op)
		if p != tt.prefix || b != tt.base || ie != tt.ifExists || ok != tt.wantOK {
			t.Errorf("ParseOperator(%q) = %q %q %v %v", tt.op, p, b, ie, ok)
		}
	}
}
