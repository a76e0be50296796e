package awslocal

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Authorisation of requests, opt-in per account. Off (the default), every
// authenticated request is allowed, as the emulator always did: the operator
// acts as the account's admin. On, a request by an IAM user or a role session
// is allowed only if that identity's own policies allow it, evaluated as IAM
// does, so a test can play a person and see the MFA policy deny them. Requests
// signed with the configured account credentials act as root and are never
// refused.

// RequireAuthorization turns authorisation of the account's user and role
// requests on or off. The setting is configuration: it survives Reset.
func (s *Server) RequireAuthorization(accountID string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if on {
		s.authorizing[accountID] = true
	} else {
		delete(s.authorizing, accountID)
	}
}

// authzRequest is one request as IAM's evaluator sees it.
type authzRequest struct {
	principal string // the caller's ARN, for messages
	action    string // "iam:CreateUser"
	resource  string // ARN, or "*" for actions without a resource
	keys      map[string][]string
	identity  []*policyDoc // user inline + attached + groups'; or the role's
	boundary  *policyDoc   // nil when the identity has none
}

type decision int

const (
	implicitDeny decision = iota
	allowed
	explicitDeny
)

// authorize runs before every Query action: a console session that must still
// change its password can do nothing else, and in an account that requires it,
// the caller's policies must allow the request.
func (c *call) authorize(op string) error {
	if err := c.checkPasswordReset(op); err != nil {
		return err
	}
	if c.caller.kind == callerRoot || !c.s.authorizing[c.caller.accountID] {
		return nil
	}
	if c.service == "sts" && op == "GetCallerIdentity" {
		return nil // needs no permission: AWS answers it even under an explicit deny
	}
	req, err := c.authzRequest(op)
	if err != nil {
		return err
	}
	d := req.decide()
	if d == implicitDeny && req.action == "sts:AssumeRole" && c.trustNamesCaller(req.resource) {
		// A role's trust policy is a resource-based policy: naming the caller
		// itself (not its account) allows the call without an identity grant.
		d = allowed
	}
	switch d {
	case allowed:
		return nil
	case explicitDeny:
		return errAccessDenied("User: %s is not authorized to perform: %s on resource: %s with an explicit deny in an identity-based policy",
			req.principal, req.action, req.resource)
	}
	return errAccessDenied("User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
		req.principal, req.action, req.resource, req.action)
}

// authzRequest gathers the action, resource, context keys and the caller's
// policies for op.
func (c *call) authzRequest(op string) (*authzRequest, error) {
	req := &authzRequest{
		principal: c.caller.arn(),
		action:    c.iamAction(op),
		resource:  c.requestResource(op),
		keys:      c.requestKeys(c.mfaInRequest(op)),
	}
	var docs []string
	var boundary string
	switch c.caller.kind {
	case callerUser:
		u, ok := c.acct.users[key(c.caller.userName)]
		if !ok {
			return nil, errInvalidToken
		}
		docs = c.acct.holderDocs(&u.policyHolder)
		for _, g := range u.groups {
			if grp, ok := c.acct.groups[g]; ok {
				docs = append(docs, c.acct.holderDocs(&grp.policyHolder)...)
			}
		}
		boundary = u.boundary
	case callerRole:
		r, ok := c.acct.roles[key(c.caller.roleName)]
		if !ok {
			return nil, errInvalidToken
		}
		docs = c.acct.holderDocs(&r.policyHolder)
		boundary = r.boundary
	}
	for _, d := range docs {
		if p, err := parsePolicy(d, identityPolicy, 1<<20, ""); err == nil {
			req.identity = append(req.identity, p)
		}
	}
	if boundary != "" {
		doc := c.acct.managedDoc(boundary)
		p, err := parsePolicy(doc, identityPolicy, 1<<20, "")
		if err != nil {
			p = &policyDoc{} // an unreadable boundary allows nothing
		}
		req.boundary = p
	}
	return req, nil
}

// iamAction is the action IAM authorises op as. Budgets' API operations map to two
// actions (Service Authorization Reference: budgets:ViewBudget, budgets:ModifyBudget).
func (c *call) iamAction(op string) string {
	if c.service == "budgets" {
		if strings.HasPrefix(op, "Describe") {
			return "budgets:ViewBudget"
		}
		return "budgets:ModifyBudget"
	}
	return c.service + ":" + op
}

// authorizeBudgets authorises a Budgets request (JSON protocol, served outside
// runQueryAction) under the state lock.
func (s *Server) authorizeBudgets(who caller, op, region string) *awsError {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &call{s: s, acct: s.accountLocked(who.accountID), caller: who, p: params{}, now: s.now(), region: region, service: "budgets"}
	if err := c.authorize(op); err != nil {
		return err.(*awsError)
	}
	return nil
}

// holderDocs are the documents of an identity's inline and attached managed policies.
func (a *account) holderDocs(h *policyHolder) []string {
	out := make([]string, 0, len(h.inline)+len(h.attached))
	for _, n := range h.inlineNames() {
		out = append(out, h.inline[n])
	}
	for _, arn := range h.attached {
		if d := a.managedDoc(arn); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// managedDoc is the default version of a managed policy, "" when it is gone.
func (a *account) managedDoc(arn string) string {
	p, ok := awsManagedPolicies[key(arn)]
	if !ok {
		p, ok = a.policies[key(arn[strings.LastIndex(arn, "/")+1:])]
		if !ok || !strings.EqualFold(p.arn, arn) {
			return ""
		}
	}
	if v := p.version(p.defaultVersion); v != nil {
		return v.doc
	}
	return ""
}

// mfaInRequest: STS calls that carry an MFA code are MFA-authenticated
// themselves, whatever the credentials that sign them. The code is verified by
// the action; a wrong one fails there.
func (c *call) mfaInRequest(op string) bool {
	return c.service == "sts" && (op == "AssumeRole" || op == "GetSessionToken") && c.p.str("TokenCode") != ""
}

// requestKeys are the global condition keys of a request by the caller, lower-cased.
// aws:MultiFactorAuthPresent is absent for long-term credentials, "false" for
// temporary ones obtained without MFA, "true" with MFA (and then
// aws:MultiFactorAuthAge is the seconds since the code was given).
func (c *call) requestKeys(mfaInRequest bool) map[string][]string {
	who := c.caller
	principalARN := who.arn()
	keys := map[string][]string{
		"aws:principalaccount": {who.accountID},
		"aws:userid":           {who.id()},
		"aws:currenttime":      {c.now.Format(time.RFC3339)},
		"aws:epochtime":        {strconv.FormatInt(c.now.Unix(), 10)},
		"aws:securetransport":  {"false"}, // the emulator serves plain HTTP
		"aws:requestedregion":  {c.region},
		"aws:viaawsservice":    {"false"},
	}
	switch who.kind {
	case callerUser:
		keys["aws:username"] = []string{who.userName}
		keys["aws:principaltype"] = []string{"User"}
	case callerRole:
		principalARN = who.roleARN
		keys["aws:principaltype"] = []string{"AssumedRole"}
	case callerRoot:
		keys["aws:principaltype"] = []string{"Account"}
	}
	keys["aws:principalarn"] = []string{principalARN}
	if who.temporary {
		keys["aws:tokenissuetime"] = []string{who.issued.Format(time.RFC3339)}
	}
	switch {
	case mfaInRequest:
		keys["aws:multifactorauthpresent"] = []string{"true"}
		keys["aws:multifactorauthage"] = []string{"0"}
	case who.temporary && who.mfa:
		keys["aws:multifactorauthpresent"] = []string{"true"}
		keys["aws:multifactorauthage"] = []string{strconv.Itoa(int(c.now.Sub(who.mfaTime) / time.Second))}
	case who.temporary:
		keys["aws:multifactorauthpresent"] = []string{"false"}
	}
	return keys
}

// callerDefaultUserActions act on the calling user when UserName is omitted.
var callerDefaultUserActions = map[string]bool{
	"GetUser": true, "ChangePassword": true, "ListMFADevices": true, "ListAccessKeys": true,
	"CreateAccessKey": true, "DeleteAccessKey": true, "UpdateAccessKey": true, "GetLoginProfile": true,
	"DeactivateMFADevice": true, "ListSSHPublicKeys": true, "ListSigningCertificates": true,
	"ListServiceSpecificCredentials": true, "ListGroupsForUser": true,
}

// requestResource is the ARN IAM authorises op against, from its parameters, as the
// Service Authorization Reference lists the resource types of each action: the
// user, group or role the call is about; a policy; an MFA device; else "*".
func (c *call) requestResource(op string) string {
	a := c.acct
	switch {
	case c.service == "sts" && op == "AssumeRole":
		return c.p.str("RoleArn")
	case c.service == "sts":
		return "*"
	case op == "AddUserToGroup" || op == "RemoveUserFromGroup":
		return c.groupResource(c.p.str("GroupName"))
	case c.p.has("UserName") || (callerDefaultUserActions[op] && c.caller.kind == callerUser):
		name := c.p.str("UserName")
		if name == "" {
			name = c.caller.userName
		}
		if u, ok := a.users[key(name)]; ok {
			return a.userARN(u)
		}
		return "arn:aws:iam::" + a.id + ":user" + pathOr(c.p.str("Path")) + name
	case c.p.has("GroupName"):
		return c.groupResource(c.p.str("GroupName"))
	case c.p.has("RoleName"):
		if r, ok := a.roles[key(c.p.str("RoleName"))]; ok {
			return a.roleARN(r)
		}
		return "arn:aws:iam::" + a.id + ":role" + pathOr(c.p.str("Path")) + c.p.str("RoleName")
	case c.p.has("PolicyArn"):
		return c.p.str("PolicyArn")
	case op == "CreatePolicy":
		return a.policyARN(pathOr(c.p.str("Path")), c.p.str("PolicyName"))
	case op == "CreateVirtualMFADevice":
		return a.mfaSerial(pathOr(c.p.str("Path")), c.p.str("VirtualMFADeviceName"))
	case c.p.has("SerialNumber"):
		return c.p.str("SerialNumber")
	}
	return "*"
}

func (c *call) groupResource(name string) string {
	if g, ok := c.acct.groups[key(name)]; ok {
		return c.acct.groupARN(g)
	}
	return "arn:aws:iam::" + c.acct.id + ":group" + pathOr(c.p.str("Path")) + name
}

func pathOr(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// trustNamesCaller reports whether a role of the caller's own account trusts the
// caller by its ARN (not through its account).
func (c *call) trustNamesCaller(roleARN string) bool {
	m := roleARNPattern.FindStringSubmatch(roleARN)
	if m == nil || m[1] != c.caller.accountID {
		return false
	}
	r, ok := c.acct.roles[key(m[3])]
	if !ok {
		return false
	}
	trust, err := parsePolicy(r.trust, trustPolicy, 1<<20, "")
	if err != nil {
		return false
	}
	self := c.caller.userARN
	if c.caller.kind == callerRole {
		self = c.caller.roleARN
	}
	for _, st := range trust.Statements {
		if st.Effect == "Allow" && st.matchesAction("sts:AssumeRole") {
			for _, p := range st.Principal["AWS"] {
				if p == self || p == c.caller.arn() {
					return true
				}
			}
		}
	}
	return false
}

type authorizationRequest struct {
	Account string `json:"account"`
	Enabled bool   `json:"enabled"`
}

// serveAuthorization is PUT /_awslocal/authorization: RequireAuthorization over HTTP.
func (s *Server) serveAuthorization(w http.ResponseWriter, r *http.Request) {
	var req authorizationRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<12)).Decode(&req); err != nil || req.Account == "" {
		http.Error(w, `body: {"account": "123456789012", "enabled": true}`, http.StatusBadRequest)
		return
	}
	s.RequireAuthorization(req.Account, req.Enabled)
	writeJSON(w, http.StatusOK, req)
}
