package preview

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/iam-baseline/operator/internal/policy"
)

// prettyDocument is a policy document in canonical form (policy.Canonical: the form
// the planner compares), indented, so two documents that differ only in key order,
// value order or URL-encoding print the same and a diff shows only real changes. A
// document that does not parse is shown as it is.
func prettyDocument(doc string) string {
	d, err := policy.Parse(doc)
	if err != nil {
		return doc
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(d.CanonicalJSON()), "", "  "); err != nil {
		return doc
	}
	return buf.String()
}

// lineDiff is a minimal line diff of a and b (longest common subsequence), each
// line prefixed with "  ", "- " or "+ ".
func lineDiff(a, b string) []string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	n, m := len(x), len(y)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			out = append(out, "  "+x[i])
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, "- "+x[i])
			i++
		default:
			out = append(out, "+ "+y[j])
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, "- "+x[i])
	}
	for ; j < m; j++ {
		out = append(out, "+ "+y[j])
	}
	return out
}
