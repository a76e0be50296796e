package awslocal

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestRolesCRUD(t *testing.T) {
	e := startServer(t, Options{})
	trust := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"ec2.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"}]\n}"
	out, err := e.iam.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String("deployer"), Path: aws.String("/teams/"), AssumeRolePolicyDocument: aws.String(trust),
		Description: aws.String("first"), MaxSessionDuration: aws.Int32(7200),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}},
	})
	must(t, err)
	if id := *out.Role.RoleId; !strings.HasPrefix(id, "AROA") || len(id) != 21 || *out.Role.Arn != "arn:aws:iam::123456789012:role/teams/deployer" {
		t.Fatalf("role = %+v", out.Role)
	}
	_, err = e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Deployer"), AssumeRolePolicyDocument: aws.String(trust)})
	wantError(t, err, "EntityAlreadyExists", 409)

	got, err := e.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deployer")})
	must(t, err)
	if decodeDoc(t, *got.Role.AssumeRolePolicyDocument) != trust || *got.Role.MaxSessionDuration != 7200 || len(got.Role.Tags) != 1 {
		t.Fatalf("GetRole = %+v", got.Role)
	}

	_, err = e.iam.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("deployer"), Description: aws.String("second"), MaxSessionDuration: aws.Int32(43200)})
	must(t, err)
	for _, bad := range []int32{3599, 43201} {
		_, err = e.iam.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("deployer"), MaxSessionDuration: aws.Int32(bad)})
		wantError(t, err, "ValidationError", 400)
	}
	desc, err := e.iam.UpdateRoleDescription(ctx, &iam.UpdateRoleDescriptionInput{RoleName: aws.String("deployer"), Description: aws.String("third")})
	must(t, err)
	if *desc.Role.Description != "third" || *desc.Role.MaxSessionDuration != 43200 {
		t.Fatalf("UpdateRoleDescription = %+v", desc.Role)
	}

	newTrust := trustAccount(testAccount)
	_, err = e.iam.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("deployer"), PolicyDocument: aws.String(newTrust)})
	must(t, err)
	list, err := e.iam.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/teams/")})
	must(t, err)
	if len(list.Roles) != 1 || decodeDoc(t, *list.Roles[0].AssumeRolePolicyDocument) != newTrust {
		t.Fatalf("ListRoles = %+v", list.Roles)
	}

	boundary := aws.String("arn:aws:iam::aws:policy/PowerUserAccess")
	_, err = e.iam.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("deployer"), PermissionsBoundary: aws.String("arn:aws:iam::123456789012:policy/none")})
	wantError(t, err, "NoSuchEntity", 404)
	_, err = e.iam.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("deployer"), PermissionsBoundary: boundary})
	must(t, err)
	got, err = e.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deployer")})
	must(t, err)
	if got.Role.PermissionsBoundary == nil || *got.Role.PermissionsBoundary.PermissionsBoundaryArn != *boundary {
		t.Fatalf("boundary = %+v", got.Role.PermissionsBoundary)
	}
	_, err = e.iam.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("deployer")})
	must(t, err)

	_, err = e.iam.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("deployer"), Tags: []types.Tag{{Key: aws.String("b"), Value: aws.String("2")}}})
	must(t, err)
	_, err = e.iam.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("deployer"), TagKeys: []string{"team"}})
	must(t, err)
	tags, err := e.iam.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("deployer")})
	must(t, err)
	if len(tags.Tags) != 1 || *tags.Tags[0].Key != "b" {
		t.Fatalf("role tags = %+v", tags.Tags)
	}

	_, err = e.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowS3Read)})
	must(t, err)
	_, err = e.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("deployer")})
	wantError(t, err, "DeleteConflict", 409)
	_, err = e.iam.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("deployer"), PolicyName: aws.String("p")})
	must(t, err)
	_, err = e.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("deployer"), PolicyArn: boundary})
	must(t, err)
	_, err = e.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("deployer")})
	wantError(t, err, "DeleteConflict", 409)
	_, err = e.iam.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("deployer"), PolicyArn: boundary})
	must(t, err)
	_, err = e.iam.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("deployer")})
	must(t, err)
	_, err = e.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("deployer")})
	wantError(t, err, "NoSuchEntity", 404)
}

func TestTrustPolicyValidation(t *testing.T) {
	e := startServer(t, Options{})
	for name, doc := range map[string]string{
		"no principal":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`,
		"missing user":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/ghost"},"Action":"sts:AssumeRole"}]}`,
		"missing role":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:role/ghost"]},"Action":"sts:AssumeRole"}]}`,
		"garbage principal": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"not-an-arn"},"Action":"sts:AssumeRole"}]}`,
		"bad json":          `{"Version":"2012-10-17",`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(doc)})
			wantError(t, err, "MalformedPolicyDocument", 400)
			if name == "missing user" && !strings.Contains(err.Error(), "Invalid principal in policy") {
				t.Fatalf("message: %v", err)
			}
		})
	}
	_, err := e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("bad name!"), AssumeRolePolicyDocument: aws.String(trustAccount(testAccount))})
	wantError(t, err, "ValidationError", 400)
	_, err = e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustAccount(testAccount)), MaxSessionDuration: aws.Int32(100)})
	wantError(t, err, "ValidationError", 400)
}

func TestTrustPrincipalRewrittenToUniqueIDOnDelete(t *testing.T) {
	e := startServer(t, Options{})
	u, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("erin")})
	must(t, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/erin"},"Action":"sts:AssumeRole"}]}`
	_, err = e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("for-erin"), AssumeRolePolicyDocument: aws.String(trust)})
	must(t, err)
	_, err = e.iam.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("erin")})
	must(t, err)
	got, err := e.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("for-erin")})
	must(t, err)
	doc := decodeDoc(t, *got.Role.AssumeRolePolicyDocument)
	want := strings.Replace(trust, "arn:aws:iam::123456789012:user/erin", *u.User.UserId, 1)
	if doc != want {
		t.Fatalf("trust after delete:\n got %s\nwant %s", doc, want)
	}
	// Recreating the user does not restore the trust.
	_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("erin")})
	must(t, err)
	got, err = e.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("for-erin")})
	must(t, err)
	if decodeDoc(t, *got.Role.AssumeRolePolicyDocument) != want {
		t.Fatal("trust changed after recreating the user")
	}
}

// TestNewPrincipalPropagates: with PrincipalPropagation set, a user created a moment
// ago is an invalid principal, as in AWS, and a valid one once the delay has passed.
func TestNewPrincipalPropagates(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	clock := &now
	e := startServer(t, Options{Now: func() time.Time { return *clock }, Faults: Faults{PrincipalPropagation: 5 * time.Second}})
	u, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("fresh")})
	must(t, err)
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + *u.User.Arn + `"},"Action":"sts:AssumeRole"}]}`
	_, err = e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(doc)})
	wantError(t, err, "MalformedPolicyDocument", 400)
	if !strings.Contains(err.Error(), "Invalid principal in policy") {
		t.Fatalf("message: %v", err)
	}
	later := now.Add(5 * time.Second)
	clock = &later
	_, err = e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(doc)})
	must(t, err)
}
