package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/controllers"
	awsx "github.com/iam-baseline/operator/internal/aws"
)

// demoScheme knows the built-in kinds, the CRDs (to install them on a cluster that
// lacks them) and the project's kinds.
var demoScheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(apiextensionsv1.AddToScheme(s))
	utilruntime.Must(iamv1.AddToScheme(s))
	return s
}()

// run is the whole demo. Everything it starts is stopped, in reverse order, before it
// returns, whatever the outcome.
func run(ctx context.Context, opts options) (err error) {
	p := newProgress(opts.out)
	tmp, err := os.MkdirTemp("", "iam-baseline-demo-")
	if err != nil {
		return err
	}
	var cleanups []func()
	defer func() {
		if opts.stopSignals != nil {
			opts.stopSignals() // a second Ctrl-C now kills the process
		}
		if len(cleanups) > 0 {
			p.step("stopping what the demo started and removing its temporary files…")
		}
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
		_ = os.RemoveAll(tmp)
	}()

	// The operator's log goes to a file so the report stays readable; on failure its
	// tail is printed, since the file goes away with the temp directory.
	logPath := filepath.Join(tmp, "operator.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	cleanups = append(cleanups, func() { _ = logFile.Close() })
	var logOut io.Writer = logFile
	if opts.verbose {
		logOut = io.MultiWriter(logFile, os.Stderr)
	}
	operatorLog.set(logOut)
	defer operatorLog.set(io.Discard)
	defer func() {
		if err != nil && !errors.Is(err, context.Canceled) {
			printLogTail(opts.out, logPath, 25)
		}
	}()

	cl, err := startCluster(ctx, tmp, p)
	if err != nil {
		return err
	}
	cleanups = append(cleanups, cl.stop)

	aws, err := startAWS(ctx, p)
	if err != nil {
		return err
	}
	cleanups = append(cleanups, aws.stop)

	p.step("starting the operator…")
	mgr, err := startManager(cl, opts)
	if err != nil {
		return err
	}
	cleanups = append(cleanups, mgr.stop)
	// An operator that dies early would otherwise look like a slow one until the
	// timeout: end the wait at once, with its error.
	ctx, cancelRun := context.WithCancelCause(ctx)
	defer cancelRun(nil)
	go func() {
		select {
		case <-mgr.done:
			cancelRun(fmt.Errorf("the operator stopped unexpectedly: %v", mgr.err))
		case <-ctx.Done():
		}
	}()

	objs, err := loadSamples(opts.samplesDir)
	if err != nil {
		return err
	}
	if err := printPlan(ctx, opts.out, cl.client, objs, p); err != nil {
		return err
	}
	p.step(fmt.Sprintf("applying %s from %s…", plural(len(objs), "sample"), opts.samplesDir))
	if err := applySamples(ctx, cl.client, objs, p); err != nil {
		return err
	}
	if err := waitReady(ctx, cl.client, objs, opts.timeout, p); err != nil {
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			return cause
		}
		if isNotReady(err) {
			runKubectl(ctx, opts.out, cl, "get", "ab,tm,ar", "-A")
		}
		return err
	}
	cisPending := waitCredentialReports(ctx, cl.client, objs, reportWait, p)
	if err := report(ctx, opts.out, cl, aws, objs, cisPending); err != nil {
		return err
	}
	if opts.inspect != nil {
		if err := opts.inspect(ctx, cl.client); err != nil {
			return err
		}
	}
	if opts.once {
		return nil
	}
	formatHowToReach(opts.out, kubectlCommand(cl), aws.url, aws.local)
	if !cl.local {
		fmt.Fprintln(opts.out, "The samples stay in your cluster after Ctrl-C; delete them while an operator runs, or their finalizers keep them.")
	}
	<-ctx.Done()
	fmt.Fprintln(opts.out)
	return nil
}

// runningManager is the operator running in this process.
type runningManager struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when the manager has stopped
	err    error         // why it stopped; read after done is closed
}

// stop stops the manager and waits until it has.
func (m *runningManager) stop() {
	m.cancel()
	<-m.done
	if m.err != nil {
		fmt.Fprintf(os.Stderr, "the operator stopped with an error: %v\n", m.err)
	}
}

// startManager runs the controllers in this process, exactly as cmd/manager wires
// them, with metrics and probes off (nothing scrapes them here, and fixed ports could
// collide with something else on the machine).
func startManager(cl *cluster, opts options) (*runningManager, error) {
	mgr, err := ctrl.NewManager(cl.cfg, ctrl.Options{
		Scheme:                 demoScheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		// Controller names are unique per process; the end-to-end tests run the demo
		// more than once in one.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		return nil, fmt.Errorf("creating the manager: %w", err)
	}
	// The manager has its own context: on Ctrl-C it must keep running until the
	// cleanup stops it, before the control plane and the local AWS go away under it.
	ctx, cancel := context.WithCancel(context.Background())
	provider, err := awsx.NewProvider(ctx, awsx.ProviderOptions{})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("configuring AWS: %w", err)
	}
	if err := controllers.SetupWithManager(mgr, controllers.Options{ResyncPeriod: opts.resync, AWS: provider}); err != nil {
		cancel()
		return nil, fmt.Errorf("setting up the controllers: %w", err)
	}
	m := &runningManager{cancel: cancel, done: make(chan struct{})}
	go func() {
		m.err = mgr.Start(ctx)
		close(m.done)
	}()
	return m, nil
}

func printLogTail(w io.Writer, path string, n int) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer func() { _ = f.Close() }()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "\n-- the last %d lines of the operator's log --\n%s\n", len(lines), strings.Join(lines, "\n"))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
