package awslocal

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestGroupsAndMemberships(t *testing.T) {
	e := startServer(t, Options{})
	g, err := e.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("admins"), Path: aws.String("/ops/")})
	must(t, err)
	if id := *g.Group.GroupId; id[:4] != "AGPA" || len(id) != 21 {
		t.Errorf("GroupId = %q", id)
	}
	_, err = e.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Admins")})
	wantError(t, err, "EntityAlreadyExists", 409)

	for _, u := range []string{"u1", "u2", "u3"} {
		_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)})
		must(t, err)
		_, err = e.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String(u)})
		must(t, err)
	}
	_, err = e.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("admins"), UserName: aws.String("ghost")})
	wantError(t, err, "NoSuchEntity", 404)

	// GetGroup paginates its members.
	var members []string
	p := iam.NewGetGroupPaginator(e.iam, &iam.GetGroupInput{GroupName: aws.String("admins"), MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		must(t, err)
		if *page.Group.GroupName != "admins" {
			t.Fatalf("group = %v", *page.Group.GroupName)
		}
		for _, u := range page.Users {
			members = append(members, *u.UserName)
		}
	}
	if len(members) != 3 {
		t.Fatalf("members = %v", members)
	}

	groups, err := e.iam.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("u1")})
	must(t, err)
	if len(groups.Groups) != 1 || *groups.Groups[0].Arn != "arn:aws:iam::123456789012:group/ops/admins" {
		t.Fatalf("ListGroupsForUser = %+v", groups.Groups)
	}
	list, err := e.iam.ListGroups(ctx, &iam.ListGroupsInput{PathPrefix: aws.String("/nope/")})
	must(t, err)
	if len(list.Groups) != 0 {
		t.Fatalf("PathPrefix filter: %d groups", len(list.Groups))
	}

	_, err = e.iam.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("admins")})
	wantError(t, err, "DeleteConflict", 409)
	for _, u := range []string{"u1", "u2", "u3"} {
		_, err := e.iam.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("admins"), UserName: aws.String(u)})
		must(t, err)
	}
	_, err = e.iam.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("admins"), UserName: aws.String("u1")})
	wantError(t, err, "NoSuchEntity", 404)

	_, err = e.iam.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("admins"), PolicyName: aws.String("inline"), PolicyDocument: aws.String(allowS3Read)})
	must(t, err)
	_, err = e.iam.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("admins")})
	wantError(t, err, "DeleteConflict", 409)
	_, err = e.iam.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("admins"), PolicyName: aws.String("inline")})
	must(t, err)
	_, err = e.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: aws.String("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")})
	must(t, err)
	_, err = e.iam.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("admins")})
	wantError(t, err, "DeleteConflict", 409)
	_, err = e.iam.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("admins"), PolicyArn: aws.String("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")})
	must(t, err)
	_, err = e.iam.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("admins")})
	must(t, err)
}

func TestGroupsPerUserLimit(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("joiner")})
	must(t, err)
	for i := 0; i <= 10; i++ {
		name := aws.String("g" + itoa(i))
		_, err := e.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: name})
		must(t, err)
		_, err = e.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: name, UserName: aws.String("joiner")})
		if i < 10 {
			must(t, err)
		} else {
			wantError(t, err, "LimitExceeded", 409)
		}
	}
}
