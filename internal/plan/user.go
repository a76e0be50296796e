package plan

import (
	"github.com/iam-baseline/operator/internal/outcome"
	"github.com/iam-baseline/operator/internal/policy"
)

// UserDesired is a TeamMember's IAM user as the spec wants it.
type UserDesired struct {
	Name, Path string
	Tags       map[string]string // ownership tags included
	Groups     []string          // spec groups plus the MFA-enforcement group
	Console    bool              // a login profile exists
	// InlinePolicies the operator manages on the user, by name; a name mapped to ""
	// must not exist.
	InlinePolicies map[string]string
	// AssumePolicy is the member's customer-managed policy that carries its
	// assume-role grant when the grant outgrows the inline quota, and AssumePolicyARN
	// its ARN. A Document "" means the grant is inline (or there is none): a policy of
	// the member's still there is detached and deleted.
	AssumePolicy    ManagedPolicyDesired
	AssumePolicyARN string
}

// UserObserved is the user as read from IAM.
type UserObserved struct {
	Exists         bool
	Path           string
	Tags           map[string]string
	Groups         []string
	LoginProfile   bool
	InlinePolicies map[string]string // only the names the operator manages
	// Attached are the ARNs of the managed policies attached to the user.
	Attached []string
	// AssumePolicy is the member's customer-managed assume-role policy. It is read
	// only when the spec wants it or it is attached, and Exists only when it is the
	// member's (ownership checked): someone else's policy of that name is left alone.
	AssumePolicy ManagedPolicyObserved
}

// ReasonAttachedPolicyLimit is the Stalled reason when the user has no room for the
// member's managed assume-role policy.
const ReasonAttachedPolicyLimit = "AttachedPolicyLimit"

// User plans the user, its tags, groups and assume-role grant in the order IAM needs
// them. The login profile is planned only for removal: creating one needs a
// password, which the controller makes and stores before calling CreateLoginProfile.
//
// The grant moves between the inline policy and the member's managed policy without
// a moment in which the member lacks it: to managed, the policy is written and
// attached before the inline one is deleted; back inline, the inline one is put
// before the managed policy is detached and deleted (DeletePolicy stands for
// ManagedPolicies.Delete, which removes the non-default versions first).
func User(d UserDesired, o UserObserved) ([]Change, error) {
	var out []Change
	if !o.Exists {
		out = append(out, Change{Action: "CreateUser", Target: d.Name, Value: d.Path, Tags: d.Tags})
		o = UserObserved{Exists: true, Path: d.Path, Tags: d.Tags, AssumePolicy: o.AssumePolicy}
	}
	if o.Path != d.Path {
		out = append(out, Change{Action: "UpdateUser", Target: d.Name, Value: d.Path})
	}
	out = append(out, tagChanges("TagUser", "UntagUser", d.Tags, o.Tags)...)
	out = append(out, setChanges("AddUserToGroup", "RemoveUserFromGroup", d.Groups, o.Groups, MaxGroupsPerUser)...)
	if !d.Console && o.LoginProfile {
		out = append(out, Change{Action: "DeleteLoginProfile", Target: d.Name})
	}
	inline, err := inlineChanges("PutUserPolicy", "DeleteUserPolicy", d.InlinePolicies, o.InlinePolicies, true)
	if err != nil {
		return nil, err
	}
	attached := containsFold(o.Attached, d.AssumePolicyARN)
	if d.AssumePolicy.Document == "" {
		out = append(out, inline...)
		if o.AssumePolicy.Exists {
			if attached {
				out = append(out, Change{Action: "DetachUserPolicy", Target: d.AssumePolicyARN})
			}
			out = append(out, Change{Action: "DeletePolicy", Target: d.AssumePolicyARN})
		}
		return out, nil
	}
	if !attached && len(sortedUniqueFold(o.Attached)) >= MaxAttachedPolicies {
		// Checked before any write: AttachUserPolicy would fail after the policy was
		// made, and the member would be left with neither grant in place.
		return nil, outcome.Stalled(ReasonAttachedPolicyLimit,
			"the permission to assume this member's roles is too long for an inline policy and needs a managed policy attached to user %s, which already has IAM's %d attached policies: detach one of them, or trust this member in fewer AssumableRoles (about 35 fit inline)",
			d.Name, MaxAttachedPolicies)
	}
	out = append(out, ManagedPolicy(d.AssumePolicy, o.AssumePolicy)...)
	if !attached {
		out = append(out, Change{Action: "AttachUserPolicy", Target: d.AssumePolicyARN})
	}
	return append(out, inline...), nil
}

// IsPolicyChange reports whether a change is to a customer-managed policy itself
// (applied by the policy service), not to the identity it is attached to.
func IsPolicyChange(action string) bool {
	switch action {
	case "CreatePolicy", "CreatePolicyVersion", "SetDefaultPolicyVersion", "DeletePolicyVersion", "TagPolicy", "UntagPolicy", "DeletePolicy":
		return true
	}
	return false
}

// inlineChanges compares inline policies canonically: a document AWS returns
// URL-encoded, re-ordered or with one-element lists as strings is not a change.
// With onlyDesiredNames, observed policies whose names are not in desired are left
// alone (a user's other inline policies are not ours); otherwise they are deleted.
func inlineChanges(putAction, deleteAction string, desired, observed map[string]string, onlyDesiredNames bool) ([]Change, error) {
	var out []Change
	for _, name := range sortedKeys(desired) {
		doc := desired[name]
		cur, exists := observed[name]
		switch {
		case doc == "" && exists:
			out = append(out, Change{Action: deleteAction, Target: name})
		case doc == "":
		case !exists:
			out = append(out, Change{Action: putAction, Target: name, Document: doc})
		default:
			same, err := policy.Equal(doc, cur)
			if err != nil {
				// What AWS holds does not parse: rewrite it from the spec.
				same = false
			}
			if !same {
				out = append(out, Change{Action: putAction, Target: name, Document: doc})
			}
		}
	}
	if !onlyDesiredNames {
		for _, name := range sortedKeys(observed) {
			if _, ok := desired[name]; !ok {
				out = append(out, Change{Action: deleteAction, Target: name})
			}
		}
	}
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return sortedUnique(keys)
}
