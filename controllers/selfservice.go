package controllers

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/selfservice"
)

// resolveChecked is resolveAccount with the self-service rules around it: they are
// applied once the baseline is read and before any AWS call, and again once
// GetCallerIdentity has said who the operator is, so that no object can manage or
// adopt the operator's own user or role. A refusal is Stalled and no AWS write is
// made; what the object made in AWS before a rule tightened stays as it is.
func resolveChecked[T selfservice.Object](ctx context.Context, c client.Client, p *awsx.Provider, accountRef string, obj T) (*iamv1.AccountBaseline, *awsx.Clients, error) {
	ab, err := loadAccount(ctx, c, accountRef)
	if err != nil {
		return nil, nil, err
	}
	if err := checkSelfService(ab, obj, selfservice.Env{}); err != nil {
		return ab, nil, err
	}
	clients, err := connect(ctx, p, ab)
	if err != nil {
		return ab, nil, err
	}
	if err := checkSelfService(ab, obj, selfservice.Env{OperatorARN: clients.CallerARN}); err != nil {
		return ab, nil, err
	}
	return ab, clients, nil
}

// checkSelfService turns the rules obj breaks into one Stalled error.
func checkSelfService[T selfservice.Object](ab *iamv1.AccountBaseline, obj T, env selfservice.Env) error {
	reason, message := selfservice.Summary(selfservice.Check(ab, obj, env))
	if reason == "" {
		return nil
	}
	return stalled(reason, "%s", message)
}
