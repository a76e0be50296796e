package policy

import "strings"

// DefaultPartition is used when a caller passes an empty partition.
const DefaultPartition = "aws"

func partitionOr(p string) string {
	if p == "" {
		return DefaultPartition
	}
	return p
}

// NormalizePath turns an IAM path into the form ARNs use: "" becomes "/",
// and a leading and trailing slash are ensured ("team" -> "/team/").
func NormalizePath(path string) string {
	if path == "" || path == "/" {
		return "/"
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	return path
}

// UserARN returns arn:<partition>:iam::<account>:user<path><name>.
func UserARN(partition, accountID, path, name string) string {
	return iamARN(partition, accountID, "user", path, name)
}

// RoleARN returns arn:<partition>:iam::<account>:role<path><name>.
func RoleARN(partition, accountID, path, name string) string {
	return iamARN(partition, accountID, "role", path, name)
}

// GroupARN returns arn:<partition>:iam::<account>:group<path><name>.
func GroupARN(partition, accountID, path, name string) string {
	return iamARN(partition, accountID, "group", path, name)
}

// PolicyARN returns the ARN of a customer-managed policy.
func PolicyARN(partition, accountID, path, name string) string {
	return iamARN(partition, accountID, "policy", path, name)
}

// AccountRootARN returns arn:<partition>:iam::<account>:root, the principal
// that stands for a whole account. AWS rewrites a bare account ID in a trust
// policy to this form, so the operator always writes this form to avoid a
// difference on the next read.
func AccountRootARN(partition, accountID string) string {
	return "arn:" + partitionOr(partition) + ":iam::" + accountID + ":root"
}

func iamARN(partition, accountID, kind, path, name string) string {
	return "arn:" + partitionOr(partition) + ":iam::" + accountID + ":" + kind + NormalizePath(path) + name
}

// IsAccountID reports whether s is a 12-digit AWS account ID.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// IsUniqueIDPrincipal reports whether s looks like an IAM unique ID of a user
// (AIDA...) or role (AROA...). When the user or role named in a trust policy
// is deleted, AWS shows the principal as its unique ID instead of its ARN; a
// recreated principal with the same name is a different identity and does not
// match it. Callers that see one must rewrite the trust policy from the spec
// (after resolving the principal again) rather than report endless drift.
func IsUniqueIDPrincipal(s string) bool {
	if len(s) < 16 || len(s) > 128 {
		return false
	}
	if !strings.HasPrefix(s, "AIDA") && !strings.HasPrefix(s, "AROA") {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
