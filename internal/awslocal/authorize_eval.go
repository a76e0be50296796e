package awslocal

import (
	"regexp"
	"strings"
)

// decide evaluates the request as IAM does within one account: an explicit Deny in
// an identity policy or the permissions boundary wins; otherwise an identity
// policy must allow, and when there is a boundary, the boundary too.
//
// It uses the emulator's statement matching (shared with trust evaluation);
// internal/policy/eval, the project's full evaluator, replaces it once it lands.
func (req *authzRequest) decide() decision {
	identity := req.evalDocs(req.identity)
	if identity == explicitDeny || req.boundary == nil {
		return identity
	}
	switch req.evalDocs([]*policyDoc{req.boundary}) {
	case explicitDeny:
		return explicitDeny
	case implicitDeny:
		return implicitDeny
	}
	return identity
}

func (req *authzRequest) evalDocs(docs []*policyDoc) decision {
	d := implicitDeny
	ctx := requestContext{keys: req.keys}
	for _, doc := range docs {
		for _, st := range doc.Statements {
			if !st.matchesAction(req.action) || !req.matchesResource(st) || !conditionsHold(req.substituteCondition(st.Condition), ctx) {
				continue
			}
			if st.Effect == "Deny" {
				return explicitDeny
			}
			d = allowed
		}
	}
	return d
}

func (req *authzRequest) matchesResource(st statement) bool {
	match := func(patterns []string) bool {
		for _, p := range patterns {
			if p, ok := req.substitute(p); ok && globMatch(p, req.resource) {
				return true
			}
		}
		return false
	}
	if st.Resource != nil {
		return match(st.Resource)
	}
	return !match(st.NotResource)
}

var policyVariable = regexp.MustCompile(`\$\{([^}]+)\}`)

// substitute replaces policy variables (${aws:username}) with the request's
// values; a variable the request lacks makes the string match nothing.
func (req *authzRequest) substitute(s string) (string, bool) {
	ok := true
	out := policyVariable.ReplaceAllStringFunc(s, func(v string) string {
		name := strings.ToLower(v[2 : len(v)-1])
		switch name {
		case "*", "?", "$":
			return name
		}
		vals := req.keys[name]
		if len(vals) != 1 {
			ok = false
			return ""
		}
		return vals[0]
	})
	return out, ok
}

func (req *authzRequest) substituteCondition(cond map[string]map[string][]string) map[string]map[string][]string {
	if len(cond) == 0 {
		return cond
	}
	out := make(map[string]map[string][]string, len(cond))
	for op, keys := range cond {
		out[op] = make(map[string][]string, len(keys))
		for k, vals := range keys {
			for _, v := range vals {
				if s, ok := req.substitute(v); ok {
					out[op][k] = append(out[op][k], s)
				}
			}
			if out[op][k] == nil {
				out[op][k] = []string{}
			}
		}
	}
	return out
}
