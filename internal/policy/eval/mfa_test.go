package eval

import (
	"testing"

	"github.com/iam-baseline/operator/internal/policy"
)

// The operator's MFA policy, evaluated against the attacks of issue #11, next
// to AWS's ReadOnlyAccess and an admin grant the member's groups may carry.
func TestMFAEnforcementPolicyHoldsAgainstTheAttacks(t *testing.T) {
	mfa := Policy{ID: "force-mfa", Kind: Identity, Document: policy.MFAEnforcement("aws")}
	readOnly := Policy{ID: "ReadOnlyAccess", Kind: Identity, Document: doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*","s3:Get*"],"Resource":"*"}]}`)}
	admin := Policy{ID: "AdministratorAccess", Kind: Identity, Document: doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}
	const (
		me     = "arn:aws:iam::111122223333:user/alice"
		mePath = "arn:aws:iam::111122223333:user/eng/alice"
		other  = "arn:aws:iam::111122223333:user/bob"
		device = "arn:aws:iam::111122223333:mfa/alice-phone"
	)
	keys := func(name string, mfa ...string) map[string][]string {
		ctx := map[string][]string{"aws:username": {name}}
		if len(mfa) > 0 {
			ctx["aws:MultiFactorAuthPresent"] = mfa
		}
		return ctx
	}
	leaked := keys("alice")           // long-term keys: no MFA key at all
	console := keys("alice", "false") // password-only console session
	withMFA := keys("alice", "true")  // signed in with MFA
	tests := []struct {
		name     string
		resource string
		action   string
		ctx      map[string][]string
		policies []Policy
		want     Verdict
	}{
		{"leaked keys cannot create a device", device, "iam:CreateVirtualMFADevice", leaked, []Policy{mfa}, ExplicitDeny},
		{"leaked keys cannot enable a device", me, "iam:EnableMFADevice", leaked, []Policy{mfa}, ExplicitDeny},
		{"leaked keys cannot resync a device", me, "iam:ResyncMFADevice", leaked, []Policy{mfa}, ExplicitDeny},
		{"leaked keys get nothing else even with admin", "*", "s3:ListAllMyBuckets", leaked, []Policy{mfa, admin}, ExplicitDeny},
		{"console enrolment: create", device, "iam:CreateVirtualMFADevice", console, []Policy{mfa}, Allowed},
		{"console enrolment: enable", me, "iam:EnableMFADevice", console, []Policy{mfa}, Allowed},
		{"console enrolment: own user with a path", mePath, "iam:EnableMFADevice", console, []Policy{mfa}, Allowed},
		{"first sign-in: change password", me, "iam:ChangePassword", console, []Policy{mfa}, Allowed},
		{"first sign-in: password policy", "*", "iam:GetAccountPasswordPolicy", console, []Policy{mfa}, Allowed},
		{"self-service: GetMFADevice", me, "iam:GetMFADevice", console, []Policy{mfa}, Allowed},
		{"another user's login profile with ReadOnlyAccess", other, "iam:GetLoginProfile", console, []Policy{mfa, readOnly}, ExplicitDeny},
		{"another user's MFA devices with ReadOnlyAccess", other, "iam:ListMFADevices", console, []Policy{mfa, readOnly}, ExplicitDeny},
		{"enable MFA on another user with admin", other, "iam:EnableMFADevice", console, []Policy{mfa, admin}, ExplicitDeny},
		{"resync MFA on another user with admin", other, "iam:ResyncMFADevice", console, []Policy{mfa, admin}, ExplicitDeny},
		{"no MFA: nothing else", "*", "s3:ListAllMyBuckets", console, []Policy{mfa, admin}, ExplicitDeny},
		{"deactivate needs MFA", me, "iam:DeactivateMFADevice", console, []Policy{mfa}, ExplicitDeny},
		{"with MFA: group grants apply", other, "iam:GetLoginProfile", withMFA, []Policy{mfa, readOnly}, Allowed},
		{"with MFA: deactivate own device", me, "iam:DeactivateMFADevice", withMFA, []Policy{mfa}, Allowed},
		{"with MFA: more devices", device, "iam:CreateVirtualMFADevice", withMFA, []Policy{mfa}, Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(Request{Principal: me, Action: tt.action, Resource: tt.resource, Context: tt.ctx}, tt.policies)
			if got.Verdict != tt.want {
				t.Fatalf("%s on %s: %s, want %s (matched %v)", tt.action, tt.resource, got.Verdict, tt.want, got.Matched)
			}
		})
	}
}

// A person can switch into a role that also trusts a third-party account
// with an external ID; the account must present it.
func TestTrustWithExternalIDLetsPeopleIn(t *testing.T) {
	d, err := policy.Trust(policy.TrustInput{
		People: []string{"arn:aws:iam::111122223333:user/alice"}, Accounts: []string{"444455556666"},
		RequireMFA: true, ExternalID: "vendor-42",
	})
	if err != nil {
		t.Fatal(err)
	}
	trust := Policy{ID: "trust", Kind: Resource, Document: d}
	assume := Policy{ID: "assume", Kind: Identity, Document: doc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)}
	role := "arn:aws:iam::111122223333:role/shared"
	person := func(ctx map[string][]string) Verdict {
		return Evaluate(Request{Principal: "arn:aws:iam::111122223333:user/alice", Action: "sts:AssumeRole", Resource: role, Context: ctx}, []Policy{assume, trust}).Verdict
	}
	vendor := func(ctx map[string][]string) Verdict {
		return Evaluate(Request{Principal: "arn:aws:iam::444455556666:role/app", Action: "sts:AssumeRole", Resource: role, Context: ctx}, []Policy{assume, trust}).Verdict
	}
	if v := person(map[string][]string{"aws:MultiFactorAuthPresent": {"true"}}); v != Allowed {
		t.Errorf("person with MFA, no external ID: %s", v)
	}
	if v := person(map[string][]string{"aws:MultiFactorAuthPresent": {"false"}}); v != ImplicitDeny {
		t.Errorf("person without MFA: %s", v)
	}
	if v := vendor(map[string][]string{"aws:MultiFactorAuthPresent": {"true"}, "sts:ExternalId": {"vendor-42"}}); v != Allowed {
		t.Errorf("account with the external ID: %s", v)
	}
	if v := vendor(map[string][]string{"aws:MultiFactorAuthPresent": {"true"}}); v != ImplicitDeny {
		t.Errorf("account without the external ID: %s", v)
	}
}
