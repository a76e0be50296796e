package plan

import "github.com/iam-baseline/operator/internal/policy"

// UserDesired is a TeamMember's IAM user as the spec wants it.
type UserDesired struct {
	Name, Path string
	Tags       map[string]string // ownership tags included
	Groups     []string          // spec groups plus the MFA-enforcement group
	Console    bool              // a login profile exists
	// InlinePolicies the operator manages on the user, by name; a name mapped to ""
	// must not exist.
	InlinePolicies map[string]string
}

// UserObserved is the user as read from IAM.
type UserObserved struct {
	Exists         bool
	Path           string
	Tags           map[string]string
	Groups         []string
	LoginProfile   bool
	InlinePolicies map[string]string // only the names the operator manages
}

// User plans the user, its tags, groups and inline policies in the order IAM needs
// them. The login profile is planned only for removal: creating one needs a
// password, which the controller makes and stores before calling CreateLoginProfile.
func User(d UserDesired, o UserObserved) ([]Change, error) {
	var out []Change
	if !o.Exists {
		out = append(out, Change{Action: "CreateUser", Target: d.Name, Value: d.Path, Tags: d.Tags})
		o = UserObserved{Exists: true, Path: d.Path, Tags: d.Tags}
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
	return append(out, inline...), nil
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
