package selfservice

import (
	"strings"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

// Rule names, stable: messages start with them and tests and docs refer to them.
const (
	RuleNamespace     = "namespace"
	RuleProtectedName = "protected name"
	RuleAdoption      = "adoption"
	RuleGroups        = "groups"
	RulePath          = "path"
	RuleReservedTag   = "reserved tag"
	RuleBoundary      = "permissions boundary"
	RuleSession       = "session duration"
	RuleForbidden     = "forbidden policy"
	RuleTrustAccount  = "trust: accounts"
	RuleTrustRoot     = "trust: account root"
	RuleTrustService  = "trust: services"
	RuleTrustOIDC     = "trust: OIDC providers"
	RuleTrustMembers  = "trust: member namespaces"
	RuleTrustMFA      = "trust: MFA"
	RuleOIDCSubject   = "OIDC subject"
)

// Violation is one rule an object breaks.
type Violation struct {
	// Rule is one of the Rule constants.
	Rule string
	// Reason is the Stalled condition's reason: iamv1.ReasonNotAllowed for what the
	// baseline does not grant, iamv1.ReasonInvalidSpec for what nobody should declare.
	Reason string
	// Field is the object's field at fault, such as spec.trust.accounts.
	Field string
	// Message says what is refused and what would allow it (the baseline field, or
	// the object's field to change).
	Message string
}

// String is "rule: message".
func (v Violation) String() string { return v.Rule + ": " + v.Message }

// Summary folds violations into one Stalled reason and message. The reason is
// InvalidSpec only when every violation is one; any self-service refusal makes it
// NotAllowedBySelfService. It returns "" reason for no violations.
func Summary(vs []Violation) (reason, message string) {
	if len(vs) == 0 {
		return "", ""
	}
	reason = iamv1.ReasonInvalidSpec
	parts := make([]string, 0, len(vs))
	for _, v := range vs {
		if v.Reason != iamv1.ReasonInvalidSpec {
			reason = iamv1.ReasonNotAllowed
		}
		parts = append(parts, v.String())
	}
	return reason, strings.Join(parts, "; ")
}
