package proof

import (
	"strings"

	"github.com/iam-baseline/operator/internal/policy"
)

// sensitiveActions are what a member must not do without MFA: a sample of
// every kind of harm (reading data, changing IAM, spending money, leaving
// through a role), fixed so a proof is comparable from one run to the next.
var sensitiveActions = []string{
	"iam:CreateUser", "iam:CreateAccessKey", "iam:AttachUserPolicy", "iam:PutUserPolicy",
	"iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:ListUsers",
	"s3:ListAllMyBuckets", "s3:GetObject", "ec2:RunInstances", "ec2:DescribeInstances",
	"sts:AssumeRole", "budgets:ViewBudget",
}

// MemberInput names the member a proof speaks for and someone else in the
// account whose user it must not reach.
type MemberInput struct {
	Partition string
	AccountID string
	// UserARN is the member's user (any path).
	UserARN string
	// OtherUserARN is another user of the account.
	OtherUserARN string
	// MFAPolicyARN is the MFA-enforcement policy; with MFA it must not deny.
	MFAPolicyARN string
}

// MFACatalogue is the fixed list of requests that proves the MFA promise for
// one member (the representative of a set of groups):
//
//   - without MFA (key false), and with long-term keys (key absent), every
//     sensitive action is denied, on "*" and on the account's resources;
//   - without MFA, the user-scoped self-service actions are allowed on the
//     own user and denied on another user, enrolment is allowed, and
//     deactivating a device is denied;
//   - with long-term keys, enrolment is denied;
//   - with MFA, the MFA policy denies none of the sensitive actions.
func MFACatalogue(in MemberInput) []Request {
	p := in.Partition
	if p == "" {
		p = "aws"
	}
	name := in.UserARN[strings.LastIndex(in.UserARN, "/")+1:]
	device := "arn:" + p + ":iam::" + in.AccountID + ":mfa/" + name
	var out []Request
	add := func(action, resource string, mfa MFA, want Want) {
		out = append(out, Request{Action: action, Resource: resource, MFA: mfa, Principal: in.UserARN, Want: want, NotDeniedBy: notDeniedBy(want, in.MFAPolicyARN)})
	}
	for _, mfa := range []MFA{MFAFalse, MFAAbsent} {
		for _, a := range sensitiveActions {
			add(a, "*", mfa, Denied)
		}
		for _, a := range policy.SelfServiceUserActions {
			add(a, in.OtherUserARN, mfa, Denied)
		}
		add("iam:DeactivateMFADevice", in.UserARN, mfa, Denied)
	}
	for _, a := range policy.SelfServiceUserActions {
		add(a, in.UserARN, MFAFalse, Allowed)
	}
	for _, a := range policy.SelfServiceAccountActions {
		add(a, "*", MFAFalse, Allowed)
	}
	add("iam:CreateVirtualMFADevice", device, MFAFalse, Allowed)
	for _, a := range policy.MFAEnrolmentActions {
		r := in.UserARN
		if a == "iam:CreateVirtualMFADevice" {
			r = device
		}
		add(a, r, MFAAbsent, Denied)
	}
	for _, a := range sensitiveActions {
		add(a, "*", MFATrue, NotDeniedBy)
	}
	return out
}

func notDeniedBy(w Want, arn string) string {
	if w == NotDeniedBy {
		return arn
	}
	return ""
}

// TrustInput is a role and the people its trust lists.
type TrustInput struct {
	RoleARN string
	// Trust is the role's trust policy document.
	Trust string
	// People are the listed members' user ARNs.
	People []string
	// Unlisted is another member of the account the trust does not list ("" when
	// there is none).
	Unlisted string
	// RequireMFA: people need MFA to assume the role.
	RequireMFA bool
}

// TrustCatalogue proves a role's trust: each listed person may assume it with
// MFA and (when MFA is required) not without; an unlisted member may not.
func TrustCatalogue(in TrustInput) []Request {
	var out []Request
	add := func(who string, mfa MFA, want Want) {
		out = append(out, Request{Action: "sts:AssumeRole", Resource: in.RoleARN, MFA: mfa, Principal: who, Want: want, ResourcePolicy: in.Trust})
	}
	for _, p := range in.People {
		add(p, MFATrue, Allowed)
		if in.RequireMFA {
			add(p, MFAFalse, Denied)
			add(p, MFAAbsent, Denied)
		}
	}
	if in.Unlisted != "" {
		add(in.Unlisted, MFATrue, Denied)
	}
	return out
}
