// Package plan decides what to change in AWS: plan(desired, observed) -> []Change,
// with no I/O. Enforce mode applies the changes, Observe mode reports them as drift,
// and unit tests check them directly: one code path for all three.
package plan

import (
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Change is one write to AWS. Action is the AWS operation it maps to; the other
// fields carry what that operation needs.
type Change struct {
	Action string
	// Target names the thing changed: a group, policy name, policy ARN or tag keys.
	Target string
	// Tags to set (TagUser, TagRole, ...).
	Tags map[string]string
	// Keys to remove (UntagUser, ...).
	Keys []string
	// Document is a policy document to write (Put*Policy, UpdateAssumeRolePolicy).
	Document string
	// Value is a scalar to write: a path, description, duration, boundary ARN.
	Value string
	// Description is CreatePolicy's description (its Value is the policy's path).
	Description string
}

// String is the human summary used in events and drift messages. It never contains
// document bodies or secrets.
func (c Change) String() string {
	switch {
	case c.Target != "":
		return c.Action + " " + c.Target
	case len(c.Tags) > 0:
		return c.Action + " " + strings.Join(slices.Sorted(maps.Keys(c.Tags)), ",")
	case len(c.Keys) > 0:
		return c.Action + " " + strings.Join(c.Keys, ",")
	default:
		return c.Action
	}
}

// Summary joins changes for a condition message, capped so status stays small.
func Summary(changes []Change) string {
	const max = 8
	parts := make([]string, 0, max+1)
	for i, c := range changes {
		if i == max {
			parts = append(parts, "and "+strconv.Itoa(len(changes)-max)+" more")
			break
		}
		parts = append(parts, c.String())
	}
	return strings.Join(parts, "; ")
}

// tagChanges returns the tag and untag changes that turn observed into desired.
func tagChanges(tagAction, untagAction string, desired, observed map[string]string) []Change {
	var out []Change
	set := map[string]string{}
	for k, v := range desired {
		if ov, ok := observed[k]; !ok || ov != v {
			set[k] = v
		}
	}
	if len(set) > 0 {
		out = append(out, Change{Action: tagAction, Tags: set})
	}
	var remove []string
	for k := range observed {
		if _, ok := desired[k]; !ok {
			remove = append(remove, k)
		}
	}
	if len(remove) > 0 {
		sort.Strings(remove)
		out = append(out, Change{Action: untagAction, Keys: remove})
	}
	return out
}

// IAM's limits on sets the plans converge.
const (
	// MaxAttachedPolicies is how many managed policies a user, group or role may have.
	MaxAttachedPolicies = 10
	// MaxGroupsPerUser is how many groups a user may be in.
	MaxGroupsPerUser = 10
)

// setChanges returns add changes for desired items missing from observed and remove
// changes for observed items not desired, each sorted for a stable order. Items are
// IAM names or ARNs, which IAM compares ignoring case ("Devs" is the group "devs"),
// so they are compared the same way: a spec spelling a name differently from AWS is
// not a change.
//
// Additions come first, so a replacement never leaves a moment with less than the
// spec asks for (a group swap never drops the MFA-enforcement group's companion
// grants first). When the additions would not fit under IAM's limit (the set is full
// and one item is replaced), removals come first instead: otherwise AWS refuses the
// addition and the object is stuck at the limit for good.
func setChanges(addAction, removeAction string, desired, observed []string, limit int) []Change {
	var adds, removes []Change
	for _, d := range sortedUniqueFold(desired) {
		if !containsFold(observed, d) {
			adds = append(adds, Change{Action: addAction, Target: d})
		}
	}
	for _, o := range sortedUniqueFold(observed) {
		if !containsFold(desired, o) {
			removes = append(removes, Change{Action: removeAction, Target: o})
		}
	}
	if limit > 0 && len(sortedUniqueFold(observed))+len(adds) > limit {
		return append(removes, adds...)
	}
	return append(adds, removes...)
}

// containsFold reports whether list holds s, ignoring case as IAM does for names.
func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// sortedUniqueFold sorts and drops items equal ignoring case (one spelling stays).
func sortedUniqueFold(in []string) []string {
	out := sortedUnique(in)
	slices.SortStableFunc(out, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return slices.CompactFunc(out, strings.EqualFold)
}

func sortedUnique(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}
