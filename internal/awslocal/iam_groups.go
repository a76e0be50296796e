package awslocal

type groupXML struct {
	Path, GroupName, GroupId, Arn, CreateDate string
}

func (a *account) groupXML(g *group) groupXML {
	return groupXML{Path: g.path, GroupName: g.name, GroupId: g.id, Arn: a.groupARN(g), CreateDate: awsTime(g.created)}
}

const maxGroupsPerUser = 10

type groupResult struct{ Group groupXML }

func createGroup(c *call) (any, error) {
	name, err := c.nameParam("GroupName", maxGroupName)
	if err != nil {
		return nil, err
	}
	path, err := c.pathParam("Path")
	if err != nil {
		return nil, err
	}
	if _, exists := c.acct.groups[key(name)]; exists {
		return nil, errAlreadyExists("Group with name %s already exists.", name)
	}
	g := &group{name: name, path: path, id: entityID(prefixGroup), created: c.now,
		policyHolder: policyHolder{inline: map[string]string{}}}
	c.acct.groups[key(name)] = g
	return groupResult{c.acct.groupXML(g)}, nil
}

type getGroupResult struct {
	Group groupXML
	Users []userXML `xml:"Users>member"`
	pageInfo
}

func getGroup(c *call) (any, error) {
	g, err := c.acct.getGroup(c.p.str("GroupName"))
	if err != nil {
		return nil, err
	}
	members := make([]*user, 0, len(g.members))
	for _, m := range g.members {
		members = append(members, c.acct.users[m])
	}
	items, info, err := paginateAs(c, members, func(u *user) userXML { return c.acct.userXML(u, false) })
	if err != nil {
		return nil, err
	}
	return getGroupResult{Group: c.acct.groupXML(g), Users: items, pageInfo: info}, nil
}

type listGroupsResult struct {
	Groups []groupXML `xml:"Groups>member"`
	pageInfo
}

func (c *call) groupsPage(groups []*group) (any, error) {
	items, info, err := paginateAs(c, groups, func(g *group) groupXML { return c.acct.groupXML(g) })
	if err != nil {
		return nil, err
	}
	return listGroupsResult{Groups: items, pageInfo: info}, nil
}

func listGroups(c *call) (any, error) {
	prefix, err := c.pathPrefix()
	if err != nil {
		return nil, err
	}
	return c.groupsPage(filterPath(sortedValues(c.acct.groups), prefix, func(g *group) string { return g.path }))
}

func listGroupsForUser(c *call) (any, error) {
	u, err := c.acct.getUser(c.p.str("UserName"))
	if err != nil {
		return nil, err
	}
	groups := make([]*group, 0, len(u.groups))
	for _, gk := range u.groups {
		groups = append(groups, c.acct.groups[gk])
	}
	return c.groupsPage(groups)
}

func updateGroup(c *call) (any, error) {
	g, err := c.acct.getGroup(c.p.str("GroupName"))
	if err != nil {
		return nil, err
	}
	newPath := g.path
	if c.p.has("NewPath") {
		if newPath, err = c.pathParam("NewPath"); err != nil {
			return nil, err
		}
	}
	newName := g.name
	if c.p.has("NewGroupName") {
		if newName, err = c.nameParam("NewGroupName", maxGroupName); err != nil {
			return nil, err
		}
		if other, ok := c.acct.groups[key(newName)]; ok && other != g {
			return nil, errAlreadyExists("Group with name %s already exists.", newName)
		}
	}
	if oldKey, newKey := key(g.name), key(newName); oldKey != newKey {
		delete(c.acct.groups, oldKey)
		c.acct.groups[newKey] = g
		for _, m := range g.members {
			u := c.acct.users[m]
			for i, gk := range u.groups {
				if gk == oldKey {
					u.groups[i] = newKey
				}
			}
		}
	}
	g.name, g.path = newName, newPath
	return nil, nil
}

func deleteGroup(c *call) (any, error) {
	g, err := c.acct.getGroup(c.p.str("GroupName"))
	if err != nil {
		return nil, err
	}
	switch {
	case len(g.members) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must remove users from group first.")
	case len(g.inline) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete policies first.")
	case len(g.attached) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must detach all policies first.")
	}
	delete(c.acct.groups, key(g.name))
	return nil, nil
}

func addUserToGroup(c *call) (any, error) {
	g, err := c.acct.getGroup(c.p.str("GroupName"))
	if err != nil {
		return nil, err
	}
	u, err := c.acct.getUser(c.p.str("UserName"))
	if err != nil {
		return nil, err
	}
	gk, uk := key(g.name), key(u.name)
	for _, m := range g.members {
		if m == uk {
			return nil, nil // already a member: IAM answers success
		}
	}
	if len(u.groups) >= maxGroupsPerUser {
		return nil, errLimitExceeded("Cannot exceed quota for GroupsPerUser: %d", maxGroupsPerUser)
	}
	g.members = append(g.members, uk)
	u.groups = append(u.groups, gk)
	return nil, nil
}

func removeUserFromGroup(c *call) (any, error) {
	g, err := c.acct.getGroup(c.p.str("GroupName"))
	if err != nil {
		return nil, err
	}
	u, err := c.acct.getUser(c.p.str("UserName"))
	if err != nil {
		return nil, err
	}
	gk, uk := key(g.name), key(u.name)
	before := len(g.members)
	g.members = without(g.members, uk)
	if len(g.members) == before {
		return nil, errNoSuchEntity("User %s is not in group %s.", u.name, g.name)
	}
	u.groups = without(u.groups, gk)
	return nil, nil
}

// without returns list minus every occurrence of v, in a new slice.
func without(list []string, v string) []string {
	out := make([]string, 0, len(list))
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}
