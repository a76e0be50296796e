package onboarding

import (
	"bufio"
	"strings"
	"testing"
)

func alice() Member {
	return Member{
		Namespace: "team-payments", UserName: "alice", AccountID: "123456789012", AccountAlias: "acme-sandbox",
		SignInURL: "https://acme-sandbox.signin.aws.amazon.com/console", ConsoleSecret: "alice-console",
		ConfigMap: "alice-onboarding",
		Roles: []Role{
			{Name: "payments-deployer", ARN: "arn:aws:iam::123456789012:role/payments-deployer",
				SwitchRoleURL: "https://signin.aws.amazon.com/switchrole?roleName=payments-deployer&account=acme-sandbox", MaxSessionSeconds: 7200},
			{Name: "payments-reader", ARN: "arn:aws:iam::123456789012:role/team/payments-reader",
				SwitchRoleURL: "https://signin.aws.amazon.com/switchrole?roleName=team%2Fpayments-reader&account=acme-sandbox"},
		},
	}
}

// parseConfig reads an ~/.aws/config file the way the CLI does: [profile name]
// sections of key = value lines, # comments.
func parseConfig(t *testing.T, s string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	var cur map[string]string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			name, ok := strings.CutPrefix(strings.Trim(line, "[]"), "profile ")
			if !ok {
				t.Fatalf("section %q is not a profile", line)
			}
			if _, dup := out[name]; dup {
				t.Fatalf("profile %q twice", name)
			}
			cur = map[string]string{}
			out[name] = cur
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || cur == nil {
				t.Fatalf("line %q is neither a section nor key = value", line)
			}
			cur[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

func TestAWSConfigOneProfilePerRoleWithMFA(t *testing.T) {
	m := alice()
	m.MFASerial = "arn:aws:iam::123456789012:mfa/alice-phone"
	profiles := parseConfig(t, AWSConfig(m))
	want := map[string]struct{ arn, duration string }{
		"acme-sandbox-payments-deployer": {"arn:aws:iam::123456789012:role/payments-deployer", "7200"},
		"acme-sandbox-payments-reader":   {"arn:aws:iam::123456789012:role/team/payments-reader", "3600"},
	}
	if len(profiles) != len(want) {
		t.Fatalf("profiles %v, want %d", profiles, len(want))
	}
	for name, w := range want {
		p := profiles[name]
		if p == nil {
			t.Fatalf("no profile %s in %v", name, profiles)
		}
		if p["role_arn"] != w.arn || p["duration_seconds"] != w.duration || p["source_profile"] != "acme-sandbox-alice" ||
			p["mfa_serial"] != m.MFASerial || p["role_session_name"] != "alice" {
			t.Errorf("profile %s = %v", name, p)
		}
	}
}

func TestAWSConfigBeforeMFAHasNoSerial(t *testing.T) {
	cfg := AWSConfig(alice())
	for name, p := range parseConfig(t, cfg) {
		if _, ok := p["mfa_serial"]; ok {
			t.Errorf("profile %s has mfa_serial before enrolment", name)
		}
	}
	if !strings.Contains(cfg, "mfa_serial appears here once you have enrolled") {
		t.Errorf("snippet does not say why mfa_serial is missing:\n%s", cfg)
	}
}

func TestSessionDurationWithinRoleMaximum(t *testing.T) {
	for max, want := range map[int32]int32{0: 3600, 3600: 3600, 5400: 5400, 43200: 43200, 90000: 43200} {
		if got := sessionSeconds(max); got != want {
			t.Errorf("sessionSeconds(%d) = %d, want %d", max, got, want)
		}
	}
}

func TestProfilesWithoutAliasUseAccountID(t *testing.T) {
	m := alice()
	m.AccountAlias = ""
	profiles := parseConfig(t, AWSConfig(m))
	if _, ok := profiles["123456789012-payments-deployer"]; !ok {
		t.Fatalf("profiles %v", profiles)
	}
	if !strings.HasPrefix(Text(m), "Welcome to AWS account 123456789012.\n") {
		t.Errorf("text: %s", Text(m))
	}
}

func TestOneLetterUserKeepsTheCLISessionName(t *testing.T) {
	m := alice()
	m.UserName = "a"
	for name, p := range parseConfig(t, AWSConfig(m)) {
		if _, ok := p["role_session_name"]; ok {
			t.Errorf("profile %s has role_session_name %q, which STS refuses (2-64 characters)", name, p["role_session_name"])
		}
	}
}

func TestTextNamesEverythingForTheFirstDay(t *testing.T) {
	m := alice()
	text := Text(m)
	for _, want := range []string{
		"Welcome to AWS account acme-sandbox (123456789012).",
		"URL:       https://acme-sandbox.signin.aws.amazon.com/console",
		"User name: alice",
		"Secret team-payments/alice-console",
		"kubectl -n team-payments get secret alice-console -o jsonpath='{.data.password}' | base64 -d",
		"You must choose a new password",
		"Assign MFA device",
		"two consecutive codes",
		"payments-deployer: https://signin.aws.amazon.com/switchrole?roleName=payments-deployer&account=acme-sandbox",
		"payments-reader: https://signin.aws.amazon.com/switchrole?roleName=team%2Fpayments-reader&account=acme-sandbox",
		"kubectl -n team-payments get configmap alice-onboarding -o jsonpath='{.data.aws-config}' >> ~/.aws/config",
		"aws sts get-caller-identity --profile acme-sandbox-payments-deployer",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

func TestTextAfterEnrolmentNamesTheDevice(t *testing.T) {
	m := alice()
	m.MFASerial = "arn:aws:iam::123456789012:mfa/alice-phone"
	text := Text(m)
	if !strings.Contains(text, "Done: your MFA device is arn:aws:iam::123456789012:mfa/alice-phone") || strings.Contains(text, "Assign MFA device") {
		t.Errorf("text:\n%s", text)
	}
}

func TestTextWithoutConsoleOrRoles(t *testing.T) {
	m := alice()
	m.ConsoleSecret, m.Roles = "", nil
	text := Text(m)
	for _, want := range []string{"no console password", "No role trusts you yet", "once a role trusts you"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "get secret") {
		t.Errorf("text points at a console Secret that does not exist:\n%s", text)
	}
}

func TestAccessKeySecretIsNamedNotRead(t *testing.T) {
	m := alice()
	m.AccessKeySecret = "alice-access-key"
	cfg := AWSConfig(m)
	if !strings.Contains(cfg, "Secret team-payments/alice-access-key") || strings.Contains(cfg, "aws login") {
		t.Errorf("snippet:\n%s", cfg)
	}
	if strings.Contains(strings.ToLower(cfg), "aws_secret_access_key") {
		t.Errorf("snippet holds a credential key:\n%s", cfg)
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	a, b := Render(alice()), Render(alice())
	if a[KeyText] != b[KeyText] || a[KeyAWSConfig] != b[KeyAWSConfig] || len(a) != 2 {
		t.Fatal("Render differs between two calls with the same member")
	}
}
