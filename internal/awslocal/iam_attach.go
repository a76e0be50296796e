package awslocal

import "strings"

// holderKind describes users, groups or roles as holders of inline and
// attached policies, so the twenty-one policy actions on them share one
// implementation each.
type holderKind struct {
	nameParam  string // UserName, GroupName, RoleName
	quotaName  string // PoliciesPerUser, ...
	sizeQuota  int    // inline policy size quota
	sizeName   string
	find       func(a *account, name string) (h *policyHolder, canonicalName, path string, err error)
	resultName func(name string) holderName
}

// holderName puts the entity name under the element AWS uses for its kind.
type holderName struct {
	UserName  string `xml:",omitempty"`
	GroupName string `xml:",omitempty"`
	RoleName  string `xml:",omitempty"`
}

const maxAttachedPolicies = 10

var (
	userHolder = holderKind{nameParam: "UserName", quotaName: "PoliciesPerUser", sizeQuota: userPolicySizeQuota, sizeName: "UserPolicySize",
		find: func(a *account, name string) (*policyHolder, string, string, error) {
			u, err := a.getUser(name)
			if err != nil {
				return nil, "", "", err
			}
			return &u.policyHolder, u.name, u.path, nil
		},
		resultName: func(n string) holderName { return holderName{UserName: n} }}
	groupHolder = holderKind{nameParam: "GroupName", quotaName: "PoliciesPerGroup", sizeQuota: groupPolicySizeQuota, sizeName: "GroupPolicySize",
		find: func(a *account, name string) (*policyHolder, string, string, error) {
			g, err := a.getGroup(name)
			if err != nil {
				return nil, "", "", err
			}
			return &g.policyHolder, g.name, g.path, nil
		},
		resultName: func(n string) holderName { return holderName{GroupName: n} }}
	roleHolder = holderKind{nameParam: "RoleName", quotaName: "PoliciesPerRole", sizeQuota: rolePolicySizeQuota, sizeName: "RolePolicySize",
		find: func(a *account, name string) (*policyHolder, string, string, error) {
			r, err := a.getRole(name)
			if err != nil {
				return nil, "", "", err
			}
			return &r.policyHolder, r.name, r.path, nil
		},
		resultName: func(n string) holderName { return holderName{RoleName: n} }}
)

func (k holderKind) holder(c *call) (*policyHolder, string, error) {
	h, name, _, err := k.find(c.acct, c.p.str(k.nameParam))
	return h, name, err
}

func (k holderKind) attach() actionFunc {
	return func(c *call) (any, error) {
		h, _, err := k.holder(c)
		if err != nil {
			return nil, err
		}
		p, err := c.lookupPolicy(c.p.str("PolicyArn"))
		if err != nil {
			return nil, err
		}
		for _, a := range h.attached {
			if strings.EqualFold(a, p.arn) {
				return nil, nil // attaching twice is a no-op in IAM
			}
		}
		if len(h.attached) >= maxAttachedPolicies {
			return nil, errLimitExceeded("Cannot exceed quota for %s: %d", k.quotaName, maxAttachedPolicies)
		}
		h.attached = append(h.attached, p.arn)
		c.acct.attachCount[key(p.arn)]++
		return nil, nil
	}
}

func (k holderKind) detach() actionFunc {
	return func(c *call) (any, error) {
		h, _, err := k.holder(c)
		if err != nil {
			return nil, err
		}
		arn := c.p.str("PolicyArn")
		for i, a := range h.attached {
			if strings.EqualFold(a, arn) {
				h.attached = append(h.attached[:i:i], h.attached[i+1:]...)
				c.acct.attachCount[key(a)]--
				if c.acct.attachCount[key(a)] <= 0 {
					delete(c.acct.attachCount, key(a))
				}
				return nil, nil
			}
		}
		return nil, errNoSuchEntity("Policy %s was not found.", arn)
	}
}

type attachedPolicyXML struct{ PolicyName, PolicyArn string }

type listAttachedResult struct {
	AttachedPolicies []attachedPolicyXML `xml:"AttachedPolicies>member"`
	pageInfo
}

func (k holderKind) listAttached() actionFunc {
	return func(c *call) (any, error) {
		h, _, err := k.holder(c)
		if err != nil {
			return nil, err
		}
		prefix, err := c.pathPrefix()
		if err != nil {
			return nil, err
		}
		var all []attachedPolicyXML
		for _, arn := range h.attached {
			p, err := c.lookupPolicy(arn)
			if err != nil || !strings.HasPrefix(p.path, prefix) {
				continue
			}
			all = append(all, attachedPolicyXML{PolicyName: p.name, PolicyArn: p.arn})
		}
		page, info, err := paginate(c, all)
		if err != nil {
			return nil, err
		}
		return listAttachedResult{AttachedPolicies: append([]attachedPolicyXML{}, page...), pageInfo: info}, nil
	}
}

func (k holderKind) putInline() actionFunc {
	return func(c *call) (any, error) {
		h, entity, err := k.holder(c)
		if err != nil {
			return nil, err
		}
		name, err := c.nameParam("PolicyName", maxPolicyName)
		if err != nil {
			return nil, err
		}
		doc, err := c.p.required("PolicyDocument")
		if err != nil {
			return nil, err
		}
		if _, err := parsePolicy(doc, identityPolicy, k.sizeQuota, k.sizeName); err != nil {
			return nil, err
		}
		// The quota is on the entity's inline policies together (the policy being
		// replaced does not count), not on each one.
		total := nonSpaceLen(doc)
		for n, other := range h.inline {
			if n != name {
				total += nonSpaceLen(other)
			}
		}
		if total > k.sizeQuota {
			return nil, errLimitExceeded("Maximum policy size of %d bytes exceeded for %s %s", k.sizeQuota, strings.ToLower(strings.TrimSuffix(k.nameParam, "Name")), entity)
		}
		h.inline[name] = doc
		return nil, nil
	}
}

type inlinePolicyResult struct {
	holderName
	PolicyName     string
	PolicyDocument string
}

func (k holderKind) getInline() actionFunc {
	return func(c *call) (any, error) {
		h, entity, err := k.holder(c)
		if err != nil {
			return nil, err
		}
		name := c.p.str("PolicyName")
		doc, ok := h.inline[name]
		if !ok {
			return nil, errNoSuchEntity("The %s policy with name %s cannot be found.", strings.TrimSuffix(strings.ToLower(k.nameParam), "name"), name)
		}
		return inlinePolicyResult{holderName: k.resultName(entity), PolicyName: name, PolicyDocument: encodeDocument(doc)}, nil
	}
}

func (k holderKind) deleteInline() actionFunc {
	return func(c *call) (any, error) {
		h, _, err := k.holder(c)
		if err != nil {
			return nil, err
		}
		name := c.p.str("PolicyName")
		if _, ok := h.inline[name]; !ok {
			return nil, errNoSuchEntity("The %s policy with name %s cannot be found.", strings.TrimSuffix(strings.ToLower(k.nameParam), "name"), name)
		}
		delete(h.inline, name)
		return nil, nil
	}
}

type listInlineResult struct {
	PolicyNames []string `xml:"PolicyNames>member"`
	pageInfo
}

func (k holderKind) listInline() actionFunc {
	return func(c *call) (any, error) {
		h, _, err := k.holder(c)
		if err != nil {
			return nil, err
		}
		page, info, err := paginate(c, h.inlineNames())
		if err != nil {
			return nil, err
		}
		return listInlineResult{PolicyNames: append([]string{}, page...), pageInfo: info}, nil
	}
}
