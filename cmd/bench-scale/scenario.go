package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/iam-baseline/operator/internal/awslocal"
)

// scenario is one run: a fresh control plane, a fresh local AWS and a fresh manager.
type scenario struct {
	name   string
	n      int
	faults awslocal.Faults
	// steady also measures a full pass over the converged world (the manager
	// restarted), and checks the wiring in AWS itself.
	steady bool
}

// The rate limit the issue asks the operator to live with, and the random faults.
const (
	bucketMutating = 20
	bucketRead     = 50
)

func bucketScenario(n int) scenario {
	return scenario{name: "token bucket", n: n, faults: awslocal.Faults{RateLimits: awslocal.RateLimits{
		MutatingRate: bucketMutating, MutatingBurst: bucketMutating, ReadRate: bucketRead, ReadBurst: bucketRead}}}
}

func faultScenario(n int) scenario {
	return scenario{name: "20% throttling + 5% 5xx", n: n, faults: awslocal.Faults{Seed: 1, ThrottleRate: 0.20, FailureRate: 0.05}}
}

type result struct {
	scenario
	objects  int
	elapsed  time.Duration
	finished bool
	final    progress
	calls    awslocal.CallLog
	minimal  map[string]int
	k8s      k8sRequests
	peakMem  memoryPeak
	where    whereTime
	awsWired string // "" when checked and complete, else what is missing
	// steady state: one full pass over the converged world.
	steadyCalls   awslocal.CallLog
	steadyK8s     k8sRequests
	steadyElapsed time.Duration
	// steadyMem is the restarted manager's peak memory over its full pass: what a
	// manager that has run for months holds (no creation churn behind it).
	steadyMem memoryPeak
	// heapProfile is where its heap profile was saved ("" when not asked).
	heapProfile string
	// resync: the calls of one resync of every object by the running (restarted)
	// manager, after its first pass; no proof is asked again in it (they were
	// proven in the first pass, which is what a restart costs once).
	resync      time.Duration
	resyncCalls awslocal.CallLog
	resyncK8s   k8sRequests
}

func runOnce(ctx context.Context, opts options, dir, bin string, sc scenario) (*result, error) {
	fmt.Fprintf(os.Stderr, "bench-scale: %s, N=%d: starting\n", sc.name, sc.n)
	runDir, err := os.MkdirTemp(dir, "run-")
	if err != nil {
		return nil, err
	}
	cp, err := startControlPlane(runDir)
	if err != nil {
		return nil, err
	}
	defer cp.stop()
	aws := awslocal.New(awslocal.Options{AccountID: accountID})
	awsURL, err := aws.Start("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer aws.Close()

	mgr, err := startManager(ctx, bin, cp.kubeconfig, awsURL, opts.managerEnv, opts.managerArgs)
	if err != nil {
		return nil, err
	}
	stopped := false
	defer func() {
		if !stopped {
			mgr.stop()
		}
	}()
	_, auditStart, _ := readAudit(cp.auditLog, 0)
	aws.SetFaults(sc.faults)
	aws.ResetCalls()

	// Progress is read from a watch-fed cache, not by listing every object from the
	// API server four times a second: at N=1,000 that polling was thousands of
	// objects a second served by the API server the operator is waiting on.
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	watched, err := startWatchCache(watchCtx, cp)
	if err != nil {
		return nil, err
	}

	w := workload{n: sc.n, namespaces: opts.namespaces}
	r := &result{scenario: sc, objects: w.objects(), minimal: w.minimalWrites()}
	cpuBefore := cpuTimes()
	start := time.Now()
	if err := w.apply(ctx, cp.client); err != nil {
		return nil, fmt.Errorf("applying the objects: %w", err)
	}
	if opts.cpuProfiles != "" && sc.steady {
		go cpuProfiles(cp, mgr, opts.cpuProfiles, sc.n)
	}
	deadline := start.Add(opts.timeout)
	lastReport := start
	for {
		p, err := w.check(ctx, watched)
		if err != nil {
			return nil, err
		}
		r.final = p
		if p.done(w) {
			r.elapsed, r.finished = time.Since(start), true
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			r.elapsed = time.Since(start)
			break
		}
		if time.Since(lastReport) > 30*time.Second {
			fmt.Fprintf(os.Stderr, "bench-scale:   %s: %s\n", time.Since(start).Round(time.Second), p)
			lastReport = time.Now()
		}
		time.Sleep(250 * time.Millisecond)
	}
	r.peakMem = mgr.peakMemory()
	r.where.cpu = cpuSince(cpuBefore, cpuTimes())
	if r.where.controllers, err = scrapeControllers(mgr.metrics); err != nil {
		fmt.Fprintf(os.Stderr, "bench-scale: reading the manager's metrics: %v\n", err)
	}
	r.calls = aws.Calls()
	var auditEnd int64
	r.k8s, auditEnd, _ = readAudit(cp.auditLog, auditStart)
	fmt.Fprintf(os.Stderr, "bench-scale: %s, N=%d: %s after %s\n", sc.name, sc.n, r.final, r.elapsed.Round(100*time.Millisecond))
	if !r.finished || !sc.steady {
		return r, nil
	}

	// The wiring as AWS holds it, not only as status says.
	aws.SetFaults(awslocal.Faults{})
	r.awsWired = verifyAWS(ctx, awsURL, w)

	// Steady state: a new manager process sees every object once, as at each resync.
	mgr.stop()
	stopped = true
	aws.ResetCalls()
	_, auditEnd, _ = readAudit(cp.auditLog, auditEnd)
	restart := time.Now()
	mgr2, err := startManager(ctx, bin, cp.kubeconfig, awsURL, opts.managerEnv, append(slices.Clone(opts.managerArgs), "--resync-period", opts.resync.String()))
	if err != nil {
		return nil, err
	}
	defer mgr2.stop()
	r.steadyElapsed = waitQuiet(ctx, aws, 3*time.Second, 5*time.Minute)
	r.steadyElapsed -= 3 * time.Second // the quiet period itself
	r.steadyCalls = aws.Calls()
	r.steadyK8s, auditEnd, _ = readAudit(cp.auditLog, auditEnd)

	// One resync: every object was last reconciled in the first pass, within
	// steadyElapsed of the restart, and comes back between resync and 1.2×resync
	// (the jitter) later; the next round starts at 2×resync at the earliest. So the
	// window from now to restart + 1.2×resync + the pass's length (plus a margin for
	// the pass to finish) holds exactly one resync of each object.
	if opts.resync > 0 && 2*opts.resync > 12*opts.resync/10+r.steadyElapsed+10*time.Second {
		aws.ResetCalls()
		end := restart.Add(12*opts.resync/10 + r.steadyElapsed + 10*time.Second)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Until(end)):
		}
		r.resync, r.resyncCalls = opts.resync, aws.Calls()
		r.resyncK8s, _, _ = readAudit(cp.auditLog, auditEnd)
	}
	r.steadyMem = mgr2.peakMemory()
	if opts.heapProfiles != "" {
		r.heapProfile = fmt.Sprintf("%s-n%d.pprof", opts.heapProfiles, sc.n)
		if err := mgr2.heapProfile(r.heapProfile); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// waitQuiet waits until the local AWS has seen calls and then none for quiet, and
// returns how long that took.
func waitQuiet(ctx context.Context, aws *awslocal.Server, quiet, limit time.Duration) time.Duration {
	start := time.Now()
	last, lastChange := -1, time.Now()
	for time.Since(start) < limit && ctx.Err() == nil {
		n := len(aws.Calls())
		if n != last {
			last, lastChange = n, time.Now()
		} else if n > 0 && time.Since(lastChange) >= quiet {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	return time.Since(start)
}

// verifyAWS checks in IAM itself that every role trusts its five users and every
// user may assume its role.
func verifyAWS(ctx context.Context, url string, w workload) string {
	client := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: awssdk.String(url),
		Credentials: awssdk.CredentialsProviderFunc(func(context.Context) (awssdk.Credentials, error) {
			return awssdk.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, nil
		})})
	var missing []string
	for j := 0; j < w.roles(); j++ {
		role, err := client.GetRole(ctx, &iam.GetRoleInput{RoleName: awssdk.String(roleName(j))})
		if err != nil {
			missing = append(missing, "role "+roleName(j)+": "+err.Error())
			continue
		}
		trust := awssdk.ToString(role.Role.AssumeRolePolicyDocument)
		for _, i := range w.roleMembers(j) {
			if !strings.Contains(trust, "%3Auser%2F"+memberName(i)+"%22") && !strings.Contains(trust, ":user/"+memberName(i)+"\"") {
				missing = append(missing, fmt.Sprintf("role %s does not trust %s", roleName(j), memberName(i)))
			}
			pol, err := client.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: awssdk.String(memberName(i)), PolicyName: awssdk.String("iam-baseline-assume-roles")})
			if err != nil || !strings.Contains(awssdk.ToString(pol.PolicyDocument), roleName(j)) {
				missing = append(missing, fmt.Sprintf("user %s may not assume %s", memberName(i), roleName(j)))
			}
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return fmt.Sprintf("%d missing, e.g. %s", len(missing), missing[0])
}
