package controllers

import (
	"context"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
)

// accountWait is how soon an object waiting for its AccountBaseline looks again; the
// AccountBaseline watch usually wakes it sooner.
const accountWait = 15 * time.Second

// resolveAccount loads the AccountBaseline named by accountRef and returns clients for
// its account, verified with GetCallerIdentity. A missing baseline is a wait (it may be
// applied in the same sync); credentials for another account are a stall.
func resolveAccount(ctx context.Context, c client.Client, p *awsx.Provider, accountRef string) (*iamv1.AccountBaseline, *awsx.Clients, error) {
	ab := &iamv1.AccountBaseline{}
	if err := c.Get(ctx, client.ObjectKey{Name: accountRef}, ab); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil, waiting(iamv1.ReasonAccountNotReady, accountWait, "AccountBaseline %q does not exist", accountRef)
		}
		return nil, nil, err
	}
	t := awsx.Target{AccountID: ab.Spec.AccountID}
	if ab.Spec.Access != nil {
		t.RoleARN, t.ExternalID = ab.Spec.Access.RoleARN, ab.Spec.Access.ExternalID
	}
	clients, err := p.For(ctx, t)
	if err != nil {
		return ab, nil, err
	}
	return ab, clients, nil
}

// selfServiceLimited reports whether objects in namespace are under the account's
// self-service rules (the platform namespace is not).
func selfServiceLimited(ab *iamv1.AccountBaseline, namespace string) bool {
	ss := ab.Spec.SelfService
	return ss != nil && namespace != ss.PlatformNamespace
}

// checkNamespaceAllowed refuses objects from namespaces the account does not allow.
func checkNamespaceAllowed(ab *iamv1.AccountBaseline, kind, namespace string) error {
	if !selfServiceLimited(ab, namespace) || slices.Contains(ab.Spec.SelfService.Namespaces, namespace) {
		return nil
	}
	return stalled(iamv1.ReasonNotAllowed, "namespace %q may not declare %ss for account %s (AccountBaseline %q): ask the platform team to add it to spec.selfService.namespaces",
		namespace, kind, ab.Spec.AccountID, ab.Name)
}
