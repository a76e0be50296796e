package awslocal

import (
	"regexp"
	"time"
)

func stsActions() map[string]actionFunc {
	return map[string]actionFunc{
		"GetCallerIdentity": getCallerIdentity,
		"AssumeRole":        assumeRole,
		"GetSessionToken":   getSessionToken,
	}
}

type callerIdentityResult struct{ UserId, Account, Arn string }

func getCallerIdentity(c *call) (any, error) {
	return callerIdentityResult{UserId: c.caller.id(), Account: c.caller.accountID, Arn: c.caller.arn()}, nil
}

type credentialsXML struct {
	AccessKeyId, SecretAccessKey, SessionToken, Expiration string
}

// issueSession creates temporary credentials acting as who until expires.
func (c *call) issueSession(who caller, expires time.Time) credentialsXML {
	id := accessKeyID(prefixTempKey)
	who.accessKeyID, who.temporary, who.issued, who.console = id, true, c.now, false
	sess := &session{secret: secretKey(), token: sessionToken(), expires: expires, caller: who}
	c.s.sessions[id] = sess
	return credentialsXML{AccessKeyId: id, SecretAccessKey: sess.secret, SessionToken: sess.token, Expiration: awsTime(expires)}
}

// durationParam reads DurationSeconds within [min, max], def when absent.
func (c *call) durationParam(def, min, max int) (int, error) {
	d, err := c.p.integer("DurationSeconds", def)
	if err != nil {
		return 0, err
	}
	if d < min {
		return 0, validationFailed(itoa(d), "durationSeconds", "Member must have value greater than or equal to "+itoa(min))
	}
	if d > max {
		return 0, validationFailed(itoa(d), "durationSeconds", "Member must have value less than or equal to "+itoa(max))
	}
	return d, nil
}

type assumedRoleUserXML struct{ AssumedRoleId, Arn string }

type assumeRoleResult struct {
	Credentials     credentialsXML
	AssumedRoleUser assumedRoleUserXML
}

var (
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	roleARNPattern     = regexp.MustCompile(`^arn:aws:iam::(\d{12}):role(/.*/|/)([\w+=,.@-]+)$`)
)

func assumeRole(c *call) (any, error) {
	roleARN, err := c.p.required("RoleArn")
	if err != nil {
		return nil, err
	}
	sessionName, err := c.p.required("RoleSessionName")
	if err != nil {
		return nil, err
	}
	if !sessionNamePattern.MatchString(sessionName) {
		return nil, validationFailed(sessionName, "roleSessionName", `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
	}
	duration, err := c.durationParam(3600, 900, maxSessionDurationCap)
	if err != nil {
		return nil, err
	}
	mfa := false
	if serial := c.p.str("SerialNumber"); serial != "" || c.p.str("TokenCode") != "" {
		if err := c.verifyCallerMFA(serial, c.p.str("TokenCode")); err != nil {
			return nil, err
		}
		mfa = true
	}
	denied := errAccessDenied("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.caller.arn(), roleARN)
	m := roleARNPattern.FindStringSubmatch(roleARN)
	if m == nil {
		return nil, validationFailed(roleARN, "roleArn", "Member must satisfy ARN format")
	}
	target, ok := c.s.accounts[m[1]]
	if !ok {
		return nil, denied
	}
	r, ok := target.roles[key(m[3])]
	if !ok || target.roleARN(r) != roleARN {
		return nil, denied
	}
	trust, err := parsePolicy(r.trust, trustPolicy, 1<<20, "ACLSizePerRole")
	if err != nil || !trust.allowsAssumeRole(c.trustContext(mfa, c.p.str("ExternalId"), sessionName)) {
		return nil, denied
	}
	if duration > r.maxSession {
		return nil, errValidation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if c.caller.kind == callerRole && duration > 3600 {
		return nil, errValidation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	who := caller{accountID: target.id, kind: callerRole, roleName: r.name, roleID: r.id,
		roleARN: target.roleARN(r), sessionName: sessionName}
	switch {
	case mfa:
		who.mfa, who.mfaTime = true, c.now
	case c.caller.mfa:
		// MFA context carries over to a session assumed from an MFA session.
		who.mfa, who.mfaTime = true, c.caller.mfaTime
	}
	r.lastUsed, r.lastUsedRegion = c.now, c.region
	creds := c.issueSession(who, c.now.Add(time.Duration(duration)*time.Second))
	return assumeRoleResult{Credentials: creds, AssumedRoleUser: assumedRoleUserXML{AssumedRoleId: who.id(), Arn: who.arn()}}, nil
}

type sessionTokenResult struct{ Credentials credentialsXML }

func getSessionToken(c *call) (any, error) {
	if c.caller.temporary {
		return nil, errAccessDenied("Cannot call GetSessionToken with session credentials")
	}
	def, max := 43200, 129600
	if c.caller.kind == callerRoot {
		def, max = 3600, 3600
	}
	duration, err := c.durationParam(def, 900, max)
	if err != nil {
		return nil, err
	}
	who := c.caller
	if serial := c.p.str("SerialNumber"); serial != "" || c.p.str("TokenCode") != "" {
		if err := c.verifyCallerMFA(serial, c.p.str("TokenCode")); err != nil {
			return nil, err
		}
		who.mfa, who.mfaTime = true, c.now
	}
	return sessionTokenResult{Credentials: c.issueSession(who, c.now.Add(time.Duration(duration)*time.Second))}, nil
}
