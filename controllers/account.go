package controllers

import (
	"context"
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
	ab, err := loadAccount(ctx, c, accountRef)
	if err != nil {
		return nil, nil, err
	}
	clients, err := connect(ctx, p, ab)
	if err != nil {
		return ab, nil, err
	}
	return ab, clients, nil
}

// loadAccount reads the AccountBaseline named by accountRef; no AWS call.
func loadAccount(ctx context.Context, c client.Client, accountRef string) (*iamv1.AccountBaseline, error) {
	ab := &iamv1.AccountBaseline{}
	if err := c.Get(ctx, client.ObjectKey{Name: accountRef}, ab); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, waiting(iamv1.ReasonAccountNotReady, accountWait, "AccountBaseline %q does not exist", accountRef)
		}
		return nil, err
	}
	return ab, nil
}

// connect returns clients for the baseline's account, verified with GetCallerIdentity.
func connect(ctx context.Context, p *awsx.Provider, ab *iamv1.AccountBaseline) (*awsx.Clients, error) {
	t := awsx.Target{AccountID: ab.Spec.AccountID}
	if ab.Spec.Access != nil {
		t.RoleARN, t.ExternalID = ab.Spec.Access.RoleARN, ab.Spec.Access.ExternalID
	}
	return p.For(ctx, t)
}
