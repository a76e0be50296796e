package dist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v4/pkg/chart/v2/loader"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/iam-baseline/operator/hack/release/render"
	"github.com/iam-baseline/operator/internal/testenv"
)

const (
	repository = "registry.example.com/platform/iam-baseline-operator"
	digest     = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

// TestInstallYAML: dist/install.yaml is config/default with the image pinned by digest:
// the same objects as `kubectl apply -k config/default`, the manager pulling exactly
// the image the release built.
func TestInstallYAML(t *testing.T) {
	b, err := InstallYAML(testenv.RepoRoot(), repository, digest)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := render.Objects(string(b))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	var d appsv1.Deployment
	for _, o := range objs {
		kinds[o.GetKind()]++
		if ns := o.GetNamespace(); ns != "" && ns != "iam-baseline-system" {
			t.Errorf("%s %s in namespace %q", o.GetKind(), o.GetName(), ns)
		}
		if o.GetKind() == "Deployment" {
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &d); err != nil {
				t.Fatal(err)
			}
		}
	}
	for kind, n := range map[string]int{"CustomResourceDefinition": 3, "Namespace": 1, "Deployment": 1, "ServiceAccount": 1, "ClusterRole": 1, "ClusterRoleBinding": 1, "Role": 1, "RoleBinding": 1, "Service": 1} {
		if kinds[kind] != n {
			t.Errorf("install.yaml has %d %s, want %d", kinds[kind], kind, n)
		}
	}
	if len(d.Spec.Template.Spec.Containers) != 1 || d.Spec.Template.Spec.Containers[0].Image != repository+"@"+digest {
		t.Errorf("manager image %+v, want %s@%s", d.Spec.Template.Spec.Containers, repository, digest)
	}
	if strings.Contains(string(b), ":latest") {
		t.Error("install.yaml still refers to a :latest image")
	}
}

// TestPackageChart: the packaged chart carries the release's version and installs the
// image by digest with default values; packaging twice gives the same bytes.
func TestPackageChart(t *testing.T) {
	created := time.Unix(1700000000, 0)
	var archives []string
	for range 2 {
		p, err := PackageChart(testenv.RepoRoot(), t.TempDir(), "v1.2.3", digest, created)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(p) != "iam-baseline-operator-1.2.3.tgz" {
			t.Errorf("package %s, want iam-baseline-operator-1.2.3.tgz", p)
		}
		archives = append(archives, p)
	}
	if a, b := readFile(t, archives[0]), readFile(t, archives[1]); a != b {
		t.Error("two packages of one commit differ")
	}

	ch, err := loader.Load(archives[0])
	if err != nil {
		t.Fatal(err)
	}
	if ch.Metadata.Version != "1.2.3" || ch.Metadata.AppVersion != "v1.2.3" {
		t.Errorf("version %s appVersion %s, want 1.2.3 and v1.2.3", ch.Metadata.Version, ch.Metadata.AppVersion)
	}
	objs, err := render.Render(ch, "iam-baseline", "iam-baseline-system", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if o.GetKind() != "Deployment" {
			continue
		}
		var d appsv1.Deployment
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &d); err != nil {
			t.Fatal(err)
		}
		if got, want := d.Spec.Template.Spec.Containers[0].Image, ImageName+"@"+digest; got != want {
			t.Errorf("packaged chart's image %s, want %s", got, want)
		}
		if got := d.Labels["app.kubernetes.io/version"]; got != "v1.2.3" {
			t.Errorf("version label %q, want v1.2.3", got)
		}
		return
	}
	t.Error("the packaged chart renders no Deployment")
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
