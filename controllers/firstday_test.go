package controllers_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/awslocal"
	"github.com/iam-baseline/operator/internal/credentials"
	"github.com/iam-baseline/operator/internal/onboarding"
)

// TestFirstDay plays a new member's first day as the person, against the operator's
// real output and a local AWS that authorises every request with the member's own
// policies: sign in with the initial password from the Secret, change it, find that
// nothing but self-service works, enrol a virtual MFA device with real TOTP codes,
// take the CLI profile from the onboarding ConfigMap, and assume the role through the
// SDK's own shared-config provider with the device's code.
func TestFirstDay(t *testing.T) {
	ctx := context.Background()
	ensureMembersBaseline(t)
	awsSrv.RequireAuthorization(accountID, true)
	t.Cleanup(func() { awsSrv.RequireAuthorization(accountID, false) })

	ns := newNamespace(t)
	user := ns + "-dana"
	tm := createMember(t, member(ns, "dana", func(tm *iamv1.TeamMember) {
		tm.Spec.UserName = user
		tm.Spec.Groups = []string{"developers"}
	}))
	ar := arCreate(t, arRole(ns, membersBaseline, "deployer", func(ar *iamv1.AssumableRole) {
		ar.Spec.MaxSessionDuration = 7200
		ar.Spec.ManagedPolicies = []string{"arn:aws:iam::aws:policy/IAMReadOnlyAccess"}
		ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "dana"}}
	}))
	waitMemberReady(t, tm)
	arWaitReady(t, ar)
	profileName := "acme-members-" + ns + "-deployer"
	waitOnboarding(t, ns, "dana-onboarding", func(_, cfg string) error {
		if !strings.Contains(cfg, "[profile "+profileName+"]") {
			return fmt.Errorf("no profile for the role yet:\n%s", cfg)
		}
		return nil
	})

	// 1. What the person is given: the Secret with user name, password and sign-in URL.
	s, err := secret(t, ns, "dana-console")
	if err != nil {
		t.Fatal(err)
	}
	signIn, err := url.Parse(string(s.Data[credentials.ConsoleSignInURL]))
	if err != nil {
		t.Fatal(err)
	}
	initial := string(s.Data[credentials.ConsolePassword])
	userName := string(s.Data[credentials.ConsoleUserName])
	if signIn.Host != "acme-members.signin.aws.amazon.com" || userName != user || initial == "" {
		t.Fatalf("console Secret: sign-in host %q, user %q, password of %d characters", signIn.Host, userName, len(initial))
	}
	// The sign-in page takes the alias or the account ID; other tests share this
	// account and may move its alias, so the person types the account ID.
	account := string(s.Data[credentials.ConsoleAccountID])

	// 2. First sign-in: the password must be changed before anything else.
	session, err := awsSrv.ConsoleSignIn(account, userName, initial, "")
	if err != nil {
		t.Fatal(err)
	}
	if !session.PasswordResetRequired {
		t.Fatal("the initial password does not have to be changed")
	}
	person := personClients(t, session)
	_, err = person.iam.GetUser(ctx, &iam.GetUserInput{})
	wantAccessDenied(t, err, "must change the password")
	const newPassword = "Dana-Own-Passw0rd-2026!"
	if _, err := person.iam.ChangePassword(ctx, &iam.ChangePasswordInput{OldPassword: &initial, NewPassword: awssdk.String(newPassword)}); err != nil {
		t.Fatal(err)
	}
	session, err = awsSrv.ConsoleSignIn(account, userName, newPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	person = personClients(t, session)

	// 3. Without MFA, the local AWS itself refuses everything outside self-service,
	//    the role included, and nothing is written.
	roleARN := ar.Status.ARN
	before := awsSrv.Calls()
	_, err = person.sts.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: awssdk.String(userName)})
	wantAccessDenied(t, err, "sts:AssumeRole")
	_, err = person.iam.ListUsers(ctx, &iam.ListUsersInput{})
	wantAccessDenied(t, err, "iam:ListUsers")
	_, err = person.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: awssdk.String(ns + "-mallory")})
	wantAccessDenied(t, err, "iam:CreateUser")
	_, err = person.iam.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: &userName, PolicyArn: awssdk.String("arn:aws:iam::aws:policy/AdministratorAccess")})
	wantAccessDenied(t, err, "iam:AttachUserPolicy")
	denied, written := 0, 0
	for _, c := range awsSrv.Calls().Since(before) {
		switch {
		case c.Outcome == "AccessDenied":
			denied++
		case c.Mutating && c.Outcome == "ok" && (c.Operation == "CreateUser" || c.Operation == "AttachUserPolicy" || c.Operation == "AssumeRole"):
			written++
		}
	}
	if denied != 4 || written != 0 {
		t.Fatalf("the call log shows %d AccessDenied (want 4) and %d writes of the refused kinds (want 0)", denied, written)
	}

	// 4. Enrol a virtual MFA device with two consecutive codes, as the console does.
	dev, err := person.iam.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: &userName})
	if err != nil {
		t.Fatal(err)
	}
	seed := string(dev.VirtualMFADevice.Base32StringSeed)
	code1, code2 := awslocal.MFACodes(seed, time.Now())
	if _, err := person.iam.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: &userName, SerialNumber: dev.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: &code1, AuthenticationCode2: &code2}); err != nil {
		t.Fatal(err)
	}
	serial := awssdk.ToString(dev.VirtualMFADevice.SerialNumber)

	// 5. The onboarding ConfigMap now names the device; the person copies the snippet.
	cm := waitOnboarding(t, ns, "dana-onboarding", func(_, cfg string) error {
		if !strings.Contains(cfg, "mfa_serial = "+serial) {
			return fmt.Errorf("mfa_serial not in the snippet yet:\n%s", cfg)
		}
		return nil
	})
	home := t.TempDir()
	configFile, credsFile := filepath.Join(home, "config"), filepath.Join(home, "credentials")
	writeFile(t, configFile, cm.Data[onboarding.KeyAWSConfig])
	writeFile(t, credsFile, fmt.Sprintf("[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n",
		"acme-members-"+userName, session.AccessKeyID, session.SecretAccessKey, session.SessionToken))

	// 6. The SDK reads the profile (role_arn, source_profile, mfa_serial,
	//    duration_seconds) and assumes the role with a code from the device.
	var askedFor string
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithSharedConfigFiles([]string{configFile}), config.WithSharedCredentialsFiles([]string{credsFile}),
		config.WithSharedConfigProfile(profileName), config.WithRegion("us-east-1"),
		config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) {
			o.Client = localSTS{o.Client}
			o.TokenProvider = func() (string, error) {
				askedFor = awssdk.ToString(o.SerialNumber)
				_, code := awslocal.MFACodes(seed, time.Now())
				return code, nil
			}
		}))
	if err != nil {
		t.Fatal(err)
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:sts::" + accountID + ":assumed-role/" + ar.Status.RoleName + "/" + userName; awssdk.ToString(id.Arn) != want || askedFor != serial {
		t.Fatalf("caller %s (want %s), MFA code asked for %q", awssdk.ToString(id.Arn), want, askedFor)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(creds.Expires); d < time.Hour+55*time.Minute || d > 2*time.Hour {
		t.Fatalf("role session lasts %s, want the role's 2h (duration_seconds)", d)
	}

	// 7. The role's permissions apply, and only those.
	roleIAM := iam.NewFromConfig(cfg)
	if _, err := roleIAM.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("the role allows iam:ListUsers: %v", err)
	}
	_, err = roleIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: awssdk.String(ns + "-mallory")})
	wantAccessDenied(t, err, "because no identity-based policy allows the iam:CreateUser action")

	// 8. Signed in again with the device, the MFA policy's deny no longer applies: what
	//    is refused now is refused only for want of a grant (the members' groups grant
	//    nothing in this account), no longer by an explicit deny.
	_, code := awslocal.MFACodes(seed, time.Now())
	if _, err := awsSrv.ConsoleSignIn(account, userName, newPassword, ""); err == nil {
		t.Fatal("with a device enrolled, sign-in without a code succeeded")
	}
	session, err = awsSrv.ConsoleSignIn(account, userName, newPassword, code)
	if err != nil {
		t.Fatal(err)
	}
	_, err = personClients(t, session).iam.ListRoles(ctx, &iam.ListRolesInput{})
	wantAccessDenied(t, err, "because no identity-based policy allows the iam:ListRoles action")
	assertNoSecretLeak(t, ns, []string{initial, newPassword, session.SecretAccessKey, creds.SecretAccessKey}, tm)
}

// localSTS sends the assume-role call of a shared-config profile to the local AWS:
// the SDK builds that STS client (with the source profile's credentials) before it
// resolves endpoint overrides such as AWS_ENDPOINT_URL.
type localSTS struct{ stscreds.AssumeRoleAPIClient }

func (c localSTS) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	return c.AssumeRoleAPIClient.AssumeRole(ctx, in, append(optFns, func(o *sts.Options) { o.BaseEndpoint = &awsURL })...)
}

type person struct {
	iam *iam.Client
	sts *sts.Client
}

func personClients(t *testing.T, c awslocal.ConsoleCredentials) person {
	cfg := sdkConfig(t, c.AccessKeyID, c.SecretAccessKey)
	cfg.Credentials = awssdk.NewCredentialsCache(staticSession(c))
	return person{iam: iam.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg)}
}

type staticSession awslocal.ConsoleCredentials

func (s staticSession) Retrieve(context.Context) (awssdk.Credentials, error) {
	return awssdk.Credentials{AccessKeyID: s.AccessKeyID, SecretAccessKey: s.SecretAccessKey, SessionToken: s.SessionToken,
		CanExpire: true, Expires: s.Expiration, Source: "console"}, nil
}

// wantAccessDenied fails unless err is the local AWS's AccessDenied mentioning what.
func wantAccessDenied(t *testing.T, err error, what string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || !strings.Contains(ae.ErrorMessage(), what) {
		t.Fatalf("want AccessDenied about %q, got %v", what, err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
