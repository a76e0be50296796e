package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"text/tabwriter"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/credentials"
)

// report prints what a person wants to see once everything is Ready.
// cisPending names the baselines whose first credential report is still being generated.
func report(ctx context.Context, w io.Writer, cl *cluster, aws *awsEnv, objs []*unstructured.Unstructured, cisPending []string) error {
	section(w, "Kubernetes")
	for _, args := range [][]string{{"get", "ab,tm,ar", "-A"}, {"get", "tm,ar", "-A", "-o", "wide"}} {
		runKubectl(ctx, w, cl, args...)
	}
	formatReportPending(w, cisPending)

	members, err := sampleMembers(ctx, cl.client, objs)
	if err != nil {
		return err
	}
	section(w, "Team members")
	formatMembers(w, members, kubectlCommand(cl))
	section(w, "A member's first day")
	if err := formatFirstDay(ctx, w, cl.client, members, kubectlCommand(cl)); err != nil {
		return err
	}

	proofs, err := settledProofs(ctx, cl.client, objs, proofWait)
	if err != nil {
		return err
	}
	section(w, "Promises proven by AWS's evaluator (iam:SimulatePrincipalPolicy)")
	formatProofs(w, proofs)

	inv, err := collectInventory(ctx, aws.cfg)
	if err != nil {
		return fmt.Errorf("reading what exists in AWS at %s: %w", aws.url, err)
	}
	section(w, "AWS at "+aws.url)
	formatInventory(w, inv)
	return nil
}

func section(w io.Writer, title string) {
	fmt.Fprintf(w, "\n== %s\n", title)
}

// runKubectl runs the real kubectl so the tables are exactly what a person gets
// (printer columns included). A missing kubectl is a note, not a failure: the rest of
// the report does not need it.
func runKubectl(ctx context.Context, w io.Writer, cl *cluster, args ...string) {
	fmt.Fprintf(w, "\n$ kubectl %s\n", strings.Join(args, " "))
	if cl.kubectl == "" {
		fmt.Fprintln(w, "(kubectl not found: run `make envtest` or put kubectl on PATH)")
		return
	}
	cmd := exec.CommandContext(ctx, cl.kubectl, append(append([]string{}, cl.kubectlArgs...), args...)...)
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(w, "(kubectl: %v)\n", err)
	}
}

// kubectlCommand is how a person runs kubectl against the demo's cluster.
func kubectlCommand(cl *cluster) string {
	parts := []string{"kubectl"}
	if cl.local && cl.kubectl != "" {
		parts[0] = cl.kubectl
	}
	return strings.Join(append(parts, cl.kubectlArgs...), " ")
}

// sampleMembers reads the samples' TeamMembers (only those: on a shared cluster the
// namespace may hold other people's).
func sampleMembers(ctx context.Context, c client.Reader, objs []*unstructured.Unstructured) ([]iamv1.TeamMember, error) {
	var out []iamv1.TeamMember
	for _, o := range objs {
		if o.GroupVersionKind() != iamv1.GroupVersion.WithKind("TeamMember") {
			continue
		}
		tm := iamv1.TeamMember{}
		if err := c.Get(ctx, client.ObjectKeyFromObject(o), &tm); err != nil {
			return nil, fmt.Errorf("reading TeamMember %s/%s: %w", o.GetNamespace(), o.GetName(), err)
		}
		out = append(out, tm)
	}
	return out, nil
}

// formatMembers prints each member's IAM user, where the console credentials are and
// the roles they may switch into. It gets the TeamMembers only, never the Secrets: the
// password cannot end up on the screen because the report never reads it.
func formatMembers(w io.Writer, members []iamv1.TeamMember, kubectl string) {
	if len(members) == 0 {
		fmt.Fprintln(w, "(no TeamMembers in the samples)")
		return
	}
	for i, tm := range members {
		if i > 0 {
			fmt.Fprintln(w)
		}
		user := tm.Status.UserName
		if user == "" {
			user = "(not created yet)"
		}
		fmt.Fprintf(w, "%s/%s: IAM user %s", tm.Namespace, tm.Name, user)
		if tm.Status.ARN != "" {
			fmt.Fprintf(w, " (%s)", tm.Status.ARN)
		}
		fmt.Fprintln(w)
		mfa := "not enrolled yet: nothing but password and MFA self-service works until it is"
		if tm.Status.MFAEnrolled {
			mfa = "enrolled (" + tm.Status.MFASerial + ")"
		}
		fmt.Fprintf(w, "  MFA:             %s\n", mfa)
		if s := tm.Status.ConsoleSecretName; s != "" {
			fmt.Fprintf(w, "  console sign-in: Secret %s/%s (user name, sign-in URL and an initial password that must be changed at first sign-in)\n", tm.Namespace, s)
			fmt.Fprintf(w, "                   %s -n %s get secret %s -o jsonpath='{.data.%s}' | base64 -d\n", kubectl, tm.Namespace, s, credentials.ConsolePassword)
		} else {
			fmt.Fprintln(w, "  console sign-in: none (spec.consoleAccess is off)")
		}
		if s := tm.Status.AccessKeySecretName; s != "" {
			fmt.Fprintf(w, "  access key:      %s in Secret %s/%s\n", tm.Status.AccessKeyID, tm.Namespace, s)
		}
		if s := tm.Status.OnboardingConfigMapName; s != "" {
			fmt.Fprintf(w, "  onboarding:      ConfigMap %s/%s (what to send the person, and their AWS CLI profiles)\n", tm.Namespace, s)
		}
		if len(tm.Status.AssumableRoles) == 0 {
			fmt.Fprintln(w, "  switch roles:    none")
			continue
		}
		fmt.Fprintln(w, "  switch roles:")
		for _, r := range tm.Status.AssumableRoles {
			fmt.Fprintf(w, "    %s (%s)\n      %s\n", r.Name, r.RoleARN, r.SwitchRoleURL)
		}
	}
}

// proofLine is one proof condition of a sample object.
type proofLine struct {
	Object    string // "AccountBaseline demo", "AssumableRole team-a/deploy"
	Condition *metav1.Condition
	Type      string
}

// proofWait bounds how long the report waits for the proofs: they are written by
// the reconcile after the one that made everything Ready (a baseline proves once
// its members have users).
const proofWait = 60 * time.Second

// settledProofs polls the proofs until each is True or False, or until timeout;
// then it returns what there is.
func settledProofs(ctx context.Context, c client.Reader, objs []*unstructured.Unstructured, timeout time.Duration) ([]proofLine, error) {
	deadline := time.Now().Add(timeout)
	for {
		proofs, err := sampleProofs(ctx, c, objs)
		if err != nil {
			return nil, err
		}
		settled := true
		for _, p := range proofs {
			settled = settled && p.Condition != nil && p.Condition.Status != metav1.ConditionUnknown
		}
		if settled || time.Now().After(deadline) {
			return proofs, nil
		}
		select {
		case <-ctx.Done():
			return proofs, nil
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// sampleProofs reads MFAEnforced of the samples' AccountBaselines and
// TrustVerified of their AssumableRoles.
func sampleProofs(ctx context.Context, c client.Reader, objs []*unstructured.Unstructured) ([]proofLine, error) {
	var out []proofLine
	for _, o := range objs {
		var obj client.Object
		var conds *[]metav1.Condition
		typ, name := "", o.GetName()
		switch o.GroupVersionKind() {
		case iamv1.GroupVersion.WithKind("AccountBaseline"):
			ab := &iamv1.AccountBaseline{}
			obj, conds, typ = ab, &ab.Status.Conditions, iamv1.ConditionMFAEnforced
			name = "AccountBaseline " + name
		case iamv1.GroupVersion.WithKind("AssumableRole"):
			ar := &iamv1.AssumableRole{}
			obj, conds, typ = ar, &ar.Status.Conditions, iamv1.ConditionTrustVerified
			name = "AssumableRole " + o.GetNamespace() + "/" + name
		default:
			continue
		}
		if err := c.Get(ctx, client.ObjectKeyFromObject(o), obj); err != nil {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		out = append(out, proofLine{Object: name, Type: typ, Condition: meta.FindStatusCondition(*conds, typ)})
	}
	return out, nil
}

// formatProofs prints each proof: its status and its evidence (the number of
// requests proven, or the first request that breaks the promise).
func formatProofs(w io.Writer, proofs []proofLine) {
	if len(proofs) == 0 {
		fmt.Fprintln(w, "(no AccountBaseline or AssumableRole in the samples)")
		return
	}
	for _, p := range proofs {
		if p.Condition == nil {
			fmt.Fprintf(w, "%s: %s not reported yet\n", p.Object, p.Type)
			continue
		}
		fmt.Fprintf(w, "%s: %s=%s\n  %s\n", p.Object, p.Type, p.Condition.Status, p.Condition.Message)
	}
}

// formatInventory prints what exists in the account.
func formatInventory(w io.Writer, inv *inventory) {
	fmt.Fprintf(w, "account:         %s\n", inv.AccountID)
	if len(inv.Aliases) > 0 {
		fmt.Fprintf(w, "alias:           %s (sign-in https://%s.signin.aws.amazon.com/console)\n", strings.Join(inv.Aliases, ", "), inv.Aliases[0])
	} else {
		fmt.Fprintln(w, "alias:           none")
	}
	fmt.Fprintf(w, "password policy: %s\n", describePasswordPolicy(inv.PasswordPolicy))

	fmt.Fprintf(w, "\nusers (%d):\n", len(inv.Users))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tGROUPS\tCONSOLE\tMFA")
	for _, u := range inv.Users {
		console := "no"
		if u.Console {
			console = "yes"
			if u.MustChangePass {
				console += ", must change password"
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d device(s)\n", u.Name, orNone(strings.Join(u.Groups, ", ")), console, u.MFADevices)
	}
	_ = tw.Flush()

	fmt.Fprintf(w, "\ngroups (%d):\n", len(inv.Groups))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tMANAGED POLICIES\tINLINE POLICIES")
	for _, g := range inv.Groups {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", g.Name, orNone(strings.Join(g.ManagedPolicies, ", ")), orNone(strings.Join(g.InlinePolicies, ", ")))
	}
	_ = tw.Flush()

	fmt.Fprintf(w, "\nroles (%d):\n", len(inv.Roles))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tMAX SESSION\tMANAGED POLICIES\tBOUNDARY")
	for _, r := range inv.Roles {
		fmt.Fprintf(tw, "  %s\t%ds\t%s\t%s\n", r.Name, r.MaxSessionDuration, orNone(strings.Join(r.ManagedPolicies, ", ")), orNone(r.Boundary))
	}
	_ = tw.Flush()

	fmt.Fprintf(w, "\ncustomer-managed policies (%d):\n", len(inv.Policies))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tATTACHMENTS\tARN")
	for _, p := range inv.Policies {
		fmt.Fprintf(tw, "  %s\t%d\t%s\n", p.Name, p.Attachments, p.ARN)
	}
	_ = tw.Flush()

	fmt.Fprintf(w, "\nbudgets (%d):\n", len(inv.Budgets))
	for _, b := range inv.Budgets {
		fmt.Fprintf(w, "  %s: %s %s %s\n", b.Name, b.Limit, b.Unit, strings.ToLower(b.TimeUnit))
		for _, n := range b.Notifications {
			fmt.Fprintf(w, "    alert: %s\n", n)
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// describePasswordPolicy is the policy in one line, CIS-relevant settings first.
func describePasswordPolicy(p *iamtypes.PasswordPolicy) string {
	if p == nil {
		return "none (AWS's default policy applies)"
	}
	parts := []string{fmt.Sprintf("min length %d", awssdk.ToInt32(p.MinimumPasswordLength))}
	if r := awssdk.ToInt32(p.PasswordReusePrevention); r > 0 {
		parts = append(parts, fmt.Sprintf("reuse prevention %d", r))
	}
	var classes []string
	for _, c := range []struct {
		on   bool
		name string
	}{{p.RequireUppercaseCharacters, "upper"}, {p.RequireLowercaseCharacters, "lower"}, {p.RequireNumbers, "digits"}, {p.RequireSymbols, "symbols"}} {
		if c.on {
			classes = append(classes, c.name)
		}
	}
	if len(classes) > 0 {
		parts = append(parts, "requires "+strings.Join(classes, "+"))
	}
	if d := awssdk.ToInt32(p.MaxPasswordAge); d > 0 {
		parts = append(parts, fmt.Sprintf("max age %d days", d))
	}
	if p.AllowUsersToChangePassword {
		parts = append(parts, "users may change their own")
	}
	if awssdk.ToBool(p.HardExpiry) {
		parts = append(parts, "hard expiry")
	}
	return strings.Join(parts, ", ")
}

// formatHowToReach says how to use what keeps running.
func formatHowToReach(w io.Writer, kubectl, awsURL string, localAWS bool) {
	section(w, "Running")
	fmt.Fprintf(w, "The operator keeps reconciling (drift made by hand is repaired at the next resync).\n\n")
	fmt.Fprintf(w, "  %s get baseline -A\n", kubectl)
	if localAWS {
		// AWS_DEFAULT_REGION: the AWS CLI v1 does not read AWS_REGION.
		fmt.Fprintf(w, "  AWS_ENDPOINT_URL=%s AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_DEFAULT_REGION=%s aws iam list-users\n",
			awsURL, localAccessKeyID, localSecretAccessKey, localRegion)
	} else {
		fmt.Fprintf(w, "  AWS_ENDPOINT_URL=%s aws iam list-users\n", awsURL)
	}
	fmt.Fprintf(w, "\nPress Ctrl-C to stop; everything started here is stopped and removed.\n")
}
