package controllers

import (
	"context"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/conditions"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/policy/proof"
)

// proveTrust writes TrustVerified: AWS's own evaluator asked, with the trust
// policy as the resource policy, whether each listed person of the role's
// account may assume it with MFA only and whether another member of the
// account may not. People of other accounts are proven in their own account's
// terms by AWS at AssumeRole time and are not simulated here. The proof runs
// only when the trust or the set of members changed, or the trust was just
// written; a steady state makes no simulation call.
func (r *AssumableRoleReconciler) proveTrust(ctx context.Context, ar *iamv1.AssumableRole, clients *awsx.Clients, roleARN, trustDoc string, trust desired.Trust, changed bool) error {
	conds := &ar.Status.Conditions
	prefix := "arn:" + clients.Partition + ":iam::" + clients.AccountID + ":user/"
	var people []string
	for _, p := range trust.Input.People {
		if strings.HasPrefix(p, prefix) {
			people = append(people, p)
		}
	}
	unlisted, err := r.unlistedMember(ctx, ar.Spec.AccountRef, people)
	if err != nil {
		return err
	}
	fp := proof.Fingerprint(roleARN, trustDoc, strings.Join(people, ","), unlisted)
	key := string(ar.UID)
	if !changed && recallProof(&r.proofs, key, fp, conds, ar.Generation, iamv1.ConditionTrustVerified) {
		return nil
	}
	if len(people) == 0 {
		conditions.Set(conds, ar.Generation, iamv1.ConditionTrustVerified, metav1.ConditionUnknown, iamv1.ReasonNothingToProve,
			"the trust lists no person of this account: nothing to simulate")
		rememberProof(&r.proofs, key, fp, conds, iamv1.ConditionTrustVerified)
		return nil
	}
	requests := proof.TrustCatalogue(proof.TrustInput{
		RoleARN: roleARN, Trust: trustDoc, People: people, Unlisted: unlisted, RequireMFA: trust.Input.RequireMFA,
	})
	res, _, err := awsx.NewProver(clients).Prove(ctx, requests)
	if err != nil {
		proofUnknown(conds, ar.Generation, iamv1.ConditionTrustVerified, err)
		return nil
	}
	reportProof(r.Recorder, kindAssumableRole, ar, conds, ar.Generation, iamv1.ConditionTrustVerified,
		"only the listed people may assume the role, with MFA", res)
	rememberProof(&r.proofs, key, fp, conds, iamv1.ConditionTrustVerified)
	return nil
}

// unlistedMember is the user ARN of a member of the account the trust does not
// list (the first by ARN), or "" when there is none.
func (r *AssumableRoleReconciler) unlistedMember(ctx context.Context, account string, listed []string) (string, error) {
	list := &iamv1.TeamMemberList{}
	if err := r.Client.List(ctx, list, client.MatchingFields{indexAccountRef: account}, client.UnsafeDisableDeepCopy); err != nil {
		return "", err
	}
	best := ""
	for _, tm := range list.Items {
		arn := tm.Status.ARN
		if tm.Spec.AccountRef != account || arn == "" || slices.Contains(listed, arn) || !tm.DeletionTimestamp.IsZero() {
			continue
		}
		if best == "" || arn < best {
			best = arn
		}
	}
	return best, nil
}
