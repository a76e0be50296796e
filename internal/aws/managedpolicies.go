package aws

import (
	"context"
	"fmt"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iam-baseline/operator/internal/plan"
)

// ManagedPolicies reads and writes customer-managed IAM policies.
type ManagedPolicies struct{ iam *iam.Client }

// NewManagedPolicies returns the managed policy service of an account.
func NewManagedPolicies(c *Clients) *ManagedPolicies { return &ManagedPolicies{iam: c.IAM} }

// Observe reads a policy's tags and default document (GetPolicy, GetPolicyVersion).
// A missing policy is Exists=false. Versions are not listed here; see Versions.
func (m *ManagedPolicies) Observe(ctx context.Context, arn string) (plan.ManagedPolicyObserved, error) {
	out, err := m.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
	if IsNotFound(err) {
		return plan.ManagedPolicyObserved{}, nil
	}
	if err != nil {
		return plan.ManagedPolicyObserved{}, err
	}
	o := plan.ManagedPolicyObserved{Exists: true, ARN: arn, Tags: tagMap(out.Policy.Tags)}
	v, err := m.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: out.Policy.DefaultVersionId})
	if err != nil {
		return o, err
	}
	o.DefaultDocument = awssdk.ToString(v.PolicyVersion.Document)
	return o, nil
}

// Tags reads a policy's tags (GetPolicy); a missing policy is (nil, false, nil).
func (m *ManagedPolicies) Tags(ctx context.Context, arn string) (map[string]string, bool, error) {
	out, err := m.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
	if IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return tagMap(out.Policy.Tags), true, nil
}

// Versions lists the policy's versions and reads the document of each non-default
// one (ListPolicyVersions does not return documents): a repair keeps a version only
// if it holds the desired document. Called only when the default has drifted.
func (m *ManagedPolicies) Versions(ctx context.Context, arn string) ([]plan.PolicyVersion, error) {
	vs, err := m.listVersions(ctx, arn)
	if err != nil {
		return nil, err
	}
	for i := range vs {
		if vs[i].IsDefault {
			continue
		}
		v, err := m.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: &vs[i].ID})
		if IsNotFound(err) {
			continue // deleted meanwhile: an empty document is deleted again, harmlessly
		}
		if err != nil {
			return nil, err
		}
		vs[i].Document = awssdk.ToString(v.PolicyVersion.Document)
	}
	return vs, nil
}

// listVersions lists the policy's versions without their documents.
func (m *ManagedPolicies) listVersions(ctx context.Context, arn string) ([]plan.PolicyVersion, error) {
	var out []plan.PolicyVersion
	p := iam.NewListPolicyVersionsPaginator(m.iam, &iam.ListPolicyVersionsInput{PolicyArn: &arn})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, v := range page.Versions {
			id := awssdk.ToString(v.VersionId)
			out = append(out, plan.PolicyVersion{ID: id, IsDefault: v.IsDefaultVersion, Order: plan.VersionOrder(id)})
		}
	}
	return out, nil
}

// Apply makes one planned policy change and returns the policy's ARN.
func (m *ManagedPolicies) Apply(ctx context.Context, arn string, ch plan.Change) (string, error) {
	var err error
	switch ch.Action {
	case "CreatePolicy":
		var out *iam.CreatePolicyOutput
		in := &iam.CreatePolicyInput{PolicyName: &ch.Target, PolicyDocument: &ch.Document, Tags: iamTags(ch.Tags)}
		if ch.Value != "" {
			in.Path = &ch.Value
		}
		if ch.Description != "" {
			in.Description = &ch.Description
		}
		out, err = m.iam.CreatePolicy(ctx, in)
		if err == nil {
			arn = awssdk.ToString(out.Policy.Arn)
		}
	case "CreatePolicyVersion":
		_, err = m.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &arn, PolicyDocument: &ch.Document, SetAsDefault: true})
	case "SetDefaultPolicyVersion":
		_, err = m.iam.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: &arn, VersionId: &ch.Target})
	case "DeletePolicyVersion":
		_, err = m.iam.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: &arn, VersionId: &ch.Target})
		if IsNotFound(err) {
			err = nil
		}
	case "TagPolicy":
		_, err = m.iam.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: iamTags(ch.Tags)})
	case "UntagPolicy":
		_, err = m.iam.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: &arn, TagKeys: ch.Keys})
	case "DeletePolicy":
		// Delete detaches what is still attached and removes the non-default versions
		// first, as IAM requires.
		_, err = m.Delete(ctx, arn)
	default:
		return arn, fmt.Errorf("unknown policy change %q", ch.Action)
	}
	if err != nil {
		return arn, fmt.Errorf("%s: %w", ch, err)
	}
	return arn, nil
}

// Delete removes a policy and everything IAM requires first: its attachments to
// users, groups and roles and its non-default versions, so it never ends in
// DeleteConflict. It returns the steps done; a policy already gone is fine.
func (m *ManagedPolicies) Delete(ctx context.Context, arn string) ([]string, error) {
	var done []string
	step := func(what string, err error) error {
		if err != nil && !IsNotFound(err) {
			return fmt.Errorf("deleting policy %s: %s: %w", arn, what, err)
		}
		if err == nil {
			done = append(done, what)
		}
		return nil
	}
	ents := iam.NewListEntitiesForPolicyPaginator(m.iam, &iam.ListEntitiesForPolicyInput{PolicyArn: &arn})
	for ents.HasMorePages() {
		page, err := ents.NextPage(ctx)
		if IsNotFound(err) {
			return done, nil
		}
		if err != nil {
			return done, err
		}
		for _, g := range page.PolicyGroups {
			_, err := m.iam.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: g.GroupName, PolicyArn: &arn})
			if err := step("DetachGroupPolicy "+awssdk.ToString(g.GroupName), err); err != nil {
				return done, err
			}
		}
		for _, u := range page.PolicyUsers {
			_, err := m.iam.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: u.UserName, PolicyArn: &arn})
			if err := step("DetachUserPolicy "+awssdk.ToString(u.UserName), err); err != nil {
				return done, err
			}
		}
		for _, r := range page.PolicyRoles {
			_, err := m.iam.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: r.RoleName, PolicyArn: &arn})
			if err := step("DetachRolePolicy "+awssdk.ToString(r.RoleName), err); err != nil {
				return done, err
			}
		}
	}
	versions, err := m.listVersions(ctx, arn)
	if err != nil && !IsNotFound(err) {
		return done, err
	}
	for _, v := range versions {
		if v.IsDefault {
			continue
		}
		_, err := m.iam.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: &arn, VersionId: &v.ID})
		if err := step("DeletePolicyVersion "+v.ID, err); err != nil {
			return done, err
		}
	}
	_, err = m.iam.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: &arn})
	return done, step("DeletePolicy", err)
}
