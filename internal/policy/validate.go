package policy

import (
	"fmt"
	"strconv"
	"strings"
)

// ValidationError lists every problem found in a document, so a person can
// fix them all in one edit rather than one per reconcile. Controllers turn it
// into a Stalled condition and make no AWS call.
type ValidationError struct {
	// Kind is "identity policy" or "trust policy".
	Kind string
	// Problems are complete sentences naming the statement (1-based index and
	// Sid when present).
	Problems []string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("invalid %s: %s", e.Kind, strings.Join(e.Problems, "; "))
}

type problems struct{ list []string }

func (p *problems) addf(format string, args ...any) {
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

func (p *problems) result(kind string) error {
	if len(p.list) == 0 {
		return nil
	}
	return &ValidationError{Kind: kind, Problems: p.list}
}

// label names a statement the way people count: from 1, with its Sid.
func label(i int, st Statement) string {
	if st.Sid != "" {
		return fmt.Sprintf("statement %d (Sid %q)", i+1, st.Sid)
	}
	return fmt.Sprintf("statement %d", i+1)
}

// ValidateIdentityPolicy checks a policy attached to a user, group or role (or
// a managed policy) before it is sent to AWS. It checks what IAM would reject
// with MalformedPolicyDocument, plus the silent trap of policy variables in a
// 2008-10-17 document.
func ValidateIdentityPolicy(d *Document) error {
	var p problems
	validateCommon(d, &p)
	if d == nil {
		return p.result("identity policy")
	}
	for i, st := range d.Statement {
		l := label(i, st)
		if st.Principal != nil || st.NotPrincipal != nil {
			p.addf("%s: an identity policy cannot name a Principal or NotPrincipal (the principal is whoever the policy is attached to)", l)
		}
		switch {
		case len(st.Action) > 0 && len(st.NotAction) > 0:
			p.addf("%s: has both Action and NotAction; keep exactly one", l)
		case len(st.Action) == 0 && len(st.NotAction) == 0:
			p.addf("%s: needs an Action or a NotAction", l)
		}
		switch {
		case len(st.Resource) > 0 && len(st.NotResource) > 0:
			p.addf("%s: has both Resource and NotResource; keep exactly one", l)
		case len(st.Resource) == 0 && len(st.NotResource) == 0:
			p.addf("%s: needs a Resource or a NotResource (use \"*\" for every resource)", l)
		}
		for _, a := range slicesConcat(st.Action, st.NotAction) {
			if !wellFormedAction(a) {
				p.addf("%s: action %q is not of the form \"service:Action\" (or \"*\")", l, a)
			}
		}
		for _, r := range slicesConcat(st.Resource, st.NotResource) {
			if r != "*" && !strings.HasPrefix(r, "arn:") {
				p.addf("%s: resource %q must be an ARN (arn:...) or \"*\"", l, r)
			}
		}
	}
	return p.result("identity policy")
}

// trustActions are the only actions a role trust policy may allow.
var trustActions = []string{
	"sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML",
	"sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext",
}

// ValidateTrustPolicy checks a role's trust (assume-role) policy. Besides the
// shape IAM requires, it refuses an Allow statement that lets any AWS
// principal assume the role without a condition: that role would be open to
// every AWS account in the world.
func ValidateTrustPolicy(d *Document) error {
	var p problems
	validateCommon(d, &p)
	if d == nil {
		return p.result("trust policy")
	}
	for i, st := range d.Statement {
		l := label(i, st)
		if st.NotPrincipal != nil {
			p.addf("%s: NotPrincipal is not supported in a trust policy; name the principals that may assume the role", l)
		}
		if st.Principal == nil {
			p.addf("%s: a trust policy statement needs a Principal (who may assume the role)", l)
		} else if !st.Principal.Wildcard {
			if len(st.Principal.Values) == 0 {
				p.addf("%s: Principal names no principal type (AWS, Service, Federated or CanonicalUser)", l)
			}
			for _, typ := range sortedKeys(st.Principal.Values) {
				if len(st.Principal.Values[typ]) == 0 {
					p.addf("%s: Principal %s has no values", l, typ)
				}
				for _, v := range st.Principal.Values[typ] {
					if strings.TrimSpace(v) == "" {
						p.addf("%s: Principal %s has an empty value", l, typ)
					}
				}
			}
		}
		if len(st.NotAction) > 0 {
			p.addf("%s: NotAction is not allowed in a trust policy; list the sts actions in Action", l)
		}
		if len(st.Action) == 0 {
			p.addf("%s: needs an Action such as sts:AssumeRole", l)
		}
		for _, a := range st.Action {
			if !isTrustAction(a) {
				p.addf("%s: action %q is not allowed in a trust policy (allowed: %s)", l, a, strings.Join(trustActions, ", "))
			}
		}
		if len(st.Resource) > 0 || len(st.NotResource) > 0 {
			p.addf("%s: a trust policy cannot have a Resource or NotResource (the resource is the role itself)", l)
		}
		if st.Effect == Allow && opensToAnyone(st.Principal) && len(st.Condition) == 0 {
			p.addf("statement %d lets anyone assume the role: add a condition such as aws:PrincipalOrgID or sts:ExternalId", i+1)
		}
	}
	return p.result("trust policy")
}

func isTrustAction(a string) bool {
	for _, t := range trustActions {
		if strings.EqualFold(a, t) {
			return true
		}
	}
	return false
}

// opensToAnyone reports whether the principal matches every AWS identity:
// "*", {"AWS":"*"} or a wildcard account ARN such as arn:aws:iam::*:root.
func opensToAnyone(p *Principal) bool {
	if p == nil {
		return false
	}
	if p.Wildcard {
		return true
	}
	for _, v := range p.Values[PrincipalAWS] {
		if strings.Contains(v, "*") {
			return true
		}
	}
	return false
}

// validateCommon checks what every IAM policy needs: a Version, statements,
// valid Effects, unique Sids, well-formed conditions.
func validateCommon(d *Document, p *problems) {
	if d == nil {
		p.addf("the policy document is missing")
		return
	}
	switch d.Version {
	case Version2012, Version2008:
	case "":
		p.addf("Version is missing: set \"Version\": %q (without it AWS reads the policy as 2008-10-17)", Version2012)
	default:
		p.addf("Version %q is not a policy language version: use %q", d.Version, Version2012)
	}
	if len(d.Statement) == 0 {
		p.addf("the policy has no statements")
	}
	sids := map[string]int{}
	for i, st := range d.Statement {
		l := label(i, st)
		if st.Effect != Allow && st.Effect != Deny {
			if st.Effect == "" {
				p.addf("%s: Effect is missing: use \"Allow\" or \"Deny\"", l)
			} else {
				p.addf("%s: Effect %q is not \"Allow\" or \"Deny\" (case matters)", l, st.Effect)
			}
		}
		if st.Sid != "" {
			if !isAlnum(st.Sid) {
				p.addf("%s: Sid may contain only letters and digits", l)
			}
			if j, ok := sids[st.Sid]; ok {
				p.addf("%s: Sid %q is already used by statement %d; Sids must be unique", l, st.Sid, j+1)
			} else {
				sids[st.Sid] = i
			}
		}
		validateCondition(l, st.Condition, p)
		if d.Version != Version2012 && usesPolicyVariables(st) {
			p.addf("%s: uses a policy variable such as ${aws:username}, which is only recognised with \"Version\": %q", l, Version2012)
		}
	}
}

// baseOperators are IAM's condition operators without the IfExists suffix or
// the ForAllValues:/ForAnyValue: set prefixes. Operator names are matched
// exactly, as written in the IAM documentation.
var baseOperators = map[string]string{
	"StringEquals": "string", "StringNotEquals": "string",
	"StringEqualsIgnoreCase": "string", "StringNotEqualsIgnoreCase": "string",
	"StringLike": "string", "StringNotLike": "string",
	"NumericEquals": "number", "NumericNotEquals": "number",
	"NumericLessThan": "number", "NumericLessThanEquals": "number",
	"NumericGreaterThan": "number", "NumericGreaterThanEquals": "number",
	"DateEquals": "date", "DateNotEquals": "date",
	"DateLessThan": "date", "DateLessThanEquals": "date",
	"DateGreaterThan": "date", "DateGreaterThanEquals": "date",
	"Bool":         "bool",
	"BinaryEquals": "binary",
	"IpAddress":    "ip", "NotIpAddress": "ip",
	"ArnEquals": "arn", "ArnLike": "arn", "ArnNotEquals": "arn", "ArnNotLike": "arn",
	"Null": "null",
}

// ParseOperator splits a condition operator into its set prefix
// ("ForAllValues:", "ForAnyValue:" or ""), base operator and IfExists suffix.
// ok is false when the operator is not one IAM knows.
func ParseOperator(op string) (setPrefix, base string, ifExists, ok bool) {
	rest := op
	for _, pre := range []string{"ForAllValues:", "ForAnyValue:"} {
		if strings.HasPrefix(rest, pre) {
			setPrefix, rest = pre, strings.TrimPrefix(rest, pre)
			break
		}
	}
	if strings.HasSuffix(rest, "IfExists") {
		ifExists, rest = true, strings.TrimSuffix(rest, "IfExists")
	}
	if _, known := baseOperators[rest]; !known {
		return "", "", false, false
	}
	if rest == "Null" && ifExists {
		return "", "", false, false // Null already tests existence
	}
	return setPrefix, rest, ifExists, true
}

func validateCondition(l string, c Condition, p *problems) {
	for _, op := range sortedKeys(c) {
		_, base, _, ok := ParseOperator(op)
		if !ok {
			hint := ""
			for known := range baseOperators {
				if strings.EqualFold(known, op) {
					hint = fmt.Sprintf(" (did you mean %q? operator names are case-sensitive)", known)
				}
			}
			p.addf("%s: condition operator %q is not an IAM condition operator%s", l, op, hint)
			continue
		}
		keys := c[op]
		if len(keys) == 0 {
			p.addf("%s: condition operator %s has no condition keys", l, op)
		}
		for _, k := range sortedKeys(keys) {
			vals := keys[k]
			if strings.TrimSpace(k) == "" {
				p.addf("%s: condition %s has an empty condition key", l, op)
			}
			if len(vals) == 0 {
				p.addf("%s: condition %s %s has no values", l, op, k)
			}
			for _, v := range vals {
				switch baseOperators[base] {
				case "bool", "null":
					if v != "true" && v != "false" {
						p.addf("%s: condition %s %s: value %q must be \"true\" or \"false\"", l, op, k, v)
					}
				case "number":
					if _, err := strconv.ParseFloat(v, 64); err != nil && !strings.HasPrefix(v, "${") {
						p.addf("%s: condition %s %s: value %q is not a number", l, op, k, v)
					}
				}
			}
		}
	}
}

func usesPolicyVariables(st Statement) bool {
	all := slicesConcat(st.Action, st.NotAction, st.Resource, st.NotResource)
	for _, kv := range st.Condition {
		for _, v := range kv {
			all = append(all, v...)
		}
	}
	for _, s := range all {
		if strings.Contains(s, "${") {
			return true
		}
	}
	return false
}

// wellFormedAction accepts "*" or "service:Action" where the service prefix is
// lower-case letters, digits and hyphens (case-folded) and the action part is
// non-empty without spaces; wildcards are allowed in the action part.
func wellFormedAction(a string) bool {
	if a == "*" {
		return true
	}
	svc, act, ok := strings.Cut(a, ":")
	if !ok || svc == "" || act == "" || strings.ContainsAny(act, ": \t\n") {
		return false
	}
	for _, r := range strings.ToLower(svc) {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return false
		}
	}
	return true
}

func isAlnum(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
