package policy

// MFAEnforcement returns the customer-managed policy attached (through a
// group) to every TeamMember: until a user has signed in with MFA, it denies
// everything except what they need to set their password and enrol an MFA
// device.
//
// Why it looks like this:
//
//   - The Deny uses NotAction with the self-service actions as exceptions, and
//     the condition BoolIfExists aws:MultiFactorAuthPresent "false". IfExists
//     matters: requests signed with long-term access keys carry no MFA key at
//     all, and without IfExists they would escape the Deny.
//   - iam:ChangePassword and iam:GetAccountPasswordPolicy are exceptions
//     because a new user must reset the initial password at first sign-in,
//     before they can have MFA; without them that first sign-in fails.
//   - sts:GetSessionToken is an exception so CLI users can exchange their keys
//     and an MFA code for MFA-authenticated session credentials.
//   - Resources use ${aws:username} so one policy serves every user and each
//     can manage only their own password and devices (hence Version
//     2012-10-17: under 2008-10-17 the variable would be literal text). A user
//     with a path (TeamMember spec.path, such as /engineering/) has the ARN
//     user/engineering/alice, which user/${aws:username} does not match, so
//     user/*/${aws:username} is listed too; user names are unique in an account
//     whatever the path, so the wildcard cannot reach anyone else.
//   - iam:CreateVirtualMFADevice is allowed on mfa/* rather than
//     mfa/${aws:username}: the console names devices freely and a user may
//     register several, so a name-scoped resource would break enrolment.
//   - Deactivating an MFA device needs MFA, so a stolen password alone cannot
//     remove the second factor.
//
// An empty partition means "aws".
func MFAEnforcement(partition string) *Document {
	p := partitionOr(partition)
	self := StringList{"arn:" + p + ":iam::*:user/${aws:username}", "arn:" + p + ":iam::*:user/*/${aws:username}"}
	mfaDevices := "arn:" + p + ":iam::*:mfa/*"
	return &Document{
		Version: Version2012,
		Statement: []Statement{
			{
				Sid:      "AllowViewAccountInfo",
				Effect:   Allow,
				Action:   StringList{"iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"},
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
				Action:   StringList{"iam:EnableMFADevice", "iam:ListMFADevices", "iam:ResyncMFADevice"},
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
				Sid:    "DenyAllExceptSelfServiceWithoutMFA",
				Effect: Deny,
				NotAction: StringList{
					"iam:ChangePassword",
					"iam:CreateVirtualMFADevice",
					"iam:EnableMFADevice",
					"iam:GetAccountPasswordPolicy",
					"iam:GetLoginProfile",
					"iam:GetUser",
					"iam:ListMFADevices",
					"iam:ListVirtualMFADevices",
					"iam:ResyncMFADevice",
					"sts:GetSessionToken",
				},
				Resource:  StringList{"*"},
				Condition: Condition{"BoolIfExists": {"aws:MultiFactorAuthPresent": {"false"}}},
			},
		},
	}
}
