package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/awslocal"
	"github.com/iam-baseline/operator/internal/credentials"
	"github.com/iam-baseline/operator/internal/policy"
)

// mfaSwitcher is a user with an enabled virtual MFA device and an access key.
type mfaSwitcher struct{ user, keyID, secretKey, seed, serial string }

// enrolSwitcherMFA enables a virtual MFA device for user of the main account.
func enrolSwitcherMFA(t *testing.T, user, keyID, secretKey string) mfaSwitcher {
	t.Helper()
	return enrolSwitcherMFAIn(t, iamClient(t), user, keyID, secretKey)
}

// enrolSwitcherMFAIn enables a virtual MFA device for user, through c (an admin of
// the user's account).
func enrolSwitcherMFAIn(t *testing.T, c *iam.Client, user, keyID, secretKey string) mfaSwitcher {
	t.Helper()
	ctx := context.Background()
	dev, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{VirtualMFADeviceName: awssdk.String(user)})
	if err != nil {
		t.Fatal(err)
	}
	seed := string(dev.VirtualMFADevice.Base32StringSeed)
	code1, code2 := awslocal.MFACodes(seed, time.Now())
	if _, err := c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: &user, SerialNumber: dev.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: &code1, AuthenticationCode2: &code2}); err != nil {
		t.Fatal(err)
	}
	return mfaSwitcher{user: user, keyID: keyID, secretKey: secretKey, seed: seed, serial: awssdk.ToString(dev.VirtualMFADevice.SerialNumber)}
}

// assume calls sts:AssumeRole with the user's key and a fresh MFA code.
func (m mfaSwitcher) assume(t *testing.T, roleARN string) error {
	t.Helper()
	code, _ := awslocal.MFACodes(m.seed, time.Now().Add(time.Minute))
	_, err := sts.NewFromConfig(sdkConfig(t, m.keyID, m.secretKey)).AssumeRole(context.Background(), &sts.AssumeRoleInput{
		RoleArn: &roleARN, RoleSessionName: awssdk.String("switch"), SerialNumber: &m.serial, TokenCode: &code})
	return err
}

// Item 6: a role trusted by 100 members stays within IAM's 2,048-character trust
// quota (people compacted, not widened): a listed member with MFA may assume it, a
// user of the same account who is not listed may not, even with MFA and an identity
// policy allowing sts:AssumeRole on everything.
func TestMonthOneHundredMembersOneRole(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	ab := arBaseline(t, ns, nil)
	const n = 100
	labels := map[string]string{"team": "big"}
	for i := range n {
		tm := arMemberObject(ns, ab, fmt.Sprintf("m%03d", i), labels)
		if i == 0 {
			tm.Spec.AccessKeys = &iamv1.AccessKeys{Enabled: true}
		}
		if err := k8s.Create(ctx, tm); err != nil {
			t.Fatal(err)
		}
	}
	ar := arCreate(t, arRole(ns, ab, "wide", func(ar *iamv1.AssumableRole) {
		ar.Spec.Trust.TeamMemberSelector = &metav1.LabelSelector{MatchLabels: labels}
	}))
	eventually(t, 5*time.Minute, func() error {
		got := &iamv1.AssumableRole{}
		*got = *ar
		c := condition(t, got, arConds(got), iamv1.ConditionReady)
		if c == nil || c.Status != metav1.ConditionTrue || len(got.Status.TrustedMembers) != n {
			return fmt.Errorf("role: %d of %d members trusted, Ready %+v", len(got.Status.TrustedMembers), n, c)
		}
		*ar = *got
		return nil
	})
	trust := decodedTrust(t, ar.Spec.RoleName)
	if size := policy.Size(trust); size > policy.TrustPolicyQuota {
		t.Fatalf("trust policy is %d characters, over IAM's %d", size, policy.TrustPolicyQuota)
	}
	if !strings.Contains(trust, "aws:username") || strings.Contains(trust, ":user/"+ns) {
		t.Fatalf("trust of 100 members not compacted: %s", trust)
	}
	// AWS's evaluator proves the compacted trust: each of the 100 with MFA may
	// assume, without MFA not, an unlisted member not.
	waitProof(t, ar, func() []metav1.Condition { return ar.Status.Conditions }, iamv1.ConditionTrustVerified, metav1.ConditionTrue, "requests proven")
	// Observe reads the compacted trust back: all 100 trusted, nothing drifted.
	arUpdate(t, ar, func(ar *iamv1.AssumableRole) { ar.Spec.ManagementPolicy = iamv1.ManagementPolicyObserve })
	eventually(t, monthWait, func() error {
		got := &iamv1.AssumableRole{}
		*got = *ar
		c := condition(t, got, arConds(got), iamv1.ConditionDrifted)
		if got.Status.ObservedGeneration != got.Generation || c == nil || c.Status != metav1.ConditionFalse || len(got.Status.TrustedMembers) != n {
			return fmt.Errorf("observed: %d of %d members trusted, Drifted %+v", len(got.Status.TrustedMembers), n, c)
		}
		return nil
	})
	arUpdate(t, ar, func(ar *iamv1.AssumableRole) { ar.Spec.ManagementPolicy = iamv1.ManagementPolicyEnforce })

	// A listed member, with MFA, may switch in.
	member0 := ns + "-m000"
	var keyID, secretKey string
	eventually(t, monthWait, func() error {
		s, err := secret(t, ns, "m000-access-key")
		if err != nil {
			return err
		}
		keyID, secretKey = string(s.Data[credentials.AccessKeyID]), string(s.Data[credentials.SecretAccessKey])
		return nil
	})
	m0 := enrolSwitcherMFA(t, member0, keyID, secretKey)
	eventually(t, monthWait, func() error { return m0.assume(t, ar.Status.ARN) })

	// An intruder of the same account, with MFA and sts:AssumeRole on *, may not.
	c := iamClient(t)
	intruder := ns + "-intruder"
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: &intruder}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: &intruder, PolicyName: awssdk.String("assume-all"),
		PolicyDocument: awssdk.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: &intruder})
	if err != nil {
		t.Fatal(err)
	}
	err = enrolSwitcherMFA(t, intruder, awssdk.ToString(key.AccessKey.AccessKeyId), awssdk.ToString(key.AccessKey.SecretAccessKey)).assume(t, ar.Status.ARN)
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Fatalf("a user not in the trust assumed the role: %v", err)
	}
}

// decodedTrust reads a role's trust policy from the local AWS, decoded.
func decodedTrust(t *testing.T, role string) string {
	t.Helper()
	out, err := iamClient(t).GetRole(context.Background(), &iam.GetRoleInput{RoleName: &role})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse(awssdk.ToString(out.Role.AssumeRolePolicyDocument))
	if err != nil {
		t.Fatal(err)
	}
	s, err := policy.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
