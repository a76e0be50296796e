package controllers

import (
	"context"
	"maps"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/credentials"
	"github.com/iam-baseline/operator/internal/onboarding"
	"github.com/iam-baseline/operator/internal/policy"
)

// onboardingConfigMapName is the companion ConfigMap of a TeamMember. A ConfigMap and
// not the console Secret: the text holds no secret (it says where the password is),
// so whoever onboards the person can read and forward it without read access to
// Secrets, and a role or MFA change rewrites a ConfigMap rather than a Secret.
func onboardingConfigMapName(tm *iamv1.TeamMember) string { return tm.Name + "-onboarding" }

// writeOnboarding keeps the member's onboarding ConfigMap in step with its status
// (sign-in URL, password Secret, MFA device, roles). It is read fresh and written only
// when its content differs, so a steady state makes no Kubernetes write. A member
// that has none yet (status names none) creates it without reading first.
func (r *TeamMemberReconciler) writeOnboarding(ctx context.Context, tm *iamv1.TeamMember, ab *iamv1.AccountBaseline) error {
	name := onboardingConfigMapName(tm)
	data := onboarding.Render(onboardingMember(tm, ab, name))
	labels := map[string]string{credentials.LabelTeamMember: tm.Name, credentials.LabelKind: "onboarding"}

	create := func() error {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: tm.Namespace, Labels: labels}, Data: data}
		if err := controllerutil.SetControllerReference(tm, cm, r.Client.Scheme()); err != nil {
			return err
		}
		return r.Client.Create(ctx, cm)
	}
	if tm.Status.OnboardingConfigMapName == "" {
		// A member being created has none yet: create it without reading first, and
		// read only if one is there (ours from a pass that failed later, or someone
		// else's, which is a stall below).
		if err := create(); !apierrors.IsAlreadyExists(err) {
			if err == nil {
				tm.Status.OnboardingConfigMapName = name
			}
			return err
		}
	}
	cm := &corev1.ConfigMap{}
	err := r.APIReader.Get(ctx, client.ObjectKey{Namespace: tm.Namespace, Name: name}, cm)
	switch {
	case apierrors.IsNotFound(err):
		if err := create(); err != nil {
			return err
		}
	case err != nil:
		return err
	case !metav1.IsControlledBy(cm, tm):
		return stalled(iamv1.ReasonInvalidSpec, "ConfigMap %s/%s exists and is not owned by this TeamMember: it would receive the member's onboarding text; rename or delete it", tm.Namespace, name)
	case !maps.Equal(cm.Data, data) || !hasLabels(cm.Labels, labels):
		cm.Data = data
		if cm.Labels == nil {
			cm.Labels = map[string]string{}
		}
		maps.Copy(cm.Labels, labels)
		if err := r.Client.Update(ctx, cm); err != nil {
			return err
		}
	}
	tm.Status.OnboardingConfigMapName = name
	return nil
}

// onboardingMember gathers what the onboarding text is made of from the member's
// status (written by this reconcile) and its account.
func onboardingMember(tm *iamv1.TeamMember, ab *iamv1.AccountBaseline, configMap string) onboarding.Member {
	url, ok := signInURL(ab)
	if !ok { // the baseline has not reported its alias yet: the account ID's URL works
		url = policy.SignInURL(ab.Spec.AccountID)
	}
	m := onboarding.Member{
		Namespace: tm.Namespace, UserName: tm.Status.UserName,
		AccountID: ab.Spec.AccountID, AccountAlias: ab.Spec.Alias, SignInURL: url,
		ConsoleSecret: tm.Status.ConsoleSecretName, AccessKeySecret: tm.Status.AccessKeySecretName,
		MFASerial: tm.Status.MFASerial, ConfigMap: configMap,
	}
	for _, l := range tm.Status.AssumableRoles {
		m.Roles = append(m.Roles, onboarding.Role{
			Name: l.RoleARN[strings.LastIndex(l.RoleARN, "/")+1:], ARN: l.RoleARN,
			SwitchRoleURL: l.SwitchRoleURL, MaxSessionSeconds: l.MaxSessionDuration,
		})
	}
	return m
}

func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}
