package aws

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// CIS 1.15 counts users with policies of their own. A member's own managed
// assume-role policy, like its inline one, is the operator's grant and is not
// counted; any other attached policy is, from the snapshot and read directly alike.
func TestUsersWithDirectPoliciesSkipsTheMembersOwnGrant(t *testing.T) {
	_, admin, c := localAccount(t, time.Hour)
	ctx := context.Background()
	mk := func(path, name string) string {
		out, err := admin.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: &name, Path: &path, PolicyDocument: awssdk.String(allowS3)})
		if err != nil {
			t.Fatal(err)
		}
		return awssdk.ToString(out.Policy.Arn)
	}
	own := mk("/iam-baseline/", "iam-baseline-assume-roles-ann")
	other := mk("/", "extra")
	for user, arn := range map[string]string{"ann": own, "bob": other} {
		if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: awssdk.String(user)}); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: awssdk.String(user), PolicyArn: &arn}); err != nil {
			t.Fatal(err)
		}
	}
	// As desired.IsOwnAssumeRolePolicy decides (desired imports this package).
	isOwn := func(user, arn string) bool {
		return strings.HasSuffix(arn, ":policy/iam-baseline/iam-baseline-assume-roles-"+user)
	}
	acct := NewAccount(c)
	got, err := acct.UsersWithDirectPolicies(ctx, nil, isOwn)
	if err != nil || !slices.Equal(got, []string{"bob"}) {
		t.Fatalf("from the snapshot: %v %v, want [bob]", got, err)
	}
	direct := NewAccount(&Clients{IAM: c.IAM})
	got, err = direct.UsersWithDirectPolicies(ctx, nil, isOwn)
	if err != nil || !slices.Equal(got, []string{"bob"}) {
		t.Fatalf("read directly: %v %v, want [bob]", got, err)
	}
	if got, _ := direct.UsersWithDirectPolicies(ctx, nil, nil); !slices.Equal(got, []string{"ann", "bob"}) {
		t.Fatalf("ignoring nothing: %v", got)
	}
}
