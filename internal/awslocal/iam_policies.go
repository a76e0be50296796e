package awslocal

import (
	"regexp"
	"strings"
)

const awsPolicyPrefix = "arn:aws:iam::aws:policy"

type policyXML struct {
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
	Tags                          []tagXML `xml:"Tags>member,omitempty"`
}

type policyVersionXML struct {
	Document         string `xml:",omitempty"`
	VersionId        string
	IsDefaultVersion bool
	CreateDate       string
}

// lookupPolicy finds a managed policy the caller's account can use: an
// AWS-managed one or a customer-managed one of the same account.
func (c *call) lookupPolicy(arn string) (*managedPolicy, error) {
	if !strings.HasPrefix(arn, "arn:") {
		return nil, errInvalidInput("ARN %s is not valid.", arn)
	}
	notFound := errNoSuchEntity("Policy %s does not exist or is not attachable.", arn)
	if strings.HasPrefix(arn, awsPolicyPrefix+"/") {
		if p, ok := awsManagedPolicies[key(arn)]; ok {
			return p, nil
		}
		return nil, notFound
	}
	if !strings.HasPrefix(arn, "arn:aws:iam::"+c.acct.id+":policy/") {
		return nil, notFound
	}
	p, ok := c.acct.policies[key(arn[strings.LastIndex(arn, "/")+1:])]
	if !ok || !strings.EqualFold(p.arn, arn) {
		return nil, notFound
	}
	return p, nil
}

// customerPolicy is lookupPolicy for actions that change a policy, which AWS
// refuses for AWS-managed ones.
func (c *call) customerPolicy(arn string) (*managedPolicy, error) {
	p, err := c.lookupPolicy(arn)
	if err != nil {
		return nil, err
	}
	if p.awsManaged {
		return nil, errAccessDenied("Cannot modify AWS managed policy %s.", arn)
	}
	return p, nil
}

// boundaryPolicy validates a permissions boundary ARN and returns it.
func (c *call) boundaryPolicy(arn string) (string, error) {
	if arn == "" {
		return "", errValidation("1 validation error detected: Value null at 'permissionsBoundary' failed to satisfy constraint: Member must not be null")
	}
	p, err := c.lookupPolicy(arn)
	if err != nil {
		return "", errNoSuchEntity("Scope ARN: %s does not exist or is not attachable.", arn)
	}
	return p.arn, nil
}

func (c *call) boundaryUsage(p *managedPolicy) int {
	n := 0
	for _, u := range c.acct.users {
		if strings.EqualFold(u.boundary, p.arn) {
			n++
		}
	}
	for _, r := range c.acct.roles {
		if strings.EqualFold(r.boundary, p.arn) {
			n++
		}
	}
	return n
}

func (c *call) policyXML(p *managedPolicy, withTags bool) policyXML {
	x := policyXML{
		PolicyName: p.name, PolicyId: p.id, Arn: p.arn, Path: p.path, DefaultVersionId: p.defaultVersion,
		AttachmentCount: c.acct.attachCount[key(p.arn)], PermissionsBoundaryUsageCount: c.boundaryUsage(p),
		IsAttachable: true, Description: p.description, CreateDate: awsTime(p.created), UpdateDate: awsTime(p.updated),
	}
	if withTags {
		x.Tags = tagsXML(p.tags)
	}
	return x
}

func (p *managedPolicy) version(id string) *policyVersion {
	for _, v := range p.versions {
		if v.id == id {
			return v
		}
	}
	return nil
}

type policyResult struct{ Policy policyXML }

func createPolicy(c *call) (any, error) {
	name, err := c.nameParam("PolicyName", maxPolicyName)
	if err != nil {
		return nil, err
	}
	path, err := c.pathParam("Path")
	if err != nil {
		return nil, err
	}
	doc, err := c.p.required("PolicyDocument")
	if err != nil {
		return nil, err
	}
	if _, err := parsePolicy(doc, identityPolicy, managedPolicySizeQuota, "PolicySize"); err != nil {
		return nil, err
	}
	desc := c.p.str("Description")
	if len(desc) > 1000 {
		return nil, validationFailed(desc, "description", "Member must have length less than or equal to 1000")
	}
	tags := c.p.tags("Tags")
	if err := validateTags(tags); err != nil {
		return nil, err
	}
	if _, exists := c.acct.policies[key(name)]; exists {
		return nil, errAlreadyExists("A policy called %s already exists. Duplicate names are not allowed.", name)
	}
	p := &managedPolicy{
		name: name, path: path, id: entityID(prefixPolicy), arn: c.acct.policyARN(path, name),
		description: desc, created: c.now, updated: c.now, defaultVersion: "v1", nextVersion: 2, tags: tags,
		versions: []*policyVersion{{id: "v1", doc: doc, created: c.now}},
	}
	c.acct.policies[key(name)] = p
	return policyResult{c.policyXML(p, true)}, nil
}

func getPolicy(c *call) (any, error) {
	p, err := c.lookupPolicy(c.p.str("PolicyArn"))
	if err != nil {
		return nil, err
	}
	return policyResult{c.policyXML(p, true)}, nil
}

type listPoliciesResult struct {
	Policies []policyXML `xml:"Policies>member"`
	pageInfo
}

func listPolicies(c *call) (any, error) {
	prefix, err := c.pathPrefix()
	if err != nil {
		return nil, err
	}
	scope := c.p.str("Scope")
	if scope == "" {
		scope = "All"
	}
	if scope != "All" && scope != "AWS" && scope != "Local" {
		return nil, validationFailed(scope, "scope", "Member must satisfy enum value set: [All, AWS, Local]")
	}
	var all []*managedPolicy
	if scope != "Local" {
		all = append(all, sortedValues(awsManagedPolicies)...)
	}
	if scope != "AWS" {
		all = append(all, sortedValues(c.acct.policies)...)
	}
	all = filterPath(all, prefix, func(p *managedPolicy) string { return p.path })
	if c.p.boolean("OnlyAttached") {
		var attached []*managedPolicy
		for _, p := range all {
			if c.acct.attachCount[key(p.arn)] > 0 {
				attached = append(attached, p)
			}
		}
		all = attached
	}
	items, info, err := paginateAs(c, all, func(p *managedPolicy) policyXML { return c.policyXML(p, false) })
	if err != nil {
		return nil, err
	}
	return listPoliciesResult{Policies: items, pageInfo: info}, nil
}

func deletePolicy(c *call) (any, error) {
	p, err := c.customerPolicy(c.p.str("PolicyArn"))
	if err != nil {
		return nil, err
	}
	if c.acct.attachCount[key(p.arn)] > 0 || c.boundaryUsage(p) > 0 {
		return nil, errDeleteConflict("Cannot delete a policy attached to entities.")
	}
	if len(p.versions) > 1 {
		return nil, errDeleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	}
	delete(c.acct.policies, key(p.name))
	return nil, nil
}

type policyVersionResult struct{ PolicyVersion policyVersionXML }

func createPolicyVersion(c *call) (any, error) {
	p, err := c.customerPolicy(c.p.str("PolicyArn"))
	if err != nil {
		return nil, err
	}
	doc, err := c.p.required("PolicyDocument")
	if err != nil {
		return nil, err
	}
	if _, err := parsePolicy(doc, identityPolicy, managedPolicySizeQuota, "PolicySize"); err != nil {
		return nil, err
	}
	if len(p.versions) >= 5 {
		return nil, errLimitExceeded("A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
	}
	v := &policyVersion{id: "v" + itoa(p.nextVersion), doc: doc, created: c.now}
	p.nextVersion++
	p.versions = append(p.versions, v)
	p.updated = c.now
	if c.p.boolean("SetAsDefault") {
		p.defaultVersion = v.id
	}
	return policyVersionResult{policyVersionXML{VersionId: v.id, IsDefaultVersion: p.defaultVersion == v.id, CreateDate: awsTime(v.created)}}, nil
}

var versionIDPattern = regexp.MustCompile(`^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$`)

func (c *call) policyVersionParam(p *managedPolicy) (*policyVersion, error) {
	id := c.p.str("VersionId")
	if !versionIDPattern.MatchString(id) {
		return nil, validationFailed(id, "versionId", `Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)
	}
	v := p.version(id)
	if v == nil {
		return nil, errNoSuchEntity("Policy %s version %s does not exist or is not attachable.", p.arn, id)
	}
	return v, nil
}

func getPolicyVersion(c *call) (any, error) {
	p, err := c.lookupPolicy(c.p.str("PolicyArn"))
	if err != nil {
		return nil, err
	}
	v, err := c.policyVersionParam(p)
	if err != nil {
		return nil, err
	}
	return policyVersionResult{policyVersionXML{Document: encodeDocument(v.doc), VersionId: v.id,
		IsDefaultVersion: v.id == p.defaultVersion, CreateDate: awsTime(v.created)}}, nil
}

type listPolicyVersionsResult struct {
	Versions []policyVersionXML `xml:"Versions>member"`
	pageInfo
}

func listPolicyVersions(c *call) (any, error) {
	p, err := c.lookupPolicy(c.p.str("PolicyArn"))
	if err != nil {
		return nil, err
	}
	// Newest first, as IAM lists them.
	versions := append([]*policyVersion(nil), p.versions...)
	for i, j := 0, len(versions)-1; i < j; i, j = i+1, j-1 {
		versions[i], versions[j] = versions[j], versions[i]
	}
	items, info, err := paginateAs(c, versions, func(v *policyVersion) policyVersionXML {
		return policyVersionXML{VersionId: v.id, IsDefaultVersion: v.id == p.defaultVersion, CreateDate: awsTime(v.created)}
	})
	if err != nil {
		return nil, err
	}
	return listPolicyVersionsResult{Versions: items, pageInfo: info}, nil
}

func deletePolicyVersion(c *call) (any, error) {
	p, err := c.customerPolicy(c.p.str("PolicyArn"))
	if err != nil {
		return nil, err
	}
	v, err := c.policyVersionParam(p)
	if err != nil {
		return nil, err
	}
	if v.id == p.defaultVersion {
		return nil, errDeleteConflict("Cannot delete the default version of a policy.")
	}
	for i, pv := range p.versions {
		if pv == v {
			p.versions = append(p.versions[:i], p.versions[i+1:]...)
			break
		}
	}
	return nil, nil
}

func setDefaultPolicyVersion(c *call) (any, error) {
	p, err := c.customerPolicy(c.p.str("PolicyArn"))
	if err != nil {
		return nil, err
	}
	v, err := c.policyVersionParam(p)
	if err != nil {
		return nil, err
	}
	p.defaultVersion = v.id
	p.updated = c.now
	return nil, nil
}

type policyEntityXML struct {
	UserName  string `xml:",omitempty"`
	UserId    string `xml:",omitempty"`
	GroupName string `xml:",omitempty"`
	GroupId   string `xml:",omitempty"`
	RoleName  string `xml:",omitempty"`
	RoleId    string `xml:",omitempty"`
}

type listEntitiesResult struct {
	PolicyGroups []policyEntityXML `xml:"PolicyGroups>member"`
	PolicyUsers  []policyEntityXML `xml:"PolicyUsers>member"`
	PolicyRoles  []policyEntityXML `xml:"PolicyRoles>member"`
	pageInfo
}

func listEntitiesForPolicy(c *call) (any, error) {
	p, err := c.lookupPolicy(c.p.str("PolicyArn"))
	if err != nil {
		return nil, err
	}
	prefix, err := c.pathPrefix()
	if err != nil {
		return nil, err
	}
	filter := c.p.str("EntityFilter")
	want := func(kind string) bool { return filter == "" || filter == kind }
	attached := func(h *policyHolder) bool {
		for _, a := range h.attached {
			if strings.EqualFold(a, p.arn) {
				return true
			}
		}
		return false
	}
	var all []policyEntityXML
	if want("Group") {
		for _, g := range sortedValues(c.acct.groups) {
			if attached(&g.policyHolder) && strings.HasPrefix(g.path, prefix) {
				all = append(all, policyEntityXML{GroupName: g.name, GroupId: g.id})
			}
		}
	}
	if want("User") {
		for _, u := range sortedValues(c.acct.users) {
			if attached(&u.policyHolder) && strings.HasPrefix(u.path, prefix) {
				all = append(all, policyEntityXML{UserName: u.name, UserId: u.id})
			}
		}
	}
	if want("Role") {
		for _, r := range sortedValues(c.acct.roles) {
			if attached(&r.policyHolder) && strings.HasPrefix(r.path, prefix) {
				all = append(all, policyEntityXML{RoleName: r.name, RoleId: r.id})
			}
		}
	}
	page, info, err := paginate(c, all)
	if err != nil {
		return nil, err
	}
	res := listEntitiesResult{PolicyGroups: []policyEntityXML{}, PolicyUsers: []policyEntityXML{}, PolicyRoles: []policyEntityXML{}, pageInfo: info}
	for _, e := range page {
		switch {
		case e.GroupName != "":
			res.PolicyGroups = append(res.PolicyGroups, e)
		case e.UserName != "":
			res.PolicyUsers = append(res.PolicyUsers, e)
		default:
			res.PolicyRoles = append(res.PolicyRoles, e)
		}
	}
	return res, nil
}
