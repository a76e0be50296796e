package aws

import (
	"context"
	"fmt"
	"slices"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iam-baseline/operator/internal/plan"
)

// Groups reads and writes IAM groups for the AccountBaseline controller.
//
// IAM groups cannot carry tags, so ownership cannot be recorded on them: a group named
// in an AccountBaseline's spec is that baseline's to converge, and the baseline records
// which groups it created (status.createdGroups) so only those are ever deleted.
type Groups struct {
	iam  *iam.Client
	snap *snapshotView
}

// NewGroups returns the IAM group service of an account.
func NewGroups(c *Clients) *Groups { return &Groups{iam: c.IAM, snap: c.snap} }

// Observe reads a group, its attached managed policies and all its inline policies,
// from the account snapshot when it stands for the group (no call at all).
// A missing group is Exists=false.
func (g *Groups) Observe(ctx context.Context, name string) (plan.GroupObserved, error) {
	sg, ok, err := g.snap.group(ctx, name)
	if err != nil {
		return plan.GroupObserved{}, err
	}
	if ok {
		return plan.GroupObserved{Exists: true, Path: sg.Path, ManagedPolicies: slices.Clone(sg.Attached), InlinePolicies: sg.Inline.Map()}, nil
	}
	out, err := g.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: &name, MaxItems: awssdk.Int32(1)})
	if IsNotFound(err) {
		return plan.GroupObserved{}, nil
	}
	if err != nil {
		return plan.GroupObserved{}, err
	}
	o := plan.GroupObserved{Exists: true, Path: awssdk.ToString(out.Group.Path), InlinePolicies: map[string]string{}}
	if o.ManagedPolicies, err = g.attached(ctx, name); err != nil {
		return o, err
	}
	names, err := g.inlineNames(ctx, name)
	if err != nil {
		return o, err
	}
	for _, p := range names {
		doc, err := g.iam.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: &name, PolicyName: &p})
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return o, err
		}
		o.InlinePolicies[p] = awssdk.ToString(doc.PolicyDocument)
	}
	return o, nil
}

// CreatedAt is when IAM says the group was created.
func (g *Groups) CreatedAt(ctx context.Context, name string) (time.Time, error) {
	out, err := g.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: &name, MaxItems: awssdk.Int32(1)})
	if err != nil {
		return time.Time{}, err
	}
	return awssdk.ToTime(out.Group.CreateDate), nil
}

func (g *Groups) attached(ctx context.Context, name string) ([]string, error) {
	out, err := allPages(ctx, iam.NewListAttachedGroupPoliciesPaginator(g.iam, &iam.ListAttachedGroupPoliciesInput{GroupName: &name}),
		func(o *iam.ListAttachedGroupPoliciesOutput) []string { return policyARNs(o.AttachedPolicies) })
	slices.Sort(out)
	return out, err
}

func (g *Groups) inlineNames(ctx context.Context, name string) ([]string, error) {
	return allPages(ctx, iam.NewListGroupPoliciesPaginator(g.iam, &iam.ListGroupPoliciesInput{GroupName: &name}),
		func(o *iam.ListGroupPoliciesOutput) []string { return o.PolicyNames })
}

// Apply makes one planned group change.
func (g *Groups) Apply(ctx context.Context, name string, ch plan.Change) error {
	var err error
	switch ch.Action {
	case "CreateGroup":
		_, err = g.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: &name, Path: &ch.Value})
	case "UpdateGroup":
		_, err = g.iam.UpdateGroup(ctx, &iam.UpdateGroupInput{GroupName: &name, NewPath: &ch.Value})
	case "AttachGroupPolicy":
		_, err = g.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: &name, PolicyArn: &ch.Target})
	case "DetachGroupPolicy":
		_, err = g.iam.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: &name, PolicyArn: &ch.Target})
		if IsNotFound(err) {
			err = nil
		}
	case "PutGroupPolicy":
		_, err = g.iam.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: &name, PolicyName: &ch.Target, PolicyDocument: &ch.Document})
	case "DeleteGroupPolicy":
		_, err = g.iam.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: &name, PolicyName: &ch.Target})
		if IsNotFound(err) {
			err = nil
		}
	default:
		return fmt.Errorf("unknown group change %q", ch.Action)
	}
	if err != nil {
		return fmt.Errorf("%s (group %s): %w", ch, name, err)
	}
	return nil
}

// Delete removes a group and everything IAM requires first: its members, attached
// policies and inline policies, so the delete never ends in DeleteConflict. It returns
// the steps done, for events. A group already gone is fine.
func (g *Groups) Delete(ctx context.Context, name string) ([]string, error) {
	var done []string
	step := func(what string, err error) error {
		if err != nil && !IsNotFound(err) {
			return fmt.Errorf("deleting group %s: %s: %w", name, what, err)
		}
		if err == nil {
			done = append(done, what)
		}
		return nil
	}
	var members []string
	p := iam.NewGetGroupPaginator(g.iam, &iam.GetGroupInput{GroupName: &name})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if IsNotFound(err) {
			return done, nil
		}
		if err != nil {
			return done, err
		}
		for _, u := range page.Users {
			members = append(members, awssdk.ToString(u.UserName))
		}
	}
	for _, u := range members {
		_, err := g.iam.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: &name, UserName: &u})
		if err := step("RemoveUserFromGroup "+u, err); err != nil {
			return done, err
		}
	}
	attached, err := g.attached(ctx, name)
	if err != nil && !IsNotFound(err) {
		return done, err
	}
	for _, arn := range attached {
		_, err := g.iam.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: &name, PolicyArn: &arn})
		if err := step("DetachGroupPolicy "+arn, err); err != nil {
			return done, err
		}
	}
	inline, err := g.inlineNames(ctx, name)
	if err != nil && !IsNotFound(err) {
		return done, err
	}
	for _, pn := range inline {
		_, err := g.iam.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: &name, PolicyName: &pn})
		if err := step("DeleteGroupPolicy "+pn, err); err != nil {
			return done, err
		}
	}
	_, err = g.iam.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: &name})
	return done, step("DeleteGroup "+name, err)
}
