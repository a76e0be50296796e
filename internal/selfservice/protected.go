package selfservice

import (
	"fmt"
	"strings"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

// Entity kinds, for the protected-name rule: the operator's own identity is a user or
// a role, and only an entity of the same kind can be it.
const (
	entityUser = "user"
	entityRole = "role"
)

// builtinProtected are the names no TeamMember or AssumableRole may manage or adopt,
// whatever the baseline says: the organisation's admin role (created by AWS
// Organizations in every member account), IAM Identity Center's roles, and
// service-linked roles. Compared case-insensitively, as IAM compares names.
var builtinProtected = []struct{ pattern, why string }{
	{"OrganizationAccountAccessRole", "the AWS Organizations admin role"},
	{"AWSReservedSSO_*", "an IAM Identity Center role"},
	{"AWSServiceRoleFor*", "a service-linked role"},
}

// protectedPaths are the paths AWS reserves for its own roles.
var protectedPaths = []string{"/aws-service-role/", "/aws-reserved/"}

// Env is what the caller knows about the operator, beyond the baseline and the object.
type Env struct {
	// OperatorARN is who the operator acts as in the account (STS GetCallerIdentity):
	// its own user or role is protected. Empty when unknown (a plan without AWS); the
	// role in the baseline's spec.access.roleARN is protected either way.
	OperatorARN string
}

// operatorEntity returns the kind and name of the IAM entity behind an identity ARN:
// arn:aws:iam::<acct>:user/<path>/<name>, arn:aws:iam::<acct>:role/<path>/<name>, or
// arn:aws:sts::<acct>:assumed-role/<role>/<session>.
func operatorEntity(arn string) (kind, name string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return "", ""
	}
	resource := parts[5]
	segs := strings.Split(resource, "/")
	switch {
	case segs[0] == "user" && len(segs) >= 2:
		return entityUser, segs[len(segs)-1]
	case segs[0] == "role" && len(segs) >= 2:
		return entityRole, segs[len(segs)-1]
	case segs[0] == "assumed-role" && len(segs) >= 2:
		return entityRole, segs[1]
	}
	return "", ""
}

// protectedName returns why an entity of kind with name and path is protected, and
// whether it is so by spec.protectedNames (which the platform team may change), or "".
func protectedName(ab *iamv1.AccountBaseline, env Env, kind, name, path string) (why string, bySpec bool) {
	for _, b := range builtinProtected {
		if match(b.pattern, name, true) {
			return fmt.Sprintf("%q is %s (%s)", name, b.why, b.pattern), false
		}
	}
	for _, p := range protectedPaths {
		if strings.HasPrefix(strings.ToLower(path), p) {
			return fmt.Sprintf("path %q is reserved by AWS for its own roles (%s)", path, p), false
		}
	}
	identities := []string{env.OperatorARN}
	if ab.Spec.Access != nil {
		identities = append(identities, ab.Spec.Access.RoleARN)
	}
	for _, arn := range identities {
		if k, n := operatorEntity(arn); k == kind && n != "" && strings.EqualFold(n, name) {
			return fmt.Sprintf("%q is the operator's own identity (%s)", name, arn), false
		}
	}
	if p, ok := matchAny(ab.Spec.ProtectedNames, name, true); ok {
		return fmt.Sprintf("%q matches %q in spec.protectedNames of AccountBaseline %q", name, p, ab.Name), true
	}
	return "", false
}
