// Command demo runs the whole operator on this machine with one command: a real
// kube-apiserver and etcd (envtest), the local AWS (awslocal), the manager in-process,
// and the samples from config/samples. It waits until every sample is Ready, prints
// what a person wants to see (the kubectl tables, each member's Secret and switch-role
// URLs, what now exists in AWS) and keeps running until Ctrl-C, or exits with --once.
//
// With KUBECONFIG set it uses that cluster instead of starting one; with
// AWS_ENDPOINT_URL set it uses that AWS endpoint instead of starting the local AWS.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/iam-baseline/operator/internal/testenv"
)

// options are the demo's flags. run takes them as a value so the end-to-end test can
// drive the same code path as `make demo ARGS=--once`.
type options struct {
	once       bool
	timeout    time.Duration
	samplesDir string
	resync     time.Duration
	verbose    bool
	out        io.Writer // the report and progress lines
	// stopSignals restores the default SIGINT/SIGTERM handling; run calls it when it
	// starts cleaning up so a second Ctrl-C is not swallowed. Nil in tests.
	stopSignals func()
	// inspect, when set, is called after the report while everything still runs, so
	// the end-to-end test can look at the cluster before it goes away.
	inspect func(ctx context.Context, c client.Client) error
}

func main() {
	opts := options{out: os.Stdout}
	flag.BoolVar(&opts.once, "once", false, "exit 0 after the report instead of running until Ctrl-C (CI smoke test)")
	flag.DurationVar(&opts.timeout, "timeout", 3*time.Minute, "how long the samples may take to become Ready")
	flag.StringVar(&opts.samplesDir, "samples", filepath.Join(testenv.RepoRoot(), "config", "samples"), "directory of sample YAML files to apply")
	flag.DurationVar(&opts.resync, "resync-period", 30*time.Second, "how often the operator re-reads AWS to repair drift (short, so a change made by hand is repaired while you watch)")
	flag.BoolVar(&opts.verbose, "v", false, "stream the operator's log to stderr (it always goes to a file in the demo's temp directory)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "demo: unexpected arguments %v\n", flag.Args())
		os.Exit(2)
	}

	// The first SIGINT/SIGTERM starts a clean shutdown; run restores the default
	// handling once it is cleaning up, so a second Ctrl-C kills the process at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts.stopSignals = stop

	if err := run(ctx, opts); err != nil {
		if errors.Is(err, context.Canceled) {
			// Ctrl-C before everything was up: not a failure.
			return
		}
		fmt.Fprintf(os.Stderr, "\ndemo failed: %v\n", err)
		os.Exit(1)
	}
}
