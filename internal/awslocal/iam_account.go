package awslocal

import (
	"strings"
	"time"
)

type passwordPolicyXML struct {
	MinimumPasswordLength      int
	RequireSymbols             bool
	RequireNumbers             bool
	RequireUppercaseCharacters bool
	RequireLowercaseCharacters bool
	AllowUsersToChangePassword bool
	ExpirePasswords            bool
	MaxPasswordAge             int  `xml:",omitempty"`
	PasswordReusePrevention    int  `xml:",omitempty"`
	HardExpiry                 bool `xml:",omitempty"`
}

func updateAccountPasswordPolicy(c *call) (any, error) {
	pp := &passwordPolicy{
		MinimumPasswordLength:      6,
		RequireSymbols:             c.p.boolean("RequireSymbols"),
		RequireNumbers:             c.p.boolean("RequireNumbers"),
		RequireUppercaseCharacters: c.p.boolean("RequireUppercaseCharacters"),
		RequireLowercaseCharacters: c.p.boolean("RequireLowercaseCharacters"),
		AllowUsersToChangePassword: c.p.boolean("AllowUsersToChangePassword"),
		HardExpiry:                 c.p.boolean("HardExpiry"),
	}
	ranges := []struct {
		param    string
		dst      *int
		def      int
		min, max int
	}{
		{"MinimumPasswordLength", &pp.MinimumPasswordLength, 6, 6, 128},
		{"MaxPasswordAge", &pp.MaxPasswordAge, 0, 1, 1095},
		{"PasswordReusePrevention", &pp.PasswordReusePrevention, 0, 1, 24},
	}
	for _, r := range ranges {
		n, err := c.p.integer(r.param, r.def)
		if err != nil {
			return nil, err
		}
		if c.p.has(r.param) && n < r.min {
			return nil, validationFailed(itoa(n), lowerFirst(r.param), "Member must have value greater than or equal to "+itoa(r.min))
		}
		if n > r.max {
			return nil, validationFailed(itoa(n), lowerFirst(r.param), "Member must have value less than or equal to "+itoa(r.max))
		}
		*r.dst = n
	}
	c.acct.passwordPolicy = pp
	return nil, nil
}

type passwordPolicyResult struct{ PasswordPolicy passwordPolicyXML }

func getAccountPasswordPolicy(c *call) (any, error) {
	pp := c.acct.passwordPolicy
	if pp == nil {
		return nil, errNoSuchEntity("The Password Policy with domain name %s cannot be found.", c.acct.id)
	}
	return passwordPolicyResult{passwordPolicyXML{
		MinimumPasswordLength: pp.MinimumPasswordLength, RequireSymbols: pp.RequireSymbols,
		RequireNumbers: pp.RequireNumbers, RequireUppercaseCharacters: pp.RequireUppercaseCharacters,
		RequireLowercaseCharacters: pp.RequireLowercaseCharacters, AllowUsersToChangePassword: pp.AllowUsersToChangePassword,
		ExpirePasswords: pp.MaxPasswordAge > 0, MaxPasswordAge: pp.MaxPasswordAge,
		PasswordReusePrevention: pp.PasswordReusePrevention, HardExpiry: pp.HardExpiry,
	}}, nil
}

func deleteAccountPasswordPolicy(c *call) (any, error) {
	if c.acct.passwordPolicy == nil {
		return nil, errNoSuchEntity("The account policy with name PasswordPolicy cannot be found.")
	}
	c.acct.passwordPolicy = nil
	return nil, nil
}

// validAlias implements ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$ without lookahead.
func validAlias(a string) bool {
	if len(a) < 3 || len(a) > 63 || a[0] == '-' || a[len(a)-1] == '-' || strings.Contains(a, "--") {
		return false
	}
	for _, r := range a {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func createAccountAlias(c *call) (any, error) {
	alias := c.p.str("AccountAlias")
	if !validAlias(alias) {
		return nil, validationFailed(alias, "accountAlias", `Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`)
	}
	if owner, taken := c.s.aliases[alias]; taken {
		if owner == c.acct.id {
			return nil, nil
		}
		return nil, errAlreadyExists("The account alias %s already exists.", alias)
	}
	// An account has one alias; creating another replaces it (the old name is
	// released), so the account is never without one in between.
	if c.acct.alias != "" {
		delete(c.s.aliases, c.acct.alias)
	}
	c.acct.alias = alias
	c.s.aliases[alias] = c.acct.id
	return nil, nil
}

func deleteAccountAlias(c *call) (any, error) {
	alias := c.p.str("AccountAlias")
	if c.acct.alias == "" || c.acct.alias != alias {
		return nil, errNoSuchEntity("The account alias %s cannot be found.", alias)
	}
	delete(c.s.aliases, alias)
	c.acct.alias = ""
	return nil, nil
}

type listAliasesResult struct {
	AccountAliases []string `xml:"AccountAliases>member"`
	pageInfo
}

func listAccountAliases(c *call) (any, error) {
	aliases := []string{}
	if c.acct.alias != "" {
		aliases = append(aliases, c.acct.alias)
	}
	page, info, err := paginate(c, aliases)
	if err != nil {
		return nil, err
	}
	return listAliasesResult{AccountAliases: append([]string{}, page...), pageInfo: info}, nil
}

type summaryEntry struct {
	Key   string `xml:"key"`
	Value int    `xml:"value"`
}

type accountSummaryResult struct {
	SummaryMap []summaryEntry `xml:"SummaryMap>entry"`
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func getAccountSummary(c *call) (any, error) {
	a := c.acct
	mfaInUse, versions := 0, 0
	for _, d := range a.mfa {
		if d.user != "" {
			mfaInUse++
		}
	}
	for _, p := range a.policies {
		versions += len(p.versions)
	}
	m := []summaryEntry{
		{"Users", len(a.users)}, {"UsersQuota", 5000},
		{"Groups", len(a.groups)}, {"GroupsQuota", 300},
		{"Roles", len(a.roles)}, {"RolesQuota", 1000},
		{"Policies", len(a.policies)}, {"PoliciesQuota", 1500},
		{"PolicyVersionsInUse", versions}, {"PolicyVersionsInUseQuota", 10000},
		{"VersionsPerPolicyQuota", 5}, {"PolicySizeQuota", managedPolicySizeQuota},
		{"UserPolicySizeQuota", userPolicySizeQuota}, {"GroupPolicySizeQuota", groupPolicySizeQuota},
		{"RolePolicySizeQuota", rolePolicySizeQuota}, {"AssumeRolePolicySizeQuota", trustPolicySizeQuota},
		{"AttachedPoliciesPerUserQuota", maxAttachedPolicies}, {"AttachedPoliciesPerGroupQuota", maxAttachedPolicies},
		{"AttachedPoliciesPerRoleQuota", maxAttachedPolicies}, {"GroupsPerUserQuota", maxGroupsPerUser},
		{"AccessKeysPerUserQuota", maxAccessKeysPerUser}, {"SigningCertificatesPerUserQuota", 2},
		{"MFADevices", len(a.mfa)}, {"MFADevicesInUse", mfaInUse},
		{"AccountMFAEnabled", boolInt(a.rootMFA)}, {"AccountAccessKeysPresent", boolInt(a.rootKeys)},
		{"AccountSigningCertificatesPresent", 0}, {"ServerCertificates", 0}, {"ServerCertificatesQuota", 20},
		{"InstanceProfiles", 0}, {"InstanceProfilesQuota", 1000}, {"Providers", 0},
		{"GlobalEndpointTokenVersion", 1},
	}
	return accountSummaryResult{SummaryMap: m}, nil
}

// Test hooks: state no API can set.

// SetRootAccountState sets what GetAccountSummary and the credential report
// say about the root user: MFA enabled and access keys present.
func (s *Server) SetRootAccountState(accountID string, mfaEnabled, accessKeysPresent bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accountLocked(accountID)
	a.rootMFA, a.rootKeys = mfaEnabled, accessKeysPresent
}

// SetAccessKeyCreateDate back-dates an access key, e.g. to test rotation.
func (s *Server) SetAccessKeyCreateDate(accountID, userName, accessKeyID string, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.accountLocked(accountID).users[key(userName)]; ok {
		if k := findKey(u, accessKeyID); k != nil {
			k.created = t.UTC()
		}
	}
}

// SetAccessKeyLastUsed records a use of an access key.
func (s *Server) SetAccessKeyLastUsed(accountID, accessKeyID string, t time.Time, service, region string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ref, ok := s.userKeys[accessKeyID]
	if !ok || ref.accountID != accountID {
		return
	}
	if k := findKey(s.accounts[accountID].users[ref.userKey], accessKeyID); k != nil {
		k.lastUsed, k.lastService, k.lastRegion = t.UTC(), service, region
	}
}

// SetPasswordLastUsed records a console sign-in of a user.
func (s *Server) SetPasswordLastUsed(accountID, userName string, t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.accountLocked(accountID).users[key(userName)]; ok {
		u.passwordLastUsed = t.UTC()
	}
}
