package plan

import (
	"reflect"
	"strings"
	"testing"
)

func TestUserPlan(t *testing.T) {
	owner := map[string]string{"iam.baseline.dev/owner": "TeamMember/ns/a", "iam.baseline.dev/managed-by": "iam-baseline-operator"}
	withTeam := map[string]string{"team": "x"}
	for k, v := range owner {
		withTeam[k] = v
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/r"}]}`
	sameDocEncoded := `%7B%22Statement%22%3A%5B%7B%22Resource%22%3A%5B%22arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr%22%5D%2C%22Action%22%3A%5B%22sts%3AAssumeRole%22%5D%2C%22Effect%22%3A%22Allow%22%7D%5D%2C%22Version%22%3A%222012-10-17%22%7D`
	cases := []struct {
		name    string
		desired UserDesired
		obs     UserObserved
		want    []string
	}{
		{"create", UserDesired{Name: "a", Path: "/", Tags: owner, Groups: []string{"g"}, Console: true}, UserObserved{},
			[]string{"CreateUser a", "AddUserToGroup g"}},
		{"in sync", UserDesired{Name: "a", Path: "/", Tags: owner, Groups: []string{"g", "h"}, Console: true},
			UserObserved{Exists: true, Path: "/", Tags: owner, Groups: []string{"h", "g"}, LoginProfile: true}, nil},
		{"tag drift", UserDesired{Name: "a", Path: "/", Tags: withTeam}, UserObserved{Exists: true, Path: "/", Tags: map[string]string{"team": "y", "rogue": "1", "iam.baseline.dev/owner": "TeamMember/ns/a", "iam.baseline.dev/managed-by": "iam-baseline-operator"}},
			[]string{"TagUser team", "UntagUser rogue"}},
		{"groups exactly", UserDesired{Name: "a", Path: "/", Tags: owner, Groups: []string{"b"}}, UserObserved{Exists: true, Path: "/", Tags: owner, Groups: []string{"a", "b", "c"}},
			[]string{"RemoveUserFromGroup a", "RemoveUserFromGroup c"}},
		{"path", UserDesired{Name: "a", Path: "/eng/", Tags: owner}, UserObserved{Exists: true, Path: "/", Tags: owner}, []string{"UpdateUser a"}},
		{"console off", UserDesired{Name: "a", Path: "/", Tags: owner}, UserObserved{Exists: true, Path: "/", Tags: owner, LoginProfile: true}, []string{"DeleteLoginProfile a"}},
		{"console on is not planned (needs a password)", UserDesired{Name: "a", Path: "/", Tags: owner, Console: true}, UserObserved{Exists: true, Path: "/", Tags: owner}, nil},
		{"inline canonical equal", UserDesired{Name: "a", Path: "/", Tags: owner, InlinePolicies: map[string]string{"p": doc}},
			UserObserved{Exists: true, Path: "/", Tags: owner, InlinePolicies: map[string]string{"p": sameDocEncoded}}, nil},
		{"inline missing", UserDesired{Name: "a", Path: "/", Tags: owner, InlinePolicies: map[string]string{"p": doc}}, UserObserved{Exists: true, Path: "/", Tags: owner}, []string{"PutUserPolicy p"}},
		{"inline unwanted", UserDesired{Name: "a", Path: "/", Tags: owner, InlinePolicies: map[string]string{"p": ""}},
			UserObserved{Exists: true, Path: "/", Tags: owner, InlinePolicies: map[string]string{"p": doc}}, []string{"DeleteUserPolicy p"}},
		{"inline garbage rewritten", UserDesired{Name: "a", Path: "/", Tags: owner, InlinePolicies: map[string]string{"p": doc}},
			UserObserved{Exists: true, Path: "/", Tags: owner, InlinePolicies: map[string]string{"p": "not json"}}, []string{"PutUserPolicy p"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			changes, err := User(tc.desired, tc.obs)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range changes {
				got = append(got, c.String())
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("plan = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSummaryIsCapped(t *testing.T) {
	var changes []Change
	for i := 0; i < 12; i++ {
		changes = append(changes, Change{Action: "AddUserToGroup", Target: "g"})
	}
	if got := Summary(changes); len(got) > 200 || !strings.HasSuffix(got, "; and 4 more") {
		t.Fatalf("summary = %q", got)
	}
}
