package testenv

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestKubeVersionMatchesTheBuild: the tests look for the control plane where
// `make envtest` puts it, so the version in this package, the Makefile and the build
// script must be one and the same.
func TestKubeVersionMatchesTheBuild(t *testing.T) {
	for file, pattern := range map[string]string{
		"Makefile":                 `(?m)^KUBE_VERSION \?= (\S+)$`,
		"hack/envtest/build.sh":    `(?m)^k8s_version=(\S+)$`,
		"hack/envtest/kube/go.mod": `(?m)^require k8s.io/kubernetes v(\S+)$`,
	} {
		b, err := os.ReadFile(filepath.Join(RepoRoot(), file))
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(pattern).FindSubmatch(b)
		if m == nil {
			t.Errorf("%s: no match for %s", file, pattern)
			continue
		}
		if string(m[1]) != KubeVersion {
			t.Errorf("%s has %s, testenv.KubeVersion is %s", file, m[1], KubeVersion)
		}
	}
}

// TestAssetsWithoutEnvironment: with KUBEBUILDER_ASSETS unset the default location is
// used; when it holds no control plane the error says which command builds it.
func TestAssetsWithoutEnvironment(t *testing.T) {
	t.Setenv(assetsEnv, "")
	dir, err := Assets()
	if err == nil {
		if dir != DefaultAssetsDir() {
			t.Errorf("Assets() = %s, want %s", dir, DefaultAssetsDir())
		}
		return
	}
	if !strings.Contains(err.Error(), "run `make envtest`") || !strings.Contains(err.Error(), DefaultAssetsDir()) {
		t.Errorf("error %q does not name the directory and `make envtest`", err)
	}
}

// TestAssetsMissingBinary: a directory without the binaries is an error naming the
// missing one and the command, never a silent fallback to a download.
func TestAssetsMissingBinary(t *testing.T) {
	empty := t.TempDir()
	t.Setenv(assetsEnv, empty)
	_, err := Assets()
	if err == nil {
		t.Fatal("Assets() succeeded on an empty directory")
	}
	for _, want := range []string{"kube-apiserver is missing in " + empty, assetsEnv, "run `make envtest`"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
