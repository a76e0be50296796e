package policy

import (
	"slices"
	"sort"
	"strings"
)

// Canonical returns a copy of d in the form used for comparison. Two documents
// that IAM evaluates identically for the differences this package knows about
// have the same canonical form:
//
//   - a string and a one-element list are the same (StringList);
//   - the order of values in Action, NotAction, Resource, NotResource, of
//     principal values and of condition values does not matter, and duplicate
//     values collapse;
//   - action names are case-insensitive in IAM, so Action and NotAction are
//     lower-cased ("S3:GetObject" == "s3:getobject"); resource ARNs,
//     principals, condition keys and values keep their case because IAM
//     compares them case-sensitively (or depending on the operator), and
//     treating a real difference as equal would hide drift;
//   - condition operator names are kept exactly as written;
//   - statement order does not matter: statements are sorted by their own
//     canonical JSON, and identical statements collapse into one;
//   - an empty Condition block is the same as none.
//
// Version is compared exactly: a document without Version is evaluated by AWS
// as 2008-10-17, where ${aws:username} is literal text, so "2012-10-17" and a
// missing Version are NOT equal.
//
// Key order and whitespace never survive parsing, so they never matter.
func Canonical(d *Document) *Document {
	if d == nil {
		return nil
	}
	c := tidy(d, true)
	type keyed struct {
		key string
		st  Statement
	}
	ks := make([]keyed, 0, len(c.Statement))
	for _, st := range c.Statement {
		b, err := encodeNoHTML(st)
		key := string(b)
		if err != nil {
			key = "\x00invalid:" + err.Error()
		}
		ks = append(ks, keyed{key, st})
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	c.Statement = c.Statement[:0]
	for i, k := range ks {
		if i > 0 && ks[i-1].key == k.key {
			continue
		}
		c.Statement = append(c.Statement, k.st)
	}
	return c
}

// CanonicalJSON is the compact JSON of Canonical(d): equal documents have
// byte-identical canonical JSON, which makes it usable as a hash input or in
// a drift message. A document that cannot be marshalled (a Principal that is
// both "*" and a map) yields a string starting with "invalid:".
func (d *Document) CanonicalJSON() string {
	s, err := Marshal(Canonical(d))
	if err != nil {
		return "invalid: " + err.Error()
	}
	return s
}

// Equal reports whether two policy documents, each raw or URL-encoded JSON,
// are the same after canonicalisation. An error means one of them does not
// parse.
func Equal(a, b string) (bool, error) {
	da, err := Parse(a)
	if err != nil {
		return false, err
	}
	db, err := Parse(b)
	if err != nil {
		return false, err
	}
	return EqualDocuments(da, db)
}

// EqualDocuments is Equal for documents already parsed or built: controllers
// compare the document they built with the one parsed from AWS.
func EqualDocuments(a, b *Document) (bool, error) {
	ca, err := Marshal(Canonical(a))
	if err != nil {
		return false, err
	}
	cb, err := Marshal(Canonical(b))
	if err != nil {
		return false, err
	}
	return ca == cb, nil
}

// tidy deep-copies d, sorting and de-duplicating every value list and
// dropping empty condition blocks. With foldActions, Action and NotAction are
// lower-cased first, for comparison.
func tidy(d *Document, foldActions bool) *Document {
	out := &Document{Version: d.Version, ID: d.ID, Statement: make([]Statement, 0, len(d.Statement))}
	for _, st := range d.Statement {
		out.Statement = append(out.Statement, Statement{
			Sid:          st.Sid,
			Effect:       st.Effect,
			Principal:    tidyPrincipal(st.Principal),
			NotPrincipal: tidyPrincipal(st.NotPrincipal),
			Action:       tidyActions(st.Action, foldActions),
			NotAction:    tidyActions(st.NotAction, foldActions),
			Resource:     sortedSet(st.Resource),
			NotResource:  sortedSet(st.NotResource),
			Condition:    tidyCondition(st.Condition),
		})
	}
	return out
}

func tidyActions(l StringList, fold bool) StringList {
	if !fold {
		return sortedSet(l)
	}
	lower := make(StringList, len(l))
	for i, a := range l {
		lower[i] = strings.ToLower(a)
	}
	return sortedSet(lower)
}

// sortedSet returns the sorted, de-duplicated copy of l, or nil when empty.
func sortedSet(l StringList) StringList {
	if len(l) == 0 {
		return nil
	}
	out := slices.Clone(l)
	slices.Sort(out)
	return slices.Compact(out)
}

func tidyPrincipal(p *Principal) *Principal {
	if p == nil {
		return nil
	}
	out := &Principal{Wildcard: p.Wildcard}
	if p.Values != nil {
		out.Values = make(map[string]StringList, len(p.Values))
		for k, v := range p.Values {
			out.Values[k] = sortedSet(v)
			if out.Values[k] == nil {
				out.Values[k] = StringList{}
			}
		}
	}
	return out
}

func tidyCondition(c Condition) Condition {
	var out Condition
	for op, kv := range c {
		if len(kv) == 0 {
			continue
		}
		if out == nil {
			out = Condition{}
		}
		m := make(map[string]StringList, len(kv))
		for k, v := range kv {
			m[k] = sortedSet(v)
			if m[k] == nil {
				m[k] = StringList{}
			}
		}
		out[op] = m
	}
	return out
}
