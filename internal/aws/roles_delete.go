package aws

import (
	"context"
	"fmt"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Delete removes the role and, first, what IAM requires to be gone before
// DeleteRole succeeds: attached managed policies and inline policies (a
// permissions boundary goes with the role). Each step tolerates what is already
// gone, so an interrupted deletion resumes where it stopped. It returns the
// steps taken.
func (r *Roles) Delete(ctx context.Context, name string) ([]string, error) {
	var done []string
	step := func(what string, err error) error {
		if err != nil && !IsNotFound(err) {
			return fmt.Errorf("deleting role %s: %s: %w", name, what, err)
		}
		if err == nil {
			done = append(done, what)
		}
		return nil
	}
	attached, err := r.attached(ctx, name)
	if err != nil {
		return done, step("ListAttachedRolePolicies", err)
	}
	for _, arn := range attached {
		_, err := r.iam.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: &name, PolicyArn: awssdk.String(arn)})
		if err := step("DetachRolePolicy "+arn, err); err != nil {
			return done, err
		}
	}
	inline, err := r.inlineNames(ctx, name)
	if err != nil {
		return done, step("ListRolePolicies", err)
	}
	for _, p := range inline {
		_, err := r.iam.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: &name, PolicyName: awssdk.String(p)})
		if err := step("DeleteRolePolicy "+p, err); err != nil {
			return done, err
		}
	}
	_, err = r.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: &name})
	return done, step("DeleteRole", err)
}

// Tags reads the role's tags; a missing role is (nil, false, nil).
func (r *Roles) Tags(ctx context.Context, name string) (map[string]string, bool, error) {
	out, err := r.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: &name})
	if IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return tagMap(out.Role.Tags), true, nil
}
