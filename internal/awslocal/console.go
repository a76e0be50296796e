package awslocal

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// consoleSessionDuration is how long an IAM user's console session lasts.
const consoleSessionDuration = 12 * time.Hour

// ConsoleCredentials are the temporary credentials of a console session, usable with
// any SDK as a static credentials provider.
type ConsoleCredentials struct {
	AccessKeyID     string    `json:"accessKeyID"`
	SecretAccessKey string    `json:"secretAccessKey"`
	SessionToken    string    `json:"sessionToken"`
	Expiration      time.Time `json:"expiration"`
	// PasswordResetRequired: until the user changes their password, the session may
	// call only iam:ChangePassword, iam:GetAccountPasswordPolicy and sts:GetCallerIdentity, as the console's
	// forced password change allows nothing else.
	PasswordResetRequired bool `json:"passwordResetRequired"`
}

// ErrSignInFailed is the console's answer to a wrong account, user name, password or
// MFA code: it does not say which.
var ErrSignInFailed = errors.New("your authentication information is incorrect")

// ConsoleSignIn signs a user in the way the console does, which is not an API: the
// account (its ID or alias), user name and password, plus a current code of one of
// the user's MFA devices once they have one. The session's requests carry
// aws:MultiFactorAuthPresent "true" when a code was given, "false" otherwise, as
// console sessions do. It is a test hook: tests play a person's first day with it.
func (s *Server) ConsoleSignIn(account, userName, password, mfaCode string) (ConsoleCredentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	accountID := account
	if id, ok := s.aliases[account]; ok {
		accountID = id
	}
	acct, ok := s.accounts[accountID]
	if !ok {
		return ConsoleCredentials{}, ErrSignInFailed
	}
	u, ok := acct.users[key(userName)]
	if !ok || u.login == nil || u.login.password != password {
		return ConsoleCredentials{}, ErrSignInFailed
	}
	// With a device enrolled the console asks for a code, and a wrong one fails.
	mfa := false
	if len(u.mfa) > 0 || mfaCode != "" {
		if !acct.validUserMFACode(u, mfaCode, now) {
			return ConsoleCredentials{}, ErrSignInFailed
		}
		mfa = true
	}
	u.passwordLastUsed = now
	who := caller{accountID: acct.id, kind: callerUser, userName: u.name, userID: u.id, userARN: acct.userARN(u),
		temporary: true, console: true, issued: now}
	if mfa {
		who.mfa, who.mfaTime = true, now
	}
	id := accessKeyID(prefixTempKey)
	who.accessKeyID = id
	sess := &session{secret: secretKey(), token: sessionToken(), expires: now.Add(consoleSessionDuration), caller: who}
	s.sessions[id] = sess
	return ConsoleCredentials{AccessKeyID: id, SecretAccessKey: sess.secret, SessionToken: sess.token,
		Expiration: sess.expires, PasswordResetRequired: u.login.resetRequired}, nil
}

// validUserMFACode reports whether code is current for one of u's enabled devices.
func (a *account) validUserMFACode(u *user, code string, now time.Time) bool {
	if !mfaCodePattern.MatchString(code) {
		return false
	}
	for _, serial := range u.mfa {
		d, ok := a.mfa[serial]
		if !ok {
			continue
		}
		if secret, err := decodeSeed(string(d.seed)); err == nil && totpStep(secret, code, now) >= 0 {
			return true
		}
	}
	return false
}

// passwordChangeActions are all a console session may do while its user must still
// replace the initial password.
var passwordChangeActions = map[string]bool{
	"iam:ChangePassword": true, "iam:GetAccountPasswordPolicy": true, "sts:GetCallerIdentity": true,
}

// checkPasswordReset refuses a console session's request, other than the password
// change itself, while the user's password must be reset.
func (c *call) checkPasswordReset(op string) error {
	if !c.caller.console || passwordChangeActions[c.service+":"+op] {
		return nil
	}
	if u, ok := c.acct.users[key(c.caller.userName)]; ok && u.login != nil && u.login.resetRequired {
		return errAccessDenied("User: %s must change the password before performing: %s:%s", c.caller.arn(), c.service, op)
	}
	return nil
}

type consoleSignInRequest struct {
	Account  string `json:"account"`
	UserName string `json:"userName"`
	Password string `json:"password"`
	MFACode  string `json:"mfaCode,omitempty"`
}

// serveConsoleSignIn is POST /_awslocal/console-signin: ConsoleSignIn over HTTP for
// tests in other processes. The password is in the body, never in the URL or the log.
func (s *Server) serveConsoleSignIn(w http.ResponseWriter, r *http.Request) {
	var req consoleSignInRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		http.Error(w, "body: {\"account\", \"userName\", \"password\", \"mfaCode\"}", http.StatusBadRequest)
		return
	}
	creds, err := s.ConsoleSignIn(req.Account, req.UserName, req.Password, req.MFACode)
	if err != nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, creds)
}
