package controllers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/credentials"
)

// TestTeamMemberKeyWhoseSecretWriteFailedIsNotLeftBehind makes the API server refuse
// the access-key Secret (a ValidatingAdmissionPolicy, as a cluster policy might), so
// every key the operator creates has nowhere to go. The user must never hold more
// than one key, and once Secrets are accepted again exactly one key remains: the one
// in the Secret.
func TestTeamMemberKeyWhoseSecretWriteFailedIsNotLeftBehind(t *testing.T) {
	ensureMembersBaseline(t)
	ctx := context.Background()
	ns := newNamespace(t)
	denySecrets(t, ns)

	tm := createMember(t, member(ns, "unlucky", func(tm *iamv1.TeamMember) {
		tm.Spec.ConsoleAccess = &iamv1.ConsoleAccess{Enabled: ptr.To(false)}
		tm.Spec.AccessKeys = &iamv1.AccessKeys{Enabled: true}
	}))
	// Several passes fail on the Secret; watch the keys meanwhile.
	before := awsSrv.Calls()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && awsSrv.Calls().Since(before).Count("iam", "CreateAccessKey") < 3 {
		if keys := userKeysIfExists(t, "unlucky"); len(keys) > 1 {
			t.Fatalf("the user holds %d keys while the Secret cannot be written", len(keys))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := awsSrv.Calls().Since(before).Count("iam", "CreateAccessKey"); n < 2 {
		c := condition(t, tm, tmConds(tm), iamv1.ConditionReady)
		t.Fatalf("only %d CreateAccessKey calls: the failure path was not exercised (Ready %+v; calls %v)", n, c, awsSrv.Calls().Since(before).Summary())
	}
	if c := condition(t, tm, tmConds(tm), iamv1.ConditionReady); c == nil || c.Status == metav1.ConditionTrue {
		t.Fatalf("Ready = %+v while the Secret cannot be written", c)
	}

	allowSecrets(t, ns)
	waitMemberReady(t, tm)
	eventually(t, 30*time.Second, func() error {
		s, err := secret(t, ns, "unlucky-access-key")
		if err != nil {
			return err
		}
		keys := userKeys(t, "unlucky")
		if len(keys) != 1 || keys[0] != string(s.Data[credentials.AccessKeyID]) {
			return fmt.Errorf("keys %v, Secret holds %s", keys, s.Data[credentials.AccessKeyID])
		}
		return nil
	})
	_ = ctx
	deleteAndWaitGone(t, tm)
}

func userKeysIfExists(t *testing.T, user string) []string {
	t.Helper()
	if _, err := getUser(t, user); err != nil {
		return nil
	}
	return userKeys(t, user)
}

// denySecrets installs an admission policy that refuses access-key Secrets in ns and
// waits until the API server enforces it.
func denySecrets(t *testing.T, ns string) {
	t.Helper()
	ctx := context.Background()
	name := "deny-access-key-secrets-" + ns
	vap := &admissionv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: ptr.To(admissionv1.Fail),
			MatchConstraints: &admissionv1.MatchResources{ResourceRules: []admissionv1.NamedRuleWithOperations{{
				RuleWithOperations: admissionv1.RuleWithOperations{
					Operations: []admissionv1.OperationType{admissionv1.Create, admissionv1.Update},
					Rule:       admissionv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"secrets"}},
				},
			}}},
			Validations: []admissionv1.Validation{{
				Expression: "!object.metadata.name.endsWith('-access-key')",
				Message:    "access-key Secrets are refused here (test)",
			}},
		},
	}
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        name,
			ValidationActions: []admissionv1.ValidationAction{admissionv1.Deny},
			MatchResources: &admissionv1.MatchResources{NamespaceSelector: &metav1.LabelSelector{
				MatchLabels: map[string]string{"kubernetes.io/metadata.name": ns},
			}},
		},
	}
	for _, o := range []client.Object{vap, binding} {
		if err := k8s.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { allowSecrets(t, ns) })
	probe := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "probe-access-key", Namespace: ns}}
	eventually(t, 30*time.Second, func() error {
		err := k8s.Create(ctx, probe.DeepCopy())
		if err == nil {
			_ = k8s.Delete(ctx, probe)
			return fmt.Errorf("the admission policy is not enforced yet")
		}
		if !strings.Contains(err.Error(), "refused here") {
			return err
		}
		return nil
	})
}

func allowSecrets(t *testing.T, ns string) {
	t.Helper()
	ctx := context.Background()
	name := "deny-access-key-secrets-" + ns
	_ = k8s.Delete(ctx, &admissionv1.ValidatingAdmissionPolicyBinding{ObjectMeta: metav1.ObjectMeta{Name: name}})
	_ = k8s.Delete(ctx, &admissionv1.ValidatingAdmissionPolicy{ObjectMeta: metav1.ObjectMeta{Name: name}})
	probe := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "probe-access-key", Namespace: ns}}
	eventually(t, 30*time.Second, func() error {
		if err := k8s.Create(ctx, probe.DeepCopy()); err != nil {
			return err
		}
		return k8s.Delete(ctx, probe)
	})
}
