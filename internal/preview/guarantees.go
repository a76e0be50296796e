package preview

import (
	"fmt"
	"strings"

	"github.com/iam-baseline/operator/internal/policy"
	"github.com/iam-baseline/operator/internal/policy/eval"
)

// Guarantees after the change, proven offline with the IAM evaluator
// (internal/policy/eval) on the documents the plan would leave in AWS: a member
// without MFA can do nothing but sign in and enrol a device, whatever else it is
// granted; a role can be assumed by its principals only, and with MFA when the spec
// asks for it.

// Guarantee is one proven (or broken) promise about an object after the change.
type Guarantee struct {
	Object  string `json:"object"`
	Holds   bool   `json:"holds"`
	Message string `json:"message"`
}

// plannedUser is what the MFA proof needs of a member after the change.
type plannedUser struct {
	obj, name, arn string
	// mfaPolicy is the MFA-enforcement document the member is subject to, or "" when
	// it is not in the MFA-enforcement group after the change.
	mfaPolicy string
}

// plannedRole is what the trust proof needs of a role after the change.
type plannedRole struct {
	obj, name, arn, account, partition string
	trust                              string
	people                             []string // user ARNs in the trust
	requireMFA                         bool
}

// allowEverything stands in for every other grant the member has (its permission
// groups' managed policies are not known offline): the MFA denial must hold even if
// everything else allowed everything.
var allowEverything = &policy.Document{Version: "2012-10-17", Statement: []policy.Statement{{Effect: policy.Allow, Action: policy.StringList{"*"}, Resource: policy.StringList{"*"}}}}

// withoutMFA are requests a member without MFA must be refused: a sample of reading,
// writing, escalating and switching roles.
var withoutMFA = []struct{ action, resource string }{
	{"s3:ListAllMyBuckets", "*"},
	{"ec2:DescribeInstances", "*"},
	{"iam:CreateAccessKey", "self"},
	{"iam:AttachUserPolicy", "self"},
	{"iam:DeactivateMFADevice", "self"},
	{"sts:AssumeRole", "*"},
}

// selfServiceWithoutMFA are what first sign-in needs before MFA: they must not be
// denied.
var selfServiceWithoutMFA = []struct{ action, resource string }{
	{"iam:ChangePassword", "self"},
	{"iam:GetAccountPasswordPolicy", "*"},
	{"iam:CreateVirtualMFADevice", "mfa"},
	{"iam:EnableMFADevice", "self"},
}

func (p *planner) proveGuarantees() []Guarantee {
	var out []Guarantee
	for _, u := range p.plannedUsers {
		out = append(out, proveMFA(u))
	}
	for _, r := range p.plannedRoles {
		out = append(out, proveTrust(r))
	}
	return out
}

func proveMFA(u plannedUser) Guarantee {
	g := Guarantee{Object: u.obj}
	if u.mfaPolicy == "" {
		g.Message = fmt.Sprintf("MFA is NOT enforced for IAM user %s: it is not in an MFA-enforcement group, so without MFA it may use whatever it is granted", u.name)
		return g
	}
	doc, err := policy.Parse(u.mfaPolicy)
	if err != nil {
		g.Message = fmt.Sprintf("the MFA-enforcement policy of IAM user %s does not parse: %v", u.name, err)
		return g
	}
	policies := []eval.Policy{{ID: "mfa-enforcement", Kind: eval.Identity, Document: doc}, {ID: "every other grant", Kind: eval.Identity, Document: allowEverything}}
	resource := func(r string) string {
		switch r {
		case "self":
			return u.arn
		case "mfa":
			return strings.Replace(u.arn, ":user/", ":mfa/", 1)
		}
		return r
	}
	name := u.name
	ctx := map[string][]string{"aws:MultiFactorAuthPresent": {"false"}, "aws:username": {name}}
	var failed []string
	for _, rq := range withoutMFA {
		d := eval.Evaluate(eval.Request{Principal: u.arn, Action: rq.action, Resource: resource(rq.resource), Context: ctx}, policies)
		if d.Verdict != eval.ExplicitDeny {
			failed = append(failed, rq.action+" is "+string(d.Verdict))
		}
	}
	for _, rq := range selfServiceWithoutMFA {
		d := eval.Evaluate(eval.Request{Principal: u.arn, Action: rq.action, Resource: resource(rq.resource), Context: ctx}, policies)
		if d.Verdict == eval.ExplicitDeny {
			failed = append(failed, rq.action+" (needed before MFA) is denied")
		}
	}
	if len(failed) > 0 {
		g.Message = fmt.Sprintf("MFA enforcement does NOT hold for IAM user %s: without MFA %s", u.name, strings.Join(failed, "; "))
		return g
	}
	g.Holds = true
	g.Message = fmt.Sprintf("MFA enforcement holds for IAM user %s: without MFA, %d sample requests are denied even if everything else allowed them, and sign-in and MFA enrolment are not", u.name, len(withoutMFA))
	return g
}

func proveTrust(r plannedRole) Guarantee {
	g := Guarantee{Object: r.obj}
	doc, err := policy.Parse(r.trust)
	if err != nil {
		g.Message = fmt.Sprintf("the trust policy of IAM role %s does not parse: %v", r.name, err)
		return g
	}
	// The caller's own side is taken to allow everything (a stranger's account may
	// grant sts:AssumeRole on anything): only the trust stands between it and the role.
	policies := []eval.Policy{{ID: "trust of " + r.name, Kind: eval.Resource, Document: doc}, {ID: "the caller's own grants", Kind: eval.Identity, Document: allowEverything}}
	assume := func(principal string, mfa bool) eval.Decision {
		return eval.Evaluate(eval.Request{Principal: principal, Action: "sts:AssumeRole", Resource: r.arn,
			Context: map[string][]string{"aws:MultiFactorAuthPresent": {fmt.Sprint(mfa)}, "aws:MultiFactorAuthAge": {"60"}}}, policies)
	}
	var failed []string
	strangers := []string{
		policy.UserARN(r.partition, r.account, "/", "someone-else"),
		policy.RoleARN(r.partition, r.account, "/", "some-other-role"),
		policy.UserARN(r.partition, "999999999999", "/", "outsider"),
	}
	for _, s := range strangers {
		if assume(s, true).Allowed() {
			failed = append(failed, s+" may assume it")
		}
	}
	for _, person := range r.people {
		if !assume(person, true).Allowed() {
			failed = append(failed, person+" may not assume it with MFA")
		}
		if r.requireMFA && assume(person, false).Allowed() {
			failed = append(failed, person+" may assume it without MFA")
		}
	}
	if len(failed) > 0 {
		g.Message = fmt.Sprintf("the trust of IAM role %s does NOT hold: %s", r.name, strings.Join(failed, "; "))
		return g
	}
	g.Holds = true
	mfa := ""
	if r.requireMFA && len(r.people) > 0 {
		mfa = ", only with MFA"
	}
	who := fmt.Sprintf("its %d people may assume it%s", len(r.people), mfa)
	switch len(r.people) {
	case 0:
		who = "no person is in it"
	case 1:
		who = "its 1 person may assume it" + mfa
	}
	g.Message = fmt.Sprintf("the trust of IAM role %s holds: %s; other users, roles and accounts may not", r.name, who)
	return g
}
