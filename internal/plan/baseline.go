package plan

import (
	"slices"
	"strings"

	"github.com/iam-baseline/operator/internal/policy"
)

// The AccountBaseline's planning: the account alias, the password policy, the
// customer-managed MFA-enforcement policy and the groups. Budgets are in budgets.go.

// BaselineAlias plans the account alias. An account has one alias and creating a
// new one replaces it, so a change is a single CreateAccountAlias: the current alias
// is never deleted first, and when AWS refuses the new one (taken by another
// account) the account keeps the alias it had. An empty desired alias leaves
// whatever is there alone: the spec does not ask for one.
func BaselineAlias(desired string, observed []string) []Change {
	if desired == "" || slices.Contains(observed, desired) {
		return nil
	}
	return []Change{{Action: "CreateAccountAlias", Target: desired}}
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
	// Document is the version's document (URL-encoded as IAM returns it); read
	// for non-default versions only, when a repair needs to know which to keep.
	Document string
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
	// Path and Description are given to CreatePolicy ("" for IAM's default path "/"
	// and no description); IAM cannot change either afterwards.
	Path, Description string
	// Tags are the operator's ownership tags; other tags on the policy are left alone.
	Tags map[string]string
}

// ManagedPolicyNeedsVersions reports whether planning needs the version list (with
// the documents of the non-default versions): the default document differs, so the
// policy is repaired.
func ManagedPolicyNeedsVersions(d ManagedPolicyDesired, o ManagedPolicyObserved) bool {
	if !o.Exists {
		return false
	}
	same, err := policy.Equal(d.Document, o.DefaultDocument)
	return err != nil || !same
}

// ManagedPolicy plans a customer-managed policy: CreatePolicy with the ownership tags,
// or a repair when the default document differs canonically. Only the operator's own
// tag keys are compared: tags someone added are not removed.
//
// A repair leaves no version but the desired one behind. A version added by hand
// (say "Allow *") that is not the default is one SetDefaultPolicyVersion away from
// being live, so it must not survive the repair, nor may the drifted default:
//
//  1. every non-default version whose document differs from the desired one is
//     deleted (which also makes room under IAM's five versions);
//  2. a non-default version that already holds the desired document becomes the
//     default (SetDefaultPolicyVersion), else a new default version is created;
//  3. the drifted former default, no longer the default, is deleted.
func ManagedPolicy(d ManagedPolicyDesired, o ManagedPolicyObserved) []Change {
	if !o.Exists {
		return []Change{{Action: "CreatePolicy", Target: d.Name, Document: d.Document, Tags: d.Tags, Value: d.Path, Description: d.Description}}
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
	versions := slices.Clone(o.Versions)
	slices.SortFunc(versions, func(a, b PolicyVersion) int { return a.Order - b.Order })
	var keep, oldDefault string
	for _, v := range versions {
		if v.IsDefault {
			oldDefault = v.ID
			continue
		}
		if same, err := policy.Equal(d.Document, v.Document); err == nil && same && keep == "" {
			keep = v.ID
			continue
		}
		out = append(out, Change{Action: "DeletePolicyVersion", Target: v.ID})
	}
	if keep != "" {
		out = append(out, Change{Action: "SetDefaultPolicyVersion", Target: keep})
	} else {
		out = append(out, Change{Action: "CreatePolicyVersion", Target: d.Name, Document: d.Document})
	}
	if oldDefault != "" {
		out = append(out, Change{Action: "DeletePolicyVersion", Target: oldDefault})
	}
	return out
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
	out = append(out, setChanges("AttachGroupPolicy", "DetachGroupPolicy", d.ManagedPolicies, o.ManagedPolicies, MaxAttachedPolicies)...)
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
