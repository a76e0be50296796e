package awslocal

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const otherAccount = "210987654321"

func TestGetCallerIdentityRoot(t *testing.T) {
	e := startServer(t, Options{})
	out, err := e.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, err)
	if *out.Account != testAccount || *out.Arn != "arn:aws:iam::123456789012:root" || *out.UserId != testAccount {
		t.Fatalf("identity = %s %s %s", *out.Account, *out.Arn, *out.UserId)
	}
}

func TestCreatedAccessKeySignsRequests(t *testing.T) {
	e := startServer(t, Options{})
	u, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("frank"), Path: aws.String("/people/")})
	must(t, err)
	k, err := e.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("frank")})
	must(t, err)
	if id := *k.AccessKey.AccessKeyId; !strings.HasPrefix(id, "AKIA") || len(id) != 20 || len(*k.AccessKey.SecretAccessKey) != 40 {
		t.Fatalf("key = %s", id)
	}
	userIAM, userSTS := e.clients(t, *k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, "")
	id, err := userSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, err)
	if *id.Arn != "arn:aws:iam::123456789012:user/people/frank" || *id.UserId != *u.User.UserId || *id.Account != testAccount {
		t.Fatalf("identity = %s %s", *id.Arn, *id.UserId)
	}
	// GetUser without a name is the calling user.
	me, err := userIAM.GetUser(ctx, &iam.GetUserInput{})
	must(t, err)
	if *me.User.UserName != "frank" {
		t.Fatalf("GetUser() = %s", *me.User.UserName)
	}

	last, err := e.iam.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: k.AccessKey.AccessKeyId})
	must(t, err)
	if *last.UserName != "frank" || last.AccessKeyLastUsed.LastUsedDate == nil || *last.AccessKeyLastUsed.ServiceName != "iam" {
		t.Fatalf("last used = %+v", last.AccessKeyLastUsed)
	}

	second, err := e.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("frank")})
	must(t, err)
	fresh, err := e.iam.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: second.AccessKey.AccessKeyId})
	must(t, err)
	if fresh.AccessKeyLastUsed.LastUsedDate != nil || *fresh.AccessKeyLastUsed.ServiceName != "N/A" {
		t.Fatalf("unused key last used = %+v", fresh.AccessKeyLastUsed)
	}
	_, err = e.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("frank")})
	wantError(t, err, "LimitExceeded", 409)
	keys, err := e.iam.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("frank")})
	must(t, err)
	if len(keys.AccessKeyMetadata) != 2 {
		t.Fatalf("keys = %d", len(keys.AccessKeyMetadata))
	}

	// Inactive keys stop working; deleted keys are unknown.
	_, err = e.iam.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("frank"), AccessKeyId: k.AccessKey.AccessKeyId, Status: "Inactive"})
	must(t, err)
	_, err = userSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantError(t, err, "InvalidClientTokenId", 403)
	_, err = e.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("frank"), AccessKeyId: k.AccessKey.AccessKeyId})
	must(t, err)
	_, err = e.iam.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("frank"), AccessKeyId: k.AccessKey.AccessKeyId})
	wantError(t, err, "NoSuchEntity", 404)
}

func TestBadSignatureRejected(t *testing.T) {
	e := startServer(t, Options{})
	_, badSecret := e.clients(t, "test", "wrong-secret", "")
	_, err := badSecret.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantError(t, err, "SignatureDoesNotMatch", 403)
	badIAM, _ := e.clients(t, "AKIAUNKNOWNKEY000000", "whatever", "")
	_, err = badIAM.ListUsers(ctx, &iam.ListUsersInput{})
	wantError(t, err, "InvalidClientTokenId", 403)
}

func TestAssumeRoleCrossAccount(t *testing.T) {
	e := startServer(t, Options{})
	e.srv.AddAccount(otherAccount, "other-key", "other-secret")
	otherIAM, _ := e.clients(t, "other-key", "other-secret", "")

	// A role in the other account that trusts the first account, with an external ID.
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"s3cret"}}}]}`
	_, err := otherIAM.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("operator"), AssumeRolePolicyDocument: aws.String(trust)})
	must(t, err)
	roleARN := aws.String("arn:aws:iam::210987654321:role/operator")

	_, err = e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN, RoleSessionName: aws.String("s1")})
	wantError(t, err, "AccessDenied", 403) // no external ID
	_, err = e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN, RoleSessionName: aws.String("sess"), ExternalId: aws.String("wrong")})
	wantError(t, err, "AccessDenied", 403)
	_, err = e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN, RoleSessionName: aws.String("sess"), ExternalId: aws.String("s3cret"), DurationSeconds: aws.Int32(7200)})
	wantError(t, err, "ValidationError", 400) // beyond the role's MaxSessionDuration

	out, err := e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN, RoleSessionName: aws.String("sess"), ExternalId: aws.String("s3cret")})
	must(t, err)
	c := out.Credentials
	if !strings.HasPrefix(*c.AccessKeyId, "ASIA") || *c.SessionToken == "" || c.Expiration.Sub(time.Now()) < 50*time.Minute {
		t.Fatalf("credentials = %+v", c)
	}
	if *out.AssumedRoleUser.Arn != "arn:aws:sts::210987654321:assumed-role/operator/sess" {
		t.Fatalf("assumed role arn = %s", *out.AssumedRoleUser.Arn)
	}
	roleIAM, roleSTS := e.clients(t, *c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	id, err := roleSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, err)
	if *id.Account != otherAccount || *id.Arn != "arn:aws:sts::210987654321:assumed-role/operator/sess" || !strings.HasSuffix(*id.UserId, ":sess") {
		t.Fatalf("identity = %s %s %s", *id.Account, *id.Arn, *id.UserId)
	}
	// IAM calls with the session act in the role's account.
	roles, err := roleIAM.ListRoles(ctx, &iam.ListRolesInput{})
	must(t, err)
	if len(roles.Roles) != 1 || *roles.Roles[0].RoleName != "operator" {
		t.Fatalf("roles seen by session = %+v", roles.Roles)
	}
	// The session token is part of the credentials.
	_, noToken := e.clients(t, *c.AccessKeyId, *c.SecretAccessKey, "")
	_, err = noToken.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantError(t, err, "InvalidClientTokenId", 403)
	got, err := otherIAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("operator")})
	must(t, err)
	if got.Role.RoleLastUsed == nil || got.Role.RoleLastUsed.LastUsedDate == nil {
		t.Fatal("RoleLastUsed not recorded")
	}
}

func TestAssumeRoleTrustMustAllowCaller(t *testing.T) {
	e := startServer(t, Options{})
	e.srv.AddAccount(otherAccount, "other-key", "other-secret")
	otherIAM, otherSTS := e.clients(t, "other-key", "other-secret", "")
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("gina")})
	must(t, err)
	_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("hank")})
	must(t, err)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/gina"},"Action":"sts:AssumeRole"}]}`
	_, err = e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("gina-only"), AssumeRolePolicyDocument: aws.String(trust), MaxSessionDuration: aws.Int32(7200)})
	must(t, err)
	roleARN := aws.String("arn:aws:iam::123456789012:role/gina-only")

	keyFor := func(user string) *sts.Client {
		k, err := e.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(user)})
		must(t, err)
		_, c := e.clients(t, *k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, "")
		return c
	}
	_, err = keyFor("hank").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN, RoleSessionName: aws.String("x1")})
	wantError(t, err, "AccessDenied", 403)
	_, err = otherSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN, RoleSessionName: aws.String("x1")})
	wantError(t, err, "AccessDenied", 403)
	_, err = e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/missing"), RoleSessionName: aws.String("x1")})
	wantError(t, err, "AccessDenied", 403)
	out, err := keyFor("gina").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN, RoleSessionName: aws.String("gina"), DurationSeconds: aws.Int32(7200)})
	must(t, err)
	if *out.AssumedRoleUser.Arn != "arn:aws:sts::123456789012:assumed-role/gina-only/gina" {
		t.Fatalf("arn = %s", *out.AssumedRoleUser.Arn)
	}
	_ = otherIAM
}

func TestAssumeRoleRequiresMFAWhenTrustSaysSo(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ivy")})
	must(t, err)
	must(t, enableMFA(t, e, "ivy", "ivy-phone"))
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/ivy"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`
	_, err = e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("mfa-role"), AssumeRolePolicyDocument: aws.String(trust)})
	must(t, err)
	k, err := e.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("ivy")})
	must(t, err)
	_, ivy := e.clients(t, *k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, "")
	roleARN := aws.String("arn:aws:iam::123456789012:role/mfa-role")
	_, err = ivy.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN, RoleSessionName: aws.String("no-mfa")})
	wantError(t, err, "AccessDenied", 403)

	e.srv.mu.Lock()
	seed := string(e.srv.accounts[testAccount].mfa[key("arn:aws:iam::123456789012:mfa/ivy-phone")].seed)
	e.srv.mu.Unlock()
	_, code := MFACodes(seed, time.Now())
	_, err = ivy.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN, RoleSessionName: aws.String("with-mfa"),
		SerialNumber: aws.String("arn:aws:iam::123456789012:mfa/ivy-phone"), TokenCode: aws.String(code)})
	must(t, err)

	// An MFA session from GetSessionToken carries MFA into AssumeRole.
	st, err := ivy.GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String("arn:aws:iam::123456789012:mfa/ivy-phone"), TokenCode: aws.String(code)})
	must(t, err)
	_, mfaSTS := e.clients(t, *st.Credentials.AccessKeyId, *st.Credentials.SecretAccessKey, *st.Credentials.SessionToken)
	id, err := mfaSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, err)
	if *id.Arn != "arn:aws:iam::123456789012:user/ivy" {
		t.Fatalf("session identity = %s", *id.Arn)
	}
	_, err = mfaSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: roleARN, RoleSessionName: aws.String("via-session")})
	must(t, err)
	_, err = mfaSTS.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantError(t, err, "AccessDenied", 403)
}

func TestGetSessionTokenRoot(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.sts.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(7200)})
	wantError(t, err, "ValidationError", 400)
	out, err := e.sts.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	must(t, err)
	_, s := e.clients(t, *out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	id, err := s.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, err)
	if *id.Arn != "arn:aws:iam::123456789012:root" {
		t.Fatalf("arn = %s", *id.Arn)
	}
}

func TestExpiredSessionRejected(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	var clock = now
	e := startServer(t, Options{Now: func() time.Time { return clock }})
	_, err := e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustAccount(testAccount))})
	must(t, err)
	out, err := e.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/r"), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(900)})
	must(t, err)
	c := out.Credentials
	_, s := e.clients(t, *c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
	_, err = s.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, err)
	e.srv.mu.Lock()
	clock = now.Add(time.Hour)
	e.srv.mu.Unlock()
	_, err = s.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantError(t, err, "ExpiredToken", 403)
}
