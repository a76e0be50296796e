package policy

import (
	"net/url"
	"strings"
)

// SwitchRoleURL returns the console link that pre-fills the "Switch role"
// form: https://signin.aws.amazon.com/switchrole?roleName=...&account=...
// (+ &displayName=... when given). Parameters are written in that order, not
// sorted as url.Values would, so the link reads naturally on a status page.
// roleName is the role's name; include its path ("team/admin") for a role
// with a path.
func SwitchRoleURL(accountID, roleName, displayName string) string {
	var b strings.Builder
	b.WriteString("https://signin.aws.amazon.com/switchrole?roleName=")
	b.WriteString(url.QueryEscape(roleName))
	b.WriteString("&account=")
	b.WriteString(url.QueryEscape(accountID))
	if displayName != "" {
		b.WriteString("&displayName=")
		b.WriteString(url.QueryEscape(displayName))
	}
	return b.String()
}

// SignInURL returns the account's console sign-in page,
// https://<alias or account ID>.signin.aws.amazon.com/console. An alias is
// preferred by callers because it is what people remember.
func SignInURL(aliasOrAccountID string) string {
	return "https://" + aliasOrAccountID + ".signin.aws.amazon.com/console"
}
