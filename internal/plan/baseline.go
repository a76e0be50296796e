package plan

import (
	"slices"
	"strings"

	"github.com/iam-baseline/operator/internal/policy"
)

// The AccountBaseline's planning: the account alias, the password policy, the
// customer-managed MFA-enforcement policy and the groups. Budgets are in budgets.go.

// BaselineAlias plans the account alias. An account has at most one alias, so a
// different one is deleted before the desired one is created. An empty desired alias
// leaves whatever is there alone: the spec does not ask for one.
func BaselineAlias(desired string, observed []string) []Change {
	if desired == "" || slices.Contains(observed, desired) {
		return nil
	}
	var out []Change
	for _, a := range sortedUnique(observed) {
		out = append(out, Change{Action: "DeleteAccountAlias", Target: a})
	}
	return append(out, Change{Action: "CreateAccountAlias", Target: desired})
}

// PasswordPolicy is the account password policy, as the spec wants it and as IAM
// returns it. MaxPasswordAgeDays 0 means passwords never expire.
type PasswordPolicy struct {
	MinimumLength              int32
	PasswordReusePrevention    int32
	RequireSymbols             bool
	RequireNumbers             bool
	RequireUppercase           bool
	RequireLowercase           bool
	AllowUsersToChangePassword bool
	MaxPasswordAgeDays         int32
	HardExpiry                 bool
}

// BaselinePasswordPolicy plans the password policy; observed is nil when the account
// has none. UpdateAccountPasswordPolicy replaces the whole policy, so one change
// carries all of it (the controller passes the desired policy to the apply step).
func BaselinePasswordPolicy(desired PasswordPolicy, observed *PasswordPolicy) []Change {
	if observed != nil && *observed == desired {
		return nil
	}
	return []Change{{Action: "UpdateAccountPasswordPolicy"}}
}

// PolicyVersion is one version of a customer-managed policy.
type PolicyVersion struct {
	ID        string
	IsDefault bool
	// Order sorts versions by age: IAM numbers them v1, v2, ... and never reuses a
	// number, so the number is the order of creation.
	Order int
}

// ManagedPolicyObserved is a customer-managed policy as read from IAM.
type ManagedPolicyObserved struct {
	Exists bool
	ARN    string
	Tags   map[string]string
	// DefaultDocument is the default version's document (URL-encoded as IAM returns it).
	DefaultDocument string
	// Versions are listed only when a new version is needed (ListPolicyVersions), so a
	// steady state does not pay for them.
	Versions []PolicyVersion
}

// ManagedPolicyDesired is the policy the spec wants.
type ManagedPolicyDesired struct {
	Name     string
	Document string
	// Tags are the operator's ownership tags; other tags on the policy are left alone.
	Tags map[string]string
}

// maxPolicyVersions is IAM's limit of versions per managed policy.
const maxPolicyVersions = 5

// ManagedPolicyNeedsVersions reports whether planning needs the version list: the
// document differs, so a new version is coming and room may have to be made.
func ManagedPolicyNeedsVersions(d ManagedPolicyDesired, o ManagedPolicyObserved) bool {
	if !o.Exists {
		return false
	}
	same, err := policy.Equal(d.Document, o.DefaultDocument)
	return err != nil || !same
}

// ManagedPolicy plans a customer-managed policy: CreatePolicy with the ownership tags,
// or a new default version when the default document differs canonically, deleting
// the oldest non-default version first when IAM's five are in use. Only the
// operator's own tag keys are compared: tags someone added are not removed.
func ManagedPolicy(d ManagedPolicyDesired, o ManagedPolicyObserved) []Change {
	if !o.Exists {
		return []Change{{Action: "CreatePolicy", Target: d.Name, Document: d.Document, Tags: d.Tags}}
	}
	var out []Change
	ours := map[string]string{}
	for k := range d.Tags {
		if v, ok := o.Tags[k]; ok {
			ours[k] = v
		}
	}
	out = append(out, tagChanges("TagPolicy", "UntagPolicy", d.Tags, ours)...)
	if !ManagedPolicyNeedsVersions(d, o) {
		return out
	}
	if len(o.Versions) >= maxPolicyVersions {
		if v, ok := oldestNonDefault(o.Versions); ok {
			out = append(out, Change{Action: "DeletePolicyVersion", Target: v})
		}
	}
	return append(out, Change{Action: "CreatePolicyVersion", Target: d.Name, Document: d.Document})
}

func oldestNonDefault(vs []PolicyVersion) (string, bool) {
	var best *PolicyVersion
	for i := range vs {
		v := &vs[i]
		if v.IsDefault {
			continue
		}
		if best == nil || v.Order < best.Order {
			best = v
		}
	}
	if best == nil {
		return "", false
	}
	return best.ID, true
}

// VersionOrder turns IAM's version id ("v12") into its creation order (12); an id
// that is not of that form sorts first.
func VersionOrder(id string) int {
	n := 0
	for _, r := range strings.TrimPrefix(strings.ToLower(id), "v") {
		if r < '0' || r > '9' {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// GroupDesired is an IAM group as the spec wants it.
type GroupDesired struct {
	Name, Path string
	// ManagedPolicies attached to the group: exactly this set.
	ManagedPolicies []string
	// InlinePolicies by name: exactly this set.
	InlinePolicies map[string]string
}

// GroupObserved is a group as read from IAM.
type GroupObserved struct {
	Exists          bool
	Path            string
	ManagedPolicies []string
	InlinePolicies  map[string]string
}

// Group plans a group, its path, its managed policies and its inline policies.
// Groups take no tags in IAM, so there is nothing to tag.
func Group(d GroupDesired, o GroupObserved) []Change {
	var out []Change
	if !o.Exists {
		out = append(out, Change{Action: "CreateGroup", Target: d.Name, Value: d.Path})
		o = GroupObserved{Exists: true, Path: d.Path}
	}
	if o.Path != d.Path {
		out = append(out, Change{Action: "UpdateGroup", Target: d.Name, Value: d.Path})
	}
	out = append(out, setChanges("AttachGroupPolicy", "DetachGroupPolicy", d.ManagedPolicies, o.ManagedPolicies)...)
	// Error is never returned by inlineChanges (a document AWS holds that does not
	// parse is rewritten); keep the signature's promise anyway.
	inline, _ := inlineChanges("PutGroupPolicy", "DeleteGroupPolicy", d.InlinePolicies, o.InlinePolicies, false)
	return append(out, inline...)
}

// StaleGroups are the groups to delete because the spec no longer names them: only
// groups this baseline created (groups cannot carry ownership tags, so the baseline's
// record of what it created is the only safe evidence).
func StaleGroups(created, desired []string) []string {
	var out []string
	for _, g := range sortedUnique(created) {
		if !slices.Contains(desired, g) {
			out = append(out, g)
		}
	}
	return out
}
