package controllers

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/credentials"
	"github.com/iam-baseline/operator/internal/outcome"
	"github.com/iam-baseline/operator/internal/plan"
	"github.com/iam-baseline/operator/internal/policy"
)

// memberCredentials converges a member's console password and access keys. Secret values
// go from the generator or AWS straight into a Secret and nowhere else: not into
// status, events, logs or error messages.
type memberCredentials struct {
	r        *TeamMemberReconciler
	tm       *iamv1.TeamMember
	ab       *iamv1.AccountBaseline
	users    *awsx.Users
	userName string
}

func (c *memberCredentials) consoleSecretName() string {
	if ca := c.tm.Spec.ConsoleAccess; ca != nil && ca.SecretName != "" {
		return ca.SecretName
	}
	return c.tm.Name + "-console"
}

func (c *memberCredentials) keySecretName() string {
	if ak := c.tm.Spec.AccessKeys; ak != nil && ak.SecretName != "" {
		return ak.SecretName
	}
	return c.tm.Name + "-access-key"
}

// console keeps a login profile when console access is on. The password is written to
// the Secret before AWS gets it, so a failure in between never leaves a password
// nobody knows: the next pass makes a new one. An existing login profile is never
// reset on its own; the reset annotation asks for it.
func (c *memberCredentials) console(ctx context.Context, enabled, exists bool) error {
	name := c.consoleSecretName()
	if !enabled {
		// Only a Secret status names can be ours to delete: no read for a feature
		// that is off and never made one.
		had := c.tm.Status.ConsoleSecretName
		c.tm.Status.ConsoleSecretName = ""
		if had == "" {
			return nil
		}
		return c.deleteOwnedSecret(ctx, had, "console")
	}
	resetAsked := c.tm.Annotations[ResetPasswordAnnotation] == "true"
	var secret *corev1.Secret
	if exists || resetAsked || c.tm.Status.ConsoleSecretName != "" {
		// A member being created has no Secret yet: it is created without reading
		// first (writeSecret reads it only if one is there), one request fewer each.
		var err error
		if secret, err = c.ownedSecret(ctx, name, "console"); err != nil {
			return err
		}
	}
	if exists && !resetAsked {
		if secret == nil {
			// The profile exists but its Secret is gone: say so once, change nothing.
			if c.tm.Status.ConsoleSecretName == "" {
				return nil
			}
			c.tm.Status.ConsoleSecretName = ""
			c.r.Recorder.Eventf(c.tm, nil, corev1.EventTypeWarning, "ConsoleSecretMissing", "Observe",
				"Secret %s with the initial password is missing; annotate %s=true to issue a new password", name, ResetPasswordAnnotation)
			return nil
		}
		c.tm.Status.ConsoleSecretName = name
		return nil
	}
	url, ok := signInURL(c.ab)
	if !ok {
		return waiting(iamv1.ReasonProgressing, signInWait, "waiting for AccountBaseline %q to report the account's sign-in URL before writing the console Secret", c.ab.Name)
	}
	password, err := credentials.Password(int(c.ab.Spec.PasswordPolicy.MinimumLength))
	if err != nil {
		return err
	}
	data := map[string][]byte{
		credentials.ConsoleUserName:  []byte(c.userName),
		credentials.ConsolePassword:  []byte(password),
		credentials.ConsoleSignInURL: []byte(url),
		credentials.ConsoleAccountID: []byte(c.ab.Spec.AccountID),
	}
	if err := c.writeSecret(ctx, secret, name, "console", data); err != nil {
		return err
	}
	if err := c.users.SetLoginProfile(ctx, c.userName, password, exists); err != nil {
		return err
	}
	action := "CreateLoginProfile"
	if exists {
		action = "UpdateLoginProfile"
	}
	recordChange(c.r.Recorder, kindTeamMember, c.tm, plan.Change{Action: action, Target: c.userName + " (password in Secret " + name + ", reset required at first sign-in)"})
	c.tm.Status.ConsoleSecretName = name
	if resetAsked {
		patch := client.MergeFrom(c.tm.DeepCopy())
		delete(c.tm.Annotations, ResetPasswordAnnotation)
		if err := c.r.Client.Patch(ctx, c.tm, patch); err != nil {
			return err
		}
	}
	return nil
}

// accessKeys keeps one active key in the Secret when enabled (none otherwise). At
// maxAge it rotates as AWS recommends: create the new key and write it to the Secret;
// the previous key stays active for rotationGracePeriod, is then deactivated, and is
// deleted one grace period later (plan.AccessKeys). Each pass reads the keys from
// AWS and the Secret afresh and does the next step, so a pass that stops anywhere
// loses nothing and never leaves a third key.
func (c *memberCredentials) accessKeys(ctx context.Context) error {
	ak := c.tm.Spec.AccessKeys
	enabled := ak != nil && ak.Enabled
	name := c.keySecretName()
	var secret *corev1.Secret
	if enabled || c.tm.Status.AccessKeySecretName != "" {
		// Off and never on (status names no Secret): nothing to read.
		var err error
		if secret, err = c.ownedSecret(ctx, name, "access-key"); err != nil {
			return err
		}
	}
	keys, err := c.users.AccessKeys(ctx, c.userName)
	if err != nil {
		return err
	}
	held := ""
	if secret != nil {
		held = string(secret.Data[credentials.AccessKeyID])
	}
	var maxAge, grace time.Duration
	if enabled && ak.MaxAge != nil {
		maxAge = ak.MaxAge.Duration
	}
	if enabled && ak.RotationGracePeriod != nil {
		grace = ak.RotationGracePeriod.Duration
	}
	kp := plan.AccessKeys(enabled, maxAge, grace, c.r.now(), held, keys)
	for _, id := range kp.Delete {
		if err := c.users.DeleteAccessKey(ctx, c.userName, id); err != nil {
			return err
		}
		recordChange(c.r.Recorder, kindTeamMember, c.tm, plan.Change{Action: "DeleteAccessKey", Target: id})
	}
	if !enabled {
		c.tm.Status.AccessKeySecretName, c.tm.Status.AccessKeyID, c.tm.Status.AccessKeyCreated = "", "", nil
		c.tm.Status.PreviousAccessKey = nil
		if secret == nil {
			return nil
		}
		return client.IgnoreNotFound(c.r.Client.Delete(ctx, secret))
	}
	if kp.Deactivate != "" {
		if err := c.users.DeactivateAccessKey(ctx, c.userName, kp.Deactivate); err != nil {
			return err
		}
		recordChange(c.r.Recorder, kindTeamMember, c.tm, plan.Change{Action: "UpdateAccessKey", Target: kp.Deactivate + " (Inactive: its rotation grace period is over)"})
	}
	c.tm.Status.PreviousAccessKey = retiringKey(kp)
	if kp.Create {
		key, err := c.users.CreateAccessKey(ctx, c.userName)
		if err != nil {
			return err
		}
		recordChange(c.r.Recorder, kindTeamMember, c.tm, plan.Change{Action: "CreateAccessKey", Target: key.ID + " (" + kp.Reason + ")"})
		data := map[string][]byte{
			credentials.AccessKeyID:     []byte(key.ID),
			credentials.SecretAccessKey: []byte(key.Secret),
			credentials.AccessKeyUser:   []byte(c.userName),
		}
		// If this write fails the new key is held by nobody and is newer than the key
		// the Secret holds: the next pass deletes it before creating another, so keys
		// never pile up, and the Secret's key keeps working meanwhile.
		if err := c.writeSecret(ctx, secret, name, "access-key", data); err != nil {
			return err
		}
		c.tm.Status.AccessKeyID, c.tm.Status.AccessKeyCreated = key.ID, &metav1.Time{Time: key.Created}
		// The key the Secret held retires from now on; the next pass reports it.
		for _, k := range keys {
			if k.ID == held && k.Active {
				c.tm.Status.PreviousAccessKey = retiringKey(plan.AccessKeys(true, 0, grace, key.Created, key.ID,
					[]plan.AccessKey{k, {ID: key.ID, Created: key.Created, Active: true}}))
			}
		}
	} else {
		for _, k := range keys {
			if k.ID == held {
				c.tm.Status.AccessKeyID, c.tm.Status.AccessKeyCreated = k.ID, &metav1.Time{Time: k.Created}
			}
		}
	}
	c.tm.Status.AccessKeySecretName = name
	return nil
}

// retiringKey is the status of the plan's previous key, nil when there is none.
func retiringKey(kp plan.KeyPlan) *iamv1.RetiringAccessKey {
	if kp.Previous == nil {
		return nil
	}
	st := "Inactive"
	if kp.Previous.Active {
		st = "Active"
	}
	return &iamv1.RetiringAccessKey{ID: kp.Previous.ID, Created: metav1.Time{Time: kp.Previous.Created}, Status: st,
		Until: metav1.Time{Time: kp.PreviousUntil}}
}

// ownedSecret reads a credential Secret fresh from the API server (a cached copy could
// be older than our own last write, and would make us delete the key it holds). A
// Secret of that name that this TeamMember does not control is a stall: we never
// overwrite someone else's Secret. Nor one of ours that holds the other kind of
// credential: overwriting the console Secret with a key would lose the password.
func (c *memberCredentials) ownedSecret(ctx context.Context, name, kind string) (*corev1.Secret, error) {
	s := &corev1.Secret{}
	err := c.r.APIReader.Get(ctx, client.ObjectKey{Namespace: c.tm.Namespace, Name: name}, s)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !metav1.IsControlledBy(s, c.tm) {
		return nil, stalled(iamv1.ReasonInvalidSpec, "Secret %s/%s exists and is not owned by this TeamMember: choose another secretName or delete it", c.tm.Namespace, name)
	}
	if got := s.Labels[credentials.LabelKind]; got != kind {
		return nil, stalled(iamv1.ReasonInvalidSpec, "Secret %s/%s holds this member's %s credentials, not its %s credentials: give spec.consoleAccess.secretName and spec.accessKeys.secretName different names",
			c.tm.Namespace, name, got, kind)
	}
	return s, nil
}

// writeSecret writes data to the credential Secret: existing when it was read, else
// a new one. A create that meets a Secret of that name reads it and goes on as if it
// had been read: ours is overwritten, anyone else's is a stall (ownedSecret).
func (c *memberCredentials) writeSecret(ctx context.Context, existing *corev1.Secret, name, kind string, data map[string][]byte) error {
	if existing == nil {
		err := c.createSecret(ctx, name, kind, data)
		if !apierrors.IsAlreadyExists(err) {
			return err
		}
		if existing, err = c.ownedSecret(ctx, name, kind); err != nil || existing == nil {
			if err == nil {
				err = fmt.Errorf("Secret %s was there a moment ago and is gone; retrying", name)
			}
			return err
		}
	}
	existing.Data = data
	if err := c.r.Client.Update(ctx, existing); err != nil {
		return fmt.Errorf("writing Secret %s: %w", name, scrubbedK8sError(err))
	}
	return nil
}

// createSecret creates the credential Secret, owned by the member. AlreadyExists is
// returned as it is, for writeSecret to read what is there.
func (c *memberCredentials) createSecret(ctx context.Context, name, kind string, data map[string][]byte) error {
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: c.tm.Namespace,
			Labels: map[string]string{credentials.LabelTeamMember: c.tm.Name, credentials.LabelKind: kind},
		},
		Type: corev1.SecretTypeOpaque,
		Data: data,
	}
	if err := controllerutil.SetControllerReference(c.tm, s, c.r.Client.Scheme()); err != nil {
		return err
	}
	if err := c.r.Client.Create(ctx, s); err != nil {
		if apierrors.IsAlreadyExists(err) {
			return err
		}
		return fmt.Errorf("creating Secret %s: %w", name, scrubbedK8sError(err))
	}
	return nil
}

func (c *memberCredentials) deleteOwnedSecret(ctx context.Context, name, kind string) error {
	s, err := c.ownedSecret(ctx, name, kind)
	if err != nil || s == nil {
		// A foreign Secret of that name is not ours to delete.
		if _, ok := err.(*outcome.StalledError); ok {
			return nil
		}
		return err
	}
	return client.IgnoreNotFound(c.r.Client.Delete(ctx, s))
}

// scrubbedK8sError keeps the API status reason of a failed Secret write but not the
// request body, which holds the secret values.
func scrubbedK8sError(err error) error {
	if s, ok := err.(apierrors.APIStatus); ok {
		return fmt.Errorf("%s (%d)", s.Status().Reason, s.Status().Code)
	}
	return fmt.Errorf("secret write failed")
}

// signInURL is the account's console sign-in URL as the AccountBaseline last read it
// from AWS (status), never the alias the spec asks for: an alias AWS refused (taken by
// another account) would send a new member to another account's sign-in page. ok is
// false while a baseline that asks for an alias has not reported one yet (the member
// waits a moment); a baseline without an alias, or one that is Stalled, gives the
// account ID's URL, which always works.
func signInURL(ab *iamv1.AccountBaseline) (url string, ok bool) {
	switch {
	case ab.Status.SignInURL != "":
		return ab.Status.SignInURL, true
	case ab.Spec.Alias == "" || meta.IsStatusConditionTrue(ab.Status.Conditions, iamv1.ConditionStalled):
		return policy.SignInURL(ab.Spec.AccountID), true
	}
	return "", false
}

// signInWait is how soon a member looks again for its baseline's sign-in URL (the
// baseline turning Ready also wakes it).
const signInWait = 2 * time.Second

func (r *TeamMemberReconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}
