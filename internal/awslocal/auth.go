package awslocal

import (
	"net/http"
	"strings"
	"time"
)

type callerKind int

const (
	callerRoot callerKind = iota
	callerUser
	callerRole
)

// caller is the authenticated identity a request acts as.
type caller struct {
	accountID   string
	kind        callerKind
	userName    string // callerUser
	userID      string // callerUser
	userARN     string // callerUser
	roleName    string // callerRole
	roleID      string // callerRole
	roleARN     string // callerRole
	sessionName string // callerRole
	accessKeyID string
	temporary   bool
	issued      time.Time // temporary credentials: when they were issued
	console     bool      // a console session (ConsoleSignIn)
	mfa         bool      // session created with an MFA code
	mfaTime     time.Time // when that code was given
}

// arn is the caller's ARN as STS GetCallerIdentity reports it.
func (c caller) arn() string {
	switch c.kind {
	case callerUser:
		return c.userARN
	case callerRole:
		return "arn:aws:sts::" + c.accountID + ":assumed-role/" + c.roleName + "/" + c.sessionName
	}
	return "arn:aws:iam::" + c.accountID + ":root"
}

func (c caller) id() string {
	switch c.kind {
	case callerUser:
		return c.userID
	case callerRole:
		return c.roleID + ":" + c.sessionName
	}
	return c.accountID
}

// session is a set of temporary credentials from AssumeRole or GetSessionToken.
type session struct {
	secret  string
	token   string
	expires time.Time
	caller  caller
}

// authenticate resolves the access key of a signed request, verifies the
// signature with its secret and returns who the request acts as.
func (s *Server) authenticate(r *http.Request, body []byte, a sigV4Auth) (caller, *awsError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	token := r.Header.Get("X-Amz-Security-Token")

	if rk, ok := s.rootKeys[a.AccessKeyID]; ok {
		if !verifySigV4(r, body, a, rk.secret) {
			return caller{}, errBadSignature
		}
		return caller{accountID: rk.accountID, kind: callerRoot, accessKeyID: a.AccessKeyID}, nil
	}
	if sess, ok := s.sessions[a.AccessKeyID]; ok {
		if token != sess.token {
			return caller{}, errInvalidToken
		}
		if !verifySigV4(r, body, a, sess.secret) {
			return caller{}, errBadSignature
		}
		if !s.now().Before(sess.expires) {
			return caller{}, errExpiredToken
		}
		c := sess.caller
		if c.kind == callerUser {
			// Sessions of a deleted user die with the user.
			if _, ok := s.accountLocked(c.accountID).users[key(c.userName)]; !ok {
				return caller{}, errInvalidToken
			}
		}
		return c, nil
	}
	if ref, ok := s.userKeys[a.AccessKeyID]; ok {
		acct := s.accounts[ref.accountID]
		u := acct.users[ref.userKey]
		k := findKey(u, a.AccessKeyID)
		if k == nil || k.status != "Active" || token != "" {
			return caller{}, errInvalidToken
		}
		if !verifySigV4(r, body, a, k.secret) {
			return caller{}, errBadSignature
		}
		k.lastUsed, k.lastService, k.lastRegion = s.now(), a.Service, a.Region
		return caller{
			accountID: acct.id, kind: callerUser, userName: u.name, userID: u.id,
			userARN: acct.userARN(u), accessKeyID: a.AccessKeyID,
		}, nil
	}
	return caller{}, errInvalidToken
}

func findKey(u *user, id string) *accessKey {
	for _, k := range u.keys {
		if k.id == id {
			return k
		}
	}
	return nil
}

// callerUserName resolves an optional UserName parameter: when absent, IAM
// acts on the calling user; callers that are not IAM users must name one.
func (c *call) callerUserName(param string) (string, error) {
	if name := c.p.str(param); name != "" {
		return name, nil
	}
	if c.caller.kind == callerUser {
		return c.caller.userName, nil
	}
	return "", errValidation("Must specify userName when calling with non-User credentials")
}

// callerUser is the user named by the UserName parameter, or the calling user
// when it is omitted, as IAM resolves it.
func (c *call) callerUser() (*user, error) {
	name, err := c.callerUserName("UserName")
	if err != nil {
		return nil, err
	}
	return c.acct.getUser(name)
}

func isTemporaryKey(id string) bool { return strings.HasPrefix(id, prefixTempKey) }
