package awslocal

import (
	"regexp"
	"strings"
	"time"
)

type roleLastUsedXML struct {
	LastUsedDate string `xml:",omitempty"`
	Region       string `xml:",omitempty"`
}

type roleXML struct {
	Path                     string
	RoleName                 string
	RoleId                   string
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string
	Description              string `xml:",omitempty"`
	MaxSessionDuration       int
	PermissionsBoundary      *boundaryXML     `xml:",omitempty"`
	Tags                     []tagXML         `xml:"Tags>member,omitempty"`
	RoleLastUsed             *roleLastUsedXML `xml:",omitempty"`
}

func (a *account) roleXML(r *role, full bool) roleXML {
	x := roleXML{Path: r.path, RoleName: r.name, RoleId: r.id, Arn: a.roleARN(r), CreateDate: awsTime(r.created),
		AssumeRolePolicyDocument: encodeDocument(r.trust), Description: r.description, MaxSessionDuration: r.maxSession}
	if full {
		x.PermissionsBoundary = boundary(r.boundary)
		x.Tags = tagsXML(r.tags)
		x.RoleLastUsed = &roleLastUsedXML{}
		if !r.lastUsed.IsZero() {
			x.RoleLastUsed = &roleLastUsedXML{LastUsedDate: awsTime(r.lastUsed), Region: r.lastUsedRegion}
		}
	}
	return x
}

type roleResult struct{ Role roleXML }

const (
	minSessionDuration     = 3600
	maxSessionDurationCap  = 43200
	maxRoleDescriptionSize = 1000
)

func (c *call) maxSessionParam() (int, bool, error) {
	if !c.p.has("MaxSessionDuration") {
		return minSessionDuration, false, nil
	}
	n, err := c.p.integer("MaxSessionDuration", minSessionDuration)
	if err != nil {
		return 0, false, err
	}
	if n < minSessionDuration {
		return 0, false, validationFailed(itoa(n), "maxSessionDuration", "Member must have value greater than or equal to 3600")
	}
	if n > maxSessionDurationCap {
		return 0, false, validationFailed(itoa(n), "maxSessionDuration", "Member must have value less than or equal to 43200")
	}
	return n, true, nil
}

func (c *call) descriptionParam() (string, error) {
	d := c.p.str("Description")
	if len([]rune(d)) > maxRoleDescriptionSize {
		return "", validationFailed(d, "description", "Member must have length less than or equal to 1000")
	}
	if !descriptionPattern.MatchString(d) {
		return "", validationFailed(d, "description", `Member must satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`)
	}
	return d, nil
}

// trustParam validates a trust policy, including that every AWS principal
// exists, as IAM checks when the policy is saved.
func (c *call) trustParam(param string) (string, error) {
	doc, err := c.p.required(param)
	if err != nil {
		return "", err
	}
	parsed, err := parsePolicy(doc, trustPolicy, trustPolicySizeQuota, "ACLSizePerRole")
	if err != nil {
		return "", err
	}
	for _, st := range parsed.Statements {
		for _, pr := range [](map[string][]string){st.Principal, st.NotPrincipal} {
			for _, p := range pr["AWS"] {
				if !c.s.principalExists(p) {
					return "", errMalformedPolicy(`Invalid principal in policy: "AWS":"%s"`, p)
				}
			}
		}
	}
	return doc, nil
}

var (
	accountIDPattern = regexp.MustCompile(`^\d{12}$`)
	iamARNPattern    = regexp.MustCompile(`^arn:aws:(iam|sts)::(\d{12}):(root|user/.+|role/.+|assumed-role/[^/]+/[^/]+|federated-user/.+)$`)
)

// propagated reports whether a principal created at t is visible to policy
// validation yet (see Faults.PrincipalPropagation).
func (s *Server) propagated(t time.Time) bool {
	return s.now().Sub(t) >= s.faults.principalPropagation()
}

// principalExists reports whether an AWS principal may appear in a policy.
// Users and roles must exist when their account is known to the emulator;
// the emulator cannot judge accounts it does not serve.
func (s *Server) principalExists(p string) bool {
	if p == "*" || accountIDPattern.MatchString(p) {
		return true
	}
	m := iamARNPattern.FindStringSubmatch(p)
	if m == nil {
		return false
	}
	acctID, resource := m[2], m[3]
	a, known := s.accounts[acctID]
	switch {
	case m[1] == "sts" && !strings.HasPrefix(resource, "assumed-role/") && !strings.HasPrefix(resource, "federated-user/"):
		return false
	case m[1] == "iam" && (strings.HasPrefix(resource, "assumed-role/") || strings.HasPrefix(resource, "federated-user/")):
		return false
	case resource == "root" || m[1] == "sts" || !known:
		return true
	case strings.HasPrefix(resource, "user/"):
		for _, u := range a.users {
			if a.userARN(u) == p {
				return s.propagated(u.created)
			}
		}
	case strings.HasPrefix(resource, "role/"):
		for _, r := range a.roles {
			if a.roleARN(r) == p {
				return s.propagated(r.created)
			}
		}
	}
	return false
}

func createRole(c *call) (any, error) {
	name, err := c.nameParam("RoleName", maxRoleName)
	if err != nil {
		return nil, err
	}
	path, err := c.pathParam("Path")
	if err != nil {
		return nil, err
	}
	trust, err := c.trustParam("AssumeRolePolicyDocument")
	if err != nil {
		return nil, err
	}
	desc, err := c.descriptionParam()
	if err != nil {
		return nil, err
	}
	maxSession, _, err := c.maxSessionParam()
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
	if _, exists := c.acct.roles[key(name)]; exists {
		return nil, errAlreadyExists("Role with name %s already exists.", name)
	}
	r := &role{name: name, path: path, id: entityID(prefixRole), created: c.now, trust: trust,
		description: desc, maxSession: maxSession, boundary: pb, tags: tags,
		policyHolder: policyHolder{inline: map[string]string{}}}
	c.acct.roles[key(name)] = r
	x := c.acct.roleXML(r, true)
	x.RoleLastUsed = nil
	return roleResult{x}, nil
}

func getRole(c *call) (any, error) {
	r, err := c.acct.getRole(c.p.str("RoleName"))
	if err != nil {
		return nil, err
	}
	return roleResult{c.acct.roleXML(r, true)}, nil
}

type listRolesResult struct {
	Roles []roleXML `xml:"Roles>member"`
	pageInfo
}

func listRoles(c *call) (any, error) {
	prefix, err := c.pathPrefix()
	if err != nil {
		return nil, err
	}
	roles := filterPath(sortedValues(c.acct.roles), prefix, func(r *role) string { return r.path })
	items, info, err := paginateAs(c, roles, func(r *role) roleXML { return c.acct.roleXML(r, false) })
	if err != nil {
		return nil, err
	}
	return listRolesResult{Roles: items, pageInfo: info}, nil
}

func updateRole(c *call) (any, error) {
	r, err := c.acct.getRole(c.p.str("RoleName"))
	if err != nil {
		return nil, err
	}
	desc, err := c.descriptionParam()
	if err != nil {
		return nil, err
	}
	maxSession, set, err := c.maxSessionParam()
	if err != nil {
		return nil, err
	}
	if c.p.has("Description") {
		r.description = desc
	}
	if set {
		r.maxSession = maxSession
	}
	return struct{}{}, nil // UpdateRole answers an empty <UpdateRoleResult/>
}

func updateRoleDescription(c *call) (any, error) {
	r, err := c.acct.getRole(c.p.str("RoleName"))
	if err != nil {
		return nil, err
	}
	desc, err := c.descriptionParam()
	if err != nil {
		return nil, err
	}
	r.description = desc
	return roleResult{c.acct.roleXML(r, true)}, nil
}

func updateAssumeRolePolicy(c *call) (any, error) {
	r, err := c.acct.getRole(c.p.str("RoleName"))
	if err != nil {
		return nil, err
	}
	trust, err := c.trustParam("PolicyDocument")
	if err != nil {
		return nil, err
	}
	r.trust = trust
	return nil, nil
}

func deleteRole(c *call) (any, error) {
	r, err := c.acct.getRole(c.p.str("RoleName"))
	if err != nil {
		return nil, err
	}
	switch {
	case len(r.inline) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete policies first.")
	case len(r.attached) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must detach all policies first.")
	}
	delete(c.acct.roles, key(r.name))
	c.s.forgetPrincipal(c.acct.roleARN(r), r.id)
	return nil, nil
}

func putRolePermissionsBoundary(c *call) (any, error) {
	r, err := c.acct.getRole(c.p.str("RoleName"))
	if err != nil {
		return nil, err
	}
	pb, err := c.boundaryPolicy(c.p.str("PermissionsBoundary"))
	if err != nil {
		return nil, err
	}
	r.boundary = pb
	return nil, nil
}

func deleteRolePermissionsBoundary(c *call) (any, error) {
	r, err := c.acct.getRole(c.p.str("RoleName"))
	if err != nil {
		return nil, err
	}
	r.boundary = ""
	return nil, nil
}
