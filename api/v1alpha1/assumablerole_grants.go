package v1alpha1

import "slices"

// GrantedMembers are the TeamMembers (namespace/name) that hold sts:AssumeRole on
// the role in their assume-role grant: those in the trust as written and those
// admitted ahead of it. Sorted, without repeats. The TeamMember controller and the
// plan command read a role's grants through this one rule.
func (s *AssumableRoleStatus) GrantedMembers() []string {
	if len(s.AdmittedMembers) == 0 {
		return s.TrustedMembers
	}
	out := append(slices.Clone(s.TrustedMembers), s.AdmittedMembers...)
	slices.Sort(out)
	return slices.Compact(out)
}

// Grants reports whether member (namespace/name) is one of GrantedMembers.
func (s *AssumableRoleStatus) Grants(member string) bool {
	return slices.Contains(s.TrustedMembers, member) || slices.Contains(s.AdmittedMembers, member)
}
