package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/iam-baseline/operator/internal/credentials"
	"github.com/iam-baseline/operator/internal/testenv"
)

// The end-to-end tests run the demo's run function in this process, as
// `make demo ARGS=--once` does: the real control plane (built by `make envtest`),
// the local AWS and the operator. They need the controllers of all three kinds.

// isolate makes the demo start its own cluster and AWS whatever the caller's
// environment says, and restores the environment the demo changes.
func isolate(t *testing.T) {
	t.Setenv("KUBECONFIG", "")
	for _, k := range []string{"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION",
		"AWS_EC2_METADATA_DISABLED", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
	}
}

// syncBuffer: the report is written from the run goroutine while stop messages may
// come from the manager's.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestDemoOnce(t *testing.T) {
	isolate(t)
	out := &syncBuffer{}
	var passwords []string
	err := run(context.Background(), options{
		once:       true,
		timeout:    3 * time.Minute,
		resync:     30 * time.Second,
		samplesDir: filepath.Join(testenv.RepoRoot(), "config", "samples"),
		out:        out,
		inspect: func(ctx context.Context, c client.Client) error {
			for _, name := range []string{"alice-console", "bob-console"} {
				s := &corev1.Secret{}
				if err := c.Get(ctx, client.ObjectKey{Namespace: "team-payments", Name: name}, s); err != nil {
					return fmt.Errorf("secret %s: %w", name, err)
				}
				passwords = append(passwords, string(s.Data[credentials.ConsolePassword]))
			}
			return nil
		},
	})
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	report := out.String()
	for _, want := range []string{
		"starting the control plane",
		// The plan of the samples against the empty local AWS, before applying.
		"planning: what the samples will change in AWS",
		"+ AssumableRole team-payments/payments-deployer (IAM role payments-deployer in account 123456789012): create",
		"Plan: 22 AWS changes (4 objects to create or update, 0 to delete), 0 refused, 0 waiting, 0 errors.",
		"waiting for 4 objects to be Ready",
		"all 4 objects are Ready",
		"$ kubectl get ab,tm,ar -A",
		"accountbaseline.iam.baseline.dev/sandbox",
		"teammember.iam.baseline.dev/alice",
		"assumablerole.iam.baseline.dev/payments-deployer",
		"arn:aws:iam::123456789012:user/bob.builder", // -o wide
		"console sign-in: Secret team-payments/alice-console",
		"https://signin.aws.amazon.com/switchrole?",
		"alias:           acme-sandbox",
		"password policy: min length 14, reuse prevention 24",
		"iam-baseline-mfa-required",
		"billing-viewers",
		"payments-deployer",
		"daily-guardrail: 5",
		"ACTUAL > 80 PERCENTAGE → EMAIL platform-alerts@example.com",
		"AccountBaseline sandbox: MFAEnforced=True",
		"AssumableRole team-payments/payments-deployer: TrustVerified=True",
		"requests proven with iam:SimulatePrincipalPolicy",
		"stopping what the demo started",
		"== A member's first day",
		"What alice receives (ConfigMap team-payments/alice-onboarding",
		"Welcome to AWS account acme-sandbox (123456789012).",
		"User name: alice",
		"[profile acme-sandbox-payments-deployer]",
		"role_arn = arn:aws:iam::123456789012:role/",
		"duration_seconds = 3600",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if plan, apply := strings.Index(report, "Plan: "), strings.Index(report, "applying 4 samples"); plan < 0 || apply < plan {
		t.Errorf("the plan is not printed before the samples are applied")
	}
	// CIS is never an unexplained Unknown: the demo waits for the first credential
	// report, or says that it is being generated.
	if strings.Contains(report, "Unknown") && !strings.Contains(report, "still generating the first credential report") {
		t.Errorf("the report shows Unknown without saying why")
	}
	if len(passwords) == 0 {
		t.Fatal("no passwords read: the leak check checks nothing")
	}
	for _, p := range passwords {
		if p == "" || strings.Contains(report, p) {
			t.Errorf("a console password (%d characters) is empty or appears in the report", len(p))
		}
	}
}

// TestDemoFailsWithAClearMessage: an object that cannot become Ready ends the demo
// with an error naming it and its conditions, instead of waiting forever.
func TestDemoFailsWithAClearMessage(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	write(t, dir, "orphan.yaml", `apiVersion: iam.baseline.dev/v1alpha1
kind: TeamMember
metadata: {name: orphan, namespace: demo-test}
spec: {accountRef: no-such-baseline}
`)
	out := &syncBuffer{}
	err := run(context.Background(), options{once: true, timeout: 5 * time.Second, resync: time.Minute, samplesDir: dir, out: out})
	t.Log(out.String())
	t.Logf("error: %v", err)
	if err == nil || !isNotReady(err) {
		t.Fatalf("err = %v, want a not-Ready timeout", err)
	}
	for _, want := range []string{"did not become Ready within 5s", "TeamMember demo-test/orphan", "Ready="} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%v", want, err)
		}
	}
}
