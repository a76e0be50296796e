package controllers

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/recorder"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/conditions"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/metrics"
	"github.com/iam-baseline/operator/internal/plan"
	"github.com/iam-baseline/operator/internal/policy"
	"github.com/iam-baseline/operator/internal/policy/proof"
)

// proveMFA writes MFAEnforced: AWS's own evaluator asked, over the fixed
// catalogue of internal/policy/proof, whether the account's members can do
// anything without MFA. One member speaks for each distinct set of groups
// (members with the same groups have the same permissions but for their own
// user). The proof runs only when what decides permissions changed (the MFA
// policy, the groups and their policies, the group sets, drift seen under
// Observe, or a change made now); a steady state makes no simulation call.
// A broken promise is an event and a metric; nothing is rolled back.
func (s *baselineScope) proveMFA(ctx context.Context) error {
	ab := s.ab
	conds := &ab.Status.Conditions
	if desired.MFAGroup(ab) == "" {
		meta.RemoveStatusCondition(conds, iamv1.ConditionMFAEnforced)
		return nil
	}
	reps, err := s.r.groupSetRepresentatives(ctx, ab.Name)
	if err != nil {
		return err
	}
	mfaARN := desired.MFAPolicyARN(ab, s.clients.Partition, s.clients.AccountID)
	doc, err := policy.Marshal(policy.MFAEnforcement(s.clients.Partition))
	if err != nil {
		return err
	}
	groups, err := json.Marshal(desired.Groups(ab, s.clients.Partition, s.clients.AccountID))
	if err != nil {
		return err
	}
	var sets []string
	for _, set := range slices.Sorted(maps.Keys(reps)) {
		sets = append(sets, set+"="+reps[set])
	}
	fp := proof.Fingerprint(doc, string(groups), strings.Join(sets, ";"), plan.Summary(s.drift))
	key := string(ab.UID)
	if !s.changed && recallProof(&s.r.proofs, key, fp, conds, ab.Generation, iamv1.ConditionMFAEnforced) {
		return nil
	}
	if len(reps) == 0 {
		conditions.Set(conds, ab.Generation, iamv1.ConditionMFAEnforced, metav1.ConditionUnknown, iamv1.ReasonNothingToProve,
			"no TeamMember of this account has an IAM user yet: the proof runs when one has")
		rememberProof(&s.r.proofs, key, fp, conds, iamv1.ConditionMFAEnforced)
		return nil
	}
	var requests []proof.Request
	for _, arn := range slices.Sorted(maps.Values(reps)) {
		requests = append(requests, proof.MFACatalogue(proof.MemberInput{
			Partition: s.clients.Partition, AccountID: s.clients.AccountID, UserARN: arn,
			OtherUserARN: policy.UserARN(s.clients.Partition, s.clients.AccountID, "/", "iam-baseline-proof-another-user"),
			MFAPolicyARN: mfaARN,
		})...)
	}
	res, _, err := awsx.NewProver(s.clients).Prove(ctx, requests)
	if err != nil {
		proofUnknown(conds, ab.Generation, iamv1.ConditionMFAEnforced, err)
		s.proofPending = true
		return nil
	}
	reportProof(s.r.Recorder, kindAccountBaseline, ab, conds, ab.Generation, iamv1.ConditionMFAEnforced,
		"without MFA, members can do nothing but sign in and enrol MFA", res)
	rememberProof(&s.r.proofs, key, fp, conds, iamv1.ConditionMFAEnforced)
	return nil
}

// recallProof re-applies the verdict remembered for this fingerprint, if there
// is one, and so reports whether the proof can be skipped. Re-applying it (not
// just skipping) repairs a condition lost to a status patch made from a stale
// cached copy.
func recallProof(m *proof.Memo, key, fp string, conds *[]metav1.Condition, generation int64, typ string) bool {
	v, ok := m.Recall(key, fp)
	if ok {
		conditions.Set(conds, generation, typ, metav1.ConditionStatus(v.Status), v.Reason, v.Message)
	}
	return ok
}

// rememberProof records the condition just set as the verdict for fp.
func rememberProof(m *proof.Memo, key, fp string, conds *[]metav1.Condition, typ string) {
	if c := meta.FindStatusCondition(*conds, typ); c != nil {
		m.Remember(key, fp, proof.Verdict{Status: string(c.Status), Reason: c.Reason, Message: c.Message})
	}
}

// proofUnknown reports a proof AWS could not answer (throttled, or the operator's
// role lacks iam:SimulatePrincipalPolicy). The promise is neither proven nor
// broken, nothing else waits for it, and the next reconcile asks again (the
// fingerprint is not remembered).
func proofUnknown(conds *[]metav1.Condition, generation int64, typ string, err error) {
	conditions.Set(conds, generation, typ, metav1.ConditionUnknown, iamv1.ReasonAWSError,
		"could not ask iam:SimulatePrincipalPolicy, will retry: "+awsx.Message(err))
}

// reportProof sets a proof's condition; a broken promise is also a warning
// event and a metric.
func reportProof(rec recorder.EventRecorder, kind string, obj client.Object, conds *[]metav1.Condition, generation int64, typ, promise string, res proof.Result) {
	if res.Holds() {
		conditions.Set(conds, generation, typ, metav1.ConditionTrue, iamv1.ReasonProven, res.Message(promise))
		return
	}
	msg := res.Message(promise)
	conditions.Set(conds, generation, typ, metav1.ConditionFalse, iamv1.ReasonPromiseBroken, msg)
	rec.Eventf(obj, nil, corev1.EventTypeWarning, iamv1.ReasonPromiseBroken, "Prove", "%s", msg)
	metrics.BrokenPromises.WithLabelValues(kind, typ).Inc()
}

// groupSetRepresentatives maps each distinct set of groups among the
// account's TeamMembers that have an IAM user (groups joined by ",") to the
// user ARN of the first member (by ARN) with that set.
func (r *AccountBaselineReconciler) groupSetRepresentatives(ctx context.Context, account string) (map[string]string, error) {
	list := &iamv1.TeamMemberList{}
	if err := r.Client.List(ctx, list, client.MatchingFields{indexAccountRef: account}, client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	first := map[string]string{}
	for _, tm := range list.Items {
		if tm.Spec.AccountRef != account || tm.Status.ARN == "" || !tm.DeletionTimestamp.IsZero() {
			continue
		}
		groups := slices.Clone(tm.Status.Groups)
		slices.Sort(groups)
		set := strings.Join(groups, ",")
		if cur, ok := first[set]; !ok || tm.Status.ARN < cur {
			first[set] = tm.Status.ARN
		}
	}
	return first, nil
}
