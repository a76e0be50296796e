package policy

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// assertGolden compares canonically (what the controllers rely on) and then
// byte for byte (what AWS receives, so builds are stable across releases).
func assertGolden(t *testing.T, d *Document, golden string) {
	t.Helper()
	got, err := Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	eq, err := Equal(got, golden)
	if err != nil {
		t.Fatal(err)
	}
	if !eq {
		t.Fatalf("not canonically equal to golden:\n got %s\nwant %s", got, golden)
	}
	// Marshal of the golden text reproduces the builder's bytes exactly.
	want, _ := Marshal(mustParse(t, golden))
	if got != want {
		t.Fatalf("Marshal not byte-stable:\n got %s\nwant %s", got, want)
	}
	again, _ := Marshal(d)
	if again != got {
		t.Fatal("two Marshal calls differ")
	}
}

const mfaGolden = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "AllowViewAccountInfo", "Effect": "Allow",
     "Action": ["iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"], "Resource": "*"},
    {"Sid": "AllowManageOwnPassword", "Effect": "Allow",
     "Action": ["iam:ChangePassword", "iam:GetLoginProfile", "iam:GetUser"],
     "Resource": ["arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:user/*/${aws:username}"]},
    {"Sid": "AllowCreateOwnVirtualMFADevice", "Effect": "Allow",
     "Action": "iam:CreateVirtualMFADevice", "Resource": "arn:aws:iam::*:mfa/*"},
    {"Sid": "AllowManageOwnUserMFA", "Effect": "Allow",
     "Action": ["iam:EnableMFADevice", "iam:GetMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"],
     "Resource": ["arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:user/*/${aws:username}"]},
    {"Sid": "AllowDeactivateOwnMFAOnlyWithMFA", "Effect": "Allow",
     "Action": "iam:DeactivateMFADevice", "Resource": ["arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:user/*/${aws:username}"],
     "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
    {"Sid": "DenyAllExceptSelfServiceWithoutMFA", "Effect": "Deny",
     "NotAction": ["iam:ChangePassword", "iam:CreateVirtualMFADevice", "iam:EnableMFADevice",
       "iam:GetAccountPasswordPolicy", "iam:GetLoginProfile", "iam:GetMFADevice", "iam:GetUser", "iam:ListMFADevices",
       "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"],
     "Resource": "*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
    {"Sid": "DenyOtherUsersWithoutMFA", "Effect": "Deny",
     "Action": ["iam:ChangePassword", "iam:EnableMFADevice", "iam:GetLoginProfile", "iam:GetMFADevice",
       "iam:GetUser", "iam:ListMFADevices", "iam:ResyncMFADevice"],
     "NotResource": ["arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:user/*/${aws:username}"],
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
    {"Sid": "DenyMFAEnrolmentWithoutMFAContext", "Effect": "Deny",
     "Action": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ResyncMFADevice"],
     "Resource": "*",
     "Condition": {"Null": {"aws:MultiFactorAuthPresent": "true"}}}
  ]
}`

func statementBySid(t *testing.T, d *Document, sid string) Statement {
	t.Helper()
	for _, st := range d.Statement {
		if st.Sid == sid {
			return st
		}
	}
	t.Fatalf("no statement %q", sid)
	return Statement{}
}

func TestMFAEnforcement(t *testing.T) {
	d := MFAEnforcement("aws")
	if err := ValidateIdentityPolicy(d); err != nil {
		t.Fatal(err)
	}
	assertGolden(t, d, mfaGolden)
	if s1, _ := Marshal(MFAEnforcement("")); s1 != mustMarshal(t, d) {
		t.Fatal("empty partition should mean aws")
	}
	if n := len(mustMarshal(t, d)); n > 6144 {
		t.Fatalf("MFA policy is %d characters, over IAM's managed-policy quota", n)
	}

	deny := statementBySid(t, d, "DenyAllExceptSelfServiceWithoutMFA")
	if deny.Effect != Deny || len(deny.Action) != 0 {
		t.Fatalf("must be the NotAction Deny: %+v", deny)
	}
	// First sign-in with a forced password reset needs these.
	for _, a := range []string{"iam:ChangePassword", "iam:GetAccountPasswordPolicy", "sts:GetSessionToken", "iam:GetMFADevice"} {
		if !slices.Contains(deny.NotAction, a) {
			t.Errorf("%s must be an exception in the Deny", a)
		}
	}
	// Every action allowed without MFA is an exception, and nothing else is:
	// otherwise the Allow statements would be dead or the Deny too loose.
	var allowedWithoutMFA []string
	for _, st := range d.Statement {
		if st.Effect == Allow && len(st.Condition) == 0 {
			allowedWithoutMFA = append(allowedWithoutMFA, st.Action...)
		}
	}
	slices.Sort(allowedWithoutMFA)
	exceptions := slices.Clone(deny.NotAction)
	exceptions = slices.DeleteFunc(exceptions, func(s string) bool { return s == "sts:GetSessionToken" })
	slices.Sort(exceptions)
	if !slices.Equal(allowedWithoutMFA, exceptions) {
		t.Errorf("exceptions %v != allowed without MFA %v", exceptions, allowedWithoutMFA)
	}
	if slices.Contains(deny.NotAction, "iam:DeactivateMFADevice") {
		t.Error("deactivating MFA must require MFA")
	}
	// Every exception scoped to the own user is denied on every other user.
	others := statementBySid(t, d, "DenyOtherUsersWithoutMFA")
	own := statementBySid(t, d, "AllowManageOwnPassword").Resource
	if !slices.Equal(others.NotResource, own) || !slices.Equal(others.Condition["BoolIfExists"]["aws:MultiFactorAuthPresent"], StringList{"false"}) {
		t.Fatalf("other-users Deny = %+v", others)
	}
	for _, st := range d.Statement {
		if st.Effect == Allow && len(st.Condition) == 0 && slices.Equal(st.Resource, own) {
			for _, a := range st.Action {
				if !slices.Contains(others.Action, a) {
					t.Errorf("%s is exempt on the own user but not denied on other users", a)
				}
			}
		}
	}
	// Enrolment needs the MFA key in the request: bare long-term keys cannot enrol.
	enrol := statementBySid(t, d, "DenyMFAEnrolmentWithoutMFAContext")
	for _, a := range []string{"iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ResyncMFADevice"} {
		if !slices.Contains(enrol.Action, a) {
			t.Errorf("%s must be denied when aws:MultiFactorAuthPresent is absent", a)
		}
	}
	if !slices.Equal(enrol.Condition["Null"]["aws:MultiFactorAuthPresent"], StringList{"true"}) {
		t.Fatalf("enrolment Deny condition = %v", enrol.Condition)
	}

	cn := mustMarshal(t, MFAEnforcement("aws-cn"))
	if !strings.Contains(cn, "arn:aws-cn:iam::*:user/${aws:username}") || strings.Contains(cn, "arn:aws:") {
		t.Fatalf("partition not applied: %s", cn)
	}
}

func mustMarshal(t testing.TB, d *Document) string {
	t.Helper()
	s, err := Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTrust(t *testing.T) {
	tests := []struct {
		name   string
		in     TrustInput
		golden string
	}{
		{
			name: "people with MFA and accounts",
			in: TrustInput{
				People:           []string{"arn:aws:iam::111111111111:user/bob", "arn:aws:iam::111111111111:user/alice", "arn:aws:iam::111111111111:user/bob"},
				Accounts:         []string{"222222222222"},
				RequireMFA:       true,
				MaxMFAAgeSeconds: 3600,
			},
			golden: `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAWSPrincipals","Effect":"Allow",
				"Principal":{"AWS":["arn:aws:iam::111111111111:user/alice","arn:aws:iam::111111111111:user/bob","arn:aws:iam::222222222222:root"]},
				"Action":"sts:AssumeRole",
				"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]}`,
		},
		{
			name: "third-party account with external id, no MFA",
			in:   TrustInput{Partition: "aws-us-gov", Accounts: []string{"333333333333"}, ExternalID: "s3cr3t"},
			golden: `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAccountsWithExternalID","Effect":"Allow",
				"Principal":{"AWS":"arn:aws-us-gov:iam::333333333333:root"},"Action":"sts:AssumeRole",
				"Condition":{"StringEquals":{"sts:ExternalId":"s3cr3t"}}}]}`,
		},
		{
			// The console cannot send an external ID: people keep their MFA
			// conditions and never get the external-ID condition.
			name: "people and an account with an external id",
			in: TrustInput{
				People:     []string{"arn:aws:iam::111111111111:user/alice"},
				Accounts:   []string{"333333333333"},
				RequireMFA: true, ExternalID: "s3cr3t",
			},
			golden: `{"Version":"2012-10-17","Statement":[
				{"Sid":"AllowPeople","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole",
				 "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
				{"Sid":"AllowAccountsWithExternalID","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"sts:AssumeRole",
				 "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"},"StringEquals":{"sts:ExternalId":"s3cr3t"}}}]}`,
		},
		{
			name: "services never get MFA conditions",
			in:   TrustInput{Services: []string{"lambda.amazonaws.com", "ec2.amazonaws.com"}, RequireMFA: true},
			golden: `{"Version":"2012-10-17","Statement":[{"Sid":"AllowServices","Effect":"Allow",
				"Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}]}`,
		},
		{
			name: "everything, OIDC sorted by provider",
			in: TrustInput{
				People:     []string{"arn:aws:iam::111111111111:user/alice"},
				RequireMFA: true,
				Services:   []string{"ec2.amazonaws.com"},
				OIDC: []OIDCTrust{
					{ProviderARN: "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com", Audience: "sts.amazonaws.com", Subjects: []string{"repo:org/app:ref:refs/heads/main", "repo:org/app:environment:prod"}},
					{ProviderARN: "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC", Audience: "sts.amazonaws.com", Subjects: []string{"system:serviceaccount:team:app"}},
				},
			},
			golden: `{"Version":"2012-10-17","Statement":[
				{"Sid":"AllowAWSPrincipals","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"sts:AssumeRole",
				 "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
				{"Sid":"AllowServices","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},
				{"Sid":"AllowOIDC1","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},
				 "Action":"sts:AssumeRoleWithWebIdentity",
				 "Condition":{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud":"sts.amazonaws.com"},
				              "StringLike":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:team:app"}}},
				{"Sid":"AllowOIDC2","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},
				 "Action":"sts:AssumeRoleWithWebIdentity",
				 "Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
				              "StringLike":{"token.actions.githubusercontent.com:sub":["repo:org/app:environment:prod","repo:org/app:ref:refs/heads/main"]}}}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Trust(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if err := ValidateTrustPolicy(d); err != nil {
				t.Fatal(err)
			}
			assertGolden(t, d, tt.golden)
			// Statement order and Sids must not depend on input order.
			in := tt.in
			in.People = reversed(in.People)
			in.Accounts = reversed(in.Accounts)
			in.Services = reversed(in.Services)
			in.OIDC = reversedOIDC(in.OIDC)
			d2, err := Trust(in)
			if err != nil {
				t.Fatal(err)
			}
			if mustMarshal(t, d2) != mustMarshal(t, d) {
				t.Fatalf("output depends on input order:\n%s\n%s", mustMarshal(t, d2), mustMarshal(t, d))
			}
		})
	}
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

func reversedOIDC(s []OIDCTrust) []OIDCTrust {
	out := slices.Clone(s)
	slices.Reverse(out)
	for i := range out {
		out[i].Subjects = reversed(out[i].Subjects)
	}
	return out
}

func TestTrustErrors(t *testing.T) {
	gh := "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
	tests := []struct {
		name string
		in   TrustInput
		want string
	}{
		{"empty", TrustInput{RequireMFA: true}, "names no people"},
		{"only blanks", TrustInput{People: []string{" ", ""}}, "names no people"},
		{"bad account", TrustInput{Accounts: []string{"12345"}}, `account "12345" is not a 12-digit`},
		{"person not arn", TrustInput{People: []string{"alice"}}, `person "alice" is not an IAM user ARN`},
		{"negative mfa age", TrustInput{People: []string{"arn:aws:iam::111111111111:user/a"}, MaxMFAAgeSeconds: -1}, "negative"},
		{"bad provider", TrustInput{OIDC: []OIDCTrust{{ProviderARN: "token.actions.githubusercontent.com", Audience: "a", Subjects: []string{"s"}}}}, "not an IAM OIDC provider ARN"},
		{"no audience", TrustInput{OIDC: []OIDCTrust{{ProviderARN: gh, Subjects: []string{"s"}}}}, "audience is required"},
		{"no subjects", TrustInput{OIDC: []OIDCTrust{{ProviderARN: gh, Audience: "sts.amazonaws.com"}}}, "at least one subject"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Trust(tt.in)
			if err == nil || d != nil {
				t.Fatalf("want error, got %v", d)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not contain %q", err, tt.want)
			}
		})
	}
	if _, err := Trust(TrustInput{}); !errors.Is(err, ErrNoPrincipals) {
		t.Fatalf("want ErrNoPrincipals, got %v", err)
	}
	var ve *ValidationError
	if _, err := Trust(TrustInput{Accounts: []string{"x"}}); !errors.As(err, &ve) {
		t.Fatalf("want *ValidationError, got %T", err)
	}
}

func TestAssumeRolePermissions(t *testing.T) {
	if AssumeRolePermissions(nil) != nil || AssumeRolePermissions([]string{"", " "}) != nil {
		t.Fatal("want nil for no roles")
	}
	d := AssumeRolePermissions([]string{
		"arn:aws:iam::111111111111:role/b", "arn:aws:iam::111111111111:role/a", "arn:aws:iam::111111111111:role/b",
	})
	if err := ValidateIdentityPolicy(d); err != nil {
		t.Fatal(err)
	}
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAssumeListedRoles","Effect":"Allow","Action":"sts:AssumeRole","Resource":["arn:aws:iam::111111111111:role/a","arn:aws:iam::111111111111:role/b"]}]}`
	if got := mustMarshal(t, d); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	one := mustMarshal(t, AssumeRolePermissions([]string{"arn:aws:iam::111111111111:role/a"}))
	if !strings.Contains(one, `"Resource":"arn:aws:iam::111111111111:role/a"`) {
		t.Fatalf("one role: %s", one)
	}
}
