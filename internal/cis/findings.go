package cis

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iam-baseline/operator/api/v1alpha1"
)

// PasswordPolicyObserved is the account password policy as IAM
// GetAccountPasswordPolicy returns it.
type PasswordPolicyObserved struct {
	MinimumLength              int32
	PasswordReusePrevention    int32 // 0: reuse is not prevented
	RequireSymbols             bool
	RequireNumbers             bool
	RequireUppercase           bool
	RequireLowercase           bool
	AllowUsersToChangePassword bool
	MaxPasswordAgeDays         int32 // 0: passwords never expire
	HardExpiry                 bool
}

// Input is everything Findings judges. It is plain data, so the caller
// decides where it comes from (AWS, the local AWS, a fixture).
type Input struct {
	// Now is the clock the ages are measured against; usually the report's
	// GeneratedTime, so findings do not drift between report refreshes.
	// A zero Now makes every age negative: no age finding at all.
	Now    time.Time
	Report []ReportRow
	// PasswordPolicy is nil when the account has no password policy
	// (GetAccountPasswordPolicy answers NoSuchEntity).
	PasswordPolicy *PasswordPolicyObserved
	// UsersWithAttachedPolicies are the users with managed or inline policies
	// attached directly (not through a group).
	UsersWithAttachedPolicies []string
	// RootMFAEnabled and RootAccessKeysPresent come from GetAccountSummary
	// (AccountMFAEnabled, AccountAccessKeysPresent). They are live, while the
	// report can be up to four hours old, so they decide 1.4 and 1.5; the
	// report's root row only adds detail to the message.
	RootMFAEnabled        bool
	RootAccessKeysPresent bool
	// RootSummaryUnavailable says GetAccountSummary was not called, so the two
	// fields above mean nothing and the report's root row decides 1.4 and 1.5.
	// The zero value trusts the summary, which is what the controller has.
	RootSummaryUnavailable bool
}

// Findings returns the CIS controls the account fails, at most one finding
// per control and subject, sorted by control (numerically: 1.9 before 1.10)
// and then subject, so the status list does not flap between reconciles.
func Findings(in Input) []v1alpha1.Finding {
	var out []v1alpha1.Finding
	add := func(control, subject string, problems []string) {
		if len(problems) > 0 {
			out = append(out, v1alpha1.Finding{Control: control, Subject: subject, Message: strings.Join(problems, "; ")})
		}
	}

	var rootRow *ReportRow
	for i := range in.Report {
		row := &in.Report[i]
		if row.Root {
			// Root is judged by 1.4 and 1.5 only; IAM-user controls do not apply.
			rootRow = row
			continue
		}
		for _, c := range userChecks {
			add(c.control, row.User, c.check(in.Now, row))
		}
	}
	add(RootAccessKeys, RootUser, rootKeyProblems(in, rootRow))
	add(RootMFA, RootUser, rootMFAProblems(in, rootRow))
	add(PasswordMinimumLength, AccountSubject, minLengthProblems(in.PasswordPolicy))
	add(PasswordReuse, AccountSubject, reuseProblems(in.PasswordPolicy))
	for _, user := range in.UsersWithAttachedPolicies {
		if user != "" {
			add(PoliciesOnUsers, user, []string{fmt.Sprintf(
				"policies are attached directly to the user: grant the permissions through a group and detach them (IAM console > Users > %s > Permissions)", user)})
		}
	}

	sortFindings(out)
	// A user listed twice in UsersWithAttachedPolicies, or twice in the
	// report, must not show up twice.
	return slices.CompactFunc(out, func(a, b v1alpha1.Finding) bool {
		return a.Control == b.Control && a.Subject == b.Subject
	})
}

// userChecks are the controls judged per IAM user, from the report alone.
var userChecks = []struct {
	control string
	check   func(now time.Time, row *ReportRow) []string
}{
	{ConsoleUserMFA, consoleMFAProblems},
	{UnusedCredentials, unusedProblems},
	{OneActiveKey, activeKeysProblems},
	{KeyRotation, keyAgeProblems},
}

func consoleMFAProblems(_ time.Time, row *ReportRow) []string {
	if !row.PasswordEnabled || row.MFAActive {
		return nil
	}
	return []string{fmt.Sprintf(
		"console password enabled without MFA: the user must enrol an MFA device (IAM console > Users > %s > Security credentials)", row.User)}
}

func unusedProblems(now time.Time, row *ReportRow) []string {
	var problems []string
	if row.PasswordEnabled {
		switch {
		case row.PasswordLastUsed != nil:
			if age := now.Sub(*row.PasswordLastUsed); age >= maxUnused {
				problems = append(problems, fmt.Sprintf(
					"console password not used for %d days (CIS limit %d): remove console access if %s no longer needs it (IAM console > Users > %s > Security credentials > Manage console access)",
					days(age), MaxUnusedDays, row.User, row.User))
			}
		default:
			// Never used: count from when the password was set, so a password
			// handed out yesterday to an old user is not flagged.
			since := row.UserCreated
			if row.PasswordLastChanged != nil {
				since = *row.PasswordLastChanged
			}
			if age := now.Sub(since); !since.IsZero() && age >= maxUnused {
				problems = append(problems, fmt.Sprintf(
					"console password never used, set %d days ago (CIS limit %d): remove console access (IAM console > Users > %s > Security credentials > Manage console access)",
					days(age), MaxUnusedDays, row.User))
			}
		}
	}
	for i, k := range row.Keys {
		if !k.Active {
			continue
		}
		switch {
		case k.LastUsed != nil:
			if age := now.Sub(*k.LastUsed); age >= maxUnused {
				problems = append(problems, fmt.Sprintf(
					"access key %d not used for %d days (CIS limit %d): deactivate or delete it (IAM console > Users > %s > Security credentials)",
					i+1, days(age), MaxUnusedDays, row.User))
			}
		case k.LastRotated != nil:
			if age := now.Sub(*k.LastRotated); age >= maxUnused {
				problems = append(problems, fmt.Sprintf(
					"access key %d never used, created %d days ago (CIS limit %d): delete it (IAM console > Users > %s > Security credentials)",
					i+1, days(age), MaxUnusedDays, row.User))
			}
		}
	}
	return problems
}

func activeKeysProblems(_ time.Time, row *ReportRow) []string {
	if !row.Keys[0].Active || !row.Keys[1].Active {
		return nil
	}
	return []string{fmt.Sprintf(
		"2 active access keys (CIS allows 1): finish the rotation and delete the key no longer used (IAM console > Users > %s > Security credentials)", row.User)}
}

func keyAgeProblems(now time.Time, row *ReportRow) []string {
	var problems []string
	for i, k := range row.Keys {
		if !k.Active || k.LastRotated == nil {
			continue
		}
		// Ages are counted in whole days, as people count them: a key 90 days
		// and some hours old still meets "rotated every 90 days or less", and
		// the message never says "90 days old (limit 90)".
		if age := now.Sub(*k.LastRotated); days(age) > MaxKeyAgeDays {
			problems = append(problems, fmt.Sprintf(
				"access key %d is %d days old (CIS limit %d): rotate it", i+1, days(age), MaxKeyAgeDays))
		}
	}
	return problems
}

// rootKeyProblems decides 1.4 from the account summary unless it is
// unavailable, and names the active key slots the report shows, if any.
func rootKeyProblems(in Input, root *ReportRow) []string {
	var slots []string
	if root != nil {
		for i, k := range root.Keys {
			if k.Active {
				slots = append(slots, strconv.Itoa(i+1))
			}
		}
	}
	present := in.RootAccessKeysPresent
	if in.RootSummaryUnavailable {
		present = len(slots) > 0
	}
	if !present {
		return nil
	}
	which := "access keys"
	if len(slots) > 0 {
		which = "access key " + strings.Join(slots, " and ")
	}
	return []string{"the root user has " + which +
		": move whatever uses them to an IAM role, then delete them (sign in as the root user > Security credentials > Access keys)"}
}

func rootMFAProblems(in Input, root *ReportRow) []string {
	enabled := in.RootMFAEnabled
	if in.RootSummaryUnavailable {
		enabled = root == nil || root.MFAActive // no root row: nothing to judge by
	}
	if enabled {
		return nil
	}
	return []string{"MFA is not enabled on the root user: enrol an MFA device (sign in as the root user > Security credentials > Multi-factor authentication)"}
}

const noPolicy = "no account password policy is set"

func minLengthProblems(p *PasswordPolicyObserved) []string {
	switch {
	case p == nil:
		return []string{fmt.Sprintf("%s: set one with a minimum length of at least %d (the AccountBaseline passwordPolicy does by default)", noPolicy, MinPasswordLength)}
	case p.MinimumLength < MinPasswordLength:
		return []string{fmt.Sprintf("password policy minimum length is %d (CIS minimum %d): raise passwordPolicy.minimumLength to %d or more", p.MinimumLength, MinPasswordLength, MinPasswordLength)}
	}
	return nil
}

func reuseProblems(p *PasswordPolicyObserved) []string {
	switch {
	case p == nil:
		return []string{fmt.Sprintf("%s: set one that prevents reuse of the last %d passwords (the AccountBaseline passwordPolicy does by default)", noPolicy, MinPasswordReuse)}
	case p.PasswordReusePrevention < MinPasswordReuse:
		return []string{fmt.Sprintf("password policy prevents reuse of the last %d passwords (CIS minimum %d): set passwordPolicy.passwordReusePrevention to %d", p.PasswordReusePrevention, MinPasswordReuse, MinPasswordReuse)}
	}
	return nil
}

// days is a whole number of days, rounded down, for messages.
func days(d time.Duration) int { return int(d / day) }

// CountByControl counts findings per control for the findings metric. Every
// known control is present, with 0 when it passes, so a gauge set from the
// map drops back to 0 once a finding is fixed instead of keeping its value.
func CountByControl(findings []v1alpha1.Finding) map[string]int {
	counts := make(map[string]int, len(Controls))
	for _, c := range Controls {
		counts[c.ID] = 0
	}
	for _, f := range findings {
		counts[f.Control]++
	}
	return counts
}

func sortFindings(fs []v1alpha1.Finding) {
	slices.SortStableFunc(fs, func(a, b v1alpha1.Finding) int {
		return cmp.Or(compareControls(a.Control, b.Control), cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Message, b.Message))
	})
}

// compareControls orders dotted ids numerically, part by part, so "1.9"
// sorts before "1.10"; a part that is not a number compares as text.
func compareControls(a, b string) int {
	for a != "" || b != "" {
		var pa, pb string
		pa, a, _ = strings.Cut(a, ".")
		pb, b, _ = strings.Cut(b, ".")
		na, errA := strconv.Atoi(pa)
		nb, errB := strconv.Atoi(pb)
		var c int
		if errA == nil && errB == nil {
			c = cmp.Compare(na, nb)
		} else {
			c = cmp.Compare(pa, pb)
		}
		if c != 0 {
			return c
		}
	}
	return 0
}
