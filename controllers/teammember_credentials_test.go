package controllers_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/controllers"
	"github.com/iam-baseline/operator/internal/awslocal"
	"github.com/iam-baseline/operator/internal/credentials"
)

func TestTeamMemberAccessKeyRotation(t *testing.T) {
	ensureMembersBaseline(t)
	ns := newNamespace(t)
	tm := createMember(t, member(ns, "rotor", func(tm *iamv1.TeamMember) {
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: ptr.To(false)}
		tm.Spec.AccessKeys = &iamv1.AccessKeys{Enabled: true, MaxAge: &metav1.Duration{Duration: 48 * time.Hour}}
	}))
	waitMemberReady(t, tm)
	s, err := secret(t, ns, "rotor-access-key")
	if err != nil {
		t.Fatal(err)
	}
	oldID, oldSecret := string(s.Data[credentials.AccessKeyID]), string(s.Data[credentials.SecretAccessKey])

	// The key is three days old: the next pass rotates it.
	awsSrv.SetAccessKeyCreateDate(accountID, "rotor", oldID, time.Now().Add(-72*time.Hour))
	var newSecret string
	eventually(t, 30*time.Second, func() error {
		s, err := secret(t, ns, "rotor-access-key")
		if err != nil {
			return err
		}
		if id := string(s.Data[credentials.AccessKeyID]); id == oldID {
			return errNotYet
		}
		newSecret = string(s.Data[credentials.SecretAccessKey])
		keys := userKeys(t, "rotor")
		if len(keys) != 1 || keys[0] != string(s.Data[credentials.AccessKeyID]) {
			return fmt.Errorf("keys %v, Secret holds %s", keys, s.Data[credentials.AccessKeyID])
		}
		return nil
	})
	// The rotated key works: it signs requests as the user.
	id, _ := secret(t, ns, "rotor-access-key")
	who, err := iam.NewFromConfig(sdkConfig(t, string(id.Data[credentials.AccessKeyID]), newSecret)).GetUser(context.Background(), &iam.GetUserInput{})
	if err != nil || *who.User.UserName != "rotor" {
		t.Fatalf("the rotated key does not work: %v", err)
	}
	assertNoSecretLeak(t, ns, []string{oldSecret, newSecret}, tm)
	deleteAndWaitGone(t, tm)
}

func TestTeamMemberStrayKeysAreRemoved(t *testing.T) {
	ensureMembersBaseline(t)
	ctx := context.Background()
	ns := newNamespace(t)
	tm := createMember(t, member(ns, "tidy", func(tm *iamv1.TeamMember) {
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: ptr.To(false)}
		tm.Spec.AccessKeys = &iamv1.AccessKeys{Enabled: true}
	}))
	waitMemberReady(t, tm)
	held := userKeys(t, "tidy")[0]
	// A key nobody holds (made by hand, or by a pass whose Secret write failed).
	if _, err := iamClient(t).CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: awssdk.String("tidy")}); err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, func() error {
		if keys := userKeys(t, "tidy"); len(keys) != 1 || keys[0] != held {
			return fmt.Errorf("keys = %v, want only %s", keys, held)
		}
		return nil
	})
	// Keys off: the key and its Secret go.
	updateMember(t, tm, func(tm *iamv1.TeamMember) { tm.Spec.AccessKeys.Enabled = false })
	eventually(t, 30*time.Second, func() error {
		if keys := userKeys(t, "tidy"); len(keys) != 0 {
			return fmt.Errorf("keys = %v", keys)
		}
		if _, err := secret(t, ns, "tidy-access-key"); err == nil {
			return errNotYet
		}
		return nil
	})
	deleteAndWaitGone(t, tm)
}

func TestTeamMemberPasswordResetOnRequestOnly(t *testing.T) {
	ensureMembersBaseline(t)
	ctx := context.Background()
	ns := newNamespace(t)
	tm := createMember(t, member(ns, "forgetful", nil))
	waitMemberReady(t, tm)
	s, _ := secret(t, ns, "forgetful-console")
	first := string(s.Data[credentials.ConsolePassword])

	// The Secret is lost: the operator does not reset the password on its own.
	if err := k8s.Delete(ctx, s); err != nil {
		t.Fatal(err)
	}
	quiesce(t, 500*time.Millisecond)
	before := awsSrv.Calls()
	time.Sleep(resync + time.Second)
	if n := awsSrv.Calls().Since(before).Count("iam", "UpdateLoginProfile"); n != 0 {
		t.Fatalf("the password was reset without being asked (%d UpdateLoginProfile)", n)
	}
	if _, err := secret(t, ns, "forgetful-console"); err == nil {
		t.Fatal("the Secret came back with a password nobody asked for")
	}

	// The annotation asks for a reset: a new password, reset required, annotation gone.
	patch := client.MergeFrom(tm.DeepCopy())
	tm.Annotations = map[string]string{controllers.ResetPasswordAnnotation: "true"}
	if err := k8s.Patch(ctx, tm, patch); err != nil {
		t.Fatal(err)
	}
	var second string
	eventually(t, 30*time.Second, func() error {
		s, err := secret(t, ns, "forgetful-console")
		if err != nil {
			return err
		}
		second = string(s.Data[credentials.ConsolePassword])
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(tm), tm); err != nil {
			return err
		}
		if _, still := tm.Annotations[controllers.ResetPasswordAnnotation]; still {
			return errNotYet
		}
		return nil
	})
	if second == first || len(second) < 20 {
		t.Fatal("the reset did not issue a new password")
	}
	lp, err := iamClient(t).GetLoginProfile(ctx, &iam.GetLoginProfileInput{UserName: awssdk.String("forgetful")})
	if err != nil || !lp.LoginProfile.PasswordResetRequired {
		t.Fatalf("after the reset the login profile must require a new password: %+v %v", lp, err)
	}
	assertNoSecretLeak(t, ns, []string{first, second}, tm)
	deleteAndWaitGone(t, tm)
}

// TestTeamMembersUnderThrottling: with 20% of calls throttled and 5% failing, 50
// members with access keys all reach Ready, no user holds more than one key, and
// deleting them leaves nothing behind.
func TestTeamMembersUnderThrottling(t *testing.T) {
	ensureMembersBaseline(t)
	ns := newNamespace(t)
	awsSrv.SetFaults(awslocal.Faults{Seed: 42, ThrottleRate: 0.20, FailureRate: 0.05})
	defer awsSrv.SetFaults(awslocal.Faults{})

	const n = 50
	members := make([]*iamv1.TeamMember, n)
	for i := range members {
		members[i] = createMember(t, member(ns, fmt.Sprintf("crowd-%02d", i), func(tm *iamv1.TeamMember) {
			tm.Spec.Groups = []string{"developers"}
			tm.Spec.AccessKeys = &iamv1.AccessKeys{Enabled: true}
		}))
	}
	for _, tm := range members {
		waitCondition(t, tm, tmConds(tm), iamv1.ConditionReady, metav1.ConditionTrue, 3*time.Minute)
	}
	// The checks below read AWS with the SDK's default three attempts: no faults.
	awsSrv.SetFaults(awslocal.Faults{})
	outcomes := map[string]int{}
	for _, c := range awsSrv.Calls() {
		outcomes[c.Outcome]++
	}
	if outcomes["Throttling"] == 0 || outcomes["ServiceFailure"] == 0 {
		t.Fatalf("the faults were not injected: outcomes %v", outcomes)
	}
	var secrets []string
	for i := range members {
		name := fmt.Sprintf("crowd-%02d", i)
		if keys := userKeys(t, name); len(keys) != 1 {
			t.Errorf("%s holds %d keys, want 1", name, len(keys))
		}
		s, err := secret(t, ns, name+"-access-key")
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, string(s.Data[credentials.SecretAccessKey]))
		if c, err := secret(t, ns, name+"-console"); err == nil {
			secrets = append(secrets, string(c.Data[credentials.ConsolePassword]))
		}
	}
	// Deletion runs under the same faults.
	awsSrv.SetFaults(awslocal.Faults{Seed: 43, ThrottleRate: 0.20, FailureRate: 0.05})
	for _, tm := range members {
		if err := k8s.Delete(context.Background(), tm); err != nil {
			t.Fatal(err)
		}
	}
	for _, tm := range members {
		deleteAndWaitGone(t, tm)
	}
	awsSrv.SetFaults(awslocal.Faults{})
	for i := range members {
		if _, err := getUser(t, fmt.Sprintf("crowd-%02d", i)); err == nil {
			t.Errorf("crowd-%02d left behind after deletion", i)
		}
	}
	assertNoSecretLeak(t, ns, secrets)
}
