package awslocal

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/iam-baseline/operator/internal/policy"
)

// firstDayAccount makes what the operator makes for a member: the MFA-enforcement
// policy on a group, a developers group with ReadOnlyAccess, user erin in both with
// a console password that must be reset, and a role trusting erin with MFA.
func firstDayAccount(t *testing.T, e *testEnv) (roleARN string) {
	t.Helper()
	mfaDoc, err := policy.Marshal(policy.MFAEnforcement(""))
	must(t, err)
	p, err := e.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("mfa"), PolicyDocument: aws.String(mfaDoc)})
	must(t, err)
	for _, g := range []string{"mfa-required", "developers"} {
		_, err := e.iam.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(g)})
		must(t, err)
		_, err = e.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(g), UserName: aws.String("erin")})
		if err != nil && errorCode(err) == "NoSuchEntity" {
			_, err = e.iam.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("erin")})
			must(t, err)
			_, err = e.iam.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(g), UserName: aws.String("erin")})
		}
		must(t, err)
	}
	_, err = e.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("mfa-required"), PolicyArn: p.Policy.Arn})
	must(t, err)
	_, err = e.iam.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("developers"), PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")})
	must(t, err)
	_, err = e.iam.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{UserName: aws.String("erin"), Password: aws.String("Initial-Passw0rd!"), PasswordResetRequired: true})
	must(t, err)
	trustDoc, err := policy.Trust(policy.TrustInput{People: []string{"arn:aws:iam::" + testAccount + ":user/erin"}, RequireMFA: true})
	must(t, err)
	trust, err := policy.Marshal(trustDoc)
	must(t, err)
	r, err := e.iam.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("deployer"), AssumeRolePolicyDocument: aws.String(trust)})
	must(t, err)
	_, err = e.iam.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("deployer"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMReadOnlyAccess")})
	must(t, err)
	return *r.Role.Arn
}

func (e *testEnv) session(t *testing.T, c ConsoleCredentials) (*iam.Client, *sts.Client) {
	return e.clients(t, c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
}

func TestConsoleSignInChecksPasswordAndMFA(t *testing.T) {
	e := startServer(t, Options{})
	firstDayAccount(t, e)
	_, err := e.iam.CreateAccountAlias(ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("acme-first-day")})
	must(t, err)

	for _, bad := range [][3]string{
		{testAccount, "erin", "wrong"}, {testAccount, "nobody", "Initial-Passw0rd!"}, {"999999999999", "erin", "Initial-Passw0rd!"},
	} {
		if _, err := e.srv.ConsoleSignIn(bad[0], bad[1], bad[2], ""); !errors.Is(err, ErrSignInFailed) {
			t.Errorf("sign-in %v: %v, want ErrSignInFailed", bad, err)
		}
	}
	creds, err := e.srv.ConsoleSignIn("acme-first-day", "erin", "Initial-Passw0rd!", "")
	must(t, err)
	if !creds.PasswordResetRequired || !strings.HasPrefix(creds.AccessKeyID, "ASIA") || creds.SessionToken == "" {
		t.Fatalf("credentials %+v", creds)
	}
	ui, us := e.session(t, creds)
	id, err := us.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, err)
	if *id.Arn != "arn:aws:iam::"+testAccount+":user/erin" {
		t.Fatalf("caller %s", *id.Arn)
	}
	// Until the password is changed, nothing but the change works.
	_, err = ui.GetUser(ctx, &iam.GetUserInput{})
	wantError(t, err, "AccessDenied", 403)
	_, err = ui.ChangePassword(ctx, &iam.ChangePasswordInput{OldPassword: aws.String("Initial-Passw0rd!"), NewPassword: aws.String("Erins-Own-Passw0rd!")})
	must(t, err)
	_, err = ui.GetUser(ctx, &iam.GetUserInput{})
	must(t, err)
	if _, err := e.srv.ConsoleSignIn(testAccount, "erin", "Initial-Passw0rd!", ""); !errors.Is(err, ErrSignInFailed) {
		t.Fatalf("the initial password still signs in: %v", err)
	}

	// With a device enrolled, the console asks for a code: none or a wrong one fails.
	must(t, enableMFA(t, e, "erin", "erin-phone"))
	if _, err := e.srv.ConsoleSignIn(testAccount, "erin", "Erins-Own-Passw0rd!", ""); !errors.Is(err, ErrSignInFailed) {
		t.Fatalf("sign-in without a code after enrolment: %v", err)
	}
	if _, err := e.srv.ConsoleSignIn(testAccount, "erin", "Erins-Own-Passw0rd!", "000000"); !errors.Is(err, ErrSignInFailed) {
		t.Fatalf("sign-in with a wrong code: %v", err)
	}
}

// The request context of each kind of credentials, as the evaluator sees it.
func TestRequestContextKeys(t *testing.T) {
	s := New(Options{Now: func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) }})
	now := s.now()
	user := caller{accountID: testAccount, kind: callerUser, userName: "erin", userID: "AIDAERIN", userARN: "arn:aws:iam::" + testAccount + ":user/erin"}
	console := user
	console.temporary, console.console, console.issued = true, true, now.Add(-time.Minute)
	withMFA := console
	withMFA.mfa, withMFA.mfaTime = true, now.Add(-90*time.Second)
	role := caller{accountID: testAccount, kind: callerRole, roleName: "deployer", roleID: "AROADEPLOY", roleARN: "arn:aws:iam::" + testAccount + ":role/deployer",
		sessionName: "erin", temporary: true, issued: now, mfa: true, mfaTime: now}
	for _, tc := range []struct {
		name   string
		who    caller
		inReq  bool
		mfa    []string
		age    []string
		user   []string
		userID string
		pARN   string
	}{
		{"long-term key", user, false, nil, nil, []string{"erin"}, "AIDAERIN", user.userARN},
		{"console without MFA", console, false, []string{"false"}, nil, []string{"erin"}, "AIDAERIN", user.userARN},
		{"console with MFA", withMFA, false, []string{"true"}, []string{"90"}, []string{"erin"}, "AIDAERIN", user.userARN},
		{"code in this request", console, true, []string{"true"}, []string{"0"}, []string{"erin"}, "AIDAERIN", user.userARN},
		{"role session", role, false, []string{"true"}, []string{"0"}, nil, "AROADEPLOY:erin", role.roleARN},
	} {
		c := &call{s: s, caller: tc.who, now: now, region: "us-east-1", service: "iam"}
		k := c.requestKeys(tc.inReq)
		if !equalStrings(k["aws:multifactorauthpresent"], tc.mfa) || !equalStrings(k["aws:multifactorauthage"], tc.age) ||
			!equalStrings(k["aws:username"], tc.user) || k["aws:userid"][0] != tc.userID || k["aws:principalarn"][0] != tc.pARN ||
			k["aws:currenttime"][0] != "2026-11-30T09:00:00Z" {
			t.Errorf("%s: keys %v", tc.name, k)
		}
		if _, ok := k["aws:tokenissuetime"]; ok != tc.who.temporary {
			t.Errorf("%s: aws:TokenIssueTime present %v, temporary %v", tc.name, ok, tc.who.temporary)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// In an account that requires it, each request is decided by the caller's own
// policies: the MFA policy denies a password-only session everything but
// self-service, and the same session with MFA gets its group's grants.
func TestAuthorizationFollowsTheCallersPolicies(t *testing.T) {
	e := startServer(t, Options{})
	roleARN := firstDayAccount(t, e)
	_, err := e.iam.UpdateLoginProfile(ctx, &iam.UpdateLoginProfileInput{UserName: aws.String("erin"), PasswordResetRequired: aws.Bool(false)})
	must(t, err)
	e.srv.RequireAuthorization(testAccount, true)

	creds, err := e.srv.ConsoleSignIn(testAccount, "erin", "Initial-Passw0rd!", "")
	must(t, err)
	ui, us := e.session(t, creds)
	_, err = ui.ListUsers(ctx, &iam.ListUsersInput{})
	wantError(t, err, "AccessDenied", 403)
	if !strings.Contains(err.Error(), "User: arn:aws:iam::"+testAccount+":user/erin is not authorized to perform: iam:ListUsers on resource: * with an explicit deny") {
		t.Fatalf("message: %v", err)
	}
	_, err = us.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("erin")})
	wantError(t, err, "AccessDenied", 403)

	// Self-service works: the person enrols a device with their own session.
	dev, err := ui.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: aws.String("erin")})
	must(t, err)
	c1, c2 := MFACodes(string(dev.VirtualMFADevice.Base32StringSeed), time.Now())
	_, err = ui.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: aws.String("erin"), SerialNumber: dev.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: aws.String(c1), AuthenticationCode2: aws.String(c2)})
	must(t, err)

	// The password-only session may now assume the role with a code in the request.
	_, code := MFACodes(string(dev.VirtualMFADevice.Base32StringSeed), time.Now())
	out, err := us.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("erin"),
		SerialNumber: dev.VirtualMFADevice.SerialNumber, TokenCode: aws.String(code)})
	must(t, err)
	ri, _ := e.clients(t, *out.Credentials.AccessKeyId, *out.Credentials.SecretAccessKey, *out.Credentials.SessionToken)
	_, err = ri.ListUsers(ctx, &iam.ListUsersInput{}) // IAMReadOnlyAccess
	must(t, err)
	_, err = ri.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
	wantError(t, err, "AccessDenied", 403)
	if !strings.Contains(err.Error(), "because no identity-based policy allows the iam:CreateUser action") {
		t.Fatalf("message: %v", err)
	}

	// Signed in with MFA, the group's ReadOnlyAccess applies.
	creds, err = e.srv.ConsoleSignIn(testAccount, "erin", "Initial-Passw0rd!", code)
	must(t, err)
	ui, _ = e.session(t, creds)
	_, err = ui.ListUsers(ctx, &iam.ListUsersInput{})
	must(t, err)

	// Off again, the same session is not asked.
	e.srv.RequireAuthorization(testAccount, false)
	_, err = ui.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
	must(t, err)
}

// Long-term keys carry no MFA key at all: the MFA policy's BoolIfExists denies them.
func TestAuthorizationLongTermKeysWithoutMFA(t *testing.T) {
	e := startServer(t, Options{})
	firstDayAccount(t, e)
	k, err := e.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("erin")})
	must(t, err)
	e.srv.RequireAuthorization(testAccount, true)
	ki, _ := e.clients(t, *k.AccessKey.AccessKeyId, *k.AccessKey.SecretAccessKey, "")
	_, err = ki.ListRoles(ctx, &iam.ListRolesInput{})
	wantError(t, err, "AccessDenied", 403)
	// Root (the configured credentials) is never refused.
	_, err = e.iam.ListRoles(ctx, &iam.ListRolesInput{})
	must(t, err)
}

func TestConsoleSignInAndAuthorizationOverHTTP(t *testing.T) {
	e := startServer(t, Options{})
	firstDayAccount(t, e)
	post := func(method, path string, body any) *http.Response {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, e.url+path, bytes.NewReader(b))
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		return resp
	}
	resp := post(http.MethodPost, "/_awslocal/console-signin", map[string]string{"account": testAccount, "userName": "erin", "password": "nope"})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: HTTP %d", resp.StatusCode)
	}
	_ = resp.Body.Close()
	resp = post(http.MethodPost, "/_awslocal/console-signin", map[string]string{"account": testAccount, "userName": "erin", "password": "Initial-Passw0rd!"})
	var creds ConsoleCredentials
	must(t, json.NewDecoder(resp.Body).Decode(&creds))
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || creds.SessionToken == "" || !creds.PasswordResetRequired {
		t.Fatalf("HTTP %d %+v", resp.StatusCode, creds)
	}
	resp = post(http.MethodPut, "/_awslocal/authorization", map[string]any{"account": testAccount, "enabled": true})
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !e.srv.authorizing[testAccount] {
		t.Fatalf("authorization: HTTP %d", resp.StatusCode)
	}
}

// The resource each kind of call is authorised against.
func TestRequestResource(t *testing.T) {
	s := New(Options{})
	acct := s.accountLocked(testAccount)
	acct.users["erin"] = &user{name: "erin", path: "/eng/"}
	acct.groups["devs"] = &group{name: "devs", path: "/"}
	acct.roles["deployer"] = &role{name: "deployer", path: "/team/"}
	erin := caller{accountID: testAccount, kind: callerUser, userName: "erin", userARN: "arn:aws:iam::" + testAccount + ":user/eng/erin"}
	p := func(kv ...string) params {
		out := params{}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = []string{kv[i+1]}
		}
		return out
	}
	for _, tc := range []struct {
		service, op string
		params      params
		want        string
	}{
		{"iam", "ChangePassword", p(), "arn:aws:iam::" + testAccount + ":user/eng/erin"},
		{"iam", "GetLoginProfile", p("UserName", "frank"), "arn:aws:iam::" + testAccount + ":user/frank"},
		{"iam", "CreateUser", p("UserName", "frank", "Path", "/ops/"), "arn:aws:iam::" + testAccount + ":user/ops/frank"},
		{"iam", "EnableMFADevice", p("UserName", "erin", "SerialNumber", "arn:aws:iam::"+testAccount+":mfa/erin"), "arn:aws:iam::" + testAccount + ":user/eng/erin"},
		{"iam", "AttachUserPolicy", p("UserName", "erin", "PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"), "arn:aws:iam::" + testAccount + ":user/eng/erin"},
		{"iam", "AddUserToGroup", p("UserName", "erin", "GroupName", "devs"), "arn:aws:iam::" + testAccount + ":group/devs"},
		{"iam", "UpdateAssumeRolePolicy", p("RoleName", "deployer"), "arn:aws:iam::" + testAccount + ":role/team/deployer"},
		{"iam", "CreatePolicyVersion", p("PolicyArn", "arn:aws:iam::"+testAccount+":policy/mfa"), "arn:aws:iam::" + testAccount + ":policy/mfa"},
		{"iam", "CreateVirtualMFADevice", p("VirtualMFADeviceName", "erin"), "arn:aws:iam::" + testAccount + ":mfa/erin"},
		{"iam", "DeleteVirtualMFADevice", p("SerialNumber", "arn:aws:iam::"+testAccount+":mfa/erin"), "arn:aws:iam::" + testAccount + ":mfa/erin"},
		{"iam", "ListUsers", p(), "*"},
		{"sts", "AssumeRole", p("RoleArn", "arn:aws:iam::"+testAccount+":role/team/deployer"), "arn:aws:iam::" + testAccount + ":role/team/deployer"},
		{"sts", "GetSessionToken", p(), "*"},
	} {
		c := &call{s: s, acct: acct, caller: erin, p: tc.params, service: tc.service}
		if got := c.requestResource(tc.op); got != tc.want {
			t.Errorf("%s:%s %v: resource %s, want %s", tc.service, tc.op, tc.params, got, tc.want)
		}
	}
}
