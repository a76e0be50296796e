package policy

import "testing"

func TestARNs(t *testing.T) {
	tests := []struct{ got, want string }{
		{UserARN("aws", "111111111111", "", "alice"), "arn:aws:iam::111111111111:user/alice"},
		{UserARN("", "111111111111", "/", "alice"), "arn:aws:iam::111111111111:user/alice"},
		{UserARN("aws", "111111111111", "team", "alice"), "arn:aws:iam::111111111111:user/team/alice"},
		{UserARN("aws", "111111111111", "/a/b/", "alice"), "arn:aws:iam::111111111111:user/a/b/alice"},
		{RoleARN("aws-cn", "111111111111", "/ops/", "admin"), "arn:aws-cn:iam::111111111111:role/ops/admin"},
		{GroupARN("aws", "111111111111", "", "devs"), "arn:aws:iam::111111111111:group/devs"},
		{PolicyARN("aws", "111111111111", "", "ForceMFA"), "arn:aws:iam::111111111111:policy/ForceMFA"},
		{AccountRootARN("aws", "111111111111"), "arn:aws:iam::111111111111:root"},
		{AccountRootARN("", "111111111111"), "arn:aws:iam::111111111111:root"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %s want %s", i, tt.got, tt.want)
		}
	}
}

func TestIsAccountID(t *testing.T) {
	for s, want := range map[string]bool{"123456789012": true, "12345678901": false, "1234567890123": false, "12345678901a": false, "": false} {
		if IsAccountID(s) != want {
			t.Errorf("IsAccountID(%q) != %v", s, want)
		}
	}
}

func TestIsUniqueIDPrincipal(t *testing.T) {
	for s, want := range map[string]bool{
		"AIDACKCEVSQ6C2EXAMPLE":                true,
		"AROADBQP57FF2AEXAMPLE":                true,
		"AIDA":                                 false,
		"AKIAIOSFODNN7EXAMPLE":                 false, // an access key, not a principal
		"aidackcevsq6c2example":                false,
		"AIDACKCEVSQ6C2EXAMPLE:session":        false,
		"arn:aws:iam::111111111111:user/alice": false,
		"arn:aws:iam::111111111111:root":       false,
		"*":                                    false,
	} {
		if IsUniqueIDPrincipal(s) != want {
			t.Errorf("IsUniqueIDPrincipal(%q) != %v", s, want)
		}
	}
}

func TestURLs(t *testing.T) {
	tests := []struct{ got, want string }{
		{SwitchRoleURL("111111111111", "admin", ""), "https://signin.aws.amazon.com/switchrole?roleName=admin&account=111111111111"},
		{SwitchRoleURL("111111111111", "admin", "Prod admin"), "https://signin.aws.amazon.com/switchrole?roleName=admin&account=111111111111&displayName=Prod+admin"},
		{SwitchRoleURL("111111111111", "team/admin", "a&b"), "https://signin.aws.amazon.com/switchrole?roleName=team%2Fadmin&account=111111111111&displayName=a%26b"},
		{SignInURL("my-company"), "https://my-company.signin.aws.amazon.com/console"},
		{SignInURL("111111111111"), "https://111111111111.signin.aws.amazon.com/console"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %s want %s", i, tt.got, tt.want)
		}
	}
}
