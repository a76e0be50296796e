package controllers

import (
	"context"
	"slices"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/plan"
)

// groupCreateSkew is how much earlier than the operator's clock IAM may date a
// group the operator's own CreateGroup made (clock skew, and the call in flight).
const groupCreateSkew = 30 * time.Second

// createGroup creates a group and keeps the only evidence that it is this
// baseline's: IAM groups carry no tags, so the claim is status.createdGroups.
//
// The claim is written to the API server before CreateGroup, not after: recorded
// after, a crash or a failed status write in between left a group the next
// reconcile took for someone else's (Stalled, asking for adopt). When CreateGroup
// answers EntityAlreadyExists, the group is still this baseline's if IAM dates it
// from this attempt (a retry meeting the first try whose answer was lost);
// otherwise someone else made it in the meantime: the claim is withdrawn and the
// group is not touched.
func (s *baselineScope) createGroup(ctx context.Context, groups *awsx.Groups, ch plan.Change) error {
	name := ch.Target
	if err := s.claimGroup(ctx, name); err != nil {
		return err
	}
	attempt := time.Now()
	err := s.apply(ch, func() error { return groups.Apply(ctx, name, ch) })
	if !awsx.IsAlreadyExists(err) {
		return err
	}
	created, cerr := groups.CreatedAt(ctx, name)
	if cerr != nil {
		return cerr
	}
	if !created.Before(attempt.Add(-groupCreateSkew)) {
		return nil
	}
	s.ab.Status.CreatedGroups = slices.DeleteFunc(s.ab.Status.CreatedGroups, func(g string) bool { return strings.EqualFold(g, name) })
	return stalled(iamv1.ReasonNotManaged, "IAM group %s was created by someone else just now, while this AccountBaseline was creating it (IAM groups carry no ownership tags): set adopt: true on spec.groups[%s] to take it over, or choose another name", name, name)
}

// claimGroup writes name into status.createdGroups at once (a status patch of that
// field alone, made on a copy so the rest of this reconcile's status is kept).
func (s *baselineScope) claimGroup(ctx context.Context, name string) error {
	if slices.ContainsFunc(s.ab.Status.CreatedGroups, func(g string) bool { return strings.EqualFold(g, name) }) {
		return nil
	}
	claimed := s.ab.DeepCopy()
	base := claimed.DeepCopy()
	claimed.Status.CreatedGroups = addToSet(claimed.Status.CreatedGroups, name)
	if err := s.r.Client.Status().Patch(ctx, claimed, client.MergeFrom(base)); err != nil {
		return err
	}
	s.ab.Status.CreatedGroups = claimed.Status.CreatedGroups
	return nil
}
