package awslocal

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestPasswordPolicyAndLoginProfiles(t *testing.T) {
	e := startServer(t, Options{})
	_, err := e.iam.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	wantError(t, err, "NoSuchEntity", 404)
	_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("jane")})
	must(t, err)

	// Without a policy, AWS's default applies (8 chars, three classes).
	_, err = e.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("jane"), Password: aws.String("short")})
	wantError(t, err, "PasswordPolicyViolation", 400)

	_, err = e.iam.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{
		MinimumPasswordLength: aws.Int32(14), RequireSymbols: true, RequireNumbers: true,
		RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, AllowUsersToChangePassword: true,
		MaxPasswordAge: aws.Int32(90), PasswordReusePrevention: aws.Int32(24),
	})
	must(t, err)
	_, err = e.iam.UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(3)})
	wantError(t, err, "ValidationError", 400)
	pp, err := e.iam.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{})
	must(t, err)
	if *pp.PasswordPolicy.MinimumPasswordLength != 14 || !pp.PasswordPolicy.ExpirePasswords || *pp.PasswordPolicy.PasswordReusePrevention != 24 {
		t.Fatalf("policy = %+v", pp.PasswordPolicy)
	}

	for _, bad := range []string{"Aa1!short", "alllowercase1234!", "ALLUPPERCASE1234!", "NoNumbersHere!!!", "NoSymbols12345678"} {
		_, err = e.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("jane"), Password: aws.String(bad)})
		wantError(t, err, "PasswordPolicyViolation", 400)
	}
	lp, err := e.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("jane"), Password: aws.String("Corr3ct-Horse-Battery!"), PasswordResetRequired: true})
	must(t, err)
	if !lp.LoginProfile.PasswordResetRequired || *lp.LoginProfile.UserName != "jane" {
		t.Fatalf("login profile = %+v", lp.LoginProfile)
	}
	_, err = e.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("jane"), Password: aws.String("Corr3ct-Horse-Battery!")})
	wantError(t, err, "EntityAlreadyExists", 409)
	_, err = e.iam.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("jane"), Password: aws.String("weak")})
	wantError(t, err, "PasswordPolicyViolation", 400)
	_, err = e.iam.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("jane"), PasswordResetRequired: aws.Bool(false)})
	must(t, err)
	got, err := e.iam.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("jane")})
	must(t, err)
	if got.LoginProfile.PasswordResetRequired {
		t.Fatal("PasswordResetRequired still set")
	}
	_, err = e.iam.DeleteLoginProfile(ctx, &iam.DeleteLoginProfileInput{UserName: aws.String("jane")})
	must(t, err)
	_, err = e.iam.GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: aws.String("jane")})
	wantError(t, err, "NoSuchEntity", 404)

	_, err = e.iam.DeleteAccountPasswordPolicy(ctx, &iam.DeleteAccountPasswordPolicyInput{})
	must(t, err)
	_, err = e.iam.DeleteAccountPasswordPolicy(ctx, &iam.DeleteAccountPasswordPolicyInput{})
	wantError(t, err, "NoSuchEntity", 404)
}

func TestAccountAliases(t *testing.T) {
	e := startServer(t, Options{})
	e.srv.AddAccount(otherAccount, "other-key", "other-secret")
	otherIAM, _ := e.clients(t, "other-key", "other-secret", "")

	_, err := e.iam.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("Bad--Alias")})
	wantError(t, err, "ValidationError", 400)
	_, err = e.iam.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("acme-prod")})
	must(t, err)
	// One alias per account: creating another replaces it and releases the old name.
	_, err = e.iam.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("acme-prod-2")})
	must(t, err)
	out, err := e.iam.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	must(t, err)
	if len(out.AccountAliases) != 1 || out.AccountAliases[0] != "acme-prod-2" {
		t.Fatalf("aliases after replacing = %v", out.AccountAliases)
	}
	_, err = otherIAM.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("acme-prod-2")})
	wantError(t, err, "EntityAlreadyExists", 409)
	_, err = e.iam.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("acme-prod")})
	must(t, err)
	// A refused alias leaves the account's alias as it was.
	_, err = otherIAM.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("acme-prod")})
	wantError(t, err, "EntityAlreadyExists", 409)
	out, err = e.iam.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	must(t, err)
	if len(out.AccountAliases) != 1 || out.AccountAliases[0] != "acme-prod" {
		t.Fatalf("aliases = %v", out.AccountAliases)
	}
	_, err = e.iam.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String("acme-prod")})
	must(t, err)
	_, err = e.iam.DeleteAccountAlias(ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String("acme-prod")})
	wantError(t, err, "NoSuchEntity", 404)
	out, err = otherIAM.ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
	must(t, err)
	if len(out.AccountAliases) != 0 {
		t.Fatalf("other account aliases = %v", out.AccountAliases)
	}
}

func TestAccountSummary(t *testing.T) {
	e := startServer(t, Options{})
	summary := func() map[string]int32 {
		out, err := e.iam.GetAccountSummary(ctx, &iam.GetAccountSummaryInput{})
		must(t, err)
		return out.SummaryMap
	}
	if m := summary(); m["Users"] != 0 || m["AccountMFAEnabled"] != 0 || m["AccountAccessKeysPresent"] != 0 || m["UsersQuota"] != 5000 {
		t.Fatalf("empty summary = %v", m)
	}
	_, err := e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("u")})
	must(t, err)
	_, err = e.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("g")})
	must(t, err)
	_, err = e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustAccount(testAccount))})
	must(t, err)
	newTestPolicy(t, e, "p")
	must(t, enableMFA(t, e, "u", "u-mfa"))
	e.srv.SetRootAccountState(testAccount, true, true)
	m := summary()
	for k, want := range map[string]int32{"Users": 1, "Groups": 1, "Roles": 1, "Policies": 1, "MFADevices": 1, "MFADevicesInUse": 1, "AccountMFAEnabled": 1, "AccountAccessKeysPresent": 1} {
		if m[k] != want {
			t.Errorf("%s = %d, want %d", k, m[k], want)
		}
	}
}
