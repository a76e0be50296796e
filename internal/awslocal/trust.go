package awslocal

import (
	"strconv"
	"strings"
)

// requestContext is what a trust policy is evaluated against in AssumeRole.
type requestContext struct {
	principals map[string]bool     // the values an AWS principal may name to match the caller
	keys       map[string][]string // condition keys, lower-cased
}

// trustContext builds the evaluation context for caller c assuming a role.
// mfa says an MFA code was given with this very request.
func (c *call) trustContext(mfa bool, externalID, sessionName string) requestContext {
	who := c.caller
	ctx := requestContext{
		principals: map[string]bool{"*": true, who.accountID: true, "arn:aws:iam::" + who.accountID + ":root": true},
		keys:       c.requestKeys(mfa),
	}
	switch who.kind {
	case callerUser:
		ctx.principals[who.userARN] = true
	case callerRole:
		ctx.principals[who.roleARN] = true
		ctx.principals[who.arn()] = true
	}
	ctx.keys["sts:rolesessionname"] = []string{sessionName}
	if externalID != "" {
		ctx.keys["sts:externalid"] = []string{externalID}
	}
	return ctx
}

// allowsAssumeRole evaluates a trust policy: an explicit Deny wins, else an
// Allow is needed.
func (doc *policyDoc) allowsAssumeRole(ctx requestContext) bool {
	allowed := false
	for _, st := range doc.Statements {
		if !st.matchesAction("sts:AssumeRole") || !st.matchesPrincipal(ctx) || !conditionsHold(st.Condition, ctx) {
			continue
		}
		if st.Effect == "Deny" {
			return false
		}
		allowed = true
	}
	return allowed
}

func (st statement) matchesAction(action string) bool {
	if st.Action != nil {
		for _, a := range st.Action {
			if globMatch(strings.ToLower(a), strings.ToLower(action)) {
				return true
			}
		}
		return false
	}
	for _, a := range st.NotAction {
		if globMatch(strings.ToLower(a), strings.ToLower(action)) {
			return false
		}
	}
	return true
}

func (st statement) matchesPrincipal(ctx requestContext) bool {
	if st.Principal != nil {
		for _, p := range st.Principal["AWS"] {
			if ctx.principals[p] {
				return true
			}
		}
		return false
	}
	for _, p := range st.NotPrincipal["AWS"] {
		if ctx.principals[p] {
			return false
		}
	}
	return true
}

// conditionsHold evaluates a Condition block; all operators and keys must hold.
func conditionsHold(cond map[string]map[string][]string, ctx requestContext) bool {
	for op, keys := range cond {
		for k, want := range keys {
			if !conditionHolds(op, ctx.keys[strings.ToLower(k)], want) {
				return false
			}
		}
	}
	return true
}

func conditionHolds(op string, have, want []string) bool {
	op = strings.TrimPrefix(strings.TrimPrefix(op, "ForAnyValue:"), "ForAllValues:")
	ifExists := strings.HasSuffix(op, "IfExists")
	op = strings.TrimSuffix(op, "IfExists")
	if op == "Null" {
		isNull := len(have) == 0
		return len(want) > 0 && (want[0] == "true") == isNull
	}
	negated := strings.Contains(op, "Not")
	if len(have) == 0 {
		return ifExists || negated
	}
	match := func(h, w string) bool {
		switch op {
		case "StringEquals", "StringNotEquals", "ArnEquals", "ArnNotEquals":
			return h == w
		case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
			return strings.EqualFold(h, w)
		case "StringLike", "StringNotLike", "ArnLike", "ArnNotLike":
			return globMatch(w, h)
		case "Bool":
			return strings.EqualFold(h, w)
		case "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
			"NumericGreaterThan", "NumericGreaterThanEquals":
			hv, err1 := strconv.ParseFloat(h, 64)
			wv, err2 := strconv.ParseFloat(w, 64)
			if err1 != nil || err2 != nil {
				return false
			}
			switch op {
			case "NumericEquals", "NumericNotEquals":
				return hv == wv
			case "NumericLessThan":
				return hv < wv
			case "NumericLessThanEquals":
				return hv <= wv
			case "NumericGreaterThan":
				return hv > wv
			default:
				return hv >= wv
			}
		}
		return false // unsupported operators never match: fail closed
	}
	any := false
	for _, h := range have {
		for _, w := range want {
			if match(h, w) {
				any = true
			}
		}
	}
	if negated {
		return !any
	}
	return any
}

// globMatch matches s against a pattern with * and ? wildcards.
func globMatch(pattern, s string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if globMatch(pattern[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != pattern[0] {
				return false
			}
		}
		pattern, s = pattern[1:], s[1:]
	}
	return s == ""
}
