package controllers

import (
	"slices"
	"strings"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/desired"
)

// checkMemberSpec judges what the spec alone can decide, before any AWS call. The
// CRD refuses these at admission; objects stored before those rules existed are
// caught here.
func checkMemberSpec(tm *iamv1.TeamMember) error {
	c := &memberCredentials{tm: tm}
	if c.consoleSecretName() == c.keySecretName() {
		return stalled(iamv1.ReasonInvalidSpec, "the console Secret and the access-key Secret are both named %q, so one would overwrite the other: give spec.consoleAccess.secretName and spec.accessKeys.secretName different names",
			c.consoleSecretName())
	}
	if err := checkTagValues(tm.Spec.Tags); err != nil {
		return err
	}
	if n := desired.UserName(tm); len(n) > 64 {
		return stalled(iamv1.ReasonInvalidSpec, "IAM user names are at most 64 characters and %q has %d: set spec.userName", n, len(n))
	}
	return nil
}

// checkMemberGroupsDeclared refuses, before any AWS call, a member naming a group
// its AccountBaseline does not declare: such a group will never exist, so retrying
// AddUserToGroup would only fail forever. The member is woken when the baseline
// changes (it watches its AccountBaseline), so declaring the group fixes it at once.
// Names compare ignoring case, as IAM does.
func checkMemberGroupsDeclared(ab *iamv1.AccountBaseline, tm *iamv1.TeamMember) error {
	var missing []string
	for _, g := range tm.Spec.Groups {
		if strings.EqualFold(g, desired.MFAGroup(ab)) {
			continue
		}
		if !slices.ContainsFunc(ab.Spec.Groups, func(pg iamv1.PermissionGroup) bool { return strings.EqualFold(pg.Name, g) }) {
			missing = append(missing, g)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return stalled(iamv1.ReasonInvalidSpec, "groups %v are not declared in AccountBaseline %q (spec.groups) of account %s, so they will never exist: declare them there, or remove them from this member's spec.groups",
		missing, ab.Name, ab.Spec.AccountID)
}
