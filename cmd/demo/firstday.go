package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/onboarding"
)

// reportWait bounds the wait for the first credential report: AWS builds it
// asynchronously (the operator retries every few seconds), and a demo that hangs on
// it would be worse than one that says it is coming.
const reportWait = 45 * time.Second

// waitCredentialReports waits, bounded, until every sample AccountBaseline has CIS
// findings from a credential report (CISCompliant no longer Unknown), printing a
// progress line while it waits. It returns the baselines still waiting; the report
// says plainly that theirs is being generated.
func waitCredentialReports(ctx context.Context, c client.Reader, objs []*unstructured.Unstructured, bound time.Duration, p *progress) []string {
	deadline := time.Now().Add(bound)
	lastPrint := time.Time{}
	for {
		var pending []string
		for _, o := range objs {
			if o.GroupVersionKind() != iamv1.GroupVersion.WithKind("AccountBaseline") {
				continue
			}
			ab := &iamv1.AccountBaseline{}
			if err := c.Get(ctx, client.ObjectKeyFromObject(o), ab); err != nil || cisPending(ab) {
				pending = append(pending, o.GetName())
			}
		}
		if len(pending) == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			if len(pending) == 0 && !lastPrint.IsZero() {
				p.step("the credential report is in: CIS findings are on status")
			}
			return pending
		}
		if time.Since(lastPrint) >= progressEvery {
			p.step(fmt.Sprintf("waiting for AWS to generate the credential report of %s (CIS findings; at most %s)…", strings.Join(pending, ", "), bound))
			lastPrint = time.Now()
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// cisPending: no CISCompliant verdict yet for the current spec.
func cisPending(ab *iamv1.AccountBaseline) bool {
	c := meta.FindStatusCondition(ab.Status.Conditions, iamv1.ConditionCISCompliant)
	return c == nil || c.Status == "Unknown"
}

// formatReportPending says what an Unknown CIS column means, so nobody reads it as
// a failure.
func formatReportPending(w io.Writer, pending []string) {
	if len(pending) == 0 {
		return
	}
	fmt.Fprintf(w, "\nCIS is Unknown for %s: AWS is still generating the first credential report (it takes a moment in a new account); the findings appear on status once it is ready.\n", strings.Join(pending, ", "))
}

// firstDayMember picks the member whose first day the demo shows: the first sample
// member with an onboarding ConfigMap, preferring one with roles.
func firstDayMember(members []iamv1.TeamMember) *iamv1.TeamMember {
	var pick *iamv1.TeamMember
	for i := range members {
		tm := &members[i]
		if tm.Status.OnboardingConfigMapName == "" {
			continue
		}
		if pick == nil || (len(pick.Status.AssumableRoles) == 0 && len(tm.Status.AssumableRoles) > 0) {
			pick = tm
		}
	}
	return pick
}

// formatFirstDay prints one member's onboarding text and AWS CLI profiles exactly as
// the person receives them (the ConfigMap holds no secret).
func formatFirstDay(ctx context.Context, w io.Writer, c client.Reader, members []iamv1.TeamMember, kubectl string) error {
	tm := firstDayMember(members)
	if tm == nil {
		fmt.Fprintln(w, "(no member has an onboarding ConfigMap yet)")
		return nil
	}
	cm := &corev1.ConfigMap{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: tm.Namespace, Name: tm.Status.OnboardingConfigMapName}, cm); err != nil {
		return fmt.Errorf("reading the onboarding ConfigMap of %s/%s: %w", tm.Namespace, tm.Name, err)
	}
	fmt.Fprintf(w, "What %s receives (ConfigMap %s/%s; send it as it is):\n", tm.Name, tm.Namespace, cm.Name)
	fmt.Fprintf(w, "  %s -n %s get configmap %s -o jsonpath='{.data.%s}'\n\n", kubectl, tm.Namespace, cm.Name, strings.ReplaceAll(onboarding.KeyText, ".", `\.`))
	fmt.Fprint(w, indent(cm.Data[onboarding.KeyText], "  "))
	fmt.Fprintf(w, "\n%s's ~/.aws/config (key %s):\n\n", tm.Name, onboarding.KeyAWSConfig)
	fmt.Fprint(w, indent(cm.Data[onboarding.KeyAWSConfig], "  "))
	return nil
}

func indent(s, prefix string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if strings.TrimSpace(line) != "" {
			b.WriteString(prefix)
		}
		b.WriteString(line)
	}
	return b.String()
}
