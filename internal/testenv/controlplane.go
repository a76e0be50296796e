// Package testenv starts the real control plane (kube-apiserver and etcd through
// controller-runtime's envtest) with the project's CRDs installed, for integration
// tests and the local demo. The binaries are built once by `make envtest`; see Assets
// for how they are found.
package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

var (
	schemeOnce sync.Once
	schemeErr  error
)

// ControlPlane is a running kube-apiserver and etcd with the CRDs installed.
type ControlPlane struct {
	Env    *envtest.Environment
	Config *rest.Config
	Client client.Client
}

// RepoRoot is the repository root, found from this file's location so tests in any
// package can locate config/ without depending on the working directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// StartControlPlane starts envtest. It fails with a clear message when the binaries
// are missing, instead of trying envtest's download, which cannot work offline.
func StartControlPlane() (*ControlPlane, error) {
	assets, err := Assets()
	if err != nil {
		return nil, err
	}
	// The project's kinds join client-go's global scheme once per process: a second
	// control plane in the same process (the demo's tests) must not write to a scheme
	// the first one's clients are still reading.
	schemeOnce.Do(func() { schemeErr = iamv1.AddToScheme(scheme.Scheme) })
	if schemeErr != nil {
		return nil, schemeErr
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     []string{filepath.Join(RepoRoot(), "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
		// envtest's default (20s per component, five attempts) is too short on a 2-core
		// machine where go test starts several packages' control planes at once; a
		// slow start is not a failure.
		ControlPlaneStartTimeout: 2 * time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting the control plane: %w", err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		_ = env.Stop()
		return nil, err
	}
	return &ControlPlane{Env: env, Config: cfg, Client: c}, nil
}

// Stop stops the apiserver and etcd.
func (cp *ControlPlane) Stop() error { return cp.Env.Stop() }

// RunTests is the TestMain of a package whose tests need only the API server: it
// starts the control plane into *cp, runs the tests (m is the *testing.M) and stops
// it, returning the exit code for os.Exit.
func RunTests(m interface{ Run() int }, cp **ControlPlane) int {
	var err error
	if *cp, err = StartControlPlane(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = (*cp).Stop() }()
	return m.Run()
}

// GroupVersionKind of one of the project's kinds, for unstructured tests.
func GroupVersionKind(kind string) schema.GroupVersionKind {
	return iamv1.GroupVersion.WithKind(kind)
}
