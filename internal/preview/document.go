package preview

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/iam-baseline/operator/internal/policy"
)

// prettyDocument is a policy document in a stable, reviewable form: parsed (so
// URL-encoding, key order and whitespace are gone), every value list sorted and
// statements sorted, indented. Two documents the planner finds equal print alike
// except for the case of action names, which is kept as written (the planner's
// canonical form lower-cases them, which is right for comparing and hard to read).
// A document that does not parse is shown as it is.
func prettyDocument(doc string) string {
	d, err := policy.Parse(doc)
	if err != nil {
		return doc
	}
	for i := range d.Statement {
		st := &d.Statement[i]
		for _, l := range []*policy.StringList{&st.Action, &st.NotAction, &st.Resource, &st.NotResource} {
			slices.Sort(*l)
			*l = slices.Compact(*l)
		}
		for _, pr := range []*policy.Principal{st.Principal, st.NotPrincipal} {
			if pr != nil {
				for _, v := range pr.Values {
					slices.Sort(v)
				}
			}
		}
		for _, keys := range st.Condition {
			for _, v := range keys {
				slices.Sort(v)
			}
		}
	}
	slices.SortStableFunc(d.Statement, func(a, b policy.Statement) int {
		return strings.Compare(statementJSON(a), statementJSON(b))
	})
	raw, err := json.Marshal(d)
	if err != nil {
		return doc
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return doc
	}
	return buf.String()
}

func statementJSON(st policy.Statement) string {
	b, _ := json.Marshal(st)
	return string(b)
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
