package policy

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// TrustInput is what an AssumableRole's trust section resolves to: plain
// values, no Kubernetes types, so the builder stays pure.
type TrustInput struct {
	// Partition for account root ARNs; empty means "aws".
	Partition string
	// People are IAM user ARNs (resolved from TeamMembers).
	People []string
	// Accounts are 12-digit account IDs; each becomes arn:<p>:iam::<id>:root,
	// i.e. whoever that account's own policies let assume the role.
	Accounts []string
	// RequireMFA adds Bool aws:MultiFactorAuthPresent "true" for people and
	// accounts.
	RequireMFA bool
	// MaxMFAAgeSeconds, when > 0, adds NumericLessThan aws:MultiFactorAuthAge.
	// The key is absent in sessions without MFA, so a maximum age implies MFA.
	MaxMFAAgeSeconds int64
	// ExternalID, when set, adds StringEquals sts:ExternalId for accounts
	// only (the confused-deputy guard for third parties); people switch roles
	// in the console, which cannot send one.
	ExternalID string
	// Services are service principals such as "ec2.amazonaws.com".
	Services []string
	// OIDC lists web-identity providers (EKS IRSA, GitHub Actions, ...).
	OIDC []OIDCTrust
}

// OIDCTrust lets tokens from one OIDC provider assume the role.
type OIDCTrust struct {
	// ProviderARN is arn:<p>:iam::<account>:oidc-provider/<host>.
	ProviderARN string
	// Audience is the required "aud" claim (e.g. "sts.amazonaws.com"). It is
	// required: without it a token minted for any audience would do.
	Audience string
	// Subjects are the allowed "sub" claims; StringLike, so wildcards work
	// ("repo:org/app:*"). At least one is required: without it every
	// identity of the provider (every GitHub repository!) could assume the
	// role.
	Subjects []string
}

// ErrNoPrincipals is returned by Trust when the input names nobody. IAM
// rejects a trust policy without statements, and a role nobody can assume is
// almost certainly a mistake in the spec, so it is an error rather than an
// empty document.
var ErrNoPrincipals = errors.New("the trust names no people, accounts, services or OIDC providers: a role needs at least one principal that may assume it")

// Trust builds a role's trust policy from its resolved spec. Nobody writes
// trust JSON by hand; this is the one place it is written.
//
// Statements come in a fixed order with fixed Sids:
//
//  1. "AllowAWSPrincipals": people and accounts (sorted, de-duplicated), with
//     sts:AssumeRole only, plus the MFA conditions. With an external ID it is
//     two statements instead: "AllowPeople" (MFA conditions only: the console
//     cannot send an external ID, so people would be locked out) and
//     "AllowAccountsWithExternalID" (MFA conditions and sts:ExternalId: the
//     confused-deputy guard applies to accounts, i.e. third parties).
//  2. "AllowServices": service principals with sts:AssumeRole and no MFA
//     condition, because services cannot present MFA.
//  3. "AllowOIDC1", "AllowOIDC2", ...: one statement per provider (sorted by
//     ARN), with sts:AssumeRoleWithWebIdentity and conditions
//     StringEquals <host>:aud and StringLike <host>:sub, where <host> is the
//     part of the provider ARN after "oidc-provider/". A statement per
//     provider because the condition keys differ per provider.
//
// The result is validated with ValidateTrustPolicy; a *ValidationError or
// another error describes what to fix in the spec.
func Trust(in TrustInput) (*Document, error) {
	var errs []string
	if in.MaxMFAAgeSeconds < 0 {
		errs = append(errs, fmt.Sprintf("maximum MFA age %d is negative", in.MaxMFAAgeSeconds))
	}
	people := cleanSet(in.People)
	var accounts []string
	for _, id := range cleanSet(in.Accounts) {
		if !IsAccountID(id) {
			errs = append(errs, fmt.Sprintf("account %q is not a 12-digit AWS account ID", id))
			continue
		}
		accounts = append(accounts, AccountRootARN(in.Partition, id))
	}
	for _, a := range people {
		if !strings.HasPrefix(a, "arn:") {
			errs = append(errs, fmt.Sprintf("person %q is not an IAM user ARN", a))
		}
	}
	aws := cleanSet(append(slices.Clone(people), accounts...))

	var sts []Statement
	mfa := Condition{}
	if in.RequireMFA {
		mfa["Bool"] = map[string]StringList{"aws:MultiFactorAuthPresent": {"true"}}
	}
	if in.MaxMFAAgeSeconds > 0 {
		mfa["NumericLessThan"] = map[string]StringList{"aws:MultiFactorAuthAge": {strconv.FormatInt(in.MaxMFAAgeSeconds, 10)}}
	}
	if in.ExternalID == "" {
		if len(aws) > 0 {
			sts = append(sts, assumeStatement("AllowAWSPrincipals", aws, mfa))
		}
	} else {
		// The console cannot send an external ID, so people get a statement
		// without it; only account principals (third parties calling the API)
		// must present it.
		if len(people) > 0 {
			sts = append(sts, assumeStatement("AllowPeople", people, mfa))
		}
		if len(accounts) > 0 {
			withID := Condition{}
			for op, keys := range mfa {
				withID[op] = keys
			}
			withID["StringEquals"] = map[string]StringList{"sts:ExternalId": {in.ExternalID}}
			sts = append(sts, assumeStatement("AllowAccountsWithExternalID", accounts, withID))
		}
	}

	if services := cleanSet(in.Services); len(services) > 0 {
		sts = append(sts, Statement{
			Sid:       "AllowServices",
			Effect:    Allow,
			Principal: NewPrincipal(PrincipalService, services...),
			Action:    StringList{"sts:AssumeRole"},
		})
	}

	oidc := slices.Clone(in.OIDC)
	sort.SliceStable(oidc, func(i, j int) bool {
		if oidc[i].ProviderARN != oidc[j].ProviderARN {
			return oidc[i].ProviderARN < oidc[j].ProviderARN
		}
		return oidc[i].Audience < oidc[j].Audience
	})
	for i, o := range oidc {
		_, host, ok := strings.Cut(o.ProviderARN, ":oidc-provider/")
		if !ok || host == "" || !strings.HasPrefix(o.ProviderARN, "arn:") {
			errs = append(errs, fmt.Sprintf("OIDC provider %q is not an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/<host>)", o.ProviderARN))
			continue
		}
		subjects := cleanSet(o.Subjects)
		if o.Audience == "" {
			errs = append(errs, fmt.Sprintf("OIDC provider %s: an audience is required (for example sts.amazonaws.com)", host))
		}
		if len(subjects) == 0 {
			errs = append(errs, fmt.Sprintf("OIDC provider %s: at least one subject is required, or every identity of the provider could assume the role", host))
		}
		sts = append(sts, Statement{
			Sid:       "AllowOIDC" + strconv.Itoa(i+1),
			Effect:    Allow,
			Principal: NewPrincipal(PrincipalFederated, o.ProviderARN),
			Action:    StringList{"sts:AssumeRoleWithWebIdentity"},
			Condition: Condition{
				"StringEquals": {host + ":aud": {o.Audience}},
				"StringLike":   {host + ":sub": StringList(subjects)},
			},
		})
	}

	if len(errs) > 0 {
		return nil, &ValidationError{Kind: "trust policy", Problems: errs}
	}
	if len(sts) == 0 {
		return nil, ErrNoPrincipals
	}
	d := &Document{Version: Version2012, Statement: sts}
	if err := ValidateTrustPolicy(d); err != nil {
		return nil, err
	}
	return d, nil
}

// assumeStatement allows sts:AssumeRole to AWS principals under cond (none
// when empty). No sts:TagSession: sessions are not tagged by callers, which
// keeps the grant minimal.
func assumeStatement(sid string, principals []string, cond Condition) Statement {
	st := Statement{
		Sid:       sid,
		Effect:    Allow,
		Principal: NewPrincipal(PrincipalAWS, principals...),
		Action:    StringList{"sts:AssumeRole"},
	}
	if len(cond) > 0 {
		st.Condition = cond
	}
	return st
}

// cleanSet trims, drops empty strings, sorts and de-duplicates.
func cleanSet(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
