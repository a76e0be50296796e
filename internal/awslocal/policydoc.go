package awslocal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// policyKind says which rules a document must follow: identity policies
// (managed and inline) must not name a principal and must name resources;
// trust policies must name a principal and must not name resources.
type policyKind int

const (
	identityPolicy policyKind = iota
	trustPolicy
	// resourcePolicy is a resource-based policy given to the simulator: it
	// names a principal and may name resources (a trust policy does not).
	resourcePolicy
)

// Size quotas in non-whitespace characters, as IAM counts them.
const (
	managedPolicySizeQuota = 6144
	userPolicySizeQuota    = 2048
	groupPolicySizeQuota   = 5120
	rolePolicySizeQuota    = 10240
	trustPolicySizeQuota   = 2048
)

// policyDoc is a parsed policy. The original text is stored separately and is
// what IAM returns; this structure is only for validation and evaluation.
type policyDoc struct {
	Statements []statement
}

type statement struct {
	Effect                  string
	Principal, NotPrincipal map[string][]string // "AWS", "Service", ...; "*" as {"AWS": ["*"]}
	HasPrincipal            bool
	Action, NotAction       []string
	Resource, NotResource   []string
	HasResource             bool
	Condition               map[string]map[string][]string // operator -> key -> values
}

var (
	topLevelElements  = map[string]bool{"Version": true, "Id": true, "Statement": true}
	statementElements = map[string]bool{
		"Sid": true, "Effect": true, "Principal": true, "NotPrincipal": true, "Action": true,
		"NotAction": true, "Resource": true, "NotResource": true, "Condition": true,
	}
)

func errSyntax() error { return errMalformedPolicy("Syntax errors in policy.") }

// parsePolicy validates doc as IAM does and returns its parsed form.
func parsePolicy(doc string, kind policyKind, sizeQuota int, quotaName string) (*policyDoc, error) {
	if strings.TrimSpace(doc) == "" {
		return nil, errSyntax()
	}
	if !documentPattern.MatchString(doc) {
		return nil, validationFailed(doc, "policyDocument", `Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u00FF]+`)
	}
	if n := nonSpaceLen(doc); n > sizeQuota {
		return nil, errLimitExceeded("Cannot exceed quota for %s: %d", quotaName, sizeQuota)
	}
	var top map[string]json.RawMessage
	if err := strictUnmarshal(doc, &top); err != nil || top == nil {
		return nil, errSyntax()
	}
	for k := range top {
		if !topLevelElements[k] {
			return nil, errSyntax()
		}
	}
	if raw, ok := top["Version"]; ok {
		var v string
		if json.Unmarshal(raw, &v) != nil || (v != "2012-10-17" && v != "2008-10-17") {
			return nil, errMalformedPolicy("The policy must contain a valid version string")
		}
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil, errSyntax()
	}
	var rawStatements []map[string]json.RawMessage
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		if json.Unmarshal(raw, &rawStatements) != nil {
			return nil, errSyntax()
		}
	} else {
		var one map[string]json.RawMessage
		if json.Unmarshal(raw, &one) != nil || one == nil {
			return nil, errSyntax()
		}
		rawStatements = append(rawStatements, one)
	}
	if len(rawStatements) == 0 {
		return nil, errSyntax()
	}
	out := &policyDoc{}
	for _, rs := range rawStatements {
		st, err := parseStatement(rs, kind)
		if err != nil {
			return nil, err
		}
		out.Statements = append(out.Statements, st)
	}
	return out, nil
}

func parseStatement(rs map[string]json.RawMessage, kind policyKind) (statement, error) {
	var st statement
	for k := range rs {
		if !statementElements[k] {
			return st, errSyntax()
		}
	}
	if raw, ok := rs["Effect"]; !ok {
		return st, errMalformedPolicy("Missing required field Effect")
	} else if json.Unmarshal(raw, &st.Effect) != nil || (st.Effect != "Allow" && st.Effect != "Deny") {
		return st, errMalformedPolicy("Invalid effect: %s", string(raw))
	}
	var err error
	if st.Action, err = stringOrList(rs, "Action"); err != nil {
		return st, err
	}
	if st.NotAction, err = stringOrList(rs, "NotAction"); err != nil {
		return st, err
	}
	if st.Action == nil && st.NotAction == nil {
		return st, errMalformedPolicy("Policy statement must contain actions.")
	}
	for _, a := range append(append([]string(nil), st.Action...), st.NotAction...) {
		if a != "*" && !strings.Contains(a, ":") {
			return st, errMalformedPolicy("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
		}
	}
	if st.Resource, err = stringOrList(rs, "Resource"); err != nil {
		return st, err
	}
	if st.NotResource, err = stringOrList(rs, "NotResource"); err != nil {
		return st, err
	}
	st.HasResource = st.Resource != nil || st.NotResource != nil
	if st.Principal, err = parsePrincipal(rs, "Principal"); err != nil {
		return st, err
	}
	if st.NotPrincipal, err = parsePrincipal(rs, "NotPrincipal"); err != nil {
		return st, err
	}
	st.HasPrincipal = st.Principal != nil || st.NotPrincipal != nil
	if raw, ok := rs["Condition"]; ok {
		if st.Condition, err = parseCondition(raw); err != nil {
			return st, err
		}
	}
	switch kind {
	case identityPolicy:
		if st.HasPrincipal {
			return st, errMalformedPolicy("Policy document should not specify a principal.")
		}
		if !st.HasResource {
			return st, errMalformedPolicy("Policy statement must contain resources.")
		}
	case resourcePolicy:
		if !st.HasPrincipal {
			return st, errMalformedPolicy("Missing required field Principal")
		}
	case trustPolicy:
		if !st.HasPrincipal {
			return st, errMalformedPolicy("Missing required field Principal")
		}
		if st.HasResource {
			return st, errMalformedPolicy("Has prohibited field Resource")
		}
	}
	return st, nil
}

// stringOrList reads an element that may be a string or a list of strings.
// A missing element is nil; a present one is never nil.
func stringOrList(rs map[string]json.RawMessage, name string) ([]string, error) {
	raw, ok := rs[name]
	if !ok {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	if json.Unmarshal(raw, &many) != nil || len(many) == 0 {
		return nil, errSyntax()
	}
	return many, nil
}

func parsePrincipal(rs map[string]json.RawMessage, name string) (map[string][]string, error) {
	raw, ok := rs[name]
	if !ok {
		return nil, nil
	}
	var star string
	if json.Unmarshal(raw, &star) == nil {
		if star != "*" {
			return nil, errMalformedPolicy("Invalid principal in policy: %s", star)
		}
		return map[string][]string{"AWS": {"*"}}, nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return nil, errSyntax()
	}
	out := map[string][]string{}
	for typ := range m {
		switch typ {
		case "AWS", "Service", "Federated", "CanonicalUser":
		default:
			return nil, errMalformedPolicy("Invalid principal in policy: %q", typ)
		}
		vals, err := stringOrList(m, typ)
		if err != nil {
			return nil, err
		}
		out[typ] = vals
	}
	return out, nil
}

func parseCondition(raw json.RawMessage) (map[string]map[string][]string, error) {
	var ops map[string]map[string]json.RawMessage
	if json.Unmarshal(raw, &ops) != nil {
		return nil, errSyntax()
	}
	out := map[string]map[string][]string{}
	for op, keys := range ops {
		out[op] = map[string][]string{}
		for k, v := range keys {
			if !strings.Contains(k, ":") {
				return nil, errMalformedPolicy("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.")
			}
			vals, err := conditionValues(v)
			if err != nil {
				return nil, err
			}
			out[op][k] = vals
		}
	}
	return out, nil
}

// conditionValues normalises a condition value (string, bool, number or a
// list of them) to strings.
func conditionValues(raw json.RawMessage) ([]string, error) {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		list = []json.RawMessage{raw}
	}
	var out []string
	for _, item := range list {
		var v any
		if json.Unmarshal(item, &v) != nil {
			return nil, errSyntax()
		}
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case bool, float64:
			out = append(out, strings.TrimSpace(string(item)))
		default:
			return nil, errSyntax()
		}
	}
	return out, nil
}

// strictUnmarshal rejects trailing data after the JSON value.
func strictUnmarshal(doc string, v any) error {
	dec := json.NewDecoder(strings.NewReader(doc))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data after policy document")
	}
	return nil
}

func nonSpaceLen(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
