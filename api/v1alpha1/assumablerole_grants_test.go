package v1alpha1

import (
	"slices"
	"testing"
)

// A member holds the grant while it is in the trust or admitted ahead of it; one in
// both is listed once, and a member in neither holds nothing.
func TestGrantedMembersAreTrustedOrAdmitted(t *testing.T) {
	s := AssumableRoleStatus{TrustedMembers: []string{"a/x", "b/y"}, AdmittedMembers: []string{"b/y", "a/w"}}
	if got, want := s.GrantedMembers(), []string{"a/w", "a/x", "b/y"}; !slices.Equal(got, want) {
		t.Fatalf("GrantedMembers %v, want %v", got, want)
	}
	for m, want := range map[string]bool{"a/x": true, "a/w": true, "b/y": true, "c/z": false} {
		if got := s.Grants(m); got != want {
			t.Errorf("Grants(%q) = %v, want %v", m, got, want)
		}
	}
	if len(s.TrustedMembers) != 2 {
		t.Fatalf("GrantedMembers changed the status: %v", s.TrustedMembers)
	}
}
