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

// TestTeamMemberAccessKeyRotation rotates a key with a grace period and stops the
// operator between every two steps (a refused Secret write after CreateAccessKey, a
// failed deactivation, a failed deletion): each time the next pass finishes the job
// from what AWS and the Secret hold, the Secret's key works throughout, and the user
// never holds more than two keys.
func TestTeamMemberAccessKeyRotation(t *testing.T) {
	ensureMembersBaseline(t)
	ctx := context.Background()
	ns := newNamespace(t)
	const grace = time.Hour
	tm := createMember(t, member(ns, "rotor", func(tm *iamv1.TeamMember) {
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: ptr.To(false)}
		tm.Spec.AccessKeys = &iamv1.AccessKeys{Enabled: true, MaxAge: &metav1.Duration{Duration: 48 * time.Hour},
			RotationGracePeriod: &metav1.Duration{Duration: grace}}
	}))
	waitMemberReady(t, tm)
	s, err := secret(t, ns, "rotor-access-key")
	if err != nil {
		t.Fatal(err)
	}
	oldID, oldSecret := string(s.Data[credentials.AccessKeyID]), string(s.Data[credentials.SecretAccessKey])
	var leaks = []string{oldSecret}
	// check runs at every step: at most two keys, and the Secret's key works.
	check := func() {
		t.Helper()
		if keys := userKeyStates(t, "rotor"); len(keys) > 2 {
			t.Fatalf("the user holds %d keys: %v", len(keys), keys)
		}
		s, err := secret(t, ns, "rotor-access-key")
		if err != nil {
			t.Fatal(err)
		}
		id, sk := string(s.Data[credentials.AccessKeyID]), string(s.Data[credentials.SecretAccessKey])
		who, err := iam.NewFromConfig(sdkConfig(t, id, sk)).GetUser(ctx, &iam.GetUserInput{})
		if err != nil || *who.User.UserName != "rotor" {
			t.Fatalf("the Secret's key %s does not work: %v", id, err)
		}
	}

	// Step 1 interrupted: the key is due, but the new key's Secret write is refused.
	// The Secret keeps the old key, which keeps working; the undelivered key is
	// deleted before the next one is made.
	denySecrets(t, ns)
	before := awsSrv.Calls()
	awsSrv.SetAccessKeyCreateDate(accountID, "rotor", oldID, time.Now().Add(-72*time.Hour))
	eventually(t, time.Minute, func() error {
		check()
		if n := awsSrv.Calls().Since(before).Count("iam", "CreateAccessKey"); n < 2 {
			return fmt.Errorf("%d CreateAccessKey so far", n)
		}
		return nil
	})
	if st := userKeyStates(t, "rotor"); st[oldID] != "Active" {
		t.Fatalf("the key in the Secret is %q during a failed rotation", st[oldID])
	}
	allowSecrets(t, ns)

	// Step 2: the new key is in the Secret, the old one stays active for the grace.
	var newID string
	eventually(t, time.Minute, func() error {
		check()
		s, err := secret(t, ns, "rotor-access-key")
		if err != nil {
			return err
		}
		if newID = string(s.Data[credentials.AccessKeyID]); newID == oldID {
			return errNotYet
		}
		leaks = append(leaks, string(s.Data[credentials.SecretAccessKey]))
		if st := userKeyStates(t, "rotor"); len(st) != 2 || st[oldID] != "Active" || st[newID] != "Active" {
			return fmt.Errorf("keys %v during the grace, want %s and %s both Active", st, oldID, newID)
		}
		return retiring(t, tm, oldID, "Active", newID)
	})
	// A fresh pass after a restart decides from AWS and the Secret alone: still two
	// keys, no key changed.
	quiesce(t, 500*time.Millisecond)
	before = awsSrv.Calls()
	time.Sleep(resync + 2*time.Second)
	for _, op := range []string{"CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey"} {
		if n := awsSrv.Calls().Since(before).Count("iam", op); n != 0 {
			t.Fatalf("%d %s during the grace", n, op)
		}
	}
	check()

	// Step 3 interrupted: the grace is over; the first deactivation fails.
	awsSrv.FailNext("UpdateAccessKey", 1)
	before = awsSrv.Calls()
	awsSrv.SetAccessKeyCreateDate(accountID, "rotor", newID, time.Now().Add(-grace-time.Minute))
	eventually(t, time.Minute, func() error {
		check()
		if st := userKeyStates(t, "rotor"); st[oldID] != "Inactive" || st[newID] != "Active" {
			return fmt.Errorf("keys %v, want %s Inactive", st, oldID)
		}
		return retiring(t, tm, oldID, "Inactive", newID)
	})
	if got := awsSrv.Calls().Since(before).Summary(); got["iam:UpdateAccessKey:ConcurrentModification"] != 1 || got["iam:UpdateAccessKey:ok"] != 1 {
		t.Fatalf("UpdateAccessKey calls %v, want one interrupted and one done", got)
	}
	// The old key no longer signs anything.
	if _, err := iam.NewFromConfig(sdkConfig(t, oldID, oldSecret)).GetUser(ctx, &iam.GetUserInput{}); err == nil {
		t.Fatal("the deactivated key still works")
	}

	// Step 4 interrupted: one more grace later the first deletion fails.
	awsSrv.FailNext("DeleteAccessKey", 1)
	before = awsSrv.Calls()
	awsSrv.SetAccessKeyCreateDate(accountID, "rotor", newID, time.Now().Add(-2*grace-time.Minute))
	eventually(t, time.Minute, func() error {
		check()
		if st := userKeyStates(t, "rotor"); len(st) != 1 || st[newID] != "Active" {
			return fmt.Errorf("keys %v, want only %s", st, newID)
		}
		return retiring(t, tm, "", "", newID)
	})
	if got := awsSrv.Calls().Since(before).Summary(); got["iam:DeleteAccessKey:ConcurrentModification"] != 1 || got["iam:DeleteAccessKey:ok"] != 1 {
		t.Fatalf("DeleteAccessKey calls %v, want one interrupted and one done", got)
	}
	assertNoSecretLeak(t, ns, leaks, tm)
	deleteAndWaitGone(t, tm)
}

// userKeyStates maps the user's access key IDs to their status.
func userKeyStates(t *testing.T, name string) map[string]string {
	t.Helper()
	out, err := iamClient(t).ListAccessKeys(context.Background(), &iam.ListAccessKeysInput{UserName: &name})
	if err != nil {
		t.Fatal(err)
	}
	st := map[string]string{}
	for _, k := range out.AccessKeyMetadata {
		st[*k.AccessKeyId] = string(k.Status)
	}
	return st
}

// retiring checks the member's status: the current key, and the retiring key with its
// status (none when id is empty).
func retiring(t *testing.T, tm *iamv1.TeamMember, id, status, current string) error {
	t.Helper()
	if err := k8s.Get(context.Background(), client.ObjectKeyFromObject(tm), tm); err != nil {
		return err
	}
	st := tm.Status
	if st.AccessKeyID != current || st.AccessKeyCreated == nil {
		return fmt.Errorf("status.accessKeyID = %q, want %q", st.AccessKeyID, current)
	}
	p := st.PreviousAccessKey
	switch {
	case id == "" && p != nil:
		return fmt.Errorf("status.previousAccessKey = %+v, want none", p)
	case id == "":
		return nil
	case p == nil || p.ID != id || p.Status != status || p.Created.IsZero() || !p.Until.After(time.Now()):
		return fmt.Errorf("status.previousAccessKey = %+v, want %s %s", p, id, status)
	}
	return nil
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
