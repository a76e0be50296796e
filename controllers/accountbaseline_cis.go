package controllers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/cis"
	"github.com/iam-baseline/operator/internal/conditions"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/metrics"
	"github.com/iam-baseline/operator/internal/plan"
)

// observeAccount reports the root user's state (every reconcile: GetAccountSummary
// is one cheap read) and the CIS findings (refreshed at most every FindingsInterval).
// Nothing here writes to AWS: GenerateCredentialReport only asks AWS to build a report.
func (s *baselineScope) observeAccount(ctx context.Context) error {
	ab := s.ab
	acct := awsx.NewAccount(s.clients)
	root, err := acct.Root(ctx)
	if err != nil {
		return err
	}
	s.root = root
	setRootConditions(&ab.Status.Conditions, ab.Generation, ab.Spec.AccountID, root)

	if s.findingsDue() {
		if err := s.refreshFindings(ctx, acct); err != nil {
			return err
		}
	}
	s.reportFindings()
	return nil
}

// findingsDue: never read, older than the interval, or the password policy in force
// is not the one the last findings judged (it was just changed).
func (s *baselineScope) findingsDue() bool {
	st := s.ab.Status
	if st.FindingsCheckedAt == nil {
		return true
	}
	interval := s.r.FindingsInterval
	if interval <= 0 {
		interval = DefaultFindingsInterval
	}
	return s.r.now().Sub(st.FindingsCheckedAt.Time) >= interval || s.passwordPolicyChanged()
}

func (s *baselineScope) passwordPolicyChanged() bool {
	for _, f := range s.ab.Status.Findings {
		if f.Control == cis.PasswordMinimumLength || f.Control == cis.PasswordReuse {
			p := s.passwordPolicy
			return p != nil && p.MinimumLength >= cis.MinPasswordLength && p.PasswordReusePrevention >= cis.MinPasswordReuse
		}
	}
	return false
}

func (s *baselineScope) refreshFindings(ctx context.Context, acct *awsx.Account) error {
	ab := s.ab
	report, generated, err := acct.CredentialReport(ctx)
	if errors.Is(err, awsx.ErrReportNotReady) {
		s.findingsPending = true
		return nil
	}
	if err != nil {
		return err
	}
	rows, err := cis.ParseCredentialReport(report)
	if err != nil {
		return fmt.Errorf("reading the credential report of account %s: %w", ab.Spec.AccountID, err)
	}
	// 1.15 (permissions through groups only): the operator's own assume-role grant
	// is an inline policy on each TeamMember's user by design: it names exactly the
	// roles that trust the member, which a group policy shared by many users cannot.
	// It grants only sts:AssumeRole, and the permissions themselves stay on the roles,
	// so it is not the drift 1.15 looks for and is not counted; nor is the same grant
	// in the member's own managed policy, where it goes when it outgrows the inline
	// quota.
	users, err := acct.UsersWithDirectPolicies(ctx, []string{AssumeRolePolicyName}, desired.IsOwnAssumeRolePolicy)
	if err != nil {
		return err
	}
	findings := cis.Findings(cis.Input{
		Now:                       generated,
		Report:                    rows,
		PasswordPolicy:            cisPasswordPolicy(s.passwordPolicy),
		UsersWithAttachedPolicies: users,
		RootMFAEnabled:            s.root.MFAEnabled,
		RootAccessKeysPresent:     s.root.AccessKeysPresent,
	})
	if len(findings) == 0 {
		findings = nil
	}
	ab.Status.Findings = findings
	ab.Status.FindingsGeneratedAt = &metav1.Time{Time: generated}
	ab.Status.FindingsCheckedAt = &metav1.Time{Time: s.r.now()}
	return nil
}

func cisPasswordPolicy(p *plan.PasswordPolicy) *cis.PasswordPolicyObserved {
	if p == nil {
		return nil
	}
	return &cis.PasswordPolicyObserved{
		MinimumLength: p.MinimumLength, PasswordReusePrevention: p.PasswordReusePrevention,
		RequireSymbols: p.RequireSymbols, RequireNumbers: p.RequireNumbers,
		RequireUppercase: p.RequireUppercase, RequireLowercase: p.RequireLowercase,
		AllowUsersToChangePassword: p.AllowUsersToChangePassword,
		MaxPasswordAgeDays:         p.MaxPasswordAgeDays, HardExpiry: p.HardExpiry,
	}
}

// reportFindings sets CISCompliant and the findings gauge (every control, 0 when it
// passes) from status.findings.
func (s *baselineScope) reportFindings() {
	ab := s.ab
	if ab.Status.FindingsCheckedAt == nil {
		conditions.Set(&ab.Status.Conditions, ab.Generation, iamv1.ConditionCISCompliant, metav1.ConditionUnknown, "ReportPending",
			"waiting for AWS to generate the credential report")
		return
	}
	counts := cis.CountByControl(ab.Status.Findings)
	for control, n := range counts {
		metrics.CISFindings.WithLabelValues(ab.Spec.AccountID, control).Set(float64(n))
	}
	if len(ab.Status.Findings) == 0 {
		conditions.Set(&ab.Status.Conditions, ab.Generation, iamv1.ConditionCISCompliant, metav1.ConditionTrue, "NoFindings",
			"the account passes the CIS AWS Foundations IAM controls the operator checks")
		return
	}
	var parts []string
	for _, c := range cis.Controls {
		if n := counts[c.ID]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %s: %d", c.ID, c.Title, n))
		}
	}
	conditions.Set(&ab.Status.Conditions, ab.Generation, iamv1.ConditionCISCompliant, metav1.ConditionFalse, "FindingsOpen",
		fmt.Sprintf("%d CIS finding(s), see status.findings: %s", len(ab.Status.Findings), strings.Join(parts, "; ")))
}

// setRootConditions reports the root user's state. AWS has no API to fix either, so
// the messages tell a person what to do in the console; they do not affect Ready.
func setRootConditions(conds *[]metav1.Condition, generation int64, accountID string, root awsx.RootState) {
	if root.MFAEnabled {
		conditions.Set(conds, generation, iamv1.ConditionRootMFAEnabled, metav1.ConditionTrue, "RootMFAEnabled", "the root user has MFA enabled")
	} else {
		conditions.Set(conds, generation, iamv1.ConditionRootMFAEnabled, metav1.ConditionFalse, "RootMFADisabled",
			"the root user of account "+accountID+" has no MFA device: sign in to the console as the root user, open IAM > Security credentials and assign an MFA device (AWS offers no API for this, so the operator cannot do it)")
	}
	if !root.AccessKeysPresent {
		conditions.Set(conds, generation, iamv1.ConditionRootAccessKeysAbsent, metav1.ConditionTrue, "NoRootAccessKeys", "the root user has no access keys")
	} else {
		conditions.Set(conds, generation, iamv1.ConditionRootAccessKeysAbsent, metav1.ConditionFalse, "RootAccessKeysPresent",
			"the root user of account "+accountID+" has access keys: move whatever uses them to an IAM role, then sign in to the console as the root user, open IAM > Security credentials and delete the root access keys (AWS offers no API for this, so the operator cannot do it)")
	}
}
