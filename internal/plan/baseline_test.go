package plan

import (
	"reflect"
	"testing"
)

func baselineActions(cs []Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.String())
	}
	return out
}

func TestBaselineAlias(t *testing.T) {
	for _, tc := range []struct {
		desired  string
		observed []string
		want     []string
	}{
		{"acme", nil, []string{"CreateAccountAlias acme"}},
		{"acme", []string{"acme"}, nil},
		{"acme", []string{"old"}, []string{"CreateAccountAlias acme"}}, // creating replaces: never none in between
		{"", []string{"someone-elses"}, nil},
	} {
		if got := baselineActions(BaselineAlias(tc.desired, tc.observed)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("BaselineAlias(%q, %v) = %v, want %v", tc.desired, tc.observed, got, tc.want)
		}
	}
}

func TestBaselinePasswordPolicy(t *testing.T) {
	d := PasswordPolicy{MinimumLength: 14, PasswordReusePrevention: 24, RequireSymbols: true}
	if got := BaselinePasswordPolicy(d, nil); len(got) != 1 || got[0].Action != "UpdateAccountPasswordPolicy" {
		t.Errorf("no policy: %v", got)
	}
	same := d
	if got := BaselinePasswordPolicy(d, &same); got != nil {
		t.Errorf("same policy: %v", got)
	}
	weaker := d
	weaker.MinimumLength = 8
	if got := BaselinePasswordPolicy(d, &weaker); len(got) != 1 {
		t.Errorf("weaker policy: %v", got)
	}
}

const (
	docA = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`
	// docA as IAM returns it: URL-encoded, keys and actions reordered.
	docAEncoded = `%7B%22Statement%22%3A%5B%7B%22Resource%22%3A%22%2A%22%2C%22Action%22%3A%5B%22s3%3AListBucket%22%2C%22s3%3AGetObject%22%5D%2C%22Effect%22%3A%22Allow%22%7D%5D%2C%22Version%22%3A%222012-10-17%22%7D`
	docB        = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
)

func TestManagedPolicy(t *testing.T) {
	tags := map[string]string{"iam.baseline.dev/managed-by": "iam-baseline-operator", "iam.baseline.dev/owner": "AccountBaseline//a"}
	d := ManagedPolicyDesired{Name: "force-mfa", Document: docA, Tags: tags}

	got := ManagedPolicy(d, ManagedPolicyObserved{})
	if len(got) != 1 || got[0].Action != "CreatePolicy" || got[0].Document != docA || !reflect.DeepEqual(got[0].Tags, tags) {
		t.Errorf("create: %+v", got)
	}

	steady := ManagedPolicyObserved{Exists: true, Tags: map[string]string{"other": "kept", "iam.baseline.dev/managed-by": "iam-baseline-operator", "iam.baseline.dev/owner": "AccountBaseline//a"}, DefaultDocument: docAEncoded}
	if ManagedPolicyNeedsVersions(d, steady) {
		t.Error("an equal document needs no version list")
	}
	if got := ManagedPolicy(d, steady); got != nil {
		t.Errorf("steady state: %v (another tag must be left alone)", baselineActions(got))
	}

	inherited := steady
	inherited.Tags = map[string]string{"iam.baseline.dev/managed-by": "iam-baseline-operator", "iam.baseline.dev/owner": "AccountBaseline//old"}
	if got := baselineActions(ManagedPolicy(d, inherited)); !reflect.DeepEqual(got, []string{"TagPolicy iam.baseline.dev/owner"}) {
		t.Errorf("inherited: %v", got)
	}

	drifted := steady
	drifted.DefaultDocument = docB
	if !ManagedPolicyNeedsVersions(d, drifted) {
		t.Error("a different document needs the version list")
	}
	// The drifted default goes after a new default is created.
	drifted.Versions = []PolicyVersion{{ID: "v2", IsDefault: true, Order: 2}}
	if got := baselineActions(ManagedPolicy(d, drifted)); !reflect.DeepEqual(got, []string{"CreatePolicyVersion force-mfa", "DeletePolicyVersion v2"}) {
		t.Errorf("drift with room: %v", got)
	}
	// Five versions, one added by hand as "Allow *" (v12) beside the desired one
	// (v3): every non-default version that differs goes, oldest first, whatever its
	// age, the desired one becomes the default again and the drifted default goes.
	drifted.Versions = []PolicyVersion{
		{ID: "v1", IsDefault: true, Order: 1}, {ID: "v12", Order: 12, Document: docB},
		{ID: "v3", Order: 3, Document: docAEncoded}, {ID: "v7", Order: 7, Document: docB}, {ID: "v9", Order: 9, Document: "not json"},
	}
	want := []string{"DeletePolicyVersion v7", "DeletePolicyVersion v9", "DeletePolicyVersion v12", "SetDefaultPolicyVersion v3", "DeletePolicyVersion v1"}
	if got := baselineActions(ManagedPolicy(d, drifted)); !reflect.DeepEqual(got, want) {
		t.Errorf("repair at five versions: %v, want %v", got, want)
	}
	// No version holds the desired document: all non-default ones go, then a new default.
	drifted.Versions = []PolicyVersion{{ID: "v4", IsDefault: true, Order: 4}, {ID: "v5", Order: 5, Document: docB}}
	want = []string{"DeletePolicyVersion v5", "CreatePolicyVersion force-mfa", "DeletePolicyVersion v4"}
	if got := baselineActions(ManagedPolicy(d, drifted)); !reflect.DeepEqual(got, want) {
		t.Errorf("repair without the desired version: %v, want %v", got, want)
	}
	garbage := steady
	garbage.DefaultDocument = "not json"
	if got := baselineActions(ManagedPolicy(d, garbage)); !reflect.DeepEqual(got, []string{"CreatePolicyVersion force-mfa"}) {
		t.Errorf("unparsable document: %v", got)
	}
}

func TestVersionOrder(t *testing.T) {
	for id, want := range map[string]int{"v1": 1, "v12": 12, "V3": 3, "x": 0, "": 0} {
		if got := VersionOrder(id); got != want {
			t.Errorf("VersionOrder(%q) = %d, want %d", id, got, want)
		}
	}
}

func TestGroup(t *testing.T) {
	d := GroupDesired{Name: "devs", Path: "/teams/", ManagedPolicies: []string{"arn:p/B", "arn:p/A"}, InlinePolicies: map[string]string{"s3": docA}}
	got := baselineActions(Group(d, GroupObserved{}))
	want := []string{"CreateGroup devs", "AttachGroupPolicy arn:p/A", "AttachGroupPolicy arn:p/B", "PutGroupPolicy s3"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("create: %v, want %v", got, want)
	}
	steady := GroupObserved{Exists: true, Path: "/teams/", ManagedPolicies: []string{"arn:p/A", "arn:p/B"}, InlinePolicies: map[string]string{"s3": docAEncoded}}
	if got := Group(d, steady); got != nil {
		t.Errorf("steady: %v", baselineActions(got))
	}
	drift := GroupObserved{Exists: true, Path: "/", ManagedPolicies: []string{"arn:p/A", "arn:p/Extra"}, InlinePolicies: map[string]string{"s3": docB, "handmade": docB}}
	got = baselineActions(Group(d, drift))
	want = []string{"UpdateGroup devs", "AttachGroupPolicy arn:p/B", "DetachGroupPolicy arn:p/Extra", "PutGroupPolicy s3", "DeleteGroupPolicy handmade"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("drift: %v, want %v", got, want)
	}
}

func TestStaleGroups(t *testing.T) {
	got := StaleGroups([]string{"b", "a", "mfa"}, []string{"a", "mfa", "never-created"})
	if !reflect.DeepEqual(got, []string{"b"}) {
		t.Errorf("StaleGroups = %v", got)
	}
}
