package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Policy language versions. A document without a Version element is read by
// AWS as 2008-10-17, in which policy variables such as ${aws:username} are
// literal text, so the two are never treated as equal here.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Principal types accepted inside a Principal or NotPrincipal map.
const (
	PrincipalAWS           = "AWS"
	PrincipalService       = "Service"
	PrincipalFederated     = "Federated"
	PrincipalCanonicalUser = "CanonicalUser"
)

// Effects.
const (
	Allow = "Allow"
	Deny  = "Deny"
)

// Document is an IAM policy document (identity, trust or resource policy).
type Document struct {
	Version   string
	ID        string
	Statement []Statement
}

// Statement is one statement of a Document. Empty lists mean "absent".
type Statement struct {
	Sid          string     `json:"Sid,omitempty"`
	Effect       string     `json:"Effect,omitempty"`
	Principal    *Principal `json:"Principal,omitempty"`
	NotPrincipal *Principal `json:"NotPrincipal,omitempty"`
	Action       StringList `json:"Action,omitempty"`
	NotAction    StringList `json:"NotAction,omitempty"`
	Resource     StringList `json:"Resource,omitempty"`
	NotResource  StringList `json:"NotResource,omitempty"`
	Condition    Condition  `json:"Condition,omitempty"`
}

// Condition maps a condition operator (e.g. "StringEquals") to context keys
// and their values. Values that IAM accepts as JSON booleans or numbers are
// kept in their string form (true becomes "true", 3600 becomes "3600"): IAM
// itself compares them as strings, and one representation keeps comparison
// simple.
type Condition map[string]map[string]StringList

// StringList is a list of strings that IAM lets authors write either as a
// single JSON string or as a list.
//
// It marshals a one-element list as a bare string and anything else as a
// list. That is how the AWS console and documentation write policies, so the
// JSON the operator sends reads naturally in the console and in `kubectl get
// -o yaml`; comparison never depends on the choice because canonical
// comparison treats "x" and ["x"] alike.
type StringList []string

// Principal is the Principal or NotPrincipal element: either the wildcard "*"
// (Wildcard true, Values empty) or a map from principal type (AWS, Service,
// Federated, CanonicalUser) to values.
//
// "*" and {"AWS":"*"} are kept distinct: they mean nearly the same to IAM, but
// AWS stores and returns whichever was written, and treating them as equal
// would hide a real difference in the stored text.
type Principal struct {
	Wildcard bool
	Values   map[string]StringList
}

// AnyPrincipal returns the "*" principal.
func AnyPrincipal() *Principal { return &Principal{Wildcard: true} }

// NewPrincipal returns a principal of one type with the given values.
func NewPrincipal(typ string, values ...string) *Principal {
	return &Principal{Values: map[string]StringList{typ: StringList(values)}}
}

var validPrincipalTypes = map[string]bool{
	PrincipalAWS: true, PrincipalService: true, PrincipalFederated: true, PrincipalCanonicalUser: true,
}

// ---- JSON decoding -------------------------------------------------------

// UnmarshalJSON accepts a string, a boolean, a number, or a list of those.
// Booleans and numbers keep their literal text, so true becomes "true".
func (l *StringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var raws []json.RawMessage
		if err := json.Unmarshal(b, &raws); err != nil {
			return err
		}
		out := make(StringList, 0, len(raws))
		for i, r := range raws {
			s, err := scalarString(r)
			if err != nil {
				return fmt.Errorf("list element %d: %w", i, err)
			}
			out = append(out, s)
		}
		*l = out
		return nil
	}
	s, err := scalarString(b)
	if err != nil {
		return err
	}
	*l = StringList{s}
	return nil
}

func scalarString(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "", errors.New("empty value")
	}
	switch b[0] {
	case '"':
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	case 't', 'f':
		var v bool
		if err := json.Unmarshal(b, &v); err != nil {
			return "", err
		}
		if v {
			return "true", nil
		}
		return "false", nil
	case 'n':
		return "", errors.New("null is not a valid value: use a string")
	case '[', '{':
		return "", errors.New("expected a string, boolean or number, found a nested list or object")
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return "", err
		}
		return n.String(), nil
	}
}

// UnmarshalJSON accepts "*" or an object keyed by principal type. Any other
// string, and any unknown principal type, is an error naming it.
func (p *Principal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s != "*" {
			return fmt.Errorf("principal %q: a bare string principal must be \"*\"; use {\"AWS\": %q} for an ARN or account", s, s)
		}
		*p = Principal{Wildcard: true}
		return nil
	}
	var m map[string]StringList
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("principal must be \"*\" or an object of principal types: %w", err)
	}
	for k := range m {
		if !validPrincipalTypes[k] {
			return fmt.Errorf("unknown principal type %q (want AWS, Service, Federated or CanonicalUser)", k)
		}
	}
	if m == nil {
		m = map[string]StringList{}
	}
	*p = Principal{Values: m}
	return nil
}

var statementKeys = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
var documentKeys = []string{"Version", "Id", "Statement"}

// unknownKey builds the strict-decoding error; element names are
// case-sensitive in IAM, so a near miss gets a hint.
func unknownKey(k string, known []string) error {
	for _, c := range known {
		if strings.EqualFold(c, k) {
			return fmt.Errorf("unknown key %q (element names are case-sensitive: did you mean %q?)", k, c)
		}
	}
	return fmt.Errorf("unknown key %q (want one of %s)", k, strings.Join(known, ", "))
}

// UnmarshalJSON decodes strictly: unknown keys are an error naming the key.
func (s *Statement) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("a statement must be a JSON object: %w", err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic error for documents with several problems
	var out Statement
	for _, k := range keys {
		raw := m[k]
		var err error
		switch k {
		case "Sid":
			err = json.Unmarshal(raw, &out.Sid)
		case "Effect":
			err = json.Unmarshal(raw, &out.Effect)
		case "Principal":
			out.Principal = new(Principal)
			err = out.Principal.UnmarshalJSON(raw)
		case "NotPrincipal":
			out.NotPrincipal = new(Principal)
			err = out.NotPrincipal.UnmarshalJSON(raw)
		case "Action":
			err = json.Unmarshal(raw, &out.Action)
		case "NotAction":
			err = json.Unmarshal(raw, &out.NotAction)
		case "Resource":
			err = json.Unmarshal(raw, &out.Resource)
		case "NotResource":
			err = json.Unmarshal(raw, &out.NotResource)
		case "Condition":
			err = json.Unmarshal(raw, &out.Condition)
		default:
			return unknownKey(k, statementKeys)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	*s = out
	return nil
}

// UnmarshalJSON decodes strictly and accepts Statement as a single object
// as well as a list, as IAM does.
func (d *Document) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("a policy document must be a JSON object: %w", err)
	}
	var out Document
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		raw := bytes.TrimSpace(m[k])
		switch k {
		case "Version":
			if err := json.Unmarshal(raw, &out.Version); err != nil {
				return fmt.Errorf("Version: %w", err)
			}
		case "Id":
			if err := json.Unmarshal(raw, &out.ID); err != nil {
				return fmt.Errorf("Id: %w", err)
			}
		case "Statement":
			var raws []json.RawMessage
			switch {
			case len(raw) > 0 && raw[0] == '{':
				raws = []json.RawMessage{raw}
			case len(raw) > 0 && raw[0] == '[':
				if err := json.Unmarshal(raw, &raws); err != nil {
					return fmt.Errorf("Statement: %w", err)
				}
			case string(raw) == "null":
			default:
				return errors.New("Statement: must be an object or a list of objects")
			}
			for i, r := range raws {
				var st Statement
				if err := st.UnmarshalJSON(r); err != nil {
					return fmt.Errorf("statement %d: %w", i+1, err)
				}
				out.Statement = append(out.Statement, st)
			}
		default:
			return unknownKey(k, documentKeys)
		}
	}
	*d = out
	return nil
}

// ---- JSON encoding -------------------------------------------------------

// MarshalJSON writes a single value as a bare string, anything else as a list.
func (l StringList) MarshalJSON() ([]byte, error) {
	if len(l) == 1 {
		return encodeNoHTML(l[0])
	}
	return encodeNoHTML([]string(l))
}

// MarshalJSON writes "*" or the map of principal types (keys sorted).
func (p Principal) MarshalJSON() ([]byte, error) {
	if p.Wildcard {
		if len(p.Values) > 0 {
			return nil, errors.New("principal is both \"*\" and a map of principal types")
		}
		return []byte(`"*"`), nil
	}
	if p.Values == nil {
		return []byte(`{}`), nil
	}
	return encodeNoHTML(p.Values)
}

// documentJSON fixes the key order Version, Id, Statement: the order people
// expect to read, and a stable one.
type documentJSON struct {
	Version   string      `json:"Version,omitempty"`
	ID        string      `json:"Id,omitempty"`
	Statement []Statement `json:"Statement"`
}

// MarshalJSON writes the document with keys in the conventional order.
// Statement is always a list (an empty one rather than null).
func (d Document) MarshalJSON() ([]byte, error) {
	st := d.Statement
	if st == nil {
		st = []Statement{}
	}
	return encodeNoHTML(documentJSON{Version: d.Version, ID: d.ID, Statement: st})
}

// encodeNoHTML is json.Marshal without escaping <, > and &: policies are read
// by people in the console, and "\u0026" helps nobody.
func encodeNoHTML(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
