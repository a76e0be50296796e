package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/internal/testenv"
)

// managerUser is the identity the manager runs as, so the audit log can tell its
// requests from the benchmark's own.
const managerUser = "bench-manager"

// auditPolicy records every request the manager makes (watches excluded) at the
// Metadata level: verb, resource, subresource, namespace and name, never a body.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: None
  verbs: ["watch"]
- level: Metadata
  users: ["` + managerUser + `"]
- level: None
`

// controlPlane is envtest with an audit log of the manager's requests.
type controlPlane struct {
	env         *envtest.Environment
	cfg         *rest.Config
	client      client.Client
	kubeconfig  string
	auditLog    string
	debugSocket string // the API server's profiling socket
}

func startControlPlane(dir string) (*controlPlane, error) {
	assets, err := testenv.Assets()
	if err != nil {
		return nil, err
	}
	policy := filepath.Join(dir, "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(auditPolicy), 0o600); err != nil {
		return nil, err
	}
	auditLog := filepath.Join(dir, "audit.log")
	debugSocket := filepath.Join(dir, "apiserver-debug.sock")
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     []string{filepath.Join(testenv.RepoRoot(), "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	env.ControlPlane.GetAPIServer().Configure().
		Set("audit-policy-file", policy).
		Set("audit-log-path", auditLog).
		Set("audit-log-mode", "blocking").
		Set("audit-log-format", "json").
		// -cpu-profiles reads the API server's profile over this socket (no
		// authentication on a file in the run's own directory); idle until asked.
		Set("debug-socket-path", debugSocket)
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting the control plane: %w", err)
	}
	cp := &controlPlane{env: env, cfg: cfg, auditLog: auditLog, debugSocket: debugSocket}
	stop := func(err error) (*controlPlane, error) { _ = env.Stop(); return nil, err }
	// The benchmark's own client is generous so that creating N objects is not
	// limited by client-side throttling.
	fast := rest.CopyConfig(cfg)
	fast.QPS, fast.Burst = 500, 1000
	if cp.client, err = client.New(fast, client.Options{Scheme: scheme}); err != nil {
		return stop(err)
	}
	user, err := env.AddUser(envtest.User{Name: managerUser, Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return stop(err)
	}
	kc, err := user.KubeConfig()
	if err != nil {
		return stop(err)
	}
	cp.kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(cp.kubeconfig, kc, 0o600); err != nil {
		return stop(err)
	}
	return cp, nil
}

func (cp *controlPlane) stop() { _ = cp.env.Stop() }

// startWatchCache starts an informer cache of the benchmark's kinds, synced, that
// lives as long as ctx.
func startWatchCache(ctx context.Context, cp *controlPlane) (client.Reader, error) {
	c, err := cache.New(cp.cfg, cache.Options{Scheme: scheme, DefaultTransform: cache.TransformStripManagedFields()})
	if err != nil {
		return nil, err
	}
	for _, obj := range []client.Object{&iamv1.AccountBaseline{}, &iamv1.TeamMember{}, &iamv1.AssumableRole{}} {
		if _, err := c.GetInformer(ctx, obj); err != nil {
			return nil, err
		}
	}
	go func() { _ = c.Start(ctx) }()
	if !c.WaitForCacheSync(ctx) {
		return nil, fmt.Errorf("the benchmark's watch cache did not sync")
	}
	return c, nil
}
