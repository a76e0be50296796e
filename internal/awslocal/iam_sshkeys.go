package awslocal

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// SSH public keys (used by CodeCommit). They matter here because DeleteUser refuses a
// user that still has one, so an operator's deletion must remove them first.
// Signing certificates and service-specific credentials are not modelled: their
// List calls answer with an empty list for an existing user.

const prefixSSHKey = "APKA"

type sshKey struct {
	id, body, status, fingerprint string
	uploaded                      time.Time
}

type sshKeyXML struct {
	UserName, SSHPublicKeyId, Status, UploadDate string
	Fingerprint                                  string `xml:",omitempty"`
	SSHPublicKeyBody                             string `xml:",omitempty"`
}

type sshKeyResult struct {
	SSHPublicKey sshKeyXML
}

type listSSHKeysResult struct {
	SSHPublicKeys []sshKeyXML `xml:"SSHPublicKeys>member"`
	pageInfo
}

func uploadSSHPublicKey(c *call) (any, error) {
	u, err := c.acct.getUser(c.p.str("UserName"))
	if err != nil {
		return nil, err
	}
	body := strings.TrimSpace(c.p.str("SSHPublicKeyBody"))
	if !strings.HasPrefix(body, "ssh-rsa ") && !strings.HasPrefix(body, "ssh-ed25519 ") && !strings.HasPrefix(body, "-----BEGIN") {
		return nil, newErr(http.StatusBadRequest, "InvalidPublicKey", "The SSH public key is not in a valid format.")
	}
	if len(u.sshKeys) >= 5 {
		return nil, errLimitExceeded("Cannot exceed quota for PublicKeysPerUser: 5")
	}
	sum := sha256.Sum256([]byte(body))
	k := &sshKey{id: randomID(prefixSSHKey, 17), body: body, status: "Active", fingerprint: hex.EncodeToString(sum[:16]), uploaded: c.now}
	u.sshKeys = append(u.sshKeys, k)
	return sshKeyResult{k.xml(u.name, true)}, nil
}

func listSSHPublicKeys(c *call) (any, error) {
	u, err := c.callerUser()
	if err != nil {
		return nil, err
	}
	items, info, err := paginateAs(c, u.sshKeys, func(k *sshKey) sshKeyXML { return k.xml(u.name, false) })
	if err != nil {
		return nil, err
	}
	return listSSHKeysResult{SSHPublicKeys: items, pageInfo: info}, nil
}

func deleteSSHPublicKey(c *call) (any, error) {
	u, err := c.acct.getUser(c.p.str("UserName"))
	if err != nil {
		return nil, err
	}
	id := c.p.str("SSHPublicKeyId")
	for i, k := range u.sshKeys {
		if k.id == id {
			u.sshKeys = append(u.sshKeys[:i], u.sshKeys[i+1:]...)
			return nil, nil
		}
	}
	return nil, errNoSuchEntity("The Public Key with id %s cannot be found.", id)
}

type listSigningCertificatesResult struct {
	Certificates []struct{} `xml:"Certificates>member"`
	pageInfo
}

// listSigningCertificates: not modelled, so always empty for an existing user.
func listSigningCertificates(c *call) (any, error) {
	if _, err := c.callerUser(); err != nil {
		return nil, err
	}
	return listSigningCertificatesResult{Certificates: []struct{}{}}, nil
}

type listServiceSpecificCredentialsResult struct {
	ServiceSpecificCredentials []struct{} `xml:"ServiceSpecificCredentials>member"`
}

// listServiceSpecificCredentials: not modelled, so always empty for an existing user.
func listServiceSpecificCredentials(c *call) (any, error) {
	if _, err := c.callerUser(); err != nil {
		return nil, err
	}
	return listServiceSpecificCredentialsResult{ServiceSpecificCredentials: []struct{}{}}, nil
}

func (k *sshKey) xml(user string, withBody bool) sshKeyXML {
	x := sshKeyXML{UserName: user, SSHPublicKeyId: k.id, Status: k.status, UploadDate: awsTime(k.uploaded)}
	if withBody {
		x.Fingerprint, x.SSHPublicKeyBody = k.fingerprint, k.body
	}
	return x
}
