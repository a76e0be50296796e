package eval

import (
	"slices"
	"strings"

	"github.com/iam-baseline/operator/internal/policy"
)

// evalContext is a request prepared for matching: lower-cased keys, and the
// keys looked at but missing, for the evidence.
type evalContext struct {
	req     Request
	keys    map[string][]string
	missing map[string]bool
}

func newContext(req Request) *evalContext {
	c := &evalContext{req: req, keys: map[string][]string{}, missing: map[string]bool{}}
	for k, v := range req.Context {
		if len(v) > 0 {
			c.keys[lower(k)] = v
		}
	}
	if c.req.PrincipalType == "" {
		c.req.PrincipalType = policy.PrincipalAWS
	}
	return c
}

// value returns a context key's values, recording a missing key.
func (c *evalContext) value(key string) ([]string, bool) {
	v, ok := c.keys[lower(key)]
	if !ok {
		c.missing[lower(key)] = true
	}
	return v, ok
}

func (c *evalContext) missingKeys() []string {
	if len(c.missing) == 0 {
		return nil
	}
	out := make([]string, 0, len(c.missing))
	for k := range c.missing {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// accountOf returns the account field of an ARN ("" for anything else).
func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}

// crossAccount reports whether the principal and the resource are in
// different accounts (both must be known).
func (c *evalContext) crossAccount() bool {
	if c.req.PrincipalType != policy.PrincipalAWS {
		return false
	}
	p, r := accountOf(c.req.Principal), accountOf(c.req.Resource)
	if r == "" {
		r = c.req.ResourceAccount
		if a := accountOf(r); a != "" {
			r = a
		}
	}
	return p != "" && r != "" && p != r
}

// isUser reports whether the principal is an IAM user.
func (c *evalContext) isUser() bool {
	parts := strings.SplitN(c.req.Principal, ":", 6)
	return len(parts) == 6 && parts[2] == "iam" && strings.HasPrefix(parts[5], "user/")
}

// actionMatches: action names are case-insensitive and may use wildcards.
func (c *evalContext) actionMatches(st policy.Statement) bool {
	action := lower(c.req.Action)
	if len(st.Action) > 0 {
		for _, a := range st.Action {
			if glob(lower(a), action) {
				return true
			}
		}
		return false
	}
	if len(st.NotAction) > 0 {
		for _, a := range st.NotAction {
			if glob(lower(a), action) {
				return false
			}
		}
		return true
	}
	return false
}

// resourceMatches: resources are case-sensitive, may use wildcards and
// policy variables. A statement without Resource or NotResource matches
// nothing (IAM rejects it in identity policies).
func (c *evalContext) resourceMatches(st policy.Statement, vars bool) bool {
	match := func(patterns policy.StringList) bool {
		for _, p := range patterns {
			if vars {
				var ok bool
				if p, ok = c.substitute(p, true); !ok {
					continue // an unresolvable variable matches nothing
				}
			}
			if arnGlob(p, c.req.Resource) {
				return true
			}
		}
		return false
	}
	switch {
	case len(st.Resource) > 0:
		return match(st.Resource)
	case len(st.NotResource) > 0:
		return !match(st.NotResource)
	}
	return false
}

// principalMatches decides Principal/NotPrincipal of a resource-based
// statement. direct is true when the statement names the principal itself
// (or everyone, "*"), false when it names only the principal's account.
func (c *evalContext) principalMatches(st policy.Statement) (direct, ok bool) {
	switch {
	case st.Principal != nil:
		return c.principalIn(st.Principal)
	case st.NotPrincipal != nil:
		_, in := c.principalIn(st.NotPrincipal)
		return true, !in
	}
	return false, false
}

func (c *evalContext) principalIn(p *policy.Principal) (direct, ok bool) {
	if p.Wildcard {
		return true, true
	}
	for _, v := range p.Values[c.req.PrincipalType] {
		switch {
		case v == "*":
			return true, true
		case v == c.req.Principal || c.sessionOf(v):
			return true, true
		}
	}
	if c.req.PrincipalType != policy.PrincipalAWS {
		return false, false
	}
	acct := accountOf(c.req.Principal)
	for _, v := range p.Values[policy.PrincipalAWS] {
		if acct != "" && (v == acct || (accountOf(v) == acct && strings.HasSuffix(v, ":root"))) {
			return false, true
		}
	}
	return false, false
}

// sessionOf reports whether the request's principal is a session of the role
// ARN roleARN (arn:aws:sts::acct:assumed-role/name/session).
func (c *evalContext) sessionOf(roleARN string) bool {
	parts := strings.SplitN(roleARN, ":", 6)
	if len(parts) != 6 || parts[2] != "iam" || !strings.HasPrefix(parts[5], "role/") {
		return false
	}
	name := parts[5][strings.LastIndex(parts[5], "/")+1:]
	prefix := "arn:" + parts[1] + ":sts::" + parts[4] + ":assumed-role/" + name + "/"
	return strings.HasPrefix(c.req.Principal, prefix)
}

// arnGlob matches an ARN pattern: for two ARNs each of the six
// colon-separated fields is matched on its own (a wildcard does not cross a
// colon before the resource field), otherwise the whole string.
func arnGlob(pattern, s string) bool {
	if pattern == "*" {
		return true
	}
	pp, sp := strings.SplitN(pattern, ":", 6), strings.SplitN(s, ":", 6)
	if len(pp) != 6 || len(sp) != 6 || pp[0] != "arn" {
		return glob(pattern, s)
	}
	for i := range pp {
		if !glob(pp[i], sp[i]) {
			return false
		}
	}
	return true
}

// glob matches s against a pattern with * (any run, also empty) and ? (one
// character) wildcards, in linear time.
func glob(pattern, s string) bool {
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pattern) && (pattern[px] == '?' || pattern[px] == s[sx]):
			px++
			sx++
		case px < len(pattern) && pattern[px] == '*':
			starP, starS = px, sx
			px++
		case starP >= 0:
			starS++
			px, sx = starP+1, starS
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}
