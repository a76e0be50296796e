package main

import (
	"strconv"
	"strings"
)

// marker is one "+name=value" or "+name:key=value,key=value" comment line.
type marker struct {
	Name  string // e.g. "kubebuilder:validation:Pattern", "optional", "listType"
	Value string // raw text after the first '=' (empty when none)
}

// splitDoc separates a comment's prose from its markers. Lines starting with "+" are
// markers; everything else is prose.
func splitDoc(text string) (prose string, markers []marker) {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "+") {
			name, value, _ := strings.Cut(t[1:], "=")
			markers = append(markers, marker{Name: name, Value: value})
			continue
		}
		lines = append(lines, l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n")), markers
}

// unquote strips Go-style quotes ("..." or `...`) from a marker value; other values
// are returned as they are.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '`') {
		if s, err := strconv.Unquote(v); err == nil {
			return s
		}
	}
	return v
}

// markerArgs parses "key=value,key=value" where values may be quoted with " or `
// and contain commas. The first key may come before the '=' of the marker itself
// ("+kubebuilder:printcolumn:name=..." has Name ending in ":name"), so callers
// pass the text starting at the first key.
func markerArgs(s string) map[string]string {
	out := map[string]string{}
	for len(s) > 0 {
		key, rest, ok := strings.Cut(s, "=")
		if !ok {
			out[strings.TrimSpace(s)] = ""
			break
		}
		key = strings.TrimSpace(key)
		var value string
		switch {
		case rest != "" && (rest[0] == '"' || rest[0] == '`'):
			end := closingQuote(rest)
			value, rest = unquote(rest[:end+1]), rest[end+1:]
		default:
			i := strings.IndexByte(rest, ',')
			if i < 0 {
				i = len(rest)
			}
			value, rest = rest[:i], rest[i:]
		}
		out[key] = value
		s = strings.TrimPrefix(rest, ",")
	}
	return out
}

// closingQuote returns the index of the quote that closes the string starting at
// s[0], honouring backslash escapes inside "...".
func closingQuote(s string) int {
	q := s[0]
	for i := 1; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q:
			return i
		}
	}
	return len(s) - 1
}

// constraints renders the validation markers of a field or type as short phrases.
func constraints(ms []marker) []string {
	var (
		out                  []string
		minLen, maxLen       string
		minimum, maximum     string
		minItems, maxItems   string
		listType, listMapKey string
	)
	for _, m := range ms {
		v := unquote(m.Value)
		switch m.Name {
		case "kubebuilder:default":
			out = append(out, "Default: "+code(unquote(m.Value))+".")
		case "kubebuilder:validation:Enum":
			vals := strings.Split(v, ";")
			for i := range vals {
				vals[i] = code(vals[i])
			}
			out = append(out, "One of "+strings.Join(vals, ", ")+".")
		case "kubebuilder:validation:Pattern":
			out = append(out, "Pattern: "+code(v)+".")
		case "kubebuilder:validation:items:Pattern":
			out = append(out, "Each item matches "+code(v)+".")
		case "kubebuilder:validation:items:MaxLength":
			out = append(out, "Each item at most "+v+" characters.")
		case "kubebuilder:validation:MinLength":
			minLen = v
		case "kubebuilder:validation:MaxLength":
			maxLen = v
		case "kubebuilder:validation:Minimum":
			minimum = v
		case "kubebuilder:validation:Maximum":
			maximum = v
		case "kubebuilder:validation:MinItems":
			minItems = v
		case "kubebuilder:validation:MaxItems":
			maxItems = v
		case "kubebuilder:validation:MaxProperties":
			out = append(out, "At most "+v+" entries.")
		case "kubebuilder:validation:XValidation:rule":
			args := markerArgs("rule=" + m.Value)
			msg := args["message"]
			if args["rule"] == "self == oldSelf" {
				out = append(out, "Immutable.")
				continue
			}
			if msg == "" {
				msg = "Must satisfy the rule"
			}
			out = append(out, "Rule: "+msg+" ("+code(args["rule"])+").")
		case "listType":
			listType = v
		case "listMapKey":
			listMapKey = v
		}
	}
	if s := bounds(minLen, maxLen, "characters"); s != "" {
		out = append(out, "Length "+s+".")
	}
	if s := bounds(minimum, maximum, ""); s != "" {
		out = append(out, "Range "+s+".")
	}
	if s := bounds(minItems, maxItems, "items"); s != "" {
		out = append(out, "List of "+s+".")
	}
	switch listType {
	case "set":
		out = append(out, "No duplicates (list type set).")
	case "map":
		if listMapKey != "" {
			out = append(out, "Entries are unique by "+code(listMapKey)+" (list type map).")
		}
	}
	return out
}

func bounds(lo, hi, unit string) string {
	suffix := ""
	if unit != "" {
		suffix = " " + unit
		if hi == "" && lo == "1" || lo == "" && hi == "1" {
			suffix = " " + strings.TrimSuffix(unit, "s")
		}
	}
	switch {
	case lo != "" && hi != "":
		return lo + " to " + hi + suffix
	case lo != "":
		return "at least " + lo + suffix
	case hi != "":
		return "at most " + hi + suffix
	}
	return ""
}

func hasMarker(ms []marker, name string) bool {
	for _, m := range ms {
		if m.Name == name {
			return true
		}
	}
	return false
}

// code renders s as a Markdown code span that is safe inside a table cell.
func code(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// prose escapes doc-comment text for a table cell: pipes, angle brackets, and line
// breaks (paragraphs become <br><br>, wrapped lines join with a space).
func prose(s string) string {
	s = strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(strings.TrimSpace(s))
	paras := strings.Split(s, "\n\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(paras, "<br><br>")
}
