package cis

import "time"

// Control ids, CIS AWS Foundations Benchmark v1.4 numbering.
const (
	RootAccessKeys        = "1.4"
	RootMFA               = "1.5"
	PasswordMinimumLength = "1.8"
	PasswordReuse         = "1.9"
	ConsoleUserMFA        = "1.10"
	UnusedCredentials     = "1.12"
	OneActiveKey          = "1.13"
	KeyRotation           = "1.14"
	PoliciesOnUsers       = "1.15"
)

// Thresholds of the controls, in one place so messages and checks agree.
const (
	MinPasswordLength = 14
	MinPasswordReuse  = 24
	MaxUnusedDays     = 45 // 1.12: unused for this many days or more fails
	MaxKeyAgeDays     = 90 // 1.14: more whole days than this fails; 90 days and some hours passes
)

// AccountSubject is the Subject of findings about the account as a whole
// (the password policy).
const AccountSubject = "account"

const (
	day       = 24 * time.Hour
	maxUnused = MaxUnusedDays * day
)

// Control describes one checked CIS control, for docs and dashboards.
type Control struct {
	ID          string
	Title       string
	Description string
}

// Controls are the controls Findings checks, in numeric order. (A Go const
// cannot hold a slice, so this is a variable; do not modify it.)
var Controls = []Control{
	{RootAccessKeys, "No root user access keys",
		"The root user has no access keys. Judged from GetAccountSummary (AccountAccessKeysPresent); the credential report's root row adds detail."},
	{RootMFA, "MFA on the root user",
		"The root user has an MFA device. Judged from GetAccountSummary (AccountMFAEnabled)."},
	{PasswordMinimumLength, "Password policy minimum length 14",
		"The account password policy requires at least 14 characters. No password policy fails."},
	{PasswordReuse, "Password policy prevents reuse",
		"The account password policy remembers the last 24 passwords. No password policy fails."},
	{ConsoleUserMFA, "MFA for every console user",
		"Every IAM user with a console password has an active MFA device."},
	{UnusedCredentials, "Credentials unused for 45 days disabled",
		"No console password or active access key has gone unused for 45 days or more. A credential never used counts from when it was set (password change, key creation, or user creation)."},
	{OneActiveKey, "One active access key per user",
		"No IAM user has two active access keys at once (two are for rotation, briefly)."},
	{KeyRotation, "Access keys rotated every 90 days",
		"No active access key is older than 90 days."},
	{PoliciesOnUsers, "Permissions through groups only",
		"No IAM user has managed or inline policies attached directly."},
}
