package aws

import (
	"context"
	"fmt"
	"slices"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iam-baseline/operator/internal/plan"
)

// Roles reads and writes IAM roles for the AssumableRole controller.
type Roles struct {
	iam  *iam.Client
	snap *snapshotView
}

// NewRoles returns the IAM role service of an account.
func NewRoles(c *Clients) *Roles { return &Roles{iam: c.IAM, snap: c.snap} }

// RoleInfo identifies an IAM role.
type RoleInfo struct{ ARN, ID string }

// Observe reads the role (GetRole carries its trust policy, settings, boundary
// and tags), its attached managed policies and all its inline policies. Those two
// come from the account snapshot when it stands for the role (one read in all),
// otherwise from 2 reads plus one per inline policy. A missing role is
// Exists=false, not an error.
func (r *Roles) Observe(ctx context.Context, name string) (plan.RoleObserved, *RoleInfo, error) {
	out, err := r.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
	if IsNotFound(err) {
		return plan.RoleObserved{}, nil, nil
	}
	if err != nil {
		return plan.RoleObserved{}, nil, err
	}
	role := out.Role
	o := plan.RoleObserved{
		Exists:             true,
		Path:               awssdk.ToString(role.Path),
		Description:        awssdk.ToString(role.Description),
		MaxSessionDuration: awssdk.ToInt32(role.MaxSessionDuration),
		Trust:              awssdk.ToString(role.AssumeRolePolicyDocument),
		Tags:               tagMap(role.Tags),
		InlinePolicies:     map[string]string{},
	}
	if role.PermissionsBoundary != nil {
		o.PermissionsBoundary = awssdk.ToString(role.PermissionsBoundary.PermissionsBoundaryArn)
	}
	info := &RoleInfo{ARN: awssdk.ToString(role.Arn), ID: awssdk.ToString(role.RoleId)}
	sr, ok, err := r.snap.role(ctx, name)
	if err != nil {
		return o, info, err
	}
	if ok && sr.ID == info.ID {
		o.ManagedPolicies = slices.Clone(sr.Attached)
		for _, p := range sr.Inline {
			o.InlinePolicies[p.Name] = p.Value
		}
		return o, info, nil
	}
	if o.ManagedPolicies, err = r.attached(ctx, name); err != nil {
		return o, info, err
	}
	names, err := r.inlineNames(ctx, name)
	if err != nil {
		return o, info, err
	}
	for _, p := range names {
		doc, err := r.iam.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: &name, PolicyName: &p})
		if IsNotFound(err) {
			continue // deleted between the list and the read
		}
		if err != nil {
			return o, info, err
		}
		o.InlinePolicies[p] = awssdk.ToString(doc.PolicyDocument)
	}
	return o, info, nil
}

func (r *Roles) attached(ctx context.Context, name string) ([]string, error) {
	out, err := allPages(ctx, iam.NewListAttachedRolePoliciesPaginator(r.iam, &iam.ListAttachedRolePoliciesInput{RoleName: &name}),
		func(o *iam.ListAttachedRolePoliciesOutput) []string { return policyARNs(o.AttachedPolicies) })
	slices.Sort(out)
	return out, err
}

func (r *Roles) inlineNames(ctx context.Context, name string) ([]string, error) {
	return allPages(ctx, iam.NewListRolePoliciesPaginator(r.iam, &iam.ListRolePoliciesInput{RoleName: &name}),
		func(o *iam.ListRolePoliciesOutput) []string { return o.PolicyNames })
}

// PolicyExists reports whether a managed policy can be attached, so a missing
// one is reported before any write.
func (r *Roles) PolicyExists(ctx context.Context, arn string) (bool, error) {
	_, err := r.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
	if IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// Apply makes one planned change to role d.Name; d supplies the values (a
// CreateRole is made with the trust policy, path, description, session
// duration, boundary and tags at once). It returns the role's identity when the
// change created it.
func (r *Roles) Apply(ctx context.Context, d plan.RoleDesired, ch plan.Change) (*RoleInfo, error) {
	name := &d.Name
	maxSession := d.MaxSessionDuration
	if maxSession == 0 {
		maxSession = plan.DefaultMaxSessionDuration
	}
	var err error
	switch ch.Action {
	case plan.ActionCreateRole:
		in := &iam.CreateRoleInput{RoleName: name, Path: &ch.Value, AssumeRolePolicyDocument: &ch.Document,
			MaxSessionDuration: &maxSession, Tags: iamTags(ch.Tags)}
		if d.Description != "" {
			in.Description = &d.Description
		}
		if d.PermissionsBoundary != "" {
			in.PermissionsBoundary = &d.PermissionsBoundary
		}
		var out *iam.CreateRoleOutput
		if out, err = r.iam.CreateRole(ctx, in); err == nil {
			return &RoleInfo{ARN: awssdk.ToString(out.Role.Arn), ID: awssdk.ToString(out.Role.RoleId)}, nil
		}
	case plan.ActionUpdateAssumeRolePolicy:
		_, err = r.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: name, PolicyDocument: &ch.Document})
	case plan.ActionUpdateRole:
		_, err = r.iam.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: name, Description: &d.Description, MaxSessionDuration: &maxSession})
	case plan.ActionPutRolePermissionsBoundary:
		_, err = r.iam.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: name, PermissionsBoundary: &ch.Value})
	case plan.ActionDeleteRolePermissionsBoundary:
		_, err = r.iam.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: name})
		if IsNotFound(err) {
			err = nil
		}
	case plan.ActionTagRole:
		_, err = r.iam.TagRole(ctx, &iam.TagRoleInput{RoleName: name, Tags: iamTags(ch.Tags)})
	case plan.ActionUntagRole:
		_, err = r.iam.UntagRole(ctx, &iam.UntagRoleInput{RoleName: name, TagKeys: ch.Keys})
	case plan.ActionAttachRolePolicy:
		_, err = r.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: name, PolicyArn: &ch.Target})
	case plan.ActionDetachRolePolicy:
		_, err = r.iam.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: name, PolicyArn: &ch.Target})
		if IsNotFound(err) {
			err = nil
		}
	case plan.ActionPutRolePolicy:
		_, err = r.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: name, PolicyName: &ch.Target, PolicyDocument: &ch.Document})
	case plan.ActionDeleteRolePolicy:
		_, err = r.iam.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: name, PolicyName: &ch.Target})
		if IsNotFound(err) {
			err = nil
		}
	default:
		return nil, fmt.Errorf("unknown role change %q", ch.Action)
	}
	if err != nil {
		return nil, fmt.Errorf("%s (role %s): %w", ch, d.Name, err)
	}
	return nil, nil
}
