package awslocal

import "strings"

type tagXML struct{ Key, Value string }

type boundaryXML struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

type userXML struct {
	Path                string
	UserName            string
	UserId              string
	Arn                 string
	CreateDate          string
	PasswordLastUsed    string       `xml:",omitempty"`
	PermissionsBoundary *boundaryXML `xml:",omitempty"`
	Tags                []tagXML     `xml:"Tags>member,omitempty"`
}

func tagsXML(tags []tag) []tagXML {
	out := make([]tagXML, len(tags))
	for i, t := range tags {
		out[i] = tagXML(t)
	}
	return out
}

func boundary(arn string) *boundaryXML {
	if arn == "" {
		return nil
	}
	return &boundaryXML{PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: arn}
}

// toXML renders a user; full adds what only GetUser/CreateUser return.
func (a *account) userXML(u *user, full bool) userXML {
	x := userXML{Path: u.path, UserName: u.name, UserId: u.id, Arn: a.userARN(u), CreateDate: awsTime(u.created)}
	if !u.passwordLastUsed.IsZero() {
		x.PasswordLastUsed = awsTime(u.passwordLastUsed)
	}
	if full {
		x.PermissionsBoundary = boundary(u.boundary)
		x.Tags = tagsXML(u.tags)
	}
	return x
}

type userResult struct{ User userXML }

func createUser(c *call) (any, error) {
	name, err := c.nameParam("UserName", maxUserName)
	if err != nil {
		return nil, err
	}
	path, err := c.pathParam("Path")
	if err != nil {
		return nil, err
	}
	tags := c.p.tags("Tags")
	if err := validateTags(tags); err != nil {
		return nil, err
	}
	var pb string
	if arn := c.p.str("PermissionsBoundary"); arn != "" {
		if pb, err = c.boundaryPolicy(arn); err != nil {
			return nil, err
		}
	}
	if _, exists := c.acct.users[key(name)]; exists {
		return nil, errAlreadyExists("User with name %s already exists.", name)
	}
	u := &user{name: name, path: path, id: entityID(prefixUser), created: c.now, tags: tags, boundary: pb,
		policyHolder: policyHolder{inline: map[string]string{}}}
	c.acct.users[key(name)] = u
	return userResult{c.acct.userXML(u, true)}, nil
}

func getUser(c *call) (any, error) {
	if c.p.str("UserName") == "" && c.caller.kind == callerRoot {
		return userResult{userXML{UserId: c.acct.id, Arn: c.caller.arn(), CreateDate: awsTime(c.acct.created)}}, nil
	}
	u, err := c.callerUser()
	if err != nil {
		return nil, err
	}
	return userResult{c.acct.userXML(u, true)}, nil
}

type listUsersResult struct {
	Users []userXML `xml:"Users>member"`
	pageInfo
}

func listUsers(c *call) (any, error) {
	prefix, err := c.pathPrefix()
	if err != nil {
		return nil, err
	}
	users := filterPath(sortedValues(c.acct.users), prefix, func(u *user) string { return u.path })
	items, info, err := paginateAs(c, users, func(u *user) userXML { return c.acct.userXML(u, false) })
	if err != nil {
		return nil, err
	}
	return listUsersResult{Users: items, pageInfo: info}, nil
}

func updateUser(c *call) (any, error) {
	u, err := c.acct.getUser(c.p.str("UserName"))
	if err != nil {
		return nil, err
	}
	newPath := u.path
	if c.p.has("NewPath") {
		if newPath, err = c.pathParam("NewPath"); err != nil {
			return nil, err
		}
	}
	newName := u.name
	if c.p.has("NewUserName") {
		if newName, err = c.nameParam("NewUserName", maxUserName); err != nil {
			return nil, err
		}
		if other, ok := c.acct.users[key(newName)]; ok && other != u {
			return nil, errAlreadyExists("User with name %s already exists.", newName)
		}
	}
	if oldKey, newKey := key(u.name), key(newName); oldKey != newKey {
		// Everything that refers to the user by name follows the rename.
		delete(c.acct.users, oldKey)
		c.acct.users[newKey] = u
		for _, g := range c.acct.groups {
			for i, m := range g.members {
				if m == oldKey {
					g.members[i] = newKey
				}
			}
		}
		for _, d := range c.acct.mfa {
			if d.user == oldKey {
				d.user = newKey
			}
		}
		for _, k := range u.keys {
			c.s.userKeys[k.id] = userKeyRef{accountID: c.acct.id, userKey: newKey}
		}
	}
	u.name, u.path = newName, newPath
	return nil, nil
}

func deleteUser(c *call) (any, error) {
	u, err := c.acct.getUser(c.p.str("UserName"))
	if err != nil {
		return nil, err
	}
	switch {
	case u.login != nil:
		return nil, errDeleteConflict("Cannot delete entity, must delete login profile first.")
	case len(u.keys) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete access keys first.")
	case len(u.mfa) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete MFA device first.")
	case len(u.sshKeys) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete SSH public keys first.")
	case len(u.groups) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must remove users from group first.")
	case len(u.inline) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete policies first.")
	case len(u.attached) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must detach all policies first.")
	}
	delete(c.acct.users, key(u.name))
	c.s.forgetPrincipal(c.acct.userARN(u), u.id)
	return nil, nil
}

// forgetPrincipal replaces a deleted user's or role's ARN in every trust
// policy by its unique ID, as IAM does: recreating an entity with the same
// name does not restore trust in it.
func (s *Server) forgetPrincipal(arn, id string) {
	quoted, replacement := `"`+arn+`"`, `"`+id+`"`
	for _, a := range s.accounts {
		for _, r := range a.roles {
			if strings.Contains(r.trust, quoted) {
				r.trust = strings.ReplaceAll(r.trust, quoted, replacement)
			}
		}
	}
}

func putUserPermissionsBoundary(c *call) (any, error) {
	u, err := c.acct.getUser(c.p.str("UserName"))
	if err != nil {
		return nil, err
	}
	pb, err := c.boundaryPolicy(c.p.str("PermissionsBoundary"))
	if err != nil {
		return nil, err
	}
	u.boundary = pb
	return nil, nil
}

func deleteUserPermissionsBoundary(c *call) (any, error) {
	u, err := c.acct.getUser(c.p.str("UserName"))
	if err != nil {
		return nil, err
	}
	u.boundary = ""
	return nil, nil
}
