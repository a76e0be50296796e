package aws

import (
	"context"
	"errors"
	"slices"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iam-baseline/operator/internal/plan"
)

// Account reads and writes account-wide IAM settings: the alias, the password
// policy, the account summary and the credential report.
type Account struct {
	iam  *iam.Client
	snap *snapshotView
}

// NewAccount returns the account settings service of an account.
func NewAccount(c *Clients) *Account { return &Account{iam: c.IAM, snap: c.snap} }

// Aliases lists the account's aliases (IAM allows one).
func (a *Account) Aliases(ctx context.Context) ([]string, error) {
	return allPages(ctx, iam.NewListAccountAliasesPaginator(a.iam, &iam.ListAccountAliasesInput{}),
		func(o *iam.ListAccountAliasesOutput) []string { return o.AccountAliases })
}

// CreateAlias sets the account alias.
func (a *Account) CreateAlias(ctx context.Context, alias string) error {
	_, err := a.iam.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: &alias})
	return err
}

// DeleteAlias removes an alias; one already gone is fine.
func (a *Account) DeleteAlias(ctx context.Context, alias string) error {
	_, err := a.iam.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: &alias})
	if IsNotFound(err) {
		return nil
	}
	return err
}

// PasswordPolicy reads the password policy; nil when the account has none.
func (a *Account) PasswordPolicy(ctx context.Context) (*plan.PasswordPolicy, error) {
	out, err := a.iam.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	if IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := out.PasswordPolicy
	return &plan.PasswordPolicy{
		MinimumLength:              awssdk.ToInt32(p.MinimumPasswordLength),
		PasswordReusePrevention:    awssdk.ToInt32(p.PasswordReusePrevention),
		RequireSymbols:             p.RequireSymbols,
		RequireNumbers:             p.RequireNumbers,
		RequireUppercase:           p.RequireUppercaseCharacters,
		RequireLowercase:           p.RequireLowercaseCharacters,
		AllowUsersToChangePassword: p.AllowUsersToChangePassword,
		MaxPasswordAgeDays:         awssdk.ToInt32(p.MaxPasswordAge),
		HardExpiry:                 awssdk.ToBool(p.HardExpiry),
	}, nil
}

// UpdatePasswordPolicy replaces the password policy.
func (a *Account) UpdatePasswordPolicy(ctx context.Context, p plan.PasswordPolicy) error {
	in := &iam.UpdateAccountPasswordPolicyInput{
		MinimumPasswordLength:      awssdk.Int32(p.MinimumLength),
		RequireSymbols:             p.RequireSymbols,
		RequireNumbers:             p.RequireNumbers,
		RequireUppercaseCharacters: p.RequireUppercase,
		RequireLowercaseCharacters: p.RequireLowercase,
		AllowUsersToChangePassword: p.AllowUsersToChangePassword,
		HardExpiry:                 awssdk.Bool(p.HardExpiry),
	}
	if p.PasswordReusePrevention > 0 {
		in.PasswordReusePrevention = awssdk.Int32(p.PasswordReusePrevention)
	}
	if p.MaxPasswordAgeDays > 0 {
		in.MaxPasswordAge = awssdk.Int32(p.MaxPasswordAgeDays)
	}
	_, err := a.iam.UpdateAccountPasswordPolicy(ctx, in)
	return err
}

// DeletePasswordPolicy removes the password policy; none is fine.
func (a *Account) DeletePasswordPolicy(ctx context.Context) error {
	_, err := a.iam.DeleteAccountPasswordPolicy(ctx, &iam.DeleteAccountPasswordPolicyInput{})
	if IsNotFound(err) {
		return nil
	}
	return err
}

// RootState is what GetAccountSummary says about the root user.
type RootState struct{ MFAEnabled, AccessKeysPresent bool }

// Root reads the root user's MFA and access-key state from the account summary.
func (a *Account) Root(ctx context.Context) (RootState, error) {
	out, err := a.iam.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
	if err != nil {
		return RootState{}, err
	}
	m := out.SummaryMap
	return RootState{
		MFAEnabled:        m[string(iamtypes.SummaryKeyTypeAccountMFAEnabled)] == 1,
		AccessKeysPresent: m[string(iamtypes.SummaryKeyTypeAccountAccessKeysPresent)] == 1,
	}, nil
}

// ErrReportNotReady: the credential report is still being generated.
var ErrReportNotReady = errors.New("the credential report is being generated")

// CredentialReport asks IAM for the credential report and returns it once complete,
// with the time it was generated. GenerateCredentialReport is cheap when a fresh
// report exists (AWS keeps one for four hours). ErrReportNotReady means ask again
// soon; the caller does not wait.
func (a *Account) CredentialReport(ctx context.Context) ([]byte, time.Time, error) {
	gen, err := a.iam.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
	if err != nil {
		return nil, time.Time{}, err
	}
	if gen.State != iamtypes.ReportStateTypeComplete {
		return nil, time.Time{}, ErrReportNotReady
	}
	out, err := a.iam.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	switch Code(err) {
	case "":
	case "ReportInProgress", "ReportNotPresent", "ReportExpired":
		return nil, time.Time{}, ErrReportNotReady
	default:
		return nil, time.Time{}, err
	}
	return out.Content, awssdk.ToTime(out.GeneratedTime), nil
}

// UsersWithDirectPolicies lists the users with managed policies attached directly or
// inline policies, ignoring inline policies named in ignoreInline and attached
// policies for which ignoreAttached(user, arn) is true (nil ignores none). The
// account snapshot answers it without a call of its own; without one, it is
// ListUsers and two reads per user.
func (a *Account) UsersWithDirectPolicies(ctx context.Context, ignoreInline []string, ignoreAttached func(user, arn string) bool) ([]string, error) {
	counted := func(user string, attached []string) bool {
		return slices.ContainsFunc(attached, func(arn string) bool { return ignoreAttached == nil || !ignoreAttached(user, arn) })
	}
	var out []string
	if a.snap != nil && a.snap.cache != nil {
		s, err := a.snap.cache.current(ctx, a.iam)
		if err != nil {
			return nil, err
		}
		for _, u := range s.users {
			direct := counted(u.Name, u.Attached)
			for _, p := range u.Inline {
				direct = direct || !slices.Contains(ignoreInline, p.Name)
			}
			if direct {
				out = append(out, u.Name)
			}
		}
		slices.Sort(out)
		return out, nil
	}
	p := iam.NewListUsersPaginator(a.iam, &iam.ListUsersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, u := range page.Users {
			name := awssdk.ToString(u.UserName)
			has, err := a.hasDirectPolicies(ctx, name, ignoreInline, counted)
			if IsNotFound(err) {
				continue // deleted while we looked
			}
			if err != nil {
				return nil, err
			}
			if has {
				out = append(out, name)
			}
		}
	}
	return out, nil
}

func (a *Account) hasDirectPolicies(ctx context.Context, name string, ignoreInline []string, counted func(string, []string) bool) (bool, error) {
	// A user has at most ten attached policies: one page holds them all.
	att, err := a.iam.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: &name, MaxItems: awssdk.Int32(10)})
	if err != nil {
		return false, err
	}
	if counted(name, policyARNs(att.AttachedPolicies)) {
		return true, nil
	}
	p := iam.NewListUserPoliciesPaginator(a.iam, &iam.ListUserPoliciesInput{UserName: &name})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return false, err
		}
		for _, n := range page.PolicyNames {
			if !slices.Contains(ignoreInline, n) {
				return true, nil
			}
		}
	}
	return false, nil
}
