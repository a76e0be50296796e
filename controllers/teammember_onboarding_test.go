package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/credentials"
	"github.com/iam-baseline/operator/internal/onboarding"
)

func onboardingConfigMap(t *testing.T, ns, name string) (*corev1.ConfigMap, error) {
	t.Helper()
	cm := &corev1.ConfigMap{}
	err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, cm)
	return cm, err
}

// waitOnboarding waits until the member's onboarding ConfigMap satisfies ok.
func waitOnboarding(t *testing.T, ns, name string, ok func(text, cfg string) error) *corev1.ConfigMap {
	t.Helper()
	var cm *corev1.ConfigMap
	eventually(t, arWait, func() error {
		var err error
		if cm, err = onboardingConfigMap(t, ns, name); err != nil {
			return err
		}
		return ok(cm.Data[onboarding.KeyText], cm.Data[onboarding.KeyAWSConfig])
	})
	return cm
}

// The companion ConfigMap follows the member: the role's profile appears when the
// role trusts the member, mfa_serial when a device is enrolled; it holds no secret
// and is not rewritten while nothing changes.
func TestTeamMemberOnboardingConfigMap(t *testing.T) {
	ctx := context.Background()
	ensureMembersBaseline(t)
	ns := newNamespace(t)
	user := ns + "-alice"
	tm := createMember(t, member(ns, "alice", func(tm *iamv1.TeamMember) { tm.Spec.UserName = user }))
	waitMemberReady(t, tm)
	if tm.Status.OnboardingConfigMapName != "alice-onboarding" {
		t.Fatalf("status.onboardingConfigMapName = %q", tm.Status.OnboardingConfigMapName)
	}
	cm := waitOnboarding(t, ns, "alice-onboarding", func(text, _ string) error {
		if !strings.Contains(text, "No role trusts you yet") {
			return fmt.Errorf("text: %s", text)
		}
		return nil
	})
	if !metav1.IsControlledBy(cm, tm) || cm.Labels[credentials.LabelTeamMember] != "alice" {
		t.Fatalf("ConfigMap owner %v labels %v", cm.OwnerReferences, cm.Labels)
	}
	for _, want := range []string{"https://acme-members.signin.aws.amazon.com/console", "User name: " + user,
		"Secret " + ns + "/alice-console", "You must choose a new password", "Assign MFA device"} {
		if !strings.Contains(cm.Data[onboarding.KeyText], want) {
			t.Errorf("onboarding text lacks %q:\n%s", want, cm.Data[onboarding.KeyText])
		}
	}

	// A role that trusts alice: its profile appears, with the role's maximum session.
	ar := arCreate(t, arRole(ns, membersBaseline, "deployer", func(ar *iamv1.AssumableRole) {
		ar.Spec.MaxSessionDuration = 7200
		ar.Spec.Trust.TeamMembers = []iamv1.TeamMemberReference{{Name: "alice"}}
	}))
	arWaitReady(t, ar)
	profile := "[profile acme-members-" + ns + "-deployer]"
	waitOnboarding(t, ns, "alice-onboarding", func(text, cfg string) error {
		if !strings.Contains(cfg, profile) || !strings.Contains(cfg, "role_arn = "+ar.Status.ARN) ||
			!strings.Contains(cfg, "duration_seconds = 7200") || !strings.Contains(text, ar.Status.SwitchRoleURL) {
			return fmt.Errorf("role not in the onboarding yet:\n%s\n%s", text, cfg)
		}
		if strings.Contains(cfg, "mfa_serial =") {
			return fmt.Errorf("mfa_serial before enrolment:\n%s", cfg)
		}
		return nil
	})

	// The person enrols a device; the next resync puts its ARN on status and in the profile.
	enrolMFA(t, user)
	serial := "arn:aws:iam::" + accountID + ":mfa/" + user
	cm = waitOnboarding(t, ns, "alice-onboarding", func(text, cfg string) error {
		if !strings.Contains(cfg, "mfa_serial = "+serial) || !strings.Contains(text, "Done: your MFA device is "+serial) {
			return fmt.Errorf("MFA device not in the onboarding yet:\n%s\n%s", text, cfg)
		}
		return nil
	})
	// Status is patched at the end of the same reconcile that wrote the ConfigMap.
	eventually(t, arWait, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(tm), tm); err != nil {
			return err
		}
		if tm.Status.MFASerial != serial || !tm.Status.MFAEnrolled {
			return fmt.Errorf("status mfaSerial %q enrolled %v", tm.Status.MFASerial, tm.Status.MFAEnrolled)
		}
		return nil
	})

	// No secret: the initial password is named, never copied.
	s, err := secret(t, ns, "alice-console")
	if err != nil {
		t.Fatal(err)
	}
	password := string(s.Data[credentials.ConsolePassword])
	if password == "" {
		t.Fatal("no password in the console Secret")
	}
	for k, v := range cm.Data {
		if strings.Contains(v, password) {
			t.Fatalf("the initial password is in the ConfigMap (key %s)", k)
		}
	}

	// Steady state: two resyncs of the member (each reads its login profile; MFA
	// now comes from the account snapshot), no ConfigMap write.
	rv := cm.ResourceVersion
	before := awsSrv.Calls()
	eventually(t, 30*time.Second, func() error {
		if awsSrv.Calls().Since(before).Count("iam", "GetLoginProfile") < 2 {
			return errNotYet
		}
		return nil
	})
	if cm, _ = onboardingConfigMap(t, ns, "alice-onboarding"); cm.ResourceVersion != rv {
		t.Fatalf("the ConfigMap was rewritten with unchanged content (resourceVersion %s -> %s)", rv, cm.ResourceVersion)
	}

	// Without the role, its profile goes.
	arDeleteAndWait(t, ar)
	waitOnboarding(t, ns, "alice-onboarding", func(_, cfg string) error {
		if strings.Contains(cfg, profile) {
			return fmt.Errorf("profile of a deleted role is still there:\n%s", cfg)
		}
		return nil
	})
}

// A ConfigMap of the same name that belongs to someone else is never overwritten.
func TestTeamMemberOnboardingConfigMapClash(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	memberStalledByForeign(t, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "carol-onboarding", Namespace: ns}, Data: map[string]string{"mine": "yes"}},
		"ConfigMap", "carol", false)
	got, err := onboardingConfigMap(t, ns, "carol-onboarding")
	if err != nil || len(got.Data) != 1 || got.Data["mine"] != "yes" {
		t.Fatalf("the foreign ConfigMap was changed: %v %v", got.Data, err)
	}
	if _, err := iamClient(t).GetUser(ctx, &iam.GetUserInput{UserName: awssdk.String(ns + "-carol")}); err != nil {
		t.Fatalf("the user itself should still be converged: %v", err)
	}
}

// A Secret of the console Secret's name that belongs to someone else is never
// overwritten, and no password is issued into it: the member creates its Secret
// without reading first, meets this one, reads it, and stops.
func TestTeamMemberConsoleSecretClash(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	foreign := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "dora-console", Namespace: ns}, Data: map[string][]byte{"mine": []byte("yes")}}
	snap := awsSrv.Calls()
	memberStalledByForeign(t, foreign, "Secret", "dora", true)
	got := &corev1.Secret{}
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(foreign), got); err != nil {
		t.Fatal(err)
	}
	if len(got.Data) != 1 || string(got.Data["mine"]) != "yes" || len(got.OwnerReferences) != 0 {
		t.Fatalf("the foreign Secret was changed: %d keys, owners %v", len(got.Data), got.OwnerReferences)
	}
	for _, call := range awsSrv.Calls().Since(snap) {
		if call.Operation == "CreateLoginProfile" || call.Operation == "UpdateLoginProfile" {
			t.Fatalf("%s called: a password was issued that nobody can read", call.Operation)
		}
	}
}

// memberStalledByForeign creates foreign (a kind the member writes, not owned by it)
// and then a member of that name, and waits until the member is Stalled naming it.
func memberStalledByForeign(t *testing.T, foreign client.Object, kind, name string, console bool) *iamv1.TeamMember {
	t.Helper()
	ensureMembersBaseline(t)
	ns := foreign.GetNamespace()
	if err := k8s.Create(context.Background(), foreign); err != nil {
		t.Fatal(err)
	}
	tm := createMember(t, member(ns, name, func(tm *iamv1.TeamMember) {
		tm.Spec.UserName = ns + "-" + name
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: awssdk.Bool(console)}
	}))
	c := waitCondition(t, tm, tmConds(tm), iamv1.ConditionStalled, metav1.ConditionTrue, arWait)
	if want := kind + " " + ns + "/" + foreign.GetName() + " exists and is not owned by this TeamMember"; !strings.Contains(c.Message, want) {
		t.Fatalf("Stalled message %q, want it to say %q", c.Message, want)
	}
	return tm
}
