package awslocal

import (
	"sort"
	"strings"
	"time"
)

// account is one AWS account's IAM state. Names are case-insensitive in IAM
// (you cannot have both "Alice" and "alice"), so maps are keyed by the
// lower-cased name and entities keep the spelling they were created with.
type account struct {
	id      string
	created time.Time

	users    map[string]*user
	groups   map[string]*group
	roles    map[string]*role
	policies map[string]*managedPolicy // customer-managed, by lower-cased name
	mfa      map[string]*mfaDevice     // virtual MFA devices, by lower-cased serial

	// attachCount counts attachments per lower-cased policy ARN (customer and
	// AWS managed) within this account: AttachmentCount is per account.
	attachCount map[string]int

	passwordPolicy *passwordPolicy
	alias          string
	rootMFA        bool
	rootKeys       bool
	report         *credentialReport
}

type tag struct{ Key, Value string }

// policyHolder is what users, groups and roles share: inline policies (name ->
// original document text) and attached managed policy ARNs in attach order.
type policyHolder struct {
	inline   map[string]string
	attached []string
}

func (h *policyHolder) hasPolicies() bool { return len(h.inline) > 0 || len(h.attached) > 0 }

func (h *policyHolder) inlineNames() []string {
	names := make([]string, 0, len(h.inline))
	for n := range h.inline {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

type user struct {
	name, path, id   string
	created          time.Time
	tags             []tag
	boundary         string
	groups           []string // lower-cased group names
	login            *loginProfile
	keys             []*accessKey
	mfa              []string // lower-cased serials of enabled devices
	sshKeys          []*sshKey
	passwordLastUsed time.Time
	policyHolder
}

type group struct {
	name, path, id string
	created        time.Time
	members        []string // lower-cased user names, in join order
	policyHolder
}

type role struct {
	name, path, id string
	created        time.Time
	trust          string
	description    string
	maxSession     int
	boundary       string
	tags           []tag
	lastUsed       time.Time // last AssumeRole into it
	lastUsedRegion string
	policyHolder
}

type managedPolicy struct {
	name, path, id, arn string
	description         string
	created, updated    time.Time
	versions            []*policyVersion
	defaultVersion      string
	nextVersion         int
	tags                []tag
	awsManaged          bool
}

type policyVersion struct {
	id      string
	doc     string
	created time.Time
}

type loginProfile struct {
	created       time.Time
	password      string
	resetRequired bool
	changed       time.Time
}

type accessKey struct {
	id, secret  string
	status      string
	created     time.Time
	lastUsed    time.Time
	lastService string
	lastRegion  string
}

type mfaDevice struct {
	serial  string
	seed    []byte
	created time.Time
	user    string // lower-cased user name while enabled
	enabled time.Time
}

type userKeyRef struct {
	accountID string
	userKey   string
}

func key(name string) string { return strings.ToLower(name) }

// accountLocked returns the account's state, creating it on first use.
func (s *Server) accountLocked(id string) *account {
	if a, ok := s.accounts[id]; ok {
		return a
	}
	a := &account{
		id:          id,
		created:     s.now(),
		users:       map[string]*user{},
		groups:      map[string]*group{},
		roles:       map[string]*role{},
		policies:    map[string]*managedPolicy{},
		mfa:         map[string]*mfaDevice{},
		attachCount: map[string]int{},
	}
	s.accounts[id] = a
	return a
}

// knownAccount reports whether accountID is configured or has state; only
// for those can the emulator tell that a principal does not exist.
func (s *Server) knownAccount(id string) bool {
	_, ok := s.accounts[id]
	return ok
}

func (a *account) userARN(u *user) string {
	return "arn:aws:iam::" + a.id + ":user" + u.path + u.name
}

func (a *account) groupARN(g *group) string {
	return "arn:aws:iam::" + a.id + ":group" + g.path + g.name
}

func (a *account) roleARN(r *role) string {
	return "arn:aws:iam::" + a.id + ":role" + r.path + r.name
}

func (a *account) policyARN(path, name string) string {
	return "arn:aws:iam::" + a.id + ":policy" + path + name
}

func (a *account) mfaSerial(path, name string) string {
	return "arn:aws:iam::" + a.id + ":mfa" + path + name
}

func (a *account) getUser(name string) (*user, error) {
	u, ok := a.users[key(name)]
	if !ok {
		return nil, errNoSuchEntity("The user with name %s cannot be found.", name)
	}
	return u, nil
}

func (a *account) getGroup(name string) (*group, error) {
	g, ok := a.groups[key(name)]
	if !ok {
		return nil, errNoSuchEntity("The group with name %s cannot be found.", name)
	}
	return g, nil
}

func (a *account) getRole(name string) (*role, error) {
	r, ok := a.roles[key(name)]
	if !ok {
		return nil, errNoSuchEntity("The role with name %s cannot be found.", name)
	}
	return r, nil
}

// sortedValues returns a map's values ordered by key, for stable listings.
func sortedValues[V any](m map[string]V) []V {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}
