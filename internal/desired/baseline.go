package desired

import (
	"slices"
	"strconv"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/outcome"
	"github.com/iam-baseline/operator/internal/plan"
	"github.com/iam-baseline/operator/internal/policy"
)

// PasswordPolicy is the account password policy the spec asks for, CIS defaults
// filled in.
func PasswordPolicy(p iamv1.PasswordPolicy) plan.PasswordPolicy {
	on := func(b *bool) bool { return b == nil || *b }
	out := plan.PasswordPolicy{
		MinimumLength:              p.MinimumLength,
		PasswordReusePrevention:    p.PasswordReusePrevention,
		RequireSymbols:             on(p.RequireSymbols),
		RequireNumbers:             on(p.RequireNumbers),
		RequireUppercase:           on(p.RequireUppercase),
		RequireLowercase:           on(p.RequireLowercase),
		AllowUsersToChangePassword: on(p.AllowUsersToChangePassword),
		HardExpiry:                 p.HardExpiry,
	}
	if out.MinimumLength == 0 {
		out.MinimumLength = 14
	}
	if out.PasswordReusePrevention == 0 {
		out.PasswordReusePrevention = 24
	}
	if p.MaxPasswordAgeDays != nil {
		out.MaxPasswordAgeDays = *p.MaxPasswordAgeDays
	}
	return out
}

// MFAPolicyARN is the ARN of the account's MFA-enforcement policy.
func MFAPolicyARN(ab *iamv1.AccountBaseline, partition, accountID string) string {
	return policy.PolicyARN(partition, accountID, "/", MFAPolicyName(ab))
}

// MFAPolicy is the customer-managed MFA-enforcement policy, tagged with the given
// ownership tags.
func MFAPolicy(ab *iamv1.AccountBaseline, partition string, tags map[string]string) (plan.ManagedPolicyDesired, error) {
	doc, err := policy.Marshal(policy.MFAEnforcement(partition))
	if err != nil {
		return plan.ManagedPolicyDesired{}, err
	}
	return plan.ManagedPolicyDesired{Name: MFAPolicyName(ab), Document: doc, Tags: tags,
		Description: "Managed by iam-baseline-operator: denies everything but managing one's own password and MFA device until signed in with MFA"}, nil
}

// Groups are the MFA group (with the MFA policy attached) and the permission groups
// of the spec.
func Groups(ab *iamv1.AccountBaseline, partition, accountID string) []plan.GroupDesired {
	var out []plan.GroupDesired
	if g := MFAGroup(ab); g != "" {
		out = append(out, plan.GroupDesired{Name: g, Path: "/", ManagedPolicies: []string{MFAPolicyARN(ab, partition, accountID)}, InlinePolicies: map[string]string{}})
	}
	for _, g := range ab.Spec.Groups {
		path := g.Path
		if path == "" {
			path = "/"
		}
		inline := map[string]string{}
		for _, p := range g.InlinePolicies {
			inline[p.Name] = p.Document
		}
		out = append(out, plan.GroupDesired{Name: g.Name, Path: path, ManagedPolicies: slices.Clone(g.ManagedPolicies), InlinePolicies: inline})
	}
	return out
}

// Budget builds a budget from the spec, with the CRD's defaults for objects made
// without them.
func Budget(b iamv1.Budget, tags map[string]string) (plan.BudgetDesired, error) {
	d := plan.BudgetDesired{Name: b.Name, Limit: b.Limit, Unit: orDefault(b.Unit, "USD"), TimeUnit: orDefault(b.TimeUnit, "MONTHLY"), Tags: tags}
	for i, n := range b.Notifications {
		th, err := strconv.ParseFloat(n.Threshold, 64)
		if err != nil || th <= 0 {
			return d, outcome.Stalled(iamv1.ReasonInvalidSpec, "budget %q notification %d: threshold %q is not a positive number", b.Name, i+1, n.Threshold)
		}
		bn := plan.BudgetNotification{Notification: plan.Notification{
			Type: orDefault(n.Type, "ACTUAL"), ComparisonOperator: orDefault(n.ComparisonOperator, "GREATER_THAN"),
			Threshold: th, ThresholdType: orDefault(n.ThresholdType, "PERCENTAGE"),
		}}
		for _, sub := range n.Subscribers {
			bn.Subscribers = append(bn.Subscribers, plan.Subscriber{Type: orDefault(sub.Type, "EMAIL"), Address: sub.Address})
		}
		d.Notifications = append(d.Notifications, bn)
	}
	return d, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
