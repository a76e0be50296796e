// Package onboarding renders what a new member needs on their first day: a short,
// ready-to-send text (where to sign in, where the initial password is, how to enrol
// MFA, the roles they may switch into) and an ~/.aws/config snippet with one profile
// per assumable role. It is pure: the controller gathers the facts, this package
// only writes them down, so the wording is unit-tested and reviewed in one place.
//
// Nothing rendered here is a secret: the text says where the password is, never
// what it is, so the result may live in a ConfigMap and be pasted into a chat.
package onboarding

import (
	"fmt"
	"regexp"
	"strings"
)

// Member is everything the onboarding text and CLI snippet are made of.
type Member struct {
	Namespace    string // of the TeamMember and its Secrets
	UserName     string // IAM user name
	AccountID    string
	AccountAlias string // "" when the account has none
	SignInURL    string
	// ConsoleSecret is the Secret holding the initial password; "" when the member has
	// no console access.
	ConsoleSecret string
	// AccessKeySecret is the Secret holding the member's access key; "" when access
	// keys are off (the default).
	AccessKeySecret string
	// MFASerial is the ARN of the enrolled MFA device; "" before enrolment.
	MFASerial string
	// ConfigMap is where this text and the CLI snippet are delivered.
	ConfigMap string
	Roles     []Role
}

// Role is one role the member may switch into.
type Role struct {
	Name          string // IAM role name
	ARN           string
	SwitchRoleURL string
	// MaxSessionSeconds is the role's maximum session duration (3600 when unset).
	MaxSessionSeconds int32
}

// Keys of the companion ConfigMap.
const (
	KeyText      = "onboarding.txt"
	KeyAWSConfig = "aws-config"
)

// Render returns the ConfigMap data: the onboarding text and the CLI snippet.
func Render(m Member) map[string]string {
	return map[string]string{KeyText: Text(m), KeyAWSConfig: AWSConfig(m)}
}

// accountLabel is how the account is named to a person and in profile names: its
// alias when it has one, else its ID.
func (m Member) accountLabel() string {
	if m.AccountAlias != "" {
		return m.AccountAlias
	}
	return m.AccountID
}

// SourceProfile is the profile the role profiles take their credentials from: the
// member's own, long-term or from `aws login`.
func (m Member) SourceProfile() string {
	return profileName(m.accountLabel() + "-" + m.UserName)
}

// RoleProfile is the CLI profile name for one of the member's roles.
func (m Member) RoleProfile(r Role) string {
	return profileName(m.accountLabel() + "-" + r.Name)
}

// profileName keeps a profile name to what the CLI's config parser reads back
// unchanged: no spaces or brackets.
var unsafeProfileChars = regexp.MustCompile(`[^A-Za-z0-9_.@+=,-]`)

func profileName(s string) string { return unsafeProfileChars.ReplaceAllString(s, "-") }

// Text is the onboarding message, written to the person.
func Text(m Member) string {
	var b strings.Builder
	label := m.accountLabel()
	if m.AccountAlias != "" {
		label += " (" + m.AccountID + ")"
	}
	fmt.Fprintf(&b, "Welcome to AWS account %s.\n\n", label)

	step := 1
	if m.ConsoleSecret != "" {
		fmt.Fprintf(&b, "%d. Sign in to the console\n", step)
		fmt.Fprintf(&b, "   URL:       %s\n", m.SignInURL)
		fmt.Fprintf(&b, "   User name: %s\n", m.UserName)
		fmt.Fprintf(&b, "   Password:  your initial password is in Secret %s/%s (key \"password\"); it is not in this message:\n", m.Namespace, m.ConsoleSecret)
		fmt.Fprintf(&b, "              kubectl -n %s get secret %s -o jsonpath='{.data.password}' | base64 -d\n", m.Namespace, m.ConsoleSecret)
		b.WriteString("   You must choose a new password when you first sign in; the initial one then stops working.\n\n")
	} else {
		fmt.Fprintf(&b, "%d. You have no console password (console access is off for user %s).\n\n", step, m.UserName)
	}
	step++

	fmt.Fprintf(&b, "%d. Enrol an MFA device\n", step)
	if m.MFASerial != "" {
		fmt.Fprintf(&b, "   Done: your MFA device is %s\n", m.MFASerial)
		b.WriteString("   Sign in with it every time; without MFA nothing but your password and MFA device can be managed.\n\n")
	} else {
		b.WriteString("   Until you do, everything except changing your password and enrolling MFA is denied.\n")
		b.WriteString("   In the console: your user name (top right) > Security credentials > Assign MFA device >\n")
		b.WriteString("   Authenticator app. Scan the QR code, type two consecutive codes, then sign out and in\n")
		b.WriteString("   again with a code.\n\n")
	}
	step++

	fmt.Fprintf(&b, "%d. Switch into your roles\n", step)
	if len(m.Roles) == 0 {
		b.WriteString("   No role trusts you yet; links appear here once one does.\n")
	}
	for _, r := range m.Roles {
		fmt.Fprintf(&b, "   %s: %s\n", r.Name, r.SwitchRoleURL)
	}
	b.WriteString("\n")
	step++

	fmt.Fprintf(&b, "%d. From the AWS CLI\n", step)
	if len(m.Roles) == 0 {
		b.WriteString("   Profiles for your roles appear here once a role trusts you.\n")
		return b.String()
	}
	b.WriteString("   Add your profiles to ~/.aws/config:\n")
	fmt.Fprintf(&b, "     kubectl -n %s get configmap %s -o jsonpath='{.data.%s}' >> ~/.aws/config\n", m.Namespace, m.ConfigMap, KeyAWSConfig)
	b.WriteString("   then:\n")
	fmt.Fprintf(&b, "     aws sts get-caller-identity --profile %s\n", m.RoleProfile(m.Roles[0]))
	b.WriteString("   The CLI asks for an MFA code and uses temporary credentials of the role.\n")
	return b.String()
}

// AWSConfig is an ~/.aws/config snippet: one profile per role, each assuming it with
// the member's MFA device, for as long as the role allows.
func AWSConfig(m Member) string {
	var b strings.Builder
	src := m.SourceProfile()
	fmt.Fprintf(&b, "# AWS CLI profiles of IAM user %s in account %s. No secret in here.\n", m.UserName, m.AccountID)
	if m.AccessKeySecret != "" {
		fmt.Fprintf(&b, "# [profile %s] holds your own access key, from Secret %s/%s:\n", src, m.Namespace, m.AccessKeySecret)
		fmt.Fprintf(&b, "#   aws configure --profile %s\n", src)
	} else {
		fmt.Fprintf(&b, "# [profile %s] holds your own credentials as IAM user %s. You have no long-term\n", src, m.UserName)
		fmt.Fprintf(&b, "# access key: sign in with `aws login --profile %s` (AWS CLI 2.32 or later, where\n", src)
		b.WriteString("# the account allows it), or ask your platform team for one (TeamMember spec.accessKeys).\n")
	}
	if m.MFASerial == "" {
		b.WriteString("# mfa_serial appears here once you have enrolled an MFA device: fetch this snippet again then.\n")
	}
	if len(m.Roles) == 0 {
		b.WriteString("# No role trusts you yet.\n")
	}
	for _, r := range m.Roles {
		fmt.Fprintf(&b, "\n[profile %s]\n", m.RoleProfile(r))
		fmt.Fprintf(&b, "role_arn = %s\n", r.ARN)
		fmt.Fprintf(&b, "source_profile = %s\n", src)
		if m.MFASerial != "" {
			fmt.Fprintf(&b, "mfa_serial = %s\n", m.MFASerial)
		}
		if sessionNameOK(m.UserName) {
			fmt.Fprintf(&b, "role_session_name = %s\n", m.UserName)
		}
		fmt.Fprintf(&b, "duration_seconds = %d\n", sessionSeconds(r.MaxSessionSeconds))
	}
	return b.String()
}

// sessionSeconds is the longest session the role grants: its maximum, 3600 when
// unset, never above STS's 12 hours.
func sessionSeconds(max int32) int32 {
	switch {
	case max <= 0:
		return 3600
	case max > 43200:
		return 43200
	}
	return max
}

// STS accepts session names of 2 to 64 of these characters; a one-letter user name
// would make every AssumeRole fail, so the CLI's generated name is kept instead.
var sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

func sessionNameOK(s string) bool { return sessionNamePattern.MatchString(s) }
