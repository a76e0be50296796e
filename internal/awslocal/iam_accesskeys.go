package awslocal

const maxAccessKeysPerUser = 2

type accessKeyXML struct {
	UserName        string
	AccessKeyId     string
	Status          string
	SecretAccessKey string `xml:",omitempty"`
	CreateDate      string
}

type createAccessKeyResult struct{ AccessKey accessKeyXML }

func createAccessKey(c *call) (any, error) {
	u, err := c.callerUser()
	if err != nil {
		return nil, err
	}
	if len(u.keys) >= maxAccessKeysPerUser {
		return nil, errLimitExceeded("Cannot exceed quota for AccessKeysPerUser: %d", maxAccessKeysPerUser)
	}
	k := &accessKey{id: accessKeyID(prefixAccessKey), secret: secretKey(), status: "Active", created: c.now}
	u.keys = append(u.keys, k)
	c.s.userKeys[k.id] = userKeyRef{accountID: c.acct.id, userKey: key(u.name)}
	return createAccessKeyResult{accessKeyXML{UserName: u.name, AccessKeyId: k.id, Status: k.status,
		SecretAccessKey: k.secret, CreateDate: awsTime(k.created)}}, nil
}

type listAccessKeysResult struct {
	UserName          string         `xml:",omitempty"`
	AccessKeyMetadata []accessKeyXML `xml:"AccessKeyMetadata>member"`
	pageInfo
}

func listAccessKeys(c *call) (any, error) {
	if c.p.str("UserName") == "" && c.caller.kind == callerRoot {
		return listAccessKeysResult{AccessKeyMetadata: []accessKeyXML{}}, nil
	}
	u, err := c.callerUser()
	if err != nil {
		return nil, err
	}
	items, info, err := paginateAs(c, u.keys, func(k *accessKey) accessKeyXML {
		return accessKeyXML{UserName: u.name, AccessKeyId: k.id, Status: k.status, CreateDate: awsTime(k.created)}
	})
	if err != nil {
		return nil, err
	}
	return listAccessKeysResult{UserName: u.name, AccessKeyMetadata: items, pageInfo: info}, nil
}

// userKey finds an access key of the named (or calling) user.
func (c *call) userKey() (*user, *accessKey, error) {
	u, err := c.callerUser()
	if err != nil {
		return nil, nil, err
	}
	id := c.p.str("AccessKeyId")
	k := findKey(u, id)
	if k == nil {
		return nil, nil, errNoSuchEntity("The Access Key with id %s cannot be found.", id)
	}
	return u, k, nil
}

func updateAccessKey(c *call) (any, error) {
	_, k, err := c.userKey()
	if err != nil {
		return nil, err
	}
	status := c.p.str("Status")
	if status != "Active" && status != "Inactive" {
		return nil, validationFailed(status, "status", "Member must satisfy enum value set: [Active, Inactive]")
	}
	k.status = status
	return nil, nil
}

func deleteAccessKey(c *call) (any, error) {
	u, k, err := c.userKey()
	if err != nil {
		return nil, err
	}
	for i, x := range u.keys {
		if x == k {
			u.keys = append(u.keys[:i:i], u.keys[i+1:]...)
			break
		}
	}
	delete(c.s.userKeys, k.id)
	return nil, nil
}

type accessKeyLastUsedXML struct {
	LastUsedDate string `xml:",omitempty"`
	ServiceName  string
	Region       string
}

type accessKeyLastUsedResult struct {
	UserName          string
	AccessKeyLastUsed accessKeyLastUsedXML
}

func getAccessKeyLastUsed(c *call) (any, error) {
	id := c.p.str("AccessKeyId")
	ref, ok := c.s.userKeys[id]
	if !ok || ref.accountID != c.acct.id {
		return nil, errNoSuchEntity("The Access Key with id %s cannot be found.", id)
	}
	u := c.acct.users[ref.userKey]
	k := findKey(u, id)
	res := accessKeyLastUsedResult{UserName: u.name, AccessKeyLastUsed: accessKeyLastUsedXML{ServiceName: "N/A", Region: "N/A"}}
	if !k.lastUsed.IsZero() {
		res.AccessKeyLastUsed = accessKeyLastUsedXML{LastUsedDate: awsTime(k.lastUsed), ServiceName: k.lastService, Region: k.lastRegion}
	}
	return res, nil
}
