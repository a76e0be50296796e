package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/iam-baseline/operator/internal/testenv"
)

// cluster is the Kubernetes API the demo talks to: the local control plane, or the
// cluster KUBECONFIG names.
type cluster struct {
	cfg    *rest.Config
	client client.Client // uncached: the demo's reads must never be stale
	// kubectl is the binary the report runs; kubectlArgs select the cluster
	// (--kubeconfig <file> for the local one; empty for KUBECONFIG, which kubectl
	// reads itself, list of files included).
	kubectl     string
	kubectlArgs []string
	local       bool
	server      string
	stop        func()
}

// startCluster starts the local control plane, or connects to the cluster KUBECONFIG
// points at and installs the CRDs there if they are missing.
func startCluster(ctx context.Context, tmp string, p *progress) (*cluster, error) {
	if os.Getenv("KUBECONFIG") != "" {
		return externalCluster(ctx, p)
	}
	p.step("starting the control plane (kube-apiserver and etcd)…")
	// `go run ./cmd/demo` without make finds what `make envtest` built (testenv.Assets).
	assets, err := testenv.Assets()
	if err != nil {
		return nil, err
	}
	cp, err := testenv.StartControlPlane()
	if err != nil {
		return nil, err
	}
	stop := func() { _ = cp.Stop() }
	// envtest's own rest.Config is not a file kubectl can read; an extra admin user
	// gives us one.
	user, err := cp.Env.AddUser(envtest.User{Name: "demo-admin", Groups: []string{"system:masters"}}, cp.Config)
	if err != nil {
		stop()
		return nil, fmt.Errorf("creating a kubeconfig for the control plane: %w", err)
	}
	kc, err := user.KubeConfig()
	if err != nil {
		stop()
		return nil, fmt.Errorf("creating a kubeconfig for the control plane: %w", err)
	}
	kubeconfig := filepath.Join(tmp, "kubeconfig")
	if err := os.WriteFile(kubeconfig, kc, 0o600); err != nil {
		stop()
		return nil, err
	}
	c, err := client.New(cp.Config, client.Options{Scheme: demoScheme})
	if err != nil {
		stop()
		return nil, err
	}
	return &cluster{
		cfg: cp.Config, client: c, local: true, server: cp.Config.Host, stop: stop,
		kubectl: findKubectl(assets), kubectlArgs: []string{"--kubeconfig", kubeconfig},
	}, nil
}

func externalCluster(ctx context.Context, p *progress) (*cluster, error) {
	loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(clientcmd.NewDefaultClientConfigLoadingRules(), &clientcmd.ConfigOverrides{})
	cfg, err := loader.ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("reading KUBECONFIG=%s: %w", os.Getenv("KUBECONFIG"), err)
	}
	p.step(fmt.Sprintf("using the cluster at %s (from KUBECONFIG)…", cfg.Host))
	c, err := client.New(cfg, client.Options{Scheme: demoScheme})
	if err != nil {
		return nil, err
	}
	if err := ensureCRDs(ctx, c, filepath.Join(testenv.RepoRoot(), "config", "crd", "bases"), p); err != nil {
		return nil, err
	}
	return &cluster{
		cfg: cfg, client: c, server: cfg.Host, stop: func() {},
		kubectl: findKubectl(assetsIfBuilt()),
	}, nil
}

// assetsIfBuilt is the control plane's directory when `make envtest` has built it, or "".
func assetsIfBuilt() string {
	dir, err := testenv.Assets()
	if err != nil {
		return ""
	}
	return dir
}

// findKubectl prefers the kubectl `make envtest` built (same version as the API
// server), then one on PATH. An empty result means the report skips the tables.
func findKubectl(assets string) string {
	if assets != "" {
		if k := filepath.Join(assets, "kubectl"); isExecutable(k) {
			return k
		}
	}
	if k, err := exec.LookPath("kubectl"); err == nil {
		return k
	}
	return ""
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// ensureCRDs creates the project's CRDs that the cluster lacks and waits until they
// are served. Existing CRDs are left alone: on somebody's cluster they may belong to
// an installed operator, and replacing them is that install's job.
func ensureCRDs(ctx context.Context, c client.Client, dir string, p *progress) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no CRDs found in %s", dir)
	}
	var created []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(data, crd); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		err = c.Get(ctx, client.ObjectKeyFromObject(crd), &apiextensionsv1.CustomResourceDefinition{})
		if err == nil {
			continue
		}
		if !apierrors.IsNotFound(err) {
			return fmt.Errorf("reading CRD %s: %w", crd.Name, err)
		}
		if err := c.Create(ctx, crd); err != nil {
			return fmt.Errorf("installing CRD %s: %w", crd.Name, err)
		}
		created = append(created, crd.Name)
	}
	if len(created) == 0 {
		return nil
	}
	p.step(fmt.Sprintf("installed %d CRDs; waiting until they are served…", len(created)))
	deadline := time.Now().Add(time.Minute)
	for _, name := range created {
		for {
			crd := &apiextensionsv1.CustomResourceDefinition{}
			if err := c.Get(ctx, client.ObjectKey{Name: name}, crd); err == nil && crdEstablished(crd) {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("CRD %s is not Established after a minute", name)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(250 * time.Millisecond):
			}
		}
	}
	return nil
}

func crdEstablished(crd *apiextensionsv1.CustomResourceDefinition) bool {
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
			return true
		}
	}
	return false
}
