package plan

import (
	"errors"
	"net/url"
	"reflect"
	"testing"

	"github.com/iam-baseline/operator/internal/policy"
)

const (
	alice = "arn:aws:iam::123456789012:user/alice"
	bob   = "arn:aws:iam::123456789012:user/bob"
	s3RO  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
)

func trustDoc(t *testing.T, people ...string) string {
	t.Helper()
	d, err := policy.Trust(policy.TrustInput{People: people, RequireMFA: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := policy.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func desiredRole(t *testing.T) RoleDesired {
	return RoleDesired{
		Name: "admin", Path: "/", Description: "admins", MaxSessionDuration: 3600,
		Trust:           trustDoc(t, alice, bob),
		ManagedPolicies: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"},
		InlinePolicies:  map[string]string{"s3": s3RO},
		Tags:            map[string]string{"team": "a", "iam.baseline.dev/owner": "AssumableRole/ns/admin"},
	}
}

// observedFrom is what IAM would return for d: URL-encoded documents.
func observedFrom(d RoleDesired) RoleObserved {
	inline := map[string]string{}
	for k, v := range d.InlinePolicies {
		inline[k] = url.QueryEscape(v)
	}
	return RoleObserved{
		Exists: true, Path: d.Path, Description: d.Description, MaxSessionDuration: d.MaxSessionDuration,
		PermissionsBoundary: d.PermissionsBoundary, Trust: url.QueryEscape(d.Trust),
		ManagedPolicies: append([]string(nil), d.ManagedPolicies...), InlinePolicies: inline, Tags: d.Tags,
	}
}

func actions(changes []Change) []string {
	out := []string{}
	for _, c := range changes {
		out = append(out, c.String())
	}
	return out
}

func TestRoleCreate(t *testing.T) {
	d := desiredRole(t)
	d.PermissionsBoundary = "arn:aws:iam::123456789012:policy/boundary"
	got, err := Role(d, RoleObserved{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"CreateRole admin", "AttachRolePolicy arn:aws:iam::aws:policy/ReadOnlyAccess", "PutRolePolicy s3"}
	if !reflect.DeepEqual(actions(got), want) {
		t.Fatalf("got %v, want %v", actions(got), want)
	}
	if got[0].Document != d.Trust || got[0].Value != "/" || !reflect.DeepEqual(got[0].Tags, d.Tags) {
		t.Fatalf("CreateRole carries %+v", got[0])
	}
	if !TrustChanged(got) {
		t.Fatal("a create writes the trust policy")
	}
}

func TestRoleUnchangedIsNoChange(t *testing.T) {
	d := desiredRole(t)
	got, err := Role(d, observedFrom(d))
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v; want no change", actions(got), err)
	}
	// The default session duration and the root path need not be spelt out.
	d.MaxSessionDuration, d.Path = 0, ""
	o := observedFrom(d)
	o.MaxSessionDuration, o.Path = 3600, "/"
	if got, err := Role(d, o); err != nil || len(got) != 0 {
		t.Fatalf("defaults: got %v, %v", actions(got), err)
	}
}

func TestRoleTrustComparedCanonically(t *testing.T) {
	d := desiredRole(t)
	o := observedFrom(d)
	// Same meaning, other key order, one-element lists, spacing, URL-encoded.
	o.Trust = url.QueryEscape(`{ "Statement": [ { "Condition": {"Bool": {"aws:MultiFactorAuthPresent": ["true"]}},
		"Action": ["sts:AssumeRole"], "Principal": {"AWS": ["` + bob + `", "` + alice + `"]},
		"Effect": "Allow", "Sid": "AllowAWSPrincipals" } ], "Version": "2012-10-17" }`)
	if got, err := Role(d, o); err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v; want no change", actions(got), err)
	}
}

func TestRoleTrustDrift(t *testing.T) {
	d := desiredRole(t)
	cases := map[string]string{
		"member removed by hand": trustDoc(t, alice),
		"unparseable":            "%%%not json",
	}
	// A deleted user shows as its unique ID: rewritten from the spec.
	cases["deleted user as unique ID"] = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAWSPrincipals","Effect":"Allow","Principal":{"AWS":["` + alice + `","AIDAEXAMPLEUNIQUEID12"]},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	for name, trust := range cases {
		t.Run(name, func(t *testing.T) {
			o := observedFrom(d)
			o.Trust = trust
			got, err := Role(d, o)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{"UpdateAssumeRolePolicy"}; !reflect.DeepEqual(actions(got), want) {
				t.Fatalf("got %v, want %v", actions(got), want)
			}
			if got[0].Document != d.Trust {
				t.Fatal("the trust is rewritten from the spec")
			}
			// After the rewrite AWS holds the desired document: no further change.
			o.Trust = url.QueryEscape(got[0].Document)
			if again, _ := Role(d, o); len(again) != 0 {
				t.Fatalf("second plan after rewrite: %v", actions(again))
			}
		})
	}
}

func TestRoleSettingsBoundaryTagsPolicies(t *testing.T) {
	d := desiredRole(t)
	o := observedFrom(d)
	o.Description = "old"
	o.MaxSessionDuration = 7200
	o.PermissionsBoundary = "arn:aws:iam::123456789012:policy/old"
	o.Tags = map[string]string{"team": "b", "stale": "x", "iam.baseline.dev/owner": "AssumableRole/ns/admin"}
	o.ManagedPolicies = []string{"arn:aws:iam::aws:policy/AdministratorAccess"}
	o.InlinePolicies = map[string]string{"s3": url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`), "extra": s3RO}
	got, err := Role(d, o)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"UpdateRole description,maxSessionDuration",
		"DeleteRolePermissionsBoundary arn:aws:iam::123456789012:policy/old",
		"TagRole team",
		"UntagRole stale",
		"AttachRolePolicy arn:aws:iam::aws:policy/ReadOnlyAccess",
		"DetachRolePolicy arn:aws:iam::aws:policy/AdministratorAccess",
		"PutRolePolicy s3",
		"DeleteRolePolicy extra",
	}
	if !reflect.DeepEqual(actions(got), want) {
		t.Fatalf("got\n%v\nwant\n%v", actions(got), want)
	}
	if TrustChanged(got) {
		t.Fatal("trust did not change")
	}

	d.PermissionsBoundary = "arn:aws:iam::123456789012:policy/new"
	got, _ = Role(d, o)
	if got[1].Action != ActionPutRolePermissionsBoundary || got[1].Value != d.PermissionsBoundary {
		t.Fatalf("boundary change: %+v", got[1])
	}
}

func TestRolePathCannotChange(t *testing.T) {
	d := desiredRole(t)
	o := observedFrom(d)
	o.Path = "/team/"
	_, err := Role(d, o)
	var pe *PathChangeError
	if !errors.As(err, &pe) || pe.Observed != "/team/" || pe.Desired != "/" {
		t.Fatalf("got %v", err)
	}
}

func TestTrustAWSPrincipals(t *testing.T) {
	d, err := policy.Trust(policy.TrustInput{People: []string{bob, alice}, Accounts: []string{"210987654321"}, Services: []string{"ec2.amazonaws.com"}})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := policy.Marshal(d)
	got := TrustAWSPrincipals(url.QueryEscape(s))
	want := []string{"arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:user/bob", "arn:aws:iam::210987654321:root"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if TrustAWSPrincipals("nope") != nil {
		t.Fatal("unparseable is nil")
	}
}
