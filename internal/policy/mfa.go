package policy

// The actions a member may call without MFA. SelfServiceAccountActions act on
// the account (Resource "*"); SelfServiceUserActions act on an IAM user and are
// exempt only on the caller's own user; MFAEnrolmentActions also need the
// aws:MultiFactorAuthPresent key in the request (a console or session request,
// never bare long-term keys). They are exported so the proof catalogue
// (internal/policy/proof) asks exactly about what the policy promises.
var (
	SelfServiceAccountActions = []string{"iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"}
	SelfServiceUserActions    = []string{
		"iam:ChangePassword", "iam:EnableMFADevice", "iam:GetLoginProfile", "iam:GetMFADevice",
		"iam:GetUser", "iam:ListMFADevices", "iam:ResyncMFADevice",
	}
	MFAEnrolmentActions = []string{"iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ResyncMFADevice"}
)

// MFAEnforcement returns the customer-managed policy attached (through a
// group) to every TeamMember: until a user has signed in with MFA, it denies
// everything except what they need to set their password and enrol an MFA
// device, on their own user only.
//
// Why it looks like this:
//
//   - "DenyAllExceptSelfServiceWithoutMFA" uses NotAction with the
//     self-service actions as exceptions, and the condition BoolIfExists
//     aws:MultiFactorAuthPresent "false". IfExists matters: requests signed
//     with long-term access keys carry no MFA key at all, and without IfExists
//     they would escape the Deny.
//   - That Deny is on Resource "*", so its exceptions would let any other
//     grant (ReadOnlyAccess, an admin group) reach other users' login profiles
//     and MFA devices from a password-only session. "DenyOtherUsersWithoutMFA"
//     closes that: the user-scoped self-service actions are denied on every
//     resource but the caller's own user (NotResource, with and without a
//     path), under the same condition.
//   - "DenyMFAEnrolmentWithoutMFAContext" denies enrolment when the request
//     carries no aws:MultiFactorAuthPresent key at all (Null "true"): that is a
//     request signed with long-term access keys. Without it, whoever holds a
//     member's leaked keys could create and enable their own device on the
//     member (IAM allows eight per user), then GetSessionToken with it and act
//     as the member with MFA. The console sends the key (false until MFA), so
//     enrolment at first sign-in keeps working.
//   - iam:ChangePassword and iam:GetAccountPasswordPolicy are exceptions
//     because a new user must reset the initial password at first sign-in,
//     before they can have MFA; without them that first sign-in fails.
//   - sts:GetSessionToken is an exception so CLI users can exchange their keys
//     and an MFA code for MFA-authenticated session credentials.
//   - Resources use ${aws:username} so one policy serves every user (hence
//     Version 2012-10-17: under 2008-10-17 the variable would be literal
//     text). A user with a path (TeamMember spec.path, such as /engineering/)
//     has the ARN user/engineering/alice, which user/${aws:username} does not
//     match, so user/*/${aws:username} is listed too; user names are unique in
//     an account whatever the path and cannot contain "/", so the wildcard
//     cannot reach anyone else.
//   - iam:CreateVirtualMFADevice is allowed on mfa/* rather than
//     mfa/${aws:username}: the console names devices freely and a user may
//     register several. A device nobody enabled grants nothing; enabling one is
//     the user-scoped EnableMFADevice, which reaches the own user only.
//   - Deactivating an MFA device needs MFA, so a stolen password alone cannot
//     remove the second factor.
//
// An empty partition means "aws".
func MFAEnforcement(partition string) *Document {
	p := partitionOr(partition)
	self := StringList{"arn:" + p + ":iam::*:user/${aws:username}", "arn:" + p + ":iam::*:user/*/${aws:username}"}
	mfaDevices := "arn:" + p + ":iam::*:mfa/*"
	noMFA := Condition{"BoolIfExists": {"aws:MultiFactorAuthPresent": {"false"}}}
	exceptions := StringList{"sts:GetSessionToken", "iam:CreateVirtualMFADevice"}
	exceptions = append(exceptions, SelfServiceAccountActions...)
	exceptions = append(exceptions, SelfServiceUserActions...)
	return &Document{
		Version: Version2012,
		Statement: []Statement{
			{
				Sid:      "AllowViewAccountInfo",
				Effect:   Allow,
				Action:   sortedCopy(SelfServiceAccountActions),
				Resource: StringList{"*"},
			},
			{
				Sid:      "AllowManageOwnPassword",
				Effect:   Allow,
				Action:   StringList{"iam:ChangePassword", "iam:GetLoginProfile", "iam:GetUser"},
				Resource: self,
			},
			{
				Sid:      "AllowCreateOwnVirtualMFADevice",
				Effect:   Allow,
				Action:   StringList{"iam:CreateVirtualMFADevice"},
				Resource: StringList{mfaDevices},
			},
			{
				Sid:      "AllowManageOwnUserMFA",
				Effect:   Allow,
				Action:   StringList{"iam:EnableMFADevice", "iam:GetMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"},
				Resource: self,
			},
			{
				Sid:       "AllowDeactivateOwnMFAOnlyWithMFA",
				Effect:    Allow,
				Action:    StringList{"iam:DeactivateMFADevice"},
				Resource:  self,
				Condition: Condition{"Bool": {"aws:MultiFactorAuthPresent": {"true"}}},
			},
			{
				Sid:       "DenyAllExceptSelfServiceWithoutMFA",
				Effect:    Deny,
				NotAction: sortedCopy(exceptions),
				Resource:  StringList{"*"},
				Condition: noMFA,
			},
			{
				Sid:         "DenyOtherUsersWithoutMFA",
				Effect:      Deny,
				Action:      sortedCopy(SelfServiceUserActions),
				NotResource: self,
				Condition:   noMFA,
			},
			{
				Sid:       "DenyMFAEnrolmentWithoutMFAContext",
				Effect:    Deny,
				Action:    sortedCopy(MFAEnrolmentActions),
				Resource:  StringList{"*"},
				Condition: Condition{"Null": {"aws:MultiFactorAuthPresent": {"true"}}},
			},
		},
	}
}
