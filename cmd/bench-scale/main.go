// Command bench-scale measures the operator at scale, as a user would see it: the
// manager runs as its own process (the binary that ships) against a real API server
// and etcd (envtest) and the local AWS, and the benchmark applies one AccountBaseline,
// N TeamMembers with console access in 10 namespaces and N/5 AssumableRoles each
// trusting 5 members, then waits until every object is Ready and every trust is
// wired both ways.
//
//	make bench-scale                      # N=200 and N=1000, all scenarios
//	go run ./cmd/bench-scale -n 200 -scenarios clean
//
// It prints, per run: time to Ready and wired; AWS calls, and writes against the
// minimal set; Kubernetes writes per object (from the API server's audit log of the
// manager's requests); Secret reads; a full steady-state pass (the manager restarted
// over a converged world: AWS calls per object and Kubernetes writes); the manager's
// peak RSS. Under a token-bucket rate limit (20 mutating + 50 read calls/s) it reports
// the rate the operator used and the share of calls throttled; under 20% random
// throttling + 5% 5xx, the slowdown against the fault-free run. Times are reported,
// never asserted: this is a benchmark program, not a test.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	apiruntime "k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/testenv"
)

var scheme = func() *apiruntime.Scheme {
	s := apiruntime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(iamv1.AddToScheme(s))
	return s
}()

type options struct {
	sizes       []int
	namespaces  int
	scenarios   map[string]bool
	faultN      int
	bucketN     int
	timeout     time.Duration
	managerArgs []string
	// managerEnv is added to the manager's environment (KEY=VALUE each).
	managerEnv []string
	managerBin string
	// heapProfiles, when set, is the path prefix for the steady-state manager's heap
	// profile of each clean run (<prefix>-n<N>.pprof).
	heapProfiles string
	// cpuProfiles, when set, is the path prefix for CPU profiles of the API server
	// and the manager over the first 20 s of each clean run's creation.
	cpuProfiles string
	// resync is the restarted manager's --resync-period: after its first pass the
	// benchmark counts the calls of exactly one resync of every object.
	resync time.Duration
	out    io.Writer
}

func main() {
	ctrllog.SetLogger(zap.New(zap.WriteTo(io.Discard)))
	var (
		sizes       = flag.String("n", "200,1000", "numbers of members to run with (comma-separated)")
		namespaces  = flag.Int("namespaces", 10, "namespaces the members are spread over")
		scenarios   = flag.String("scenarios", "clean,bucket,faults", "what to run: clean (every size, with steady state), bucket (token-bucket rate limit), faults (random throttling and 5xx)")
		faultN      = flag.Int("faults-n", 200, "members in the random-faults run (compared with a fault-free run of the same size)")
		bucketN     = flag.Int("bucket-n", 200, "members in the token-bucket run")
		timeout     = flag.Duration("timeout", 15*time.Minute, "give up on one run after this long")
		managerArgs = flag.String("manager-args", "", "extra flags for the manager, space-separated (e.g. \"--max-concurrent-reconciles=8\")")
		managerEnv  = flag.String("manager-env", "", "more environment for the manager, space-separated KEY=VALUE (e.g. \"GOMEMLIMIT=off\"); it starts with the shipped Deployment's ("+deploymentManifest+")")
		outFile     = flag.String("o", "", "also write the report to this file")
		managerBin  = flag.String("manager", "", "a manager binary to measure (default: build ./cmd/manager), e.g. an older build for a before/after comparison")
		heap        = flag.String("heap-profiles", "", "save the steady-state manager's heap profile of each clean run to <prefix>-n<N>.pprof")
		cpuProf     = flag.String("cpu-profiles", "", "save CPU profiles of the API server and the manager over the first 20 s of each clean run to <prefix>-{apiserver,manager}-n<N>.pprof")
		resync      = flag.Duration("resync", time.Minute, "the restarted manager's --resync-period; one resync of every object is measured after its first pass")
	)
	flag.Parse()
	opts := options{namespaces: *namespaces, scenarios: map[string]bool{}, faultN: *faultN, bucketN: *bucketN,
		timeout: *timeout, managerArgs: strings.Fields(*managerArgs), managerEnv: strings.Fields(*managerEnv), managerBin: *managerBin, heapProfiles: *heap, cpuProfiles: *cpuProf, resync: *resync, out: os.Stdout}
	shipped, err := deploymentEnv(deploymentManifest)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench-scale: the manager's environment as shipped (run from the repository root): %v\n", err)
		os.Exit(2)
	}
	opts.managerEnv = append(shipped, opts.managerEnv...)
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < membersPerRole {
			fmt.Fprintf(os.Stderr, "bench-scale: -n %q: want numbers >= %d\n", s, membersPerRole)
			os.Exit(2)
		}
		opts.sizes = append(opts.sizes, n)
	}
	for _, s := range strings.Split(*scenarios, ",") {
		opts.scenarios[strings.TrimSpace(s)] = true
	}
	var files []io.Writer
	files = append(files, os.Stdout)
	if *outFile != "" {
		f, err := os.Create(*outFile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench-scale:", err)
			os.Exit(1)
		}
		defer f.Close()
		files = append(files, f)
	}
	opts.out = io.MultiWriter(files...)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, opts); err != nil {
		fmt.Fprintln(os.Stderr, "bench-scale:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, opts options) error {
	dir, err := os.MkdirTemp("", "bench-scale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := opts.managerBin
	if bin == "" {
		bin = filepath.Join(dir, "manager")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/manager")
		build.Dir = testenv.RepoRoot()
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("building the manager: %v\n%s", err, out)
		}
	}
	rep := &report{out: opts.out}
	rep.header(opts)

	clean := map[int]*result{}
	if opts.scenarios["clean"] {
		for _, n := range opts.sizes {
			r, err := runOnce(ctx, opts, dir, bin, scenario{name: "fault-free", n: n, steady: true})
			if err != nil {
				return err
			}
			clean[n] = r
			rep.clean(r)
		}
	}
	if opts.scenarios["bucket"] {
		r, err := runOnce(ctx, opts, dir, bin, bucketScenario(opts.bucketN))
		if err != nil {
			return err
		}
		rep.bucket(r)
	}
	if opts.scenarios["faults"] {
		base := clean[opts.faultN]
		if base == nil {
			if base, err = runOnce(ctx, opts, dir, bin, scenario{name: "fault-free", n: opts.faultN}); err != nil {
				return err
			}
		}
		r, err := runOnce(ctx, opts, dir, bin, faultScenario(opts.faultN))
		if err != nil {
			return err
		}
		rep.faults(base, r)
	}
	rep.machine()
	return nil
}

// machine describes where the numbers come from.
func machineDescription() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return fmt.Sprintf("%s, %d CPUs (GOMAXPROCS %d), %s/%s, %s; load average at the end %s",
		model, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version(), load)
}
