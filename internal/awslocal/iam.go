package awslocal

// iamActions is the IAM action table: Query Action name -> implementation.
func iamActions() map[string]actionFunc {
	return map[string]actionFunc{
		// Users.
		"CreateUser":                    createUser,
		"GetUser":                       getUser,
		"ListUsers":                     listUsers,
		"UpdateUser":                    updateUser,
		"DeleteUser":                    deleteUser,
		"TagUser":                       userTags.tagAction(),
		"UntagUser":                     userTags.untagAction(),
		"ListUserTags":                  userTags.listAction(),
		"PutUserPermissionsBoundary":    putUserPermissionsBoundary,
		"DeleteUserPermissionsBoundary": deleteUserPermissionsBoundary,

		// Groups and memberships.
		"CreateGroup":         createGroup,
		"GetGroup":            getGroup,
		"ListGroups":          listGroups,
		"UpdateGroup":         updateGroup,
		"DeleteGroup":         deleteGroup,
		"AddUserToGroup":      addUserToGroup,
		"RemoveUserFromGroup": removeUserFromGroup,
		"ListGroupsForUser":   listGroupsForUser,

		// SSH public keys; signing certificates and service-specific credentials
		// are listed (always empty) but not modelled.
		"UploadSSHPublicKey":             uploadSSHPublicKey,
		"ListSSHPublicKeys":              listSSHPublicKeys,
		"DeleteSSHPublicKey":             deleteSSHPublicKey,
		"ListSigningCertificates":        listSigningCertificates,
		"ListServiceSpecificCredentials": listServiceSpecificCredentials,

		// Login profiles and access keys.
		"CreateLoginProfile":   createLoginProfile,
		"GetLoginProfile":      getLoginProfile,
		"UpdateLoginProfile":   updateLoginProfile,
		"DeleteLoginProfile":   deleteLoginProfile,
		"ChangePassword":       changePassword,
		"CreateAccessKey":      createAccessKey,
		"ListAccessKeys":       listAccessKeys,
		"UpdateAccessKey":      updateAccessKey,
		"DeleteAccessKey":      deleteAccessKey,
		"GetAccessKeyLastUsed": getAccessKeyLastUsed,

		// Virtual MFA devices.
		"CreateVirtualMFADevice": createVirtualMFADevice,
		"EnableMFADevice":        enableMFADevice,
		"DeactivateMFADevice":    deactivateMFADevice,
		"DeleteVirtualMFADevice": deleteVirtualMFADevice,
		"ListMFADevices":         listMFADevices,
		"ListVirtualMFADevices":  listVirtualMFADevices,

		// Managed policies and their versions.
		"CreatePolicy":            createPolicy,
		"GetPolicy":               getPolicy,
		"ListPolicies":            listPolicies,
		"DeletePolicy":            deletePolicy,
		"CreatePolicyVersion":     createPolicyVersion,
		"GetPolicyVersion":        getPolicyVersion,
		"SimulatePrincipalPolicy": simulatePrincipalPolicy,
		"SimulateCustomPolicy":    simulateCustomPolicy,
		"ListPolicyVersions":      listPolicyVersions,
		"DeletePolicyVersion":     deletePolicyVersion,
		"SetDefaultPolicyVersion": setDefaultPolicyVersion,
		"ListEntitiesForPolicy":   listEntitiesForPolicy,
		"TagPolicy":               policyTags.tagAction(),
		"UntagPolicy":             policyTags.untagAction(),
		"ListPolicyTags":          policyTags.listAction(),

		// Attached and inline policies of users, groups and roles.
		"AttachUserPolicy":          userHolder.attach(),
		"DetachUserPolicy":          userHolder.detach(),
		"ListAttachedUserPolicies":  userHolder.listAttached(),
		"PutUserPolicy":             userHolder.putInline(),
		"GetUserPolicy":             userHolder.getInline(),
		"DeleteUserPolicy":          userHolder.deleteInline(),
		"ListUserPolicies":          userHolder.listInline(),
		"AttachGroupPolicy":         groupHolder.attach(),
		"DetachGroupPolicy":         groupHolder.detach(),
		"ListAttachedGroupPolicies": groupHolder.listAttached(),
		"PutGroupPolicy":            groupHolder.putInline(),
		"GetGroupPolicy":            groupHolder.getInline(),
		"DeleteGroupPolicy":         groupHolder.deleteInline(),
		"ListGroupPolicies":         groupHolder.listInline(),
		"AttachRolePolicy":          roleHolder.attach(),
		"DetachRolePolicy":          roleHolder.detach(),
		"ListAttachedRolePolicies":  roleHolder.listAttached(),
		"PutRolePolicy":             roleHolder.putInline(),
		"GetRolePolicy":             roleHolder.getInline(),
		"DeleteRolePolicy":          roleHolder.deleteInline(),
		"ListRolePolicies":          roleHolder.listInline(),

		// Roles.
		"CreateRole":                    createRole,
		"GetRole":                       getRole,
		"ListRoles":                     listRoles,
		"UpdateRole":                    updateRole,
		"UpdateRoleDescription":         updateRoleDescription,
		"UpdateAssumeRolePolicy":        updateAssumeRolePolicy,
		"DeleteRole":                    deleteRole,
		"PutRolePermissionsBoundary":    putRolePermissionsBoundary,
		"DeleteRolePermissionsBoundary": deleteRolePermissionsBoundary,
		"TagRole":                       roleTags.tagAction(),
		"UntagRole":                     roleTags.untagAction(),
		"ListRoleTags":                  roleTags.listAction(),

		// The account.
		"UpdateAccountPasswordPolicy": updateAccountPasswordPolicy,
		"GetAccountPasswordPolicy":    getAccountPasswordPolicy,
		"DeleteAccountPasswordPolicy": deleteAccountPasswordPolicy,
		"CreateAccountAlias":          createAccountAlias,
		"DeleteAccountAlias":          deleteAccountAlias,
		"ListAccountAliases":          listAccountAliases,
		"GetAccountSummary":           getAccountSummary,
		"GenerateCredentialReport":    generateCredentialReport,
		"GetCredentialReport":         getCredentialReport,

		// The whole account at once.
		"GetAccountAuthorizationDetails": getAccountAuthorizationDetails,
	}
}
