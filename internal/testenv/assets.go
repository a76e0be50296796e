package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// KubeVersion is the Kubernetes version of the test control plane. It must equal
// KUBE_VERSION in the Makefile and k8s_version in hack/envtest/build.sh (a test checks).
const KubeVersion = "1.37.2"

// assetsEnv is envtest's own variable; make sets it, an editor's test runner does not.
const assetsEnv = "KUBEBUILDER_ASSETS"

// DefaultAssetsDir is where `make envtest` builds the control plane for this machine:
// bin/k8s/<version>-<os>-<arch> under the repository root.
func DefaultAssetsDir() string {
	return filepath.Join(RepoRoot(), "bin", "k8s", fmt.Sprintf("%s-%s-%s", KubeVersion, runtime.GOOS, runtime.GOARCH))
}

// Assets is the directory holding kube-apiserver, etcd and kubectl: KUBEBUILDER_ASSETS
// when it is set, otherwise DefaultAssetsDir, so `go test ./...` from an editor works
// without environment variables. When a binary is missing the error names the one
// command that builds them.
func Assets() (string, error) {
	dir, from := os.Getenv(assetsEnv), assetsEnv
	if dir == "" {
		dir, from = DefaultAssetsDir(), "the default location"
	}
	for _, bin := range []string{"kube-apiserver", "etcd", "kubectl"} {
		if _, err := os.Stat(filepath.Join(dir, bin)); err != nil {
			return "", fmt.Errorf("the test control plane is not built: %s is missing in %s (%s); "+
				"run `make envtest` in %s once (it builds kube-apiserver, kubectl and etcd v%s from the Go module proxy)",
				bin, dir, from, RepoRoot(), KubeVersion)
		}
	}
	return dir, nil
}

// Kubectl is the kubectl built beside the control plane (same version as the apiserver).
func Kubectl() (string, error) {
	dir, err := Assets()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "kubectl"), nil
}
