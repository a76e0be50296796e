package eval

import "strings"

// substitute replaces the policy variables in s: ${key} with the request's
// value of key, ${key, 'default'} with the default when the key is absent,
// and ${*}, ${?}, ${$} with the literal characters. ok is false when a
// variable has neither a value nor a default: AWS then treats the element as
// not matching. Variables are only read in documents of Version 2012-10-17;
// callers pass 2008-10-17 text through unchanged.
//
// inResource says the result is matched as a pattern: a literal * or ? from
// ${*} or ${?} must stay literal, which glob cannot express, so such a
// pattern is rejected rather than silently widened (IAM names never contain
// them, so nothing real is lost).
func (c *evalContext) substitute(s string, inResource bool) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		b.WriteString(s[:i])
		inner := strings.TrimSpace(s[i+2 : i+j])
		s = s[i+j+1:]
		switch inner {
		case "*", "?":
			if inResource {
				return "", false
			}
			b.WriteString(inner)
			continue
		case "$":
			b.WriteString("$")
			continue
		}
		key, def, hasDef := strings.Cut(inner, ",")
		key = strings.TrimSpace(key)
		if v, ok := c.value(key); ok {
			b.WriteString(v[0])
			continue
		}
		if hasDef {
			def = strings.TrimSpace(def)
			if len(def) >= 2 && def[0] == '\'' && def[len(def)-1] == '\'' {
				b.WriteString(def[1 : len(def)-1])
				continue
			}
		}
		return "", false
	}
}
