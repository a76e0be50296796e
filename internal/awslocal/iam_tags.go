package awslocal

// tagTarget is an IAM resource kind that carries tags: users, roles and
// customer-managed policies share the Tag/Untag/List*Tags actions through it.
type tagTarget struct {
	param string                                   // UserName, RoleName, PolicyArn
	tags  func(c *call, id string) (*[]tag, error) // the resource's tag list
}

var (
	userTags = tagTarget{param: "UserName", tags: func(c *call, id string) (*[]tag, error) {
		u, err := c.acct.getUser(id)
		if err != nil {
			return nil, err
		}
		return &u.tags, nil
	}}
	roleTags = tagTarget{param: "RoleName", tags: func(c *call, id string) (*[]tag, error) {
		r, err := c.acct.getRole(id)
		if err != nil {
			return nil, err
		}
		return &r.tags, nil
	}}
	policyTags = tagTarget{param: "PolicyArn", tags: func(c *call, id string) (*[]tag, error) {
		p, err := c.lookupPolicy(id)
		if err != nil {
			return nil, err
		}
		if p.awsManaged {
			return nil, errAccessDenied("AWS managed policies cannot be tagged.")
		}
		return &p.tags, nil
	}}
)

func (t tagTarget) tagAction() actionFunc {
	return func(c *call) (any, error) {
		tags, err := t.tags(c, c.p.str(t.param))
		if err != nil {
			return nil, err
		}
		merged, err := mergeTags(*tags, c.p.tags("Tags"))
		if err != nil {
			return nil, err
		}
		*tags = merged
		return nil, nil
	}
}

func (t tagTarget) untagAction() actionFunc {
	return func(c *call) (any, error) {
		tags, err := t.tags(c, c.p.str(t.param))
		if err != nil {
			return nil, err
		}
		*tags = removeTags(*tags, c.p.list("TagKeys"))
		return nil, nil
	}
}

type listTagsResult struct {
	Tags []tagXML `xml:"Tags>member"`
	pageInfo
}

func (t tagTarget) listAction() actionFunc {
	return func(c *call) (any, error) {
		tags, err := t.tags(c, c.p.str(t.param))
		if err != nil {
			return nil, err
		}
		page, info, err := paginate(c, *tags)
		if err != nil {
			return nil, err
		}
		return listTagsResult{Tags: tagsXML(page), pageInfo: info}, nil
	}
}
