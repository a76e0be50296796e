package plan

import (
	"fmt"
	"testing"
)

// BenchmarkUserPlanSteadyState measures the pure planning of an unchanged member with
// an assume-role policy over 20 roles, which runs on every resync of every member.
func BenchmarkUserPlanSteadyState(b *testing.B) {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":[`
	for i := 0; i < 20; i++ {
		if i > 0 {
			doc += ","
		}
		doc += fmt.Sprintf(`"arn:aws:iam::123456789012:role/r%02d"`, i)
	}
	doc += `]}]}`
	tags := map[string]string{"iam.baseline.dev/owner": "TeamMember/ns/a", "iam.baseline.dev/managed-by": "iam-baseline-operator", "team": "x"}
	d := UserDesired{Name: "a", Path: "/", Tags: tags, Groups: []string{"developers", "mfa"}, Console: true, InlinePolicies: map[string]string{"p": doc}}
	o := UserObserved{Exists: true, Path: "/", Tags: tags, Groups: []string{"mfa", "developers"}, LoginProfile: true, InlinePolicies: map[string]string{"p": doc}}
	b.ReportAllocs()
	for b.Loop() {
		changes, err := User(d, o)
		if err != nil || len(changes) != 0 {
			b.Fatal(changes, err)
		}
	}
}
