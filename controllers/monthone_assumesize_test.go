package controllers_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/awslocal"
	"github.com/iam-baseline/operator/internal/credentials"
	"github.com/iam-baseline/operator/internal/desired"
	"github.com/iam-baseline/operator/internal/policy"
)

// Item 6, the member side: a member trusted by 60 roles needs more than IAM's 2,048
// characters of user inline policy for its sts:AssumeRole grant. A hand-made policy
// of the name it needs is not taken over; once it is gone, the grant moves to
// the member's own managed policy (still exactly the 60 role ARNs), the member can
// switch into the roles, no write fails on a quota, a hand-made version is repaired,
// Observe writes nothing, and when roles go the grant comes back inline and the
// managed policy is deleted; deleting the member leaves no policy behind.
func TestMonthOneMemberTrustedBySixtyRoles(t *testing.T) {
	ctx := context.Background()
	a := monthAccount(t, 6)
	ab := a.baseline(t, "m6-sixty", func(ab *iamv1.AccountBaseline) {
		ab.Spec.MFAEnforcement = &iamv1.MFAEnforcement{Enabled: awssdk.Bool(false)}
	})
	t.Cleanup(func() { deleteBaseline(t, ab) })
	waitBaselineReady(t, ab)
	ns := newNamespace(t)
	labels := map[string]string{"team": "sixty"}
	user := "m6-" + ns
	tm := createMember(t, monthMember(ns, ab.Name, "sixty", func(tm *iamv1.TeamMember) {
		tm.Labels = labels
		tm.Spec.UserName = user
		tm.Spec.AccessKeys = &iamv1.AccessKeys{Enabled: true}
	}))
	t.Cleanup(func() { deleteAndWaitGone(t, tm) })
	waitMemberReady(t, tm)
	policyARN := "arn:aws:iam::" + a.id + ":policy/iam-baseline/" + desired.AssumeRolePolicyManagedName(user)

	// A policy of the member's policy name made by hand (no ownership tags) is not
	// taken over: the member is Stalled naming it while the inline grant stays.
	foreign := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`
	if _, err := a.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: awssdk.String(desired.AssumeRolePolicyManagedName(user)),
		Path: awssdk.String(desired.AssumeRolePolicyPath), PolicyDocument: &foreign}); err != nil {
		t.Fatal(err)
	}

	start := awsSrv.Calls()
	const n = 60
	roles := make([]*iamv1.AssumableRole, 0, n)
	for i := range n {
		roles = append(roles, arCreate(t, arRole(ns, ab.Name, fmt.Sprintf("r%02d", i), func(ar *iamv1.AssumableRole) {
			ar.Spec.Trust.TeamMemberSelector = &metav1.LabelSelector{MatchLabels: labels}
		})))
	}
	waitStalledWith(t, tm, tmConds(tm), iamv1.ReasonNotManaged, policyARN)
	for _, c := range writesIn(start, a.id) {
		switch c.Operation {
		case "CreatePolicyVersion", "SetDefaultPolicyVersion", "TagPolicy", "AttachUserPolicy", "DeleteUserPolicy", "DeletePolicy":
			t.Fatalf("a hand-made policy of the member's name was taken over, or the inline grant dropped: %s", c.Operation)
		}
	}
	if doc, _ := managedDocument(t, a.iam, policyARN); !strings.Contains(doc, "s3:ListAllMyBuckets") {
		t.Fatalf("the hand-made policy was changed: %s", doc)
	}
	if _, err := a.iam.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: &user, PolicyName: awssdk.String(desired.AssumeRolePolicyName)}); err != nil {
		t.Fatalf("the inline grant is gone while the member is Stalled: %v", err)
	}
	if _, err := a.iam.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: &policyARN}); err != nil {
		t.Fatal(err)
	}

	var roleARNs []string
	eventually(t, 5*time.Minute, func() error {
		roleARNs = roleARNs[:0]
		for _, ar := range roles {
			if c := condition(t, ar, arConds(ar), iamv1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue {
				return fmt.Errorf("role %s not Ready: %+v", ar.Name, c)
			}
			roleARNs = append(roleARNs, ar.Status.ARN)
		}
		if c := condition(t, tm, tmConds(tm), iamv1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue || len(tm.Status.AssumableRoles) != n {
			return fmt.Errorf("member: %d of %d roles, Ready %+v", len(tm.Status.AssumableRoles), n, c)
		}
		return nil
	})

	// In IAM: no inline grant, the member's managed policy attached, listing exactly
	// the 60 role ARNs, tagged as the member's.
	if _, err := a.iam.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: &user, PolicyName: awssdk.String(desired.AssumeRolePolicyName)}); !awsx.IsNotFound(err) {
		t.Fatalf("the inline grant is still there at %d roles: %v", n, err)
	}
	if got := attachedTo(t, a.iam, user); !slices.Equal(got, []string{policyARN}) {
		t.Fatalf("attached to %s: %v, want only %s", user, got, policyARN)
	}
	doc, versions := managedDocument(t, a.iam, policyARN)
	if got := assumeResources(t, doc); !slices.Equal(got, sortedCopy(roleARNs)) {
		t.Fatalf("the managed policy grants %d resources, want exactly the %d role ARNs:\n%v", len(got), n, got)
	}
	if size := policy.Size(doc); size <= policy.UserInlineQuota || size > policy.ManagedPolicyQuota {
		t.Fatalf("the grant of %d roles is %d characters: the test does not cross the inline quota", n, size)
	}
	if versions != 1 {
		t.Fatalf("the managed policy has %d versions, want 1 (every growth replaces the default)", versions)
	}
	p, err := a.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &policyARN})
	if err != nil {
		t.Fatal(err)
	}
	if tags := tagsOf(p.Policy.Tags); tags[awsx.TagOwner] != awsx.Owner("TeamMember", ns, "sixty") || tags[awsx.TagManagedBy] != awsx.ManagedByValue {
		t.Fatalf("managed policy tags: %v", tags)
	}
	grown := awsSrv.Calls().Since(start)
	for _, c := range accountCalls(grown, a.id).Mutating() {
		if c.Outcome != "ok" {
			t.Fatalf("a write failed while the grant grew: %s %s", c.Operation, c.Outcome)
		}
	}
	t.Logf("growing to %d roles in account %s: %v", n, a.id, policyWrites(accountCalls(grown, a.id)))

	// The member, with MFA, can switch into the roles.
	var keyID, secretKey string
	eventually(t, monthWait, func() error {
		s, err := secret(t, ns, "sixty-access-key")
		if err != nil {
			return err
		}
		keyID, secretKey = string(s.Data[credentials.AccessKeyID]), string(s.Data[credentials.SecretAccessKey])
		return nil
	})
	switcher := enrolSwitcherMFAIn(t, a.iam, user, keyID, secretKey)
	eventually(t, monthWait, func() error { return switcher.assume(t, roleARNs[0]) })
	if err := switcher.assume(t, roleARNs[n-1]); err != nil {
		t.Fatalf("assuming the last role: %v", err)
	}

	// A version made by hand and set as default ("Allow *") is repaired within a
	// resync, and no version but the member's survives.
	if _, err := a.iam.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: &policyARN, SetAsDefault: true,
		PolicyDocument: awssdk.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	eventually(t, monthWait, func() error {
		doc, versions := managedDocument(t, a.iam, policyARN)
		if got := assumeResources(t, doc); !slices.Equal(got, sortedCopy(roleARNs)) || versions != 1 {
			return fmt.Errorf("not repaired yet: %d versions, default %s", versions, doc)
		}
		return nil
	})

	// Observe: a detached policy is reported as drift and nothing is written.
	memberUpdate(t, tm, func(tm *iamv1.TeamMember) { tm.Spec.ManagementPolicy = iamv1.ManagementPolicyObserve })
	waitCondition(t, tm, tmConds(tm), iamv1.ConditionDrifted, metav1.ConditionFalse, monthWait)
	if _, err := a.iam.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: &user, PolicyArn: &policyARN}); err != nil {
		t.Fatal(err)
	}
	observing := awsSrv.Calls()
	c := waitCondition(t, tm, tmConds(tm), iamv1.ConditionDrifted, metav1.ConditionTrue, monthWait)
	if !strings.Contains(c.Message, "AttachUserPolicy "+policyARN) {
		t.Fatalf("drift = %q, want it to name AttachUserPolicy %s", c.Message, policyARN)
	}
	if w := writesIn(observing, a.id); len(w) > 0 {
		t.Fatalf("Observe wrote to AWS: %v", w.Summary())
	}
	memberUpdate(t, tm, func(tm *iamv1.TeamMember) { tm.Spec.ManagementPolicy = iamv1.ManagementPolicyEnforce })
	eventually(t, monthWait, func() error {
		if got := attachedTo(t, a.iam, user); !slices.Equal(got, []string{policyARN}) {
			return fmt.Errorf("attached: %v", got)
		}
		return nil
	})

	// Down to three roles: the grant is inline again and the managed policy is gone.
	shrink := awsSrv.Calls()
	for _, ar := range roles[3:] {
		if err := k8s.Delete(ctx, ar); client.IgnoreNotFound(err) != nil {
			t.Fatal(err)
		}
	}
	eventually(t, 3*time.Minute, func() error {
		out, err := a.iam.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: &user, PolicyName: awssdk.String(desired.AssumeRolePolicyName)})
		if err != nil {
			return fmt.Errorf("no inline grant yet: %w", err)
		}
		dec, _ := url.QueryUnescape(awssdk.ToString(out.PolicyDocument))
		if got := assumeResources(t, dec); !slices.Equal(got, sortedCopy(roleARNs[:3])) {
			return fmt.Errorf("inline grant lists %v", got)
		}
		if got := attachedTo(t, a.iam, user); len(got) != 0 {
			return fmt.Errorf("still attached: %v", got)
		}
		if _, err := a.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &policyARN}); !awsx.IsNotFound(err) {
			return fmt.Errorf("the managed policy is still there: %v", err)
		}
		return nil
	})
	waitMemberReady(t, tm)
	for _, c := range accountCalls(awsSrv.Calls().Since(shrink), a.id).Mutating() {
		if c.Outcome != "ok" && !strings.HasPrefix(c.Operation, "DeleteRole") {
			t.Fatalf("a write failed while the grant shrank: %s %s", c.Operation, c.Outcome)
		}
	}
	if err := switcher.assume(t, roleARNs[0]); err != nil {
		t.Fatalf("after moving back inline the member cannot assume %s: %v", roleARNs[0], err)
	}

	// A managed policy of the member's left by an interrupted move back inline goes
	// with the member, as does everything else.
	if _, err := a.iam.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: awssdk.String(desired.AssumeRolePolicyManagedName(user)), Path: awssdk.String(desired.AssumeRolePolicyPath),
		PolicyDocument: awssdk.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + roleARNs[0] + `"}]}`),
		Tags:           []iamtypes.Tag{{Key: awssdk.String(awsx.TagManagedBy), Value: awssdk.String(awsx.ManagedByValue)}, {Key: awssdk.String(awsx.TagOwner), Value: awssdk.String(awsx.Owner("TeamMember", ns, "sixty"))}}}); err != nil {
		t.Fatal(err)
	}
	deleteAndWaitGone(t, tm)
	if _, err := a.iam.GetUser(ctx, &iam.GetUserInput{UserName: &user}); !awsx.IsNotFound(err) {
		t.Fatalf("user after deletion: %v", err)
	}
	left, err := a.iam.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: iamtypes.PolicyScopeTypeLocal, PathPrefix: awssdk.String(desired.AssumeRolePolicyPath)})
	if err != nil {
		t.Fatal(err)
	}
	if len(left.Policies) != 0 {
		t.Fatalf("policies left after the member was deleted: %s", awssdk.ToString(left.Policies[0].Arn))
	}
}

// Item 6, the limit: a grant too long even for a managed policy (here 14 roles on
// 400-character paths) is Stalled with the count, the size, the quota and the fix,
// and nothing is written for it, resync after resync; one role fewer and it converges.
func TestMonthOneMemberGrantBeyondTheManagedQuota(t *testing.T) {
	ctx := context.Background()
	a := monthAccount(t, 7)
	ab := a.baseline(t, "m7-beyond", func(ab *iamv1.AccountBaseline) {
		ab.Spec.MFAEnforcement = &iamv1.MFAEnforcement{Enabled: awssdk.Bool(false)}
	})
	t.Cleanup(func() { deleteBaseline(t, ab) })
	waitBaselineReady(t, ab)
	ns := newNamespace(t)
	labels := map[string]string{"team": "beyond"}
	user := "m7-" + ns
	tm := createMember(t, monthMember(ns, ab.Name, "beyond", func(tm *iamv1.TeamMember) {
		tm.Labels = labels
		tm.Spec.UserName = user
	}))
	t.Cleanup(func() { deleteAndWaitGone(t, tm) })
	waitMemberReady(t, tm)

	const n = 14
	long := "/" + strings.Repeat("p", 400) + "/"
	var roles []*iamv1.AssumableRole
	for i := range n {
		roles = append(roles, arCreate(t, arRole(ns, ab.Name, fmt.Sprintf("r%02d", i), func(ar *iamv1.AssumableRole) {
			ar.Spec.Path = long
			ar.Spec.Trust.TeamMemberSelector = &metav1.LabelSelector{MatchLabels: labels}
		})))
	}
	c := waitStalledWith(t, tm, tmConds(tm), iamv1.ReasonInvalidSpec, fmt.Sprintf("the %d roles", n))
	for _, want := range []string{"6144", "fewer AssumableRoles"} {
		if !strings.Contains(c.Message, want) {
			t.Fatalf("Stalled %q does not name %q", c.Message, want)
		}
	}
	// Several resyncs (3 s each) while Stalled: no write for the grant.
	stalledAt := awsSrv.Calls()
	time.Sleep(8 * time.Second)
	if w := grantWrites(writesIn(stalledAt, a.id)); len(w) > 0 {
		t.Fatalf("a Stalled member wrote its grant: %v", w)
	}
	if c := condition(t, tm, tmConds(tm), iamv1.ConditionStalled); c == nil || c.Status != metav1.ConditionTrue {
		t.Fatalf("no longer Stalled: %+v", c)
	}

	// One role fewer fits the managed policy: the member converges.
	if err := k8s.Delete(ctx, roles[n-1]); err != nil {
		t.Fatal(err)
	}
	eventually(t, monthWait, func() error {
		if c := condition(t, tm, tmConds(tm), iamv1.ConditionReady); c == nil || c.Status != metav1.ConditionTrue || len(tm.Status.AssumableRoles) != n-1 {
			return fmt.Errorf("member: %d roles, Ready %+v", len(tm.Status.AssumableRoles), c)
		}
		return nil
	})
	policyARN := "arn:aws:iam::" + a.id + ":policy/iam-baseline/" + desired.AssumeRolePolicyManagedName(user)
	if got := attachedTo(t, a.iam, user); !slices.Equal(got, []string{policyARN}) {
		t.Fatalf("attached to %s: %v", user, got)
	}
}

// grantWrites are the writes that carry a member's assume-role grant.
func grantWrites(l awslocal.CallLog) map[string]int {
	out := map[string]int{}
	for _, c := range l {
		switch c.Operation {
		case "PutUserPolicy", "DeleteUserPolicy", "CreatePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "SetDefaultPolicyVersion",
			"AttachUserPolicy", "DetachUserPolicy", "DeletePolicy", "TagPolicy", "UntagPolicy":
			out[c.Operation]++
		}
	}
	return out
}

// attachedTo lists the ARNs of the managed policies attached to user.
func attachedTo(t *testing.T, c *iam.Client, user string) []string {
	t.Helper()
	out, err := c.ListAttachedUserPolicies(context.Background(), &iam.ListAttachedUserPoliciesInput{UserName: &user})
	if err != nil {
		t.Fatal(err)
	}
	var arns []string
	for _, p := range out.AttachedPolicies {
		arns = append(arns, awssdk.ToString(p.PolicyArn))
	}
	return arns
}

// managedDocument returns a managed policy's default document, decoded, and how many
// versions it has.
func managedDocument(t *testing.T, c *iam.Client, arn string) (string, int) {
	t.Helper()
	ctx := context.Background()
	p, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: &arn, VersionId: p.Policy.DefaultVersionId})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := url.QueryUnescape(awssdk.ToString(v.PolicyVersion.Document))
	if err != nil {
		t.Fatal(err)
	}
	return doc, len(vs.Versions)
}

// assumeResources returns the sorted resources of a grant that allows only
// sts:AssumeRole, or nil for any other document.
func assumeResources(t *testing.T, doc string) []string {
	t.Helper()
	d, err := policy.Parse(doc)
	if err != nil || len(d.Statement) != 1 || d.Statement[0].Effect != policy.Allow ||
		!slices.Equal([]string(d.Statement[0].Action), []string{"sts:AssumeRole"}) {
		return nil
	}
	return sortedCopy(d.Statement[0].Resource)
}

func sortedCopy(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return out
}

func tagsOf(tags []iamtypes.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[awssdk.ToString(t.Key)] = awssdk.ToString(t.Value)
	}
	return m
}

// policyWrites counts the writes that carry a member's grant.
func policyWrites(l awslocal.CallLog) map[string]int {
	out := map[string]int{}
	for _, c := range l.Mutating() {
		if strings.Contains(c.Operation, "Policy") {
			out[c.Operation]++
		}
	}
	return out
}

// memberUpdate changes a member's spec, retrying on conflicts.
func memberUpdate(t *testing.T, tm *iamv1.TeamMember, mutate func(*iamv1.TeamMember)) {
	t.Helper()
	updateSpec(t, tm, mutate)
}
