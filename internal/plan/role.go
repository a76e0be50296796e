package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/iam-baseline/operator/internal/policy"
)

// DefaultMaxSessionDuration is IAM's default (and minimum) maximum session
// duration of a role, in seconds.
const DefaultMaxSessionDuration = 3600

// RoleDesired is an AssumableRole's IAM role as the spec wants it.
type RoleDesired struct {
	Name, Path  string
	Description string
	// MaxSessionDuration in seconds; 0 means IAM's default (3600).
	MaxSessionDuration int32
	// PermissionsBoundary ARN; "" means none.
	PermissionsBoundary string
	// Trust is the trust policy JSON built by policy.Trust; it never holds unique IDs.
	Trust string
	// ManagedPolicies attached to the role: exactly this set.
	ManagedPolicies []string
	// InlinePolicies by name: exactly this set (others are deleted).
	InlinePolicies map[string]string
	// Tags, ownership tags included: exactly this set.
	Tags map[string]string
}

// RoleObserved is the role as read from IAM.
type RoleObserved struct {
	Exists              bool
	Path                string
	Description         string
	MaxSessionDuration  int32
	PermissionsBoundary string
	// Trust is the trust policy as IAM returns it (URL-encoded, any key order).
	Trust           string
	ManagedPolicies []string
	InlinePolicies  map[string]string
	Tags            map[string]string
}

// Change actions for roles, named after the IAM operations they map to.
const (
	ActionCreateRole                    = "CreateRole"
	ActionUpdateRole                    = "UpdateRole"
	ActionUpdateAssumeRolePolicy        = "UpdateAssumeRolePolicy"
	ActionPutRolePermissionsBoundary    = "PutRolePermissionsBoundary"
	ActionDeleteRolePermissionsBoundary = "DeleteRolePermissionsBoundary"
	ActionTagRole                       = "TagRole"
	ActionUntagRole                     = "UntagRole"
	ActionAttachRolePolicy              = "AttachRolePolicy"
	ActionDetachRolePolicy              = "DetachRolePolicy"
	ActionPutRolePolicy                 = "PutRolePolicy"
	ActionDeleteRolePolicy              = "DeleteRolePolicy"
)

// PathChangeError: IAM cannot move a role to another path; the role has to be
// recreated, which the operator does not do on its own.
type PathChangeError struct{ Role, Observed, Desired string }

func (e *PathChangeError) Error() string {
	return fmt.Sprintf("IAM role %s exists with path %s but the spec asks for %s: IAM cannot change a role's path; set spec.path back to %s, or delete the role so it is recreated",
		e.Role, e.Observed, e.Desired, e.Observed)
}

// Role plans the role in the order IAM needs: create (with trust, path,
// description, session duration, boundary and tags in one call) or update the
// trust policy, then the role's settings, boundary, tags, managed and inline
// policies. Documents are compared canonically (policy.Equal), so a trust or
// inline policy AWS returns URL-encoded or re-ordered is not a change, while a
// trust policy that shows a deleted user as its unique ID (AIDA...) is one: the
// desired document never holds unique IDs, so it is rewritten once from the spec.
func Role(d RoleDesired, o RoleObserved) ([]Change, error) {
	d.Path = policy.NormalizePath(d.Path)
	if d.MaxSessionDuration == 0 {
		d.MaxSessionDuration = DefaultMaxSessionDuration
	}
	var out []Change
	if !o.Exists {
		out = append(out, Change{Action: ActionCreateRole, Target: d.Name, Value: d.Path, Document: d.Trust, Tags: d.Tags})
		// CreateRole sets everything but the policies.
		o = RoleObserved{Exists: true, Path: d.Path, Description: d.Description, MaxSessionDuration: d.MaxSessionDuration,
			PermissionsBoundary: d.PermissionsBoundary, Trust: d.Trust, Tags: d.Tags}
	}
	if op := policy.NormalizePath(o.Path); op != d.Path {
		return nil, &PathChangeError{Role: d.Name, Observed: op, Desired: d.Path}
	}
	if same, err := policy.Equal(d.Trust, o.Trust); err != nil || !same {
		// What AWS holds does not parse, or differs: rewrite it from the spec.
		out = append(out, Change{Action: ActionUpdateAssumeRolePolicy, Document: d.Trust})
	}
	var settings []string
	if d.Description != o.Description {
		settings = append(settings, "description")
	}
	if d.MaxSessionDuration != o.MaxSessionDuration {
		settings = append(settings, "maxSessionDuration")
	}
	if len(settings) > 0 {
		out = append(out, Change{Action: ActionUpdateRole, Target: strings.Join(settings, ",")})
	}
	switch {
	case d.PermissionsBoundary == o.PermissionsBoundary:
	case d.PermissionsBoundary == "":
		out = append(out, Change{Action: ActionDeleteRolePermissionsBoundary, Target: o.PermissionsBoundary})
	default:
		out = append(out, Change{Action: ActionPutRolePermissionsBoundary, Target: d.PermissionsBoundary, Value: d.PermissionsBoundary})
	}
	out = append(out, tagChanges(ActionTagRole, ActionUntagRole, d.Tags, o.Tags)...)
	out = append(out, setChanges(ActionAttachRolePolicy, ActionDetachRolePolicy, d.ManagedPolicies, o.ManagedPolicies, MaxAttachedPolicies)...)
	inline, err := inlineChanges(ActionPutRolePolicy, ActionDeleteRolePolicy, d.InlinePolicies, o.InlinePolicies, false)
	if err != nil {
		return nil, err
	}
	return append(out, inline...), nil
}

// TrustChanged reports whether changes rewrite the trust policy (create included).
func TrustChanged(changes []Change) bool {
	return slices.ContainsFunc(changes, func(c Change) bool {
		return c.Action == ActionCreateRole || c.Action == ActionUpdateAssumeRolePolicy
	})
}

// TrustAWSPrincipals returns the AWS principals (ARNs, account IDs or unique IDs)
// a trust policy as IAM returns it allows, sorted; nil when it does not parse.
func TrustAWSPrincipals(doc string) []string {
	d, err := policy.Parse(doc)
	if err != nil {
		return nil
	}
	var out []string
	for _, st := range d.Statement {
		if st.Effect != policy.Allow || st.Principal == nil {
			continue
		}
		out = append(out, st.Principal.Values[policy.PrincipalAWS]...)
	}
	return sortedUnique(out)
}
