package plan

import (
	"fmt"
	"slices"
	"testing"
)

func planned(changes []Change) []string {
	out := make([]string, 0, len(changes))
	for _, c := range changes {
		out = append(out, c.Action+" "+c.Target)
	}
	return out
}

// IAM ignores case in names: a spec spelling a group differently from AWS must not
// plan a removal of the group it is already in (which would flip forever).
func TestSetChangesIgnoreCase(t *testing.T) {
	got := planned(setChanges("AddUserToGroup", "RemoveUserFromGroup", []string{"Developers", "ops"}, []string{"developers", "OPS"}, MaxGroupsPerUser))
	if len(got) != 0 {
		t.Fatalf("names equal ignoring case planned changes: %v", got)
	}
	got = planned(setChanges("AddUserToGroup", "RemoveUserFromGroup", []string{"devs", "Devs", "ops"}, nil, MaxGroupsPerUser))
	if want := []string{"AddUserToGroup devs", "AddUserToGroup ops"}; !slices.Equal(got, want) && !slices.Equal(got, []string{"AddUserToGroup Devs", "AddUserToGroup ops"}) {
		t.Fatalf("got %v, want one addition per name ignoring case", got)
	}
}

// At a limit, a replacement removes first; below it, it adds first.
func TestSetChangesOrderAtLimit(t *testing.T) {
	var full []string
	for i := range MaxAttachedPolicies {
		full = append(full, fmt.Sprintf("arn:aws:iam::aws:policy/P%02d", i))
	}
	desired := append(slices.Clone(full[1:]), "arn:aws:iam::aws:policy/New")
	got := planned(setChanges("AttachRolePolicy", "DetachRolePolicy", desired, full, MaxAttachedPolicies))
	want := []string{"DetachRolePolicy " + full[0], "AttachRolePolicy arn:aws:iam::aws:policy/New"}
	if !slices.Equal(got, want) {
		t.Fatalf("at the limit: got %v, want %v", got, want)
	}
	got = planned(setChanges("AttachRolePolicy", "DetachRolePolicy", []string{"b"}, []string{"a"}, MaxAttachedPolicies))
	if want := []string{"AttachRolePolicy b", "DetachRolePolicy a"}; !slices.Equal(got, want) {
		t.Fatalf("below the limit: got %v, want %v", got, want)
	}
}

// A user in ten groups whose spec swaps one: the removal comes first.
func TestUserGroupSwapAtLimit(t *testing.T) {
	var groups []string
	for i := range MaxGroupsPerUser {
		groups = append(groups, fmt.Sprintf("g%d", i))
	}
	d := UserDesired{Name: "alice", Path: "/", Groups: append(slices.Clone(groups[1:]), "g10")}
	o := UserObserved{Exists: true, Path: "/", Groups: groups}
	changes, err := User(d, o)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"RemoveUserFromGroup g0", "AddUserToGroup g10"}
	if got := planned(changes); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
