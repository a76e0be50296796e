package aws

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/iam-baseline/operator/internal/plan"
)

// Users reads and writes IAM users for the TeamMember controller.
type Users struct {
	iam  *iam.Client
	snap *snapshotView
}

// NewUsers returns the IAM user service of an account.
func NewUsers(c *Clients) *Users { return &Users{iam: c.IAM, snap: c.snap} }

// UserInfo identifies an IAM user.
type UserInfo struct{ ARN, ID string }

// Observe reads the user, its tags, groups, login profile and the named inline
// policies. A missing user is Exists=false, not an error. From the account snapshot
// it costs one call (GetLoginProfile, which the snapshot lacks); a user the snapshot
// does not know, or that the operator wrote since, is read directly.
func (u *Users) Observe(ctx context.Context, name string, inlineNames []string) (plan.UserObserved, *UserInfo, error) {
	su, ok, err := u.snap.user(ctx, name)
	if err != nil {
		return plan.UserObserved{}, nil, err
	}
	if ok {
		o := plan.UserObserved{Exists: true, Path: su.Path, Tags: su.Tags.Map(), Groups: slices.Clone(su.Groups),
			InlinePolicies: map[string]string{}, Attached: slices.Clone(su.Attached)}
		for _, p := range inlineNames {
			if doc, ok := su.Inline.Get(p); ok {
				o.InlinePolicies[p] = doc
			}
		}
		info := &UserInfo{ARN: su.ARN, ID: su.ID}
		o.LoginProfile, err = u.hasLoginProfile(ctx, name)
		return o, info, err
	}
	out, err := u.iam.GetUser(ctx, &iam.GetUserInput{UserName: &name})
	if IsNotFound(err) {
		return plan.UserObserved{}, nil, nil
	}
	if err != nil {
		return plan.UserObserved{}, nil, err
	}
	o := plan.UserObserved{
		Exists:         true,
		Path:           awssdk.ToString(out.User.Path),
		Tags:           tagMap(out.User.Tags),
		InlinePolicies: map[string]string{},
	}
	info := &UserInfo{ARN: awssdk.ToString(out.User.Arn), ID: awssdk.ToString(out.User.UserId)}
	if o.Groups, err = u.groups(ctx, name); err != nil {
		return o, info, err
	}
	if o.LoginProfile, err = u.hasLoginProfile(ctx, name); err != nil {
		return o, info, err
	}
	if o.Attached, err = u.attachedPolicies(ctx, name); err != nil {
		return o, info, err
	}
	present, err := u.inlinePolicyNames(ctx, name)
	if err != nil {
		return o, info, err
	}
	for _, p := range inlineNames {
		if !slices.Contains(present, p) {
			continue
		}
		doc, err := u.iam.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: &name, PolicyName: &p})
		if err != nil && !IsNotFound(err) {
			return o, info, err
		}
		if err == nil {
			o.InlinePolicies[p] = awssdk.ToString(doc.PolicyDocument)
		}
	}
	return o, info, nil
}

func (u *Users) groups(ctx context.Context, name string) ([]string, error) {
	out, err := allPages(ctx, iam.NewListGroupsForUserPaginator(u.iam, &iam.ListGroupsForUserInput{UserName: &name}),
		func(o *iam.ListGroupsForUserOutput) []string {
			names := make([]string, 0, len(o.Groups))
			for _, g := range o.Groups {
				names = append(names, awssdk.ToString(g.GroupName))
			}
			return names
		})
	slices.Sort(out)
	return out, err
}

func (u *Users) inlinePolicyNames(ctx context.Context, name string) ([]string, error) {
	return allPages(ctx, iam.NewListUserPoliciesPaginator(u.iam, &iam.ListUserPoliciesInput{UserName: &name}),
		func(o *iam.ListUserPoliciesOutput) []string { return o.PolicyNames })
}

// attachedPolicies lists the ARNs of the managed policies attached to the user: the
// member's own assume-role policy may be one of them.
func (u *Users) attachedPolicies(ctx context.Context, name string) ([]string, error) {
	out, err := allPages(ctx, iam.NewListAttachedUserPoliciesPaginator(u.iam, &iam.ListAttachedUserPoliciesInput{UserName: &name}),
		func(o *iam.ListAttachedUserPoliciesOutput) []string { return policyARNs(o.AttachedPolicies) })
	slices.Sort(out)
	return out, err
}

func (u *Users) hasLoginProfile(ctx context.Context, name string) (bool, error) {
	_, err := u.iam.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: &name})
	if IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// Apply makes one planned change. It returns the user's identity when the change
// created the user.
func (u *Users) Apply(ctx context.Context, name string, ch plan.Change) (*UserInfo, error) {
	var err error
	switch ch.Action {
	case "CreateUser":
		var out *iam.CreateUserOutput
		out, err = u.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: &name, Path: &ch.Value, Tags: iamTags(ch.Tags)})
		if err == nil {
			return &UserInfo{ARN: awssdk.ToString(out.User.Arn), ID: awssdk.ToString(out.User.UserId)}, nil
		}
	case "UpdateUser":
		_, err = u.iam.UpdateUser(ctx, &iam.UpdateUserInput{UserName: &name, NewPath: &ch.Value})
	case "TagUser":
		_, err = u.iam.TagUser(ctx, &iam.TagUserInput{UserName: &name, Tags: iamTags(ch.Tags)})
	case "UntagUser":
		_, err = u.iam.UntagUser(ctx, &iam.UntagUserInput{UserName: &name, TagKeys: ch.Keys})
	case "AddUserToGroup":
		_, err = u.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: &name, GroupName: &ch.Target})
	case "RemoveUserFromGroup":
		_, err = u.iam.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{UserName: &name, GroupName: &ch.Target})
		if IsNotFound(err) {
			err = nil
		}
	case "DeleteLoginProfile":
		_, err = u.iam.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: &name})
		if IsNotFound(err) {
			err = nil
		}
	case "PutUserPolicy":
		_, err = u.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: &name, PolicyName: &ch.Target, PolicyDocument: &ch.Document})
	case "AttachUserPolicy":
		_, err = u.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: &name, PolicyArn: &ch.Target})
	case "DetachUserPolicy":
		_, err = u.iam.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: &name, PolicyArn: &ch.Target})
		if IsNotFound(err) {
			err = nil
		}
	case "DeleteUserPolicy":
		_, err = u.iam.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: &name, PolicyName: &ch.Target})
		if IsNotFound(err) {
			err = nil
		}
	default:
		return nil, fmt.Errorf("unknown user change %q", ch.Action)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ch, err)
	}
	return nil, nil
}

// SetLoginProfile creates the login profile, or replaces its password when one
// exists, always with PasswordResetRequired so the person chooses their own at first
// sign-in. The password is never logged or wrapped into an error.
func (u *Users) SetLoginProfile(ctx context.Context, name, password string, exists bool) error {
	reset := true
	if exists {
		_, err := u.iam.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: &name, Password: &password, PasswordResetRequired: &reset})
		return scrub(err, "UpdateLoginProfile")
	}
	_, err := u.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: &name, Password: &password, PasswordResetRequired: reset})
	if IsAlreadyExists(err) {
		return u.SetLoginProfile(ctx, name, password, true)
	}
	return scrub(err, "CreateLoginProfile")
}

// scrub names the operation that failed. The SDK's error text carries the operation,
// HTTP status, request ID and AWS's message, never the request's parameters, so a
// password or key cannot reach a log or condition through it.
func scrub(err error, op string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}

// AccessKeys lists the user's keys.
func (u *Users) AccessKeys(ctx context.Context, name string) ([]plan.AccessKey, error) {
	return allPages(ctx, iam.NewListAccessKeysPaginator(u.iam, &iam.ListAccessKeysInput{UserName: &name}),
		func(o *iam.ListAccessKeysOutput) []plan.AccessKey {
			keys := make([]plan.AccessKey, 0, len(o.AccessKeyMetadata))
			for _, k := range o.AccessKeyMetadata {
				keys = append(keys, plan.AccessKey{ID: awssdk.ToString(k.AccessKeyId), Created: awssdk.ToTime(k.CreateDate), Active: k.Status == iamtypes.StatusTypeActive})
			}
			return keys
		})
}

// NewAccessKey is a freshly created key. Secret is shown once by AWS and goes
// straight into a Kubernetes Secret.
type NewAccessKey struct {
	ID, Secret string
	Created    time.Time
}

// CreateAccessKey creates a key for the user.
func (u *Users) CreateAccessKey(ctx context.Context, name string) (*NewAccessKey, error) {
	out, err := u.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: &name})
	if err != nil {
		return nil, fmt.Errorf("CreateAccessKey: %w", err)
	}
	return &NewAccessKey{ID: awssdk.ToString(out.AccessKey.AccessKeyId), Secret: awssdk.ToString(out.AccessKey.SecretAccessKey), Created: awssdk.ToTime(out.AccessKey.CreateDate)}, nil
}

// DeleteAccessKey deletes a key; one already gone is fine.
func (u *Users) DeleteAccessKey(ctx context.Context, name, id string) error {
	_, err := u.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: &name, AccessKeyId: &id})
	if IsNotFound(err) {
		return nil
	}
	return scrub(err, "DeleteAccessKey "+id)
}

// DeactivateAccessKey sets a key Inactive: it stops working but can still be
// reactivated by hand until it is deleted.
func (u *Users) DeactivateAccessKey(ctx context.Context, name, id string) error {
	_, err := u.iam.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: &name, AccessKeyId: &id, Status: iamtypes.StatusTypeInactive})
	return scrub(err, "UpdateAccessKey "+id)
}

// MFADevice returns the serial number of the user's first MFA device (for a virtual
// device its ARN, the CLI's mfa_serial), or "" when the user has none: from the
// snapshot when it stands for the user and knows every device in use, otherwise
// with ListMFADevices (hardware and FIDO devices are not in ListVirtualMFADevices).
func (u *Users) MFADevice(ctx context.Context, name string) (string, error) {
	serial, known, err := u.snap.mfaDevice(ctx, name)
	if err != nil {
		return "", err
	}
	if known {
		return serial, nil
	}
	out, err := u.iam.ListMFADevices(ctx, &iam.ListMFADevicesInput{UserName: &name, MaxItems: awssdk.Int32(1)})
	if err != nil {
		return "", err
	}
	if len(out.MFADevices) == 0 {
		return "", nil
	}
	return awssdk.ToString(out.MFADevices[0].SerialNumber), nil
}

func tagMap(tags []iamtypes.Tag) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[awssdk.ToString(t.Key)] = awssdk.ToString(t.Value)
	}
	return out
}

func iamTags(m map[string]string) []iamtypes.Tag {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]iamtypes.Tag, 0, len(keys))
	for _, k := range keys {
		out = append(out, iamtypes.Tag{Key: awssdk.String(k), Value: awssdk.String(m[k])})
	}
	return out
}

// isVirtualMFA: virtual devices have an ARN serial (arn:aws:iam::<acct>:mfa/<name>);
// hardware devices have a plain serial number and cannot be deleted through IAM.
func isVirtualMFA(serial string) bool { return strings.HasPrefix(serial, "arn:") }
