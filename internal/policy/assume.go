package policy

import (
	"slices"
	"strings"
)

// AssumeRolePermissions returns the inline identity policy a TeamMember's user
// carries: sts:AssumeRole on exactly the listed role ARNs, sorted and
// de-duplicated so the document only changes when the set of roles does.
// Listing the ARNs (no wildcards) keeps the grant as narrow as the spec.
//
// It returns nil when there is no role: IAM rejects a policy without
// statements, so callers delete the inline policy instead.
func AssumeRolePermissions(roleARNs []string) *Document {
	var arns []string
	for _, a := range roleARNs {
		if a = strings.TrimSpace(a); a != "" {
			arns = append(arns, a)
		}
	}
	if len(arns) == 0 {
		return nil
	}
	slices.Sort(arns)
	arns = slices.Compact(arns)
	return &Document{
		Version: Version2012,
		Statement: []Statement{{
			Sid:      "AllowAssumeListedRoles",
			Effect:   Allow,
			Action:   StringList{"sts:AssumeRole"},
			Resource: StringList(arns),
		}},
	}
}
