package preview

import (
	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/outcome"
	"github.com/iam-baseline/operator/internal/selfservice"
)

// checkMember and checkRole apply the account's self-service rules with the
// controllers' own pure check (internal/selfservice), before any AWS call, and refuse
// with the Stalled reason and message the operator would set. The operator checks a
// second time once it knows its own identity (its user or role is protected); the
// plan runs as another identity and cannot know it, so that one rule is the
// operator's alone.
func (p *planner) checkMember(ab *iamv1.AccountBaseline, tm *iamv1.TeamMember) error {
	return refusal(selfservice.Check(ab, tm, selfservice.Env{}))
}

func (p *planner) checkRole(ab *iamv1.AccountBaseline, ar *iamv1.AssumableRole) error {
	return refusal(selfservice.Check(ab, ar, selfservice.Env{}))
}

func refusal(vs []selfservice.Violation) error {
	reason, message := selfservice.Summary(vs)
	if reason == "" {
		return nil
	}
	return outcome.Stalled(reason, "%s", message)
}
