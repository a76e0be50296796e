package awslocal

import (
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Many controller goroutines share one server; run with -race.
func TestConcurrentCallers(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("shared")})
	must(t, err)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				name := aws.String("w" + itoa(w) + "-" + itoa(i))
				if _, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: name}); err != nil {
					t.Error(err)
					return
				}
				if _, err := e.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: name, GroupName: aws.String("shared")}); err != nil {
					t.Error(err)
				}
				if _, err := e.iam.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
					t.Error(err)
				}
				if _, err := e.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
					t.Error(err)
				}
				_ = e.srv.Calls()
			}
		}(w)
	}
	wg.Wait()
	g, err := e.iam.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("shared"), MaxItems: aws.Int32(1000)})
	must(t, err)
	if len(g.Users) != 80 {
		t.Fatalf("group has %d members, want 80", len(g.Users))
	}
	if n := e.srv.Calls().Count("iam", "CreateUser"); n != 80 {
		t.Fatalf("logged %d CreateUser calls", n)
	}
}

func TestUserPermissionsBoundary(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("b"), PermissionsBoundary: aws.String("arn:aws:iam::aws:policy/NoSuch")})
	wantError(t, err, "NoSuchEntity", 404)
	_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("b")})
	must(t, err)
	arn := aws.String("arn:aws:iam::aws:policy/PowerUserAccess")
	_, err = e.iam.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("b"), PermissionsBoundary: arn})
	must(t, err)
	u, err := e.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("b")})
	must(t, err)
	if u.User.PermissionsBoundary == nil || *u.User.PermissionsBoundary.PermissionsBoundaryArn != *arn {
		t.Fatalf("boundary = %+v", u.User.PermissionsBoundary)
	}
	p, err := e.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
	must(t, err)
	if *p.Policy.PermissionsBoundaryUsageCount != 1 {
		t.Fatalf("usage = %d", *p.Policy.PermissionsBoundaryUsageCount)
	}
	_, err = e.iam.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("b")})
	must(t, err)
}
