package policy

import "unicode"

// IAM's policy size quotas, in characters not counting white space (as IAM counts
// them). The inline quotas are on an identity's inline policies together.
const (
	UserInlineQuota    = 2048
	GroupInlineQuota   = 5120
	RoleInlineQuota    = 10240
	TrustPolicyQuota   = 2048
	ManagedPolicyQuota = 6144
)

// Size is a document's size as IAM measures it against its quotas: its characters,
// white space not counted.
func Size(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
