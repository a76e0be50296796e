// Package eval decides IAM requests offline: given a request (who, which
// action, which resource, which context keys) and the policies that apply to
// it, it returns what AWS would decide (allowed, explicitly denied, implicitly
// denied) and the statements that decided it, as evidence.
//
// It follows AWS's policy evaluation logic for requests within one account
// and across accounts: an explicit Deny in any policy wins; a permissions
// boundary caps identity-based permissions; within an account an Allow in a
// resource-based policy that names the principal itself is enough on its own,
// while one that names only the principal's account (arn:...:root) still needs
// the principal's identity-based policies to allow; across accounts both the
// identity-based and the resource-based side must allow. For sts:AssumeRole the
// resource-based policy is the role's trust policy.
//
// Supported: Action/NotAction, Resource/NotResource, Principal/NotPrincipal,
// wildcards (* and ?), every condition operator IAM documents (String*,
// Numeric*, Date*, Bool, BinaryEquals, IpAddress/NotIpAddress, Arn*, Null), the
// ...IfExists forms, the ForAnyValue:/ForAllValues: qualifiers, and policy
// variables (${aws:username}, ${aws:PrincipalTag/team}, ${*}, ${?}, ${$},
// defaults as ${key, 'value'}; literal text under Version 2008-10-17).
// Not modelled: service control and resource control policies, session
// policies, and the action-specific rules of individual services.
//
// The operator uses it to prove its guarantees before AWS does (plan), and the
// local AWS answers iam:SimulatePrincipalPolicy with it.
package eval

import (
	"strconv"
	"strings"

	"github.com/iam-baseline/operator/internal/policy"
)

// Verdict is the outcome of an evaluation, spelled as IAM's EvalDecision.
type Verdict string

// The three outcomes.
const (
	Allowed      Verdict = "allowed"
	ExplicitDeny Verdict = "explicitDeny"
	ImplicitDeny Verdict = "implicitDeny"
)

// Kind says what a policy is to the request; it decides how its Allow counts.
type Kind string

// Policy kinds, spelled as IAM's PolicySourceType where one exists.
const (
	// Identity: attached to the principal (user, group, role; managed or inline).
	Identity Kind = "identity"
	// Boundary: the principal's permissions boundary.
	Boundary Kind = "permissions-boundary"
	// Resource: attached to the resource (a role's trust policy, a bucket policy).
	Resource Kind = "resource"
)

// Policy is one document with a name for the evidence (a policy ARN, "user
// alice inline assume", ...).
type Policy struct {
	ID       string
	Kind     Kind
	Document *policy.Document
}

// Request is what a principal asks for.
type Request struct {
	// Principal is who asks: an IAM user or role ARN, an account root ARN,
	// or, with PrincipalType Service or Federated, a service name such as
	// "ec2.amazonaws.com" or an OIDC provider ARN.
	Principal     string
	PrincipalType string // "AWS" when empty
	Action        string // "iam:GetUser"
	Resource      string // an ARN, or "*"
	// ResourceAccount owns the resource when its ARN names no account (an
	// S3 bucket, "*"): an account ID or an ARN in that account. Empty means
	// the principal's account.
	ResourceAccount string
	// Context holds the condition keys of the request. Key names are
	// case-insensitive (as in IAM); a key with no values is absent.
	Context map[string][]string
}

// Match is one statement that applied to the request.
type Match struct {
	PolicyID string
	Kind     Kind
	// Index is the statement's position in its document, from 0.
	Index  int
	Sid    string
	Effect string
}

// String names the statement for people: `policy-id statement "Sid"` or
// `policy-id statement #3`.
func (m Match) String() string {
	if m.Sid != "" {
		return m.PolicyID + ` statement "` + m.Sid + `"`
	}
	return m.PolicyID + " statement #" + strconv.Itoa(m.Index+1)
}

// Decision is the verdict with its evidence.
type Decision struct {
	Verdict Verdict
	// Deciding is the statement that decided: the first explicit Deny, or the
	// Allow that granted. Nil for an implicit deny.
	Deciding *Match
	// Matched are all statements that applied (their action, resource,
	// principal and conditions all matched), in policy order.
	Matched []Match
	// AllowedByBoundary reports the permissions boundary's own answer (true
	// when there is none).
	AllowedByBoundary bool
	// MissingContext lists condition keys the policies asked about that the
	// request did not carry (lower-case, sorted, de-duplicated).
	MissingContext []string
}

// Allowed reports whether the request is allowed.
func (d Decision) Allowed() bool { return d.Verdict == Allowed }

// Evaluate decides req against policies. It is pure and safe for concurrent
// use; policies are not modified.
func Evaluate(req Request, policies []Policy) Decision {
	ctx := newContext(req)
	var d Decision
	var firstDeny, identityAllow, boundaryAllow, resourceAllow *Match
	resourceDirect := false // a resource-based Allow that names the principal itself
	hasBoundary := false
	for _, p := range policies {
		if p.Document == nil {
			continue
		}
		if p.Kind == Boundary {
			hasBoundary = true
		}
		vars := p.Document.Version != policy.Version2008
		for i, st := range p.Document.Statement {
			direct, ok := ctx.statementApplies(st, p.Kind, vars)
			if !ok {
				continue
			}
			m := Match{PolicyID: p.ID, Kind: p.Kind, Index: i, Sid: st.Sid, Effect: st.Effect}
			d.Matched = append(d.Matched, m)
			if st.Effect == policy.Deny {
				if firstDeny == nil {
					firstDeny = &m
				}
				continue
			}
			switch p.Kind {
			case Identity:
				if identityAllow == nil {
					identityAllow = &m
				}
			case Boundary:
				if boundaryAllow == nil {
					boundaryAllow = &m
				}
			case Resource:
				if resourceAllow == nil || (direct && !resourceDirect) {
					resourceAllow = &m
				}
				resourceDirect = resourceDirect || direct
			}
		}
	}
	d.MissingContext = ctx.missingKeys()
	d.AllowedByBoundary = !hasBoundary || boundaryAllow != nil
	if firstDeny != nil {
		d.Verdict, d.Deciding = ExplicitDeny, firstDeny
		return d
	}
	crossAccount := ctx.crossAccount()
	hasResourcePolicy := false
	for _, p := range policies {
		hasResourcePolicy = hasResourcePolicy || (p.Kind == Resource && p.Document != nil)
	}
	switch {
	case crossAccount || (hasResourcePolicy && isTrustAction(req.Action)):
		// Both sides must allow: the principal's account through its
		// identity-based policies (capped by the boundary), the resource's
		// account through its resource-based policy. A role's trust policy
		// must allow even within the account: an identity-based Allow alone
		// never lets anyone assume a role; a trust naming the principal itself
		// is enough on its own within the account.
		if resourceAllow != nil && (identityAllow != nil && d.AllowedByBoundary || !crossAccount && resourceDirect) {
			d.Verdict, d.Deciding = Allowed, resourceAllow
			return d
		}
	case resourceAllow != nil && resourceDirect && (ctx.isUser() || !hasBoundary || boundaryAllow != nil):
		// Within an account, a resource-based policy naming the principal
		// grants on its own. A boundary does not cap it for IAM users; for
		// role sessions it does (AWS: "Policy evaluation for requests within a
		// single account").
		d.Verdict, d.Deciding = Allowed, resourceAllow
		return d
	case identityAllow != nil && d.AllowedByBoundary:
		d.Verdict, d.Deciding = Allowed, identityAllow
		return d
	}
	d.Verdict = ImplicitDeny
	return d
}

// statementApplies reports whether st matches the request, and for a
// resource-based statement whether it names the principal itself (rather than
// its account or everyone in it).
func (c *evalContext) statementApplies(st policy.Statement, kind Kind, vars bool) (direct, ok bool) {
	if st.Effect != policy.Allow && st.Effect != policy.Deny {
		return false, false
	}
	if !c.actionMatches(st) {
		return false, false
	}
	if kind == Resource {
		if direct, ok = c.principalMatches(st); !ok {
			return false, false
		}
		// Trust policies name no resource; other resource policies may.
		if (len(st.Resource) > 0 || len(st.NotResource) > 0) && !c.resourceMatches(st, vars) {
			return false, false
		}
	} else if !c.resourceMatches(st, vars) {
		return false, false
	}
	if !c.conditionsHold(st.Condition, vars) {
		return false, false
	}
	return direct, true
}

// isTrustAction reports whether action assumes a role, which the role's
// trust policy must always allow.
func isTrustAction(action string) bool {
	return strings.HasPrefix(lower(action), "sts:assumerole")
}

// lower is strings.ToLower, named for what it is used for here: IAM's
// case-insensitive names (actions, condition keys, variables).
func lower(s string) string { return strings.ToLower(s) }
