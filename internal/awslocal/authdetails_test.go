package awslocal

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const permDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a b+c"}]}`

// seedAccount makes a user with everything GetAccountAuthorizationDetails reports,
// a group, a role and a customer-managed policy with two versions.
func seedAccount(t *testing.T, e *testEnv) (policyARN string) {
	t.Helper()
	_, err := e.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("boundary"), PolicyDocument: aws.String(permDoc), Path: aws.String("/b/")})
	must(t, err)
	pol, err := e.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("team"), PolicyDocument: aws.String(permDoc), Description: aws.String("team access")})
	must(t, err)
	policyARN = *pol.Policy.Arn
	_, err = e.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &policyARN, PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`), SetAsDefault: true})
	must(t, err)
	boundaryARN := "arn:aws:iam::" + testAccount + ":policy/b/boundary"

	_, err = e.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")})
	must(t, err)
	_, err = e.iam.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("devs"), PolicyName: aws.String("g-inline"), PolicyDocument: aws.String(permDoc)})
	must(t, err)
	_, err = e.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("devs"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
	must(t, err)

	_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ann"), Path: aws.String("/people/"),
		PermissionsBoundary: aws.String(boundaryARN), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}})
	must(t, err)
	_, err = e.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String("ann"), GroupName: aws.String("devs")})
	must(t, err)
	_, err = e.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("ann"), PolicyName: aws.String("u-inline"), PolicyDocument: aws.String(permDoc)})
	must(t, err)
	_, err = e.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("ann"), PolicyArn: &policyARN})
	must(t, err)

	_, err = e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ops"), AssumeRolePolicyDocument: aws.String(trustAccount(testAccount)),
		PermissionsBoundary: aws.String(boundaryARN), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	must(t, err)
	_, err = e.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("ops"), PolicyName: aws.String("r-inline"), PolicyDocument: aws.String(permDoc)})
	must(t, err)
	_, err = e.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("ops"), PolicyArn: &policyARN})
	must(t, err)
	return policyARN
}

func TestGetAccountAuthorizationDetails(t *testing.T) {
	e := startServer(t, Options{})
	policyARN := seedAccount(t, e)
	out, err := e.iam.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{})
	must(t, err)
	if out.IsTruncated || len(out.UserDetailList) != 1 || len(out.GroupDetailList) != 1 || len(out.RoleDetailList) != 1 {
		t.Fatalf("got %d users, %d groups, %d roles (truncated %v)", len(out.UserDetailList), len(out.GroupDetailList), len(out.RoleDetailList), out.IsTruncated)
	}

	u := out.UserDetailList[0]
	if *u.UserName != "ann" || *u.Path != "/people/" || *u.Arn != "arn:aws:iam::"+testAccount+":user/people/ann" || u.UserId == nil || u.CreateDate == nil {
		t.Fatalf("user %+v", u)
	}
	if !slices.Equal(u.GroupList, []string{"devs"}) || len(u.Tags) != 1 || *u.Tags[0].Value != "blue" {
		t.Fatalf("user groups %v tags %v", u.GroupList, u.Tags)
	}
	if len(u.UserPolicyList) != 1 || *u.UserPolicyList[0].PolicyName != "u-inline" || decodeDoc(t, *u.UserPolicyList[0].PolicyDocument) != permDoc {
		t.Fatalf("user inline %+v", u.UserPolicyList)
	}
	// Documents come URL-encoded, as IAM sends them.
	if *u.UserPolicyList[0].PolicyDocument == permDoc {
		t.Fatal("the inline document is not URL-encoded")
	}
	if len(u.AttachedManagedPolicies) != 1 || *u.AttachedManagedPolicies[0].PolicyArn != policyARN || *u.AttachedManagedPolicies[0].PolicyName != "team" {
		t.Fatalf("user attached %+v", u.AttachedManagedPolicies)
	}
	if u.PermissionsBoundary == nil || *u.PermissionsBoundary.PermissionsBoundaryArn != "arn:aws:iam::"+testAccount+":policy/b/boundary" {
		t.Fatalf("user boundary %+v", u.PermissionsBoundary)
	}

	g := out.GroupDetailList[0]
	if *g.GroupName != "devs" || len(g.GroupPolicyList) != 1 || decodeDoc(t, *g.GroupPolicyList[0].PolicyDocument) != permDoc ||
		len(g.AttachedManagedPolicies) != 1 || *g.AttachedManagedPolicies[0].PolicyArn != "arn:aws:iam::aws:policy/ReadOnlyAccess" {
		t.Fatalf("group %+v", g)
	}

	r := out.RoleDetailList[0]
	if *r.RoleName != "ops" || decodeDoc(t, *r.AssumeRolePolicyDocument) != trustAccount(testAccount) || len(r.RolePolicyList) != 1 ||
		*r.RolePolicyList[0].PolicyName != "r-inline" || len(r.AttachedManagedPolicies) != 1 || r.PermissionsBoundary == nil ||
		len(r.Tags) != 1 || r.InstanceProfileList == nil {
		t.Fatalf("role %+v", r)
	}

	// Managed policies: the customer ones with every version, and the AWS-managed
	// ones in use (ReadOnlyAccess), not AWS's whole catalogue.
	byName := map[string]types.ManagedPolicyDetail{}
	for _, p := range out.Policies {
		byName[*p.PolicyName] = p
	}
	if len(byName) != 3 || byName["ReadOnlyAccess"].Arn == nil || byName["boundary"].Arn == nil {
		t.Fatalf("policies %v", keysOf(byName))
	}
	team := byName["team"]
	if *team.DefaultVersionId != "v2" || *team.AttachmentCount != 2 || *team.Description != "team access" || len(team.PolicyVersionList) != 2 {
		t.Fatalf("policy team %+v", team)
	}
	for _, v := range team.PolicyVersionList {
		if v.IsDefaultVersion != (*v.VersionId == "v2") || v.Document == nil || decodeDoc(t, *v.Document) == "" {
			t.Fatalf("version %+v", v)
		}
	}
	if *byName["boundary"].PermissionsBoundaryUsageCount != 2 {
		t.Fatalf("boundary usage %d", *byName["boundary"].PermissionsBoundaryUsageCount)
	}
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestGetAccountAuthorizationDetailsFilters(t *testing.T) {
	e := startServer(t, Options{})
	seedAccount(t, e)
	count := func(filters ...types.EntityType) string {
		out, err := e.iam.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{Filter: filters})
		must(t, err)
		return fmt.Sprintf("u%d g%d r%d p%d", len(out.UserDetailList), len(out.GroupDetailList), len(out.RoleDetailList), len(out.Policies))
	}
	for _, tc := range []struct {
		filters []types.EntityType
		want    string
	}{
		{nil, "u1 g1 r1 p3"},
		{[]types.EntityType{types.EntityTypeUser}, "u1 g0 r0 p0"},
		{[]types.EntityType{types.EntityTypeGroup}, "u0 g1 r0 p0"},
		{[]types.EntityType{types.EntityTypeRole}, "u0 g0 r1 p0"},
		{[]types.EntityType{types.EntityTypeLocalManagedPolicy}, "u0 g0 r0 p2"},
		{[]types.EntityType{types.EntityTypeAWSManagedPolicy}, "u0 g0 r0 p1"},
		{[]types.EntityType{types.EntityTypeUser, types.EntityTypeRole}, "u1 g0 r1 p0"},
	} {
		if got := count(tc.filters...); got != tc.want {
			t.Errorf("filter %v: %s, want %s", tc.filters, got, tc.want)
		}
	}
	_, err := e.iam.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{Filter: []types.EntityType{"Users"}})
	wantError(t, err, "ValidationError", 400)
	_, err = e.iam.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(1001)})
	wantError(t, err, "ValidationError", 400)
}

// TestGetAccountAuthorizationDetailsPagination pages across the lists with the SDK's
// paginator: every entity exactly once, a page never above MaxItems.
func TestGetAccountAuthorizationDetailsPagination(t *testing.T) {
	e := startServer(t, Options{})
	for i := range 25 {
		_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(fmt.Sprintf("u%02d", i))})
		must(t, err)
	}
	for i := range 7 {
		_, err := e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(fmt.Sprintf("r%d", i)), AssumeRolePolicyDocument: aws.String(trustAccount(testAccount))})
		must(t, err)
	}
	p := iam.NewGetAccountAuthorizationDetailsPaginator(e.iam, &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(10)})
	seen := map[string]int{}
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		must(t, err)
		pages++
		if n := len(out.UserDetailList) + len(out.RoleDetailList) + len(out.GroupDetailList) + len(out.Policies); n > 10 {
			t.Fatalf("page of %d entities with MaxItems 10", n)
		}
		for _, u := range out.UserDetailList {
			seen[*u.UserName]++
		}
		for _, r := range out.RoleDetailList {
			seen[*r.RoleName]++
		}
	}
	if pages != 4 || len(seen) != 32 {
		t.Fatalf("%d pages, %d entities", pages, len(seen))
	}
	for name, n := range seen {
		if n != 1 {
			t.Fatalf("%s listed %d times", name, n)
		}
	}
	_, err := e.iam.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{Marker: aws.String("bogus")})
	wantError(t, err, "ValidationError", 400)
}

// TestListVirtualMFADevicesAssignment filters by assignment and pages; an assigned
// device names its user.
func TestListVirtualMFADevicesAssignment(t *testing.T) {
	e := startServer(t, Options{})
	for _, u := range []string{"amy", "bob"} {
		_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u)})
		must(t, err)
		must(t, enableMFA(t, e, u, u+"-phone"))
	}
	createMFA(t, e, "spare-1")
	createMFA(t, e, "spare-2")
	list := func(status types.AssignmentStatusType, max int32) ([]types.VirtualMFADevice, int) {
		p := iam.NewListVirtualMFADevicesPaginator(e.iam, &iam.ListVirtualMFADevicesInput{AssignmentStatus: status, MaxItems: aws.Int32(max)})
		var out []types.VirtualMFADevice
		pages := 0
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			must(t, err)
			pages++
			out = append(out, page.VirtualMFADevices...)
		}
		return out, pages
	}
	assigned, pages := list(types.AssignmentStatusTypeAssigned, 1)
	if len(assigned) != 2 || pages != 2 {
		t.Fatalf("assigned: %d devices in %d pages", len(assigned), pages)
	}
	for _, d := range assigned {
		if d.User == nil || *d.SerialNumber != "arn:aws:iam::"+testAccount+":mfa/"+*d.User.UserName+"-phone" || d.EnableDate == nil || d.Base32StringSeed != nil {
			t.Fatalf("assigned device %+v", d)
		}
	}
	unassigned, _ := list(types.AssignmentStatusTypeUnassigned, 100)
	if len(unassigned) != 2 || unassigned[0].User != nil {
		t.Fatalf("unassigned %+v", unassigned)
	}
	if all, _ := list(types.AssignmentStatusTypeAny, 3); len(all) != 4 {
		t.Fatalf("any: %d devices", len(all))
	}
	_, err := e.iam.ListVirtualMFADevices(ctx, &iam.ListVirtualMFADevicesInput{AssignmentStatus: "Enabled"})
	wantError(t, err, "ValidationError", 400)
}
