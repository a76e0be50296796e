package eval

import (
	"bytes"
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/iam-baseline/operator/internal/policy"
)

// conditionsHold: every operator, and every key under it, must hold (AND);
// the values listed for one key are alternatives (OR).
func (c *evalContext) conditionsHold(cond policy.Condition, vars bool) bool {
	for op, keys := range cond {
		for key, want := range keys {
			if !c.conditionHolds(op, key, want, vars) {
				return false
			}
		}
	}
	return true
}

// conditionHolds evaluates one operator on one key, following "IAM JSON
// policy elements: Condition operators" and "Multivalued context keys":
//
//   - a missing key makes a positive operator false and a negated one (Not...)
//     true; ...IfExists makes any operator true on a missing key;
//   - Null "true" holds when the key is missing, "false" when present;
//   - ForAnyValue: holds when at least one request value matches (false on a
//     missing key); ForAllValues: when every request value matches (true on a
//     missing key);
//   - an unknown operator never holds: unknown means fail closed.
func (c *evalContext) conditionHolds(op, key string, want policy.StringList, vars bool) bool {
	set := ""
	if q, rest, ok := strings.Cut(op, ":"); ok {
		set, op = q, rest
	}
	have, present := c.value(key)
	if op == "Null" {
		for _, w := range want {
			if (strings.EqualFold(w, "true")) == !present {
				return true
			}
		}
		return false
	}
	ifExists := strings.HasSuffix(op, "IfExists")
	op = strings.TrimSuffix(op, "IfExists")
	cmp, negated, known := comparator(op)
	if !known {
		return false
	}
	switch set {
	case "ForAllValues":
		if !present {
			return true
		}
	case "ForAnyValue":
		if !present {
			return false
		}
	case "":
		if !present {
			return ifExists || negated
		}
	default:
		return false
	}
	if vars && substitutes(op) {
		resolved := make([]string, 0, len(want))
		for _, w := range want {
			if v, ok := c.substitute(w, false); ok {
				resolved = append(resolved, v)
			}
		}
		want = resolved
	}
	// matches reports whether one request value satisfies the (positive form
	// of the) operator against any policy value.
	matches := func(h string) bool {
		for _, w := range want {
			if cmp(h, w) {
				return true
			}
		}
		return false
	}
	switch set {
	case "ForAllValues":
		for _, h := range have {
			if matches(h) == negated {
				return false
			}
		}
		return true
	case "ForAnyValue":
		for _, h := range have {
			if matches(h) != negated {
				return true
			}
		}
		return false
	}
	// A single-valued key (or a multivalued one without a qualifier): a
	// positive operator holds when any value matches, a negated one when none
	// does.
	any := false
	for _, h := range have {
		if matches(h) {
			any = true
			break
		}
	}
	return any != negated
}

// substitutes reports whether policy variables are read in an operator's
// values (string and ARN operators only, as IAM documents).
func substitutes(op string) bool {
	return strings.HasPrefix(op, "String") || strings.HasPrefix(op, "Arn")
}

// comparator returns the positive comparison behind op and whether op is its
// negation.
func comparator(op string) (cmp func(have, want string) bool, negated, known bool) {
	switch op {
	case "StringEquals", "StringNotEquals":
		return func(h, w string) bool { return h == w }, op != "StringEquals", true
	case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
		return strings.EqualFold, op != "StringEqualsIgnoreCase", true
	case "StringLike", "StringNotLike":
		return func(h, w string) bool { return glob(w, h) }, op != "StringLike", true
	case "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike":
		// ArnEquals and ArnLike are the same operator in IAM: both accept
		// wildcards, matched per ARN field.
		return func(h, w string) bool {
			return strings.Count(h, ":") >= 5 && arnGlob(w, h)
		}, strings.Contains(op, "Not"), true
	case "Bool":
		return func(h, w string) bool { return strings.EqualFold(h, w) }, false, true
	case "BinaryEquals":
		return func(h, w string) bool {
			hb, err1 := base64.StdEncoding.DecodeString(h)
			wb, err2 := base64.StdEncoding.DecodeString(w)
			return err1 == nil && err2 == nil && bytes.Equal(hb, wb)
		}, false, true
	case "IpAddress", "NotIpAddress":
		return ipIn, op == "NotIpAddress", true
	}
	if rest, ok := strings.CutPrefix(op, "Numeric"); ok {
		rel, neg := relation(rest)
		if rel == nil {
			return nil, false, false
		}
		return func(h, w string) bool {
			hv, err1 := strconv.ParseFloat(h, 64)
			wv, err2 := strconv.ParseFloat(w, 64)
			return err1 == nil && err2 == nil && rel(compare(hv, wv))
		}, neg, true
	}
	if rest, ok := strings.CutPrefix(op, "Date"); ok {
		rel, neg := relation(rest)
		if rel == nil {
			return nil, false, false
		}
		return func(h, w string) bool {
			ht, ok1 := parseDate(h)
			wt, ok2 := parseDate(w)
			return ok1 && ok2 && rel(ht.Compare(wt))
		}, neg, true
	}
	return nil, false, false
}

// relation maps the suffix of a Numeric or Date operator to a test on the
// sign of compare(have, want).
func relation(suffix string) (func(int) bool, bool) {
	switch suffix {
	case "Equals":
		return func(c int) bool { return c == 0 }, false
	case "NotEquals":
		return func(c int) bool { return c == 0 }, true
	case "LessThan":
		return func(c int) bool { return c < 0 }, false
	case "LessThanEquals":
		return func(c int) bool { return c <= 0 }, false
	case "GreaterThan":
		return func(c int) bool { return c > 0 }, false
	case "GreaterThanEquals":
		return func(c int) bool { return c >= 0 }, false
	}
	return nil, false
}

func compare(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// parseDate reads the date forms IAM accepts: ISO 8601 (with or without
// time, zone or fraction) and epoch seconds.
func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

// ipIn reports whether address have lies in the CIDR (or single address) want.
func ipIn(have, want string) bool {
	addr, err := netip.ParseAddr(have)
	if err != nil {
		return false
	}
	if !strings.Contains(want, "/") {
		w, err := netip.ParseAddr(want)
		return err == nil && w == addr
	}
	prefix, err := netip.ParsePrefix(want)
	return err == nil && prefix.Contains(addr)
}
