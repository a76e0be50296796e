// Command iam-baseline shows what applying manifests would change in AWS, before they
// are merged: `iam-baseline plan -f <files|dirs|->`. It is also a kubectl plugin
// when installed (or linked) as kubectl-iam_baseline: `kubectl iam-baseline plan`.
//
// It reads the manifests, optionally the cluster they will be applied to, and AWS
// with the operator's credential chain and spec.access.roleARN, and prints the
// changes the operator would make, computed by the operator's own planner. It writes
// nothing to AWS or Kubernetes. Exit status: 0 no changes, 2 changes, 1 an error or
// an object the operator would refuse. See docs/plan.md.
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
	"strings"
	"syscall"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/preview"
)

const usage = `Usage: %[1]s plan -f <file|dir|-> [-f ...] [flags]

Shows what applying the manifests would change in AWS: per object, the AWS calls the
operator would make, with canonical policy documents and diffs, the deletions of
objects the manifests no longer declare (with --kubeconfig), and what the operator
would refuse. Nothing is written to AWS or Kubernetes.

Exit status: 0 no changes, 2 changes, 1 error or refused object.

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// run is the command, testable: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	prog := filepath.Base(args[0])
	if strings.HasPrefix(prog, "kubectl-") {
		prog = "kubectl " + strings.ReplaceAll(strings.TrimPrefix(prog, "kubectl-"), "_", "-")
	}
	if len(args) < 2 || args[1] != "plan" {
		fmt.Fprintf(stderr, usage, prog)
		return 1
	}
	fl := flag.NewFlagSet("plan", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprintf(stderr, usage, prog); fl.PrintDefaults() }
	var files stringList
	fl.Var(&files, "f", "manifests: a file, a directory (every *.yaml, *.yml, *.json below it) or - for stdin; repeatable")
	output := fl.String("o", "text", "output format: text or json")
	kubeconfig := fl.String("kubeconfig", "", "read the cluster the manifests will be applied to (AccountBaselines, status, and objects the manifests no longer declare); read-only")
	kubeContext := fl.String("context", "", "the kubeconfig context to use")
	namespace := fl.String("n", "default", "namespace of namespaced objects that name none")
	if err := fl.Parse(args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 1
	}
	if len(files) == 0 || fl.NArg() > 0 {
		fl.Usage()
		return 1
	}
	if *output != "text" && *output != "json" {
		fmt.Fprintf(stderr, "-o %s: want text or json\n", *output)
		return 1
	}
	manifests, err := preview.ReadManifests(files, stdin, *namespace)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	var cluster *preview.Objects
	if *kubeconfig != "" {
		r, err := clusterReader(*kubeconfig, *kubeContext)
		if err == nil {
			cluster, err = preview.ReadCluster(ctx, r)
		}
		if err != nil {
			fmt.Fprintf(stderr, "error: reading the cluster: %v\n", err)
			return 1
		}
	}
	provider, err := awsx.NewProvider(ctx, awsx.ProviderOptions{SessionName: "iam-baseline-plan", DisableSnapshot: true})
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	report, err := preview.Plan(ctx, preview.Input{Manifests: manifests, Cluster: cluster, AWS: provider})
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	if *output == "json" {
		err = report.WriteJSON(stdout)
	} else {
		err = report.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	return report.ExitCode()
}

// clusterReader is a client.Reader for the kubeconfig: the type has no method that
// writes, so nothing in the plan can change the cluster.
func clusterReader(path, kubeContext string) (client.Reader, error) {
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: path},
		&clientcmd.ConfigOverrides{CurrentContext: kubeContext},
	).ClientConfig()
	if err != nil {
		return nil, err
	}
	s := runtime.NewScheme()
	utilruntime.Must(iamv1.AddToScheme(s))
	return client.New(cfg, client.Options{Scheme: s})
}
