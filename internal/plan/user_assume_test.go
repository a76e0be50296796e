package plan

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/iam-baseline/operator/internal/outcome"
)

// The member's assume-role grant moves between its inline policy and its managed
// policy without a moment in which the member lacks it.
func TestUserAssumeGrantMovesWithoutAGap(t *testing.T) {
	owner := map[string]string{"iam.baseline.dev/owner": "TeamMember/ns/a", "iam.baseline.dev/managed-by": "iam-baseline-operator"}
	const arn = "arn:aws:iam::123456789012:policy/iam-baseline/iam-baseline-assume-roles-a"
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":["arn:aws:iam::123456789012:role/r1","arn:aws:iam::123456789012:role/r2"]}]}`
	older := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::123456789012:role/r1"}]}`
	managed := func(d string) UserDesired {
		return UserDesired{Name: "a", Path: "/", Tags: owner, InlinePolicies: map[string]string{"assume": ""},
			AssumePolicy:    ManagedPolicyDesired{Name: "iam-baseline-assume-roles-a", Path: "/iam-baseline/", Document: d, Tags: owner},
			AssumePolicyARN: arn}
	}
	inline := managed("")
	inline.InlinePolicies = map[string]string{"assume": older}
	ours := ManagedPolicyObserved{Exists: true, ARN: arn, Tags: owner, DefaultDocument: doc}
	user := func(o UserObserved) UserObserved { o.Exists, o.Path, o.Tags = true, "/", owner; return o }
	cases := []struct {
		name    string
		desired UserDesired
		obs     UserObserved
		want    []string
	}{
		{"new user, long grant", managed(doc), UserObserved{},
			[]string{"CreateUser a", "CreatePolicy iam-baseline-assume-roles-a", "AttachUserPolicy " + arn}},
		{"inline to managed: policy, attach, then delete inline", managed(doc), user(UserObserved{InlinePolicies: map[string]string{"assume": older}}),
			[]string{"CreatePolicy iam-baseline-assume-roles-a", "AttachUserPolicy " + arn, "DeleteUserPolicy assume"}},
		{"managed in sync", managed(doc), user(UserObserved{Attached: []string{arn}, AssumePolicy: ours}), nil},
		{"managed, roles changed: new version, old one deleted", managed(older),
			user(UserObserved{Attached: []string{arn}, AssumePolicy: ManagedPolicyObserved{Exists: true, ARN: arn, Tags: owner, DefaultDocument: doc,
				Versions: []PolicyVersion{{ID: "v1", IsDefault: true, Order: 1}}}}),
			[]string{"CreatePolicyVersion iam-baseline-assume-roles-a", "DeletePolicyVersion v1"}},
		{"managed, detached by hand", managed(doc), user(UserObserved{AssumePolicy: ours}), []string{"AttachUserPolicy " + arn}},
		{"managed to inline: put, detach, then delete the policy", inline, user(UserObserved{Attached: []string{arn}, AssumePolicy: ours}),
			[]string{"PutUserPolicy assume", "DetachUserPolicy " + arn, "DeletePolicy " + arn}},
		{"someone else's policy of that name is left alone", inline, user(UserObserved{Attached: []string{arn}, InlinePolicies: map[string]string{"assume": older}}), nil},
		{"an unattached policy of the member's is deleted", inline, user(UserObserved{InlinePolicies: map[string]string{"assume": older}, AssumePolicy: ours}),
			[]string{"DeletePolicy " + arn}},
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

	// A user with IAM's ten attached policies has no room: Stalled, nothing planned.
	full := user(UserObserved{InlinePolicies: map[string]string{"assume": older}})
	for i := range MaxAttachedPolicies {
		full.Attached = append(full.Attached, fmt.Sprintf("arn:aws:iam::123456789012:policy/p%d", i))
	}
	changes, err := User(managed(doc), full)
	var st *outcome.StalledError
	if !errors.As(err, &st) || st.Reason != ReasonAttachedPolicyLimit || len(changes) != 0 {
		t.Fatalf("ten attached: %v, %v; want Stalled %s and no change", changes, err, ReasonAttachedPolicyLimit)
	}
	full.Attached[0] = arn // already attached: no room needed
	full.AssumePolicy = ours
	if changes, err := User(managed(doc), full); err != nil || len(changes) != 1 || changes[0].Action != "DeleteUserPolicy" {
		t.Fatalf("ten attached, ours among them: %v, %v", changes, err)
	}
}
