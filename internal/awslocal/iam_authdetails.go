package awslocal

// GetAccountAuthorizationDetails: the whole account's IAM configuration in a few
// paginated calls, as IAM answers it. Entities are listed users, groups, roles, then
// managed policies, and one page holds up to MaxItems entities across the lists, so
// a Marker may continue in the middle of any list. Policy documents are URL-encoded,
// as in every IAM answer. AWS-managed policies are listed only while attached to
// something in the account (AWS lists the ones in use, not its whole catalogue).

type policyDetailXML struct{ PolicyName, PolicyDocument string }

type userDetailXML struct {
	Path                    string
	UserName                string
	UserId                  string
	Arn                     string
	CreateDate              string
	UserPolicyList          []policyDetailXML   `xml:"UserPolicyList>member"`
	GroupList               []string            `xml:"GroupList>member"`
	AttachedManagedPolicies []attachedPolicyXML `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary     *boundaryXML        `xml:",omitempty"`
	Tags                    []tagXML            `xml:"Tags>member"`
}

type groupDetailXML struct {
	Path                    string
	GroupName               string
	GroupId                 string
	Arn                     string
	CreateDate              string
	GroupPolicyList         []policyDetailXML   `xml:"GroupPolicyList>member"`
	AttachedManagedPolicies []attachedPolicyXML `xml:"AttachedManagedPolicies>member"`
}

type roleDetailXML struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string
	InstanceProfileList      []struct{}          `xml:"InstanceProfileList>member"`
	RolePolicyList           []policyDetailXML   `xml:"RolePolicyList>member"`
	AttachedManagedPolicies  []attachedPolicyXML `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary      *boundaryXML        `xml:",omitempty"`
	Tags                     []tagXML            `xml:"Tags>member"`
	RoleLastUsed             roleLastUsedXML
}

type managedPolicyDetailXML struct {
	PolicyName                    string
	PolicyId                      string
	Arn                           string
	Path                          string
	DefaultVersionId              string
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	Description                   string `xml:",omitempty"`
	CreateDate                    string
	UpdateDate                    string
	PolicyVersionList             []policyVersionXML `xml:"PolicyVersionList>member"`
}

type authDetailsResult struct {
	UserDetailList  []userDetailXML          `xml:"UserDetailList>member"`
	GroupDetailList []groupDetailXML         `xml:"GroupDetailList>member"`
	RoleDetailList  []roleDetailXML          `xml:"RoleDetailList>member"`
	Policies        []managedPolicyDetailXML `xml:"Policies>member"`
	pageInfo
}

// authEntity is one entry of the combined listing: exactly one field is set.
type authEntity struct {
	user   *user
	group  *group
	role   *role
	policy *managedPolicy
}

var authDetailFilters = []string{"User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"}

func getAccountAuthorizationDetails(c *call) (any, error) {
	want := map[string]bool{}
	for _, f := range c.p.list("Filter") {
		ok := false
		for _, known := range authDetailFilters {
			ok = ok || f == known
		}
		if !ok {
			return nil, validationFailed(f, "filter", "Member must satisfy constraint: [Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]]")
		}
		want[f] = true
	}
	all := len(want) == 0
	var entities []authEntity
	if all || want["User"] {
		for _, u := range sortedValues(c.acct.users) {
			entities = append(entities, authEntity{user: u})
		}
	}
	if all || want["Group"] {
		for _, g := range sortedValues(c.acct.groups) {
			entities = append(entities, authEntity{group: g})
		}
	}
	if all || want["Role"] {
		for _, r := range sortedValues(c.acct.roles) {
			entities = append(entities, authEntity{role: r})
		}
	}
	if all || want["AWSManagedPolicy"] {
		for _, p := range sortedValues(awsManagedPolicies) {
			if c.acct.attachCount[key(p.arn)] > 0 {
				entities = append(entities, authEntity{policy: p})
			}
		}
	}
	if all || want["LocalManagedPolicy"] {
		for _, p := range sortedValues(c.acct.policies) {
			entities = append(entities, authEntity{policy: p})
		}
	}
	page, info, err := paginate(c, entities)
	if err != nil {
		return nil, err
	}
	res := authDetailsResult{pageInfo: info}
	for _, e := range page {
		switch {
		case e.user != nil:
			res.UserDetailList = append(res.UserDetailList, c.userDetail(e.user))
		case e.group != nil:
			g := e.group
			res.GroupDetailList = append(res.GroupDetailList, groupDetailXML{Path: g.path, GroupName: g.name, GroupId: g.id,
				Arn: c.acct.groupARN(g), CreateDate: awsTime(g.created), GroupPolicyList: inlineDetails(&g.policyHolder),
				AttachedManagedPolicies: c.attachedDetails(&g.policyHolder)})
		case e.role != nil:
			r := e.role
			x := roleDetailXML{Path: r.path, RoleName: r.name, RoleId: r.id, Arn: c.acct.roleARN(r), CreateDate: awsTime(r.created),
				AssumeRolePolicyDocument: encodeDocument(r.trust), InstanceProfileList: []struct{}{},
				RolePolicyList: inlineDetails(&r.policyHolder), AttachedManagedPolicies: c.attachedDetails(&r.policyHolder),
				PermissionsBoundary: boundary(r.boundary), Tags: tagsXML(r.tags)}
			if !r.lastUsed.IsZero() {
				x.RoleLastUsed = roleLastUsedXML{LastUsedDate: awsTime(r.lastUsed), Region: r.lastUsedRegion}
			}
			res.RoleDetailList = append(res.RoleDetailList, x)
		default:
			res.Policies = append(res.Policies, c.policyDetail(e.policy))
		}
	}
	return res, nil
}

func (c *call) userDetail(u *user) userDetailXML {
	x := userDetailXML{Path: u.path, UserName: u.name, UserId: u.id, Arn: c.acct.userARN(u), CreateDate: awsTime(u.created),
		UserPolicyList: inlineDetails(&u.policyHolder), GroupList: []string{}, AttachedManagedPolicies: c.attachedDetails(&u.policyHolder),
		PermissionsBoundary: boundary(u.boundary), Tags: tagsXML(u.tags)}
	for _, gk := range u.groups {
		if g, ok := c.acct.groups[gk]; ok {
			x.GroupList = append(x.GroupList, g.name)
		}
	}
	return x
}

func (c *call) policyDetail(p *managedPolicy) managedPolicyDetailXML {
	px := c.policyXML(p, false)
	x := managedPolicyDetailXML{PolicyName: px.PolicyName, PolicyId: px.PolicyId, Arn: px.Arn, Path: px.Path,
		DefaultVersionId: px.DefaultVersionId, AttachmentCount: px.AttachmentCount,
		PermissionsBoundaryUsageCount: px.PermissionsBoundaryUsageCount, IsAttachable: px.IsAttachable,
		Description: px.Description, CreateDate: px.CreateDate, UpdateDate: px.UpdateDate, PolicyVersionList: []policyVersionXML{}}
	for _, v := range p.versions {
		x.PolicyVersionList = append(x.PolicyVersionList, policyVersionXML{Document: encodeDocument(v.doc), VersionId: v.id,
			IsDefaultVersion: v.id == p.defaultVersion, CreateDate: awsTime(v.created)})
	}
	return x
}

// inlineDetails lists a holder's inline policies by name, documents URL-encoded.
func inlineDetails(h *policyHolder) []policyDetailXML {
	out := make([]policyDetailXML, 0, len(h.inline))
	for _, n := range h.inlineNames() {
		out = append(out, policyDetailXML{PolicyName: n, PolicyDocument: encodeDocument(h.inline[n])})
	}
	return out
}

// attachedDetails lists a holder's attached managed policies in attach order.
func (c *call) attachedDetails(h *policyHolder) []attachedPolicyXML {
	out := make([]attachedPolicyXML, 0, len(h.attached))
	for _, arn := range h.attached {
		if p, err := c.lookupPolicy(arn); err == nil {
			out = append(out, attachedPolicyXML{PolicyName: p.name, PolicyArn: p.arn})
		}
	}
	return out
}
