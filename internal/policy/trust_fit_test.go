package policy

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func members(n int) []string {
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, fmt.Sprintf("arn:aws:iam::123456789012:user/team/member-%03d", i))
	}
	return out
}

// A trust that fits is left as built: people named by ARN.
func TestFitTrustKeepsASmallTrust(t *testing.T) {
	d, err := Trust(TrustInput{People: members(5), RequireMFA: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := FitTrust(d, "aws", TrustPolicyQuota)
	if err != nil || got != d {
		t.Fatalf("a small trust was rewritten: %v", err)
	}
}

// 100 members: compacted to one statement trusting the account, pinned to exactly
// those user names, IAM users of that account only, with MFA, within 2,048.
func TestFitTrustCompactsAHundredMembers(t *testing.T) {
	d, err := Trust(TrustInput{People: members(100), Accounts: []string{"210987654321"}, Services: []string{"ec2.amazonaws.com"}, RequireMFA: true, MaxMFAAgeSeconds: 3600})
	if err != nil {
		t.Fatal(err)
	}
	got, err := FitTrust(d, "aws", TrustPolicyQuota)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := Marshal(got)
	if n := Size(s); n > TrustPolicyQuota {
		t.Fatalf("compacted trust is %d characters", n)
	}
	var people *Statement
	for i := range got.Statement {
		st := &got.Statement[i]
		if slices.Contains(st.Principal.Values[PrincipalAWS], "arn:aws:iam::123456789012:root") {
			people = st
		}
		for _, p := range st.Principal.Values[PrincipalAWS] {
			if strings.Contains(p, ":user/") {
				t.Fatalf("a user ARN is still listed: %s", p)
			}
		}
	}
	if people == nil {
		t.Fatalf("no statement for the members: %s", s)
	}
	c := people.Condition
	if !slices.Equal(c["Bool"]["aws:MultiFactorAuthPresent"], StringList{"true"}) || len(c["NumericLessThan"]["aws:MultiFactorAuthAge"]) != 1 {
		t.Fatalf("the members' statement lost its MFA conditions: %v", c)
	}
	if !slices.Equal(c["ArnLike"]["aws:PrincipalArn"], StringList{"arn:aws:iam::123456789012:user/*"}) {
		t.Fatalf("not pinned to the account's IAM users: %v", c["ArnLike"])
	}
	if names := c["StringEquals"]["aws:username"]; len(names) != 100 || names[0] != "member-000" {
		t.Fatalf("not pinned to the 100 names: %v", names)
	}
	// The other principals keep their statements and conditions.
	if !strings.Contains(s, `"arn:aws:iam::210987654321:root"`) || !strings.Contains(s, "ec2.amazonaws.com") {
		t.Fatalf("other principals lost: %s", s)
	}
}

// Too many even compacted: the quota, the size and the fix.
func TestFitTrustReportsWhatCannotFit(t *testing.T) {
	var people []string
	for i := range 200 {
		people = append(people, fmt.Sprintf("arn:aws:iam::123456789012:user/a-rather-long-user-name-for-a-person-%03d", i))
	}
	d, err := Trust(TrustInput{People: people, RequireMFA: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = FitTrust(d, "aws", TrustPolicyQuota)
	var tl *TrustTooLargeError
	if err == nil || !strings.Contains(err.Error(), "2048") || !strings.Contains(err.Error(), "split the role") {
		t.Fatalf("got %v, want the quota, the size and the fix", err)
	}
	_ = tl
}

// TrustNamesUser reads both forms back, as IAM returns them: every listed person,
// by ARN or compacted, and nobody else (another name, another account, a role, an
// account trusted for its own reasons).
func TestTrustNamesUserReadsBothForms(t *testing.T) {
	for _, n := range []int{5, 100} {
		d, err := Trust(TrustInput{People: members(n), Accounts: []string{"210987654321"}, RequireMFA: true})
		if err != nil {
			t.Fatal(err)
		}
		fitted, err := FitTrust(d, "aws", TrustPolicyQuota)
		if err != nil {
			t.Fatal(err)
		}
		s, _ := Marshal(fitted)
		back, err := Parse(url.PathEscape(s))
		if err != nil {
			t.Fatal(err)
		}
		for _, arn := range members(n) {
			if !TrustNamesUser(back, arn) {
				t.Fatalf("n=%d: %s not read back from %s", n, arn, s)
			}
		}
		for _, other := range []string{
			"arn:aws:iam::123456789012:user/team/member-999",
			"arn:aws:iam::999999999999:user/team/member-000",
			"arn:aws:iam::123456789012:role/member-000",
			"arn:aws:iam::210987654321:user/anyone",
		} {
			if TrustNamesUser(back, other) {
				t.Fatalf("n=%d: %s read as trusted by name", n, other)
			}
		}
	}
}
