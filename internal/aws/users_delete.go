package aws

import (
	"context"
	"fmt"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Delete removes the user and, first, everything IAM requires to be gone before
// DeleteUser succeeds: login profile, access keys, SSH public keys, signing
// certificates, service-specific credentials, MFA devices (deactivated, then virtual
// ones deleted), group memberships, inline and attached policies. Deletion
// therefore never ends in DeleteConflict. Each step tolerates what is already gone,
// so an interrupted deletion resumes where it stopped. It returns the steps taken.
func (u *Users) Delete(ctx context.Context, name string) ([]string, error) {
	var done []string
	step := func(what string, err error) error {
		if err != nil && !IsNotFound(err) {
			return fmt.Errorf("deleting user %s: %s: %w", name, what, err)
		}
		if err == nil {
			done = append(done, what)
		}
		return nil
	}
	_, err := u.iam.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: &name})
	if err := step("DeleteLoginProfile", err); err != nil {
		return done, err
	}
	keys, err := u.AccessKeys(ctx, name)
	if err != nil && !IsNotFound(err) {
		return done, err
	}
	for _, k := range keys {
		_, err := u.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: &name, AccessKeyId: &k.ID})
		if err := step("DeleteAccessKey "+k.ID, err); err != nil {
			return done, err
		}
	}
	if err := u.deleteOtherCredentials(ctx, name, step); err != nil {
		return done, err
	}
	mfa := iam.NewListMFADevicesPaginator(u.iam, &iam.ListMFADevicesInput{UserName: &name})
	for mfa.HasMorePages() {
		page, err := mfa.NextPage(ctx)
		if err != nil {
			return done, step("ListMFADevices", err)
		}
		for _, d := range page.MFADevices {
			serial := awssdk.ToString(d.SerialNumber)
			_, err := u.iam.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: &name, SerialNumber: &serial})
			if err := step("DeactivateMFADevice "+serial, err); err != nil {
				return done, err
			}
			if isVirtualMFA(serial) {
				_, err := u.iam.DeleteVirtualMFADevice(ctx, &iam.DeleteVirtualMFADeviceInput{SerialNumber: &serial})
				if err := step("DeleteVirtualMFADevice "+serial, err); err != nil {
					return done, err
				}
			}
		}
	}
	groups, err := u.groups(ctx, name)
	if err != nil && !IsNotFound(err) {
		return done, err
	}
	for _, g := range groups {
		_, err := u.iam.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{UserName: &name, GroupName: &g})
		if err := step("RemoveUserFromGroup "+g, err); err != nil {
			return done, err
		}
	}
	inline, err := u.inlinePolicyNames(ctx, name)
	if err != nil && !IsNotFound(err) {
		return done, err
	}
	for _, p := range inline {
		_, err := u.iam.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: &name, PolicyName: &p})
		if err := step("DeleteUserPolicy "+p, err); err != nil {
			return done, err
		}
	}
	attached := iam.NewListAttachedUserPoliciesPaginator(u.iam, &iam.ListAttachedUserPoliciesInput{UserName: &name})
	for attached.HasMorePages() {
		page, err := attached.NextPage(ctx)
		if err != nil {
			return done, step("ListAttachedUserPolicies", err)
		}
		for _, p := range page.AttachedPolicies {
			_, err := u.iam.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: &name, PolicyArn: p.PolicyArn})
			if err := step("DetachUserPolicy "+awssdk.ToString(p.PolicyArn), err); err != nil {
				return done, err
			}
		}
	}
	_, err = u.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: &name})
	return done, step("DeleteUser", err)
}

// Tags reads the user's tags; a missing user is (nil, false, nil).
func (u *Users) Tags(ctx context.Context, name string) (map[string]string, bool, error) {
	out, err := u.iam.GetUser(ctx, &iam.GetUserInput{UserName: &name})
	if IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return tagMap(out.User.Tags), true, nil
}

// deleteOtherCredentials removes the credentials a person may have added by hand
// (SSH keys for CodeCommit, signing certificates, service-specific credentials),
// each of which would otherwise make DeleteUser answer DeleteConflict.
func (u *Users) deleteOtherCredentials(ctx context.Context, name string, step func(string, error) error) error {
	ssh, err := allPages(ctx, iam.NewListSSHPublicKeysPaginator(u.iam, &iam.ListSSHPublicKeysInput{UserName: &name}),
		func(o *iam.ListSSHPublicKeysOutput) []string {
			ids := make([]string, 0, len(o.SSHPublicKeys))
			for _, k := range o.SSHPublicKeys {
				ids = append(ids, awssdk.ToString(k.SSHPublicKeyId))
			}
			return ids
		})
	if err != nil && !IsNotFound(err) {
		return fmt.Errorf("deleting user %s: ListSSHPublicKeys: %w", name, err)
	}
	for _, id := range ssh {
		_, err := u.iam.DeleteSSHPublicKey(ctx, &iam.DeleteSSHPublicKeyInput{UserName: &name, SSHPublicKeyId: &id})
		if err := step("DeleteSSHPublicKey "+id, err); err != nil {
			return err
		}
	}
	certs, err := allPages(ctx, iam.NewListSigningCertificatesPaginator(u.iam, &iam.ListSigningCertificatesInput{UserName: &name}),
		func(o *iam.ListSigningCertificatesOutput) []string {
			ids := make([]string, 0, len(o.Certificates))
			for _, c := range o.Certificates {
				ids = append(ids, awssdk.ToString(c.CertificateId))
			}
			return ids
		})
	if err != nil && !IsNotFound(err) {
		return fmt.Errorf("deleting user %s: ListSigningCertificates: %w", name, err)
	}
	for _, id := range certs {
		_, err := u.iam.DeleteSigningCertificate(ctx, &iam.DeleteSigningCertificateInput{UserName: &name, CertificateId: &id})
		if err := step("DeleteSigningCertificate "+id, err); err != nil {
			return err
		}
	}
	// ListServiceSpecificCredentials is not paginated.
	out, err := u.iam.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: &name})
	if IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("deleting user %s: ListServiceSpecificCredentials: %w", name, err)
	}
	for _, c := range out.ServiceSpecificCredentials {
		_, err := u.iam.DeleteServiceSpecificCredential(ctx, &iam.DeleteServiceSpecificCredentialInput{UserName: &name, ServiceSpecificCredentialId: c.ServiceSpecificCredentialId})
		if err := step("DeleteServiceSpecificCredential "+awssdk.ToString(c.ServiceSpecificCredentialId), err); err != nil {
			return err
		}
	}
	return nil
}
