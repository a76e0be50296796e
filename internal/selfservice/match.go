package selfservice

import "strings"

// match reports whether s matches pattern, where * matches any run of characters and
// ? any one character (IAM's StringLike). With fold, case is ignored (IAM names and
// tag keys are case-insensitive).
func match(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	p, t := []rune(pattern), []rune(s)
	// Iterative glob with backtracking to the last star: linear in practice.
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]) && p[pi] != '*':
			pi++
			ti++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// within reports whether every string sub matches (sub being itself a pattern) also
// matches pattern: pattern grants sub. A * in pattern covers anything, wildcards
// included; a ? in pattern covers one character of sub but not a * (which may stand
// for many); a literal in pattern covers only the same literal, so a wildcard in sub
// is never granted by a literal.
func within(pattern, sub string) bool {
	p, s := []rune(pattern), []rune(sub)
	// memo[i][j]: does p[i:] grant s[j:]? Patterns are short (subjects, paths).
	memo := make([][]int8, len(p)+1)
	for i := range memo {
		memo[i] = make([]int8, len(s)+1)
	}
	var grants func(i, j int) bool
	grants = func(i, j int) bool {
		if m := memo[i][j]; m != 0 {
			return m > 0
		}
		var ok bool
		switch {
		case i == len(p):
			ok = j == len(s)
		case p[i] == '*':
			ok = grants(i+1, j) || (j < len(s) && grants(i, j+1))
		case j == len(s):
			ok = false
		case p[i] == '?':
			ok = s[j] != '*' && grants(i+1, j+1)
		default:
			ok = s[j] != '*' && s[j] != '?' && p[i] == s[j] && grants(i+1, j+1)
		}
		memo[i][j] = -1
		if ok {
			memo[i][j] = 1
		}
		return ok
	}
	return grants(0, 0)
}

// matchAny reports whether s matches one of patterns.
func matchAny(patterns []string, s string, fold bool) (string, bool) {
	for _, p := range patterns {
		if match(p, s, fold) {
			return p, true
		}
	}
	return "", false
}
