package awslocal

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestUsersCRUD(t *testing.T) {
	e := startServer(t, Options{})
	out, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{
		UserName: aws.String("alice"), Path: aws.String("/team/"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}},
	})
	must(t, err)
	u := out.User
	if !strings.HasPrefix(*u.UserId, "AIDA") || len(*u.UserId) != 21 {
		t.Errorf("UserId = %q, want AIDA + 17", *u.UserId)
	}
	if *u.Arn != "arn:aws:iam::123456789012:user/team/alice" {
		t.Errorf("Arn = %q", *u.Arn)
	}
	if u.CreateDate == nil || u.CreateDate.IsZero() {
		t.Error("CreateDate missing")
	}

	_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ALICE")})
	wantError(t, err, "EntityAlreadyExists", 409)

	got, err := e.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	must(t, err)
	if len(got.User.Tags) != 1 || *got.User.Tags[0].Value != "blue" {
		t.Errorf("GetUser tags = %+v", got.User.Tags)
	}
	_, err = e.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("nobody")})
	wantError(t, err, "NoSuchEntity", 404)

	_, err = e.iam.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("alice"), NewUserName: aws.String("alice2"), NewPath: aws.String("/other/")})
	must(t, err)
	got, err = e.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice2")})
	must(t, err)
	if *got.User.Path != "/other/" || *got.User.UserId != *u.UserId {
		t.Errorf("after rename: %+v", got.User)
	}

	_, err = e.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice2")})
	must(t, err)
	_, err = e.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice2")})
	wantError(t, err, "NoSuchEntity", 404)
}

func TestUserNameAndPathValidation(t *testing.T) {
	e := startServer(t, Options{})
	for _, tc := range []struct {
		name, path string
	}{
		{"bad name", ""},
		{"bad/name", ""},
		{strings.Repeat("a", 65), ""},
		{"ok", "no-slashes"},
		{"ok", "/missing-trailing"},
		{"ok", "/" + strings.Repeat("a", 511) + "/"},
	} {
		in := &iam.CreateUserInput{UserName: aws.String(tc.name)}
		if tc.path != "" {
			in.Path = aws.String(tc.path)
		}
		_, err := e.iam.CreateUser(ctx, in)
		wantError(t, err, "ValidationError", 400)
	}
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(strings.Repeat("a", 64)), Path: aws.String("/a/b/")})
	must(t, err)
	_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x+=,.@-_1")})
	must(t, err)
}

func TestListUsersPaginationAndPathPrefix(t *testing.T) {
	e := startServer(t, Options{})
	for i := 0; i < 7; i++ {
		path := "/eng/"
		if i%2 == 1 {
			path = "/ops/"
		}
		_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("user" + itoa(i)), Path: aws.String(path)})
		must(t, err)
	}
	var names []string
	pages := 0
	p := iam.NewListUsersPaginator(e.iam, &iam.ListUsersInput{MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		must(t, err)
		pages++
		if len(page.Users) > 2 {
			t.Fatalf("page of %d users with MaxItems 2", len(page.Users))
		}
		for _, u := range page.Users {
			names = append(names, *u.UserName)
		}
	}
	if len(names) != 7 || pages != 4 {
		t.Fatalf("got %d users in %d pages: %v", len(names), pages, names)
	}
	out, err := e.iam.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/ops/")})
	must(t, err)
	if len(out.Users) != 3 || out.IsTruncated {
		t.Fatalf("PathPrefix /ops/: %d users, truncated %v", len(out.Users), out.IsTruncated)
	}
	_, err = e.iam.ListUsers(ctx, &iam.ListUsersInput{Marker: aws.String("garbage!")})
	wantError(t, err, "ValidationError", 400)
}

func TestUserTags(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")})
	must(t, err)
	_, err = e.iam.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("bob"), Tags: []types.Tag{
		{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("b"), Value: aws.String("2")},
	}})
	must(t, err)
	_, err = e.iam.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("bob"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("3")}}})
	must(t, err)
	_, err = e.iam.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String("bob"), TagKeys: []string{"b"}})
	must(t, err)
	out, err := e.iam.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("bob")})
	must(t, err)
	if len(out.Tags) != 1 || *out.Tags[0].Key != "a" || *out.Tags[0].Value != "3" {
		t.Fatalf("tags = %+v", out.Tags)
	}
	_, err = e.iam.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("nobody"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}})
	wantError(t, err, "NoSuchEntity", 404)
}

func TestDeleteUserConflicts(t *testing.T) {
	e := startServer(t, Options{})
	user := aws.String("carol")
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: user})
	must(t, err)
	_, err = e.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")})
	must(t, err)

	var removeKey func() error
	steps := []struct {
		name   string
		add    func() error
		remove func() error
	}{
		{"login profile",
			func() error {
				_, err := e.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: user, Password: aws.String("Str0ng!Passw0rd")})
				return err
			},
			func() error {
				_, err := e.iam.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: user})
				return err
			}},
		{"access key",
			func() error {
				out, err := e.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: user})
				if err == nil {
					keyID := out.AccessKey.AccessKeyId
					removeKey = func() error {
						_, err := e.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: user, AccessKeyId: keyID})
						return err
					}
				}
				return err
			},
			func() error { return removeKey() }},
		{"group membership",
			func() error {
				_, err := e.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: user, GroupName: aws.String("devs")})
				return err
			},
			func() error {
				_, err := e.iam.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{UserName: user, GroupName: aws.String("devs")})
				return err
			}},
		{"inline policy",
			func() error {
				_, err := e.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: user, PolicyName: aws.String("p"), PolicyDocument: aws.String(allowS3Read)})
				return err
			},
			func() error {
				_, err := e.iam.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: user, PolicyName: aws.String("p")})
				return err
			}},
		{"attached policy",
			func() error {
				_, err := e.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: user, PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
				return err
			},
			func() error {
				_, err := e.iam.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: user, PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
				return err
			}},
		{"mfa device",
			func() error { return enableMFA(t, e, "carol", "carol-mfa") },
			func() error {
				_, err := e.iam.DeactivateMFADevice(ctx, &iam.DeactivateMFADeviceInput{UserName: user, SerialNumber: aws.String("arn:aws:iam::123456789012:mfa/carol-mfa")})
				return err
			}},
	}
	for _, s := range steps {
		must(t, s.add())
		_, err := e.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: user})
		if errorCode(err) != "DeleteConflict" || httpStatus(err) != 409 {
			t.Fatalf("DeleteUser with %s: got %v, want DeleteConflict", s.name, err)
		}
		must(t, s.remove())
	}
	_, err = e.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: user})
	must(t, err)
}
