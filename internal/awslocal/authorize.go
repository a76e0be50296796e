package awslocal

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/iam-baseline/operator/internal/policy"
	"github.com/iam-baseline/operator/internal/policy/eval"
)

// Authorisation of requests, opt-in per account. Off (the default), every
// authenticated request is allowed, as the emulator always did: the operator
// acts as the account's admin. On, a request by an IAM user or a role session
// is allowed only if that identity's own policies allow it, evaluated as IAM
// does (internal/policy/eval, the project's evaluator), so a test can play a
// person and see the MFA policy deny them. Requests signed with the configured
// account credentials act as root and are never refused.

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

// authzRequest is one request as IAM's evaluator sees it, with the policies
// that decide it.
type authzRequest struct {
	eval.Request
	policies []eval.Policy // identity (user, groups; role), boundary, and for AssumeRole the trust
}

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
	d := eval.Evaluate(req.Request, req.policies)
	switch d.Verdict {
	case eval.Allowed:
		return nil
	case eval.ExplicitDeny:
		where := "an identity-based policy"
		if d.Deciding != nil && d.Deciding.Kind == eval.Resource {
			where = "a resource-based policy"
		}
		return errAccessDenied("User: %s is not authorized to perform: %s on resource: %s with an explicit deny in %s",
			req.Principal, req.Action, req.Resource, where)
	}
	return errAccessDenied("User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action",
		req.Principal, req.Action, req.Resource, req.Action)
}

// authzRequest gathers the action, resource, context keys and the caller's
// policies for op.
func (c *call) authzRequest(op string) (*authzRequest, error) {
	req := &authzRequest{Request: eval.Request{
		Principal:     c.caller.arn(),
		PrincipalType: policy.PrincipalAWS,
		Action:        c.iamAction(op),
		Resource:      c.requestResource(op),
		Context:       c.requestKeys(c.mfaInRequest(op)),
	}}
	add := func(id string, kind eval.Kind, doc string) {
		d, err := policy.Parse(doc)
		if err != nil {
			d = &policy.Document{} // stored documents were validated; an unreadable one grants nothing
		}
		req.policies = append(req.policies, eval.Policy{ID: id, Kind: kind, Document: d})
	}
	var holders []namedHolder
	var boundary string
	switch c.caller.kind {
	case callerUser:
		u, ok := c.acct.users[key(c.caller.userName)]
		if !ok {
			return nil, errInvalidToken
		}
		holders = append(holders, namedHolder{"user " + u.name, &u.policyHolder})
		for _, g := range u.groups {
			if grp, ok := c.acct.groups[g]; ok {
				holders = append(holders, namedHolder{"group " + grp.name, &grp.policyHolder})
			}
		}
		boundary = u.boundary
	case callerRole:
		r, ok := c.acct.roles[key(c.caller.roleName)]
		if !ok {
			return nil, errInvalidToken
		}
		holders = append(holders, namedHolder{"role " + r.name, &r.policyHolder})
		boundary = r.boundary
	}
	for _, h := range holders {
		for _, n := range h.inlineNames() {
			add(h.name+" inline "+n, eval.Identity, h.inline[n])
		}
		for _, arn := range h.attached {
			add(arn, eval.Identity, c.acct.managedDoc(arn))
		}
	}
	if boundary != "" {
		add(boundary, eval.Boundary, c.acct.managedDoc(boundary))
	}
	if trust, ok := c.trustOf(req.Resource); ok && req.Action == "sts:AssumeRole" {
		add(req.Resource+" trust", eval.Resource, trust)
	}
	return req, nil
}

type namedHolder struct {
	name string
	*policyHolder
}

// trustOf is the trust policy of a role the emulator serves, by ARN.
func (c *call) trustOf(roleARN string) (string, bool) {
	m := roleARNPattern.FindStringSubmatch(roleARN)
	if m == nil {
		return "", false
	}
	acct, ok := c.s.accounts[m[1]]
	if !ok {
		return "", false
	}
	r, ok := acct.roles[key(m[3])]
	if !ok || acct.roleARN(r) != roleARN {
		return "", false
	}
	return r.trust, true
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
