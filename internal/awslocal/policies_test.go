package awslocal

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// A document with unusual whitespace and key order, which must come back
// byte for byte.
const oddlyFormattedPolicy = "{\n\t\"Statement\" : [ {\"Resource\":\"*\",  \"Action\":\"s3:List*\", \"Effect\":\"Allow\"} ],\n  \"Version\":\"2012-10-17\"\n}"

func newTestPolicy(t testing.TB, e *testEnv, name string) string {
	t.Helper()
	out, err := e.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(allowS3Read)})
	must(t, err)
	return *out.Policy.Arn
}

func TestManagedPolicyVersions(t *testing.T) {
	e := startServer(t, Options{})
	out, err := e.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName: aws.String("mfa-enforce"), Path: aws.String("/baseline/"),
		PolicyDocument: aws.String(oddlyFormattedPolicy), Description: aws.String("d"),
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}},
	})
	must(t, err)
	arn := out.Policy.Arn
	if *arn != "arn:aws:iam::123456789012:policy/baseline/mfa-enforce" || (*out.Policy.PolicyId)[:4] != "ANPA" || *out.Policy.DefaultVersionId != "v1" {
		t.Fatalf("policy = %+v", out.Policy)
	}
	_, err = e.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("MFA-enforce"), PolicyDocument: aws.String(allowS3Read)})
	wantError(t, err, "EntityAlreadyExists", 409)

	v1, err := e.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v1")})
	must(t, err)
	if got := decodeDoc(t, *v1.PolicyVersion.Document); got != oddlyFormattedPolicy {
		t.Fatalf("document changed:\n%q\n%q", got, oddlyFormattedPolicy)
	}

	for i := 2; i <= 5; i++ {
		pv, err := e.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(allowS3Read), SetAsDefault: i == 3})
		must(t, err)
		if *pv.PolicyVersion.VersionId != "v"+itoa(i) {
			t.Fatalf("version id %s", *pv.PolicyVersion.VersionId)
		}
	}
	_, err = e.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(allowS3Read)})
	wantError(t, err, "LimitExceeded", 409)

	got, err := e.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
	must(t, err)
	if *got.Policy.DefaultVersionId != "v3" || len(got.Policy.Tags) != 1 {
		t.Fatalf("GetPolicy = %+v", got.Policy)
	}

	var versions []string
	p := iam.NewListPolicyVersionsPaginator(e.iam, &iam.ListPolicyVersionsInput{PolicyArn: arn, MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		must(t, err)
		for _, v := range page.Versions {
			versions = append(versions, *v.VersionId)
		}
	}
	if strings.Join(versions, ",") != "v5,v4,v3,v2,v1" {
		t.Fatalf("versions = %v", versions)
	}

	_, err = e.iam.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v3")})
	wantError(t, err, "DeleteConflict", 409)
	_, err = e.iam.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
	wantError(t, err, "DeleteConflict", 409)
	_, err = e.iam.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v9")})
	wantError(t, err, "NoSuchEntity", 404)
	_, err = e.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("bad")})
	wantError(t, err, "ValidationError", 400)
	_, err = e.iam.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v5")})
	must(t, err)
	for _, v := range []string{"v1", "v2", "v3", "v4"} {
		_, err := e.iam.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String(v)})
		must(t, err)
	}
	// Version IDs are never reused.
	pv, err := e.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: arn, PolicyDocument: aws.String(allowS3Read)})
	must(t, err)
	if *pv.PolicyVersion.VersionId != "v6" {
		t.Fatalf("new version id %s, want v6", *pv.PolicyVersion.VersionId)
	}
	_, err = e.iam.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: arn, VersionId: aws.String("v6")})
	must(t, err)

	_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")})
	must(t, err)
	_, err = e.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: arn})
	must(t, err)
	_, err = e.iam.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
	wantError(t, err, "DeleteConflict", 409)
	_, err = e.iam.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("u"), PolicyArn: arn})
	must(t, err)
	_, err = e.iam.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: arn})
	must(t, err)
	_, err = e.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: arn})
	wantError(t, err, "NoSuchEntity", 404)
}

func TestMalformedPolicyDocuments(t *testing.T) {
	e := startServer(t, Options{})
	for name, doc := range map[string]string{
		"bad json":            `{"Version": "2012-10-17", "Statement": [`,
		"unknown top-level":   `{"Version":"2012-10-17","Foo":1,"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
		"unknown element":     `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Bogus":1}]}`,
		"missing effect":      `{"Version":"2012-10-17","Statement":[{"Action":"s3:*","Resource":"*"}]}`,
		"missing action":      `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}`,
		"principal":           `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`,
		"bad version":         `{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
		"action needs vendor": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}`,
		"missing resource":    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)})
			wantError(t, err, "MalformedPolicyDocument", 400)
		})
	}
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")})
	must(t, err)
	_, err = e.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("p"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}}`)})
	wantError(t, err, "MalformedPolicyDocument", 400)
}

func TestAWSManagedPoliciesAndListPolicies(t *testing.T) {
	e := startServer(t, Options{})
	ro, err := e.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
	must(t, err)
	if *ro.Policy.PolicyName != "ReadOnlyAccess" || *ro.Policy.AttachmentCount != 0 {
		t.Fatalf("ReadOnlyAccess = %+v", ro.Policy)
	}
	_, err = e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustAccount(testAccount))})
	must(t, err)
	_, err = e.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicy")})
	wantError(t, err, "NoSuchEntity", 404)
	_, err = e.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::123456789012:policy/missing")})
	wantError(t, err, "NoSuchEntity", 404)
	_, err = e.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: aws.String("arn:aws:iam::aws:policy/PowerUserAccess")})
	must(t, err)
	local := newTestPolicy(t, e, "local-one")
	_ = newTestPolicy(t, e, "local-two")

	only, err := e.iam.ListPolicies(ctx, &iam.ListPoliciesInput{OnlyAttached: true})
	must(t, err)
	if len(only.Policies) != 1 || *only.Policies[0].PolicyName != "PowerUserAccess" || *only.Policies[0].AttachmentCount != 1 {
		t.Fatalf("OnlyAttached = %+v", only.Policies)
	}
	locals, err := e.iam.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal})
	must(t, err)
	if len(locals.Policies) != 2 {
		t.Fatalf("Scope Local: %d", len(locals.Policies))
	}
	var awsCount int
	p := iam.NewListPoliciesPaginator(e.iam, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, MaxItems: aws.Int32(3)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		must(t, err)
		awsCount += len(page.Policies)
	}
	if awsCount < 6 {
		t.Fatalf("only %d AWS managed policies", awsCount)
	}
	jf, err := e.iam.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws, PathPrefix: aws.String("/job-function/")})
	must(t, err)
	if len(jf.Policies) == 0 || *jf.Policies[0].Arn != "arn:aws:iam::aws:policy/job-function/"+*jf.Policies[0].PolicyName {
		t.Fatalf("job-function policies = %+v", jf.Policies)
	}

	// ListEntitiesForPolicy.
	_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")})
	must(t, err)
	_, err = e.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")})
	must(t, err)
	for _, call := range []func() error{
		func() error {
			_, err := e.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: &local})
			return err
		},
		func() error {
			_, err := e.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("g"), PolicyArn: &local})
			return err
		},
		func() error {
			_, err := e.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: &local})
			return err
		},
	} {
		must(t, call())
	}
	ents, err := e.iam.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: &local})
	must(t, err)
	if len(ents.PolicyUsers) != 1 || len(ents.PolicyGroups) != 1 || len(ents.PolicyRoles) != 1 || *ents.PolicyRoles[0].RoleName != "r" {
		t.Fatalf("entities = %+v", ents)
	}
	onlyRoles, err := e.iam.ListEntitiesForPolicy(ctx, &iam.ListEntitiesForPolicyInput{PolicyArn: &local, EntityFilter: types.EntityTypeRole})
	must(t, err)
	if len(onlyRoles.PolicyUsers) != 0 || len(onlyRoles.PolicyRoles) != 1 {
		t.Fatalf("EntityFilter Role = %+v", onlyRoles)
	}
}

func TestAttachedAndInlinePolicies(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")})
	must(t, err)
	var arns []string
	for i := 0; i < 11; i++ {
		arns = append(arns, newTestPolicy(t, e, "p"+itoa(i)))
	}
	for i, arn := range arns {
		_, err := e.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(arn)})
		if i < 10 {
			must(t, err)
		} else {
			wantError(t, err, "LimitExceeded", 409)
		}
	}
	// Attaching again is a no-op, not a second attachment.
	_, err = e.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(arns[0])})
	must(t, err)
	var attached []string
	p := iam.NewListAttachedUserPoliciesPaginator(e.iam, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("u"), MaxItems: aws.Int32(4)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		must(t, err)
		for _, ap := range page.AttachedPolicies {
			attached = append(attached, *ap.PolicyArn)
		}
	}
	if len(attached) != 10 {
		t.Fatalf("attached = %d", len(attached))
	}
	_, err = e.iam.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("u"), PolicyArn: aws.String(arns[10])})
	wantError(t, err, "NoSuchEntity", 404)

	for _, name := range []string{"b", "a", "c"} {
		_, err := e.iam.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String(name), PolicyDocument: aws.String(oddlyFormattedPolicy)})
		must(t, err)
	}
	names, err := e.iam.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("u"), MaxItems: aws.Int32(2)})
	must(t, err)
	if strings.Join(names.PolicyNames, ",") != "a,b" || !names.IsTruncated {
		t.Fatalf("ListUserPolicies = %v truncated=%v", names.PolicyNames, names.IsTruncated)
	}
	got, err := e.iam.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("a")})
	must(t, err)
	if *got.UserName != "u" || decodeDoc(t, *got.PolicyDocument) != oddlyFormattedPolicy {
		t.Fatalf("GetUserPolicy = %+v", got)
	}
	_, err = e.iam.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("u"), PolicyName: aws.String("zzz")})
	wantError(t, err, "NoSuchEntity", 404)

	// Roles and groups take the same path; spot-check the role variants.
	_, err = e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustAccount(testAccount))})
	must(t, err)
	_, err = e.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("inline"), PolicyDocument: aws.String(oddlyFormattedPolicy)})
	must(t, err)
	rp, err := e.iam.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("inline")})
	must(t, err)
	if *rp.RoleName != "r" || decodeDoc(t, *rp.PolicyDocument) != oddlyFormattedPolicy {
		t.Fatalf("GetRolePolicy = %+v", rp)
	}
	rps, err := e.iam.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("r")})
	must(t, err)
	if len(rps.PolicyNames) != 1 {
		t.Fatalf("ListRolePolicies = %v", rps.PolicyNames)
	}
	_, err = e.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")})
	must(t, err)
	_, err = e.iam.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("gi"), PolicyDocument: aws.String(allowS3Read)})
	must(t, err)
	gp, err := e.iam.GetGroupPolicy(ctx, &iam.GetGroupPolicyInput{GroupName: aws.String("g"), PolicyName: aws.String("gi")})
	must(t, err)
	if *gp.GroupName != "g" || decodeDoc(t, *gp.PolicyDocument) != allowS3Read {
		t.Fatalf("GetGroupPolicy = %+v", gp)
	}
	gps, err := e.iam.ListGroupPolicies(ctx, &iam.ListGroupPoliciesInput{GroupName: aws.String("g")})
	must(t, err)
	if len(gps.PolicyNames) != 1 {
		t.Fatalf("ListGroupPolicies = %v", gps.PolicyNames)
	}
	ag, err := e.iam.ListAttachedGroupPolicies(ctx, &iam.ListAttachedGroupPoliciesInput{GroupName: aws.String("g")})
	must(t, err)
	ar, err := e.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("r")})
	must(t, err)
	if len(ag.AttachedPolicies) != 0 || len(ar.AttachedPolicies) != 0 {
		t.Fatal("unexpected attachments")
	}
}

func TestPolicyTags(t *testing.T) {
	e := startServer(t, Options{})
	arn := newTestPolicy(t, e, "tagged")
	_, err := e.iam.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("TeamMember/ns/x")}}})
	must(t, err)
	out, err := e.iam.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: &arn})
	must(t, err)
	if len(out.Tags) != 1 {
		t.Fatalf("tags = %+v", out.Tags)
	}
	_, err = e.iam.UntagPolicy(ctx, &iam.UntagPolicyInput{PolicyArn: &arn, TagKeys: []string{"owner"}})
	must(t, err)
	out, err = e.iam.ListPolicyTags(ctx, &iam.ListPolicyTagsInput{PolicyArn: &arn})
	must(t, err)
	if len(out.Tags) != 0 {
		t.Fatalf("tags after untag = %+v", out.Tags)
	}
	_, err = e.iam.TagPolicy(ctx, &iam.TagPolicyInput{PolicyArn: &arn, Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("A"), Value: aws.String("2")}}})
	wantError(t, err, "InvalidInput", 400)
}
