// Package config holds the operator's manifests; its tests prove that
// `kubectl apply -k config/default` installs them into a real apiserver and that the
// manager's hardening cannot silently regress.
package config

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/iam-baseline/operator/internal/testenv"
)

const (
	namespace  = "iam-baseline-system"
	deployment = "iam-baseline-controller-manager"
	image      = "ghcr.io/iam-baseline/operator:latest"
)

// TestCRDKustomizationListsEveryBase: kustomize has no globs, so a CRD added by
// `make manifests` but not listed would be missing from every install.
func TestCRDKustomizationListsEveryBase(t *testing.T) {
	var k struct {
		Resources []string `json:"resources"`
	}
	readYAML(t, filepath.Join("crd", "kustomization.yaml"), &k)
	bases, err := filepath.Glob(filepath.Join("crd", "bases", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range bases {
		bases[i], _ = filepath.Rel("crd", b)
	}
	slices.Sort(bases)
	got := slices.Sorted(slices.Values(k.Resources))
	if !slices.Equal(got, bases) {
		t.Errorf("config/crd/kustomization.yaml lists %v, config/crd/bases has %v", got, bases)
	}
}

// TestManagerManifestHardening reads the Deployment straight from manager.yaml.
func TestManagerManifestHardening(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("manager", "manager.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range strings.Split(string(b), "\n---\n") {
		var meta struct{ Kind string }
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			t.Fatal(err)
		}
		if meta.Kind != "Deployment" {
			continue
		}
		var d appsv1.Deployment
		if err := yaml.UnmarshalStrict([]byte(doc), &d); err != nil {
			t.Fatal(err)
		}
		checkDeployment(t, &d, "controller-manager")
		return
	}
	t.Fatal("no Deployment in config/manager/manager.yaml")
}

// checkDeployment asserts everything the Deployment must keep: the container's
// security context field by field, the pod's, probes, resources, args and env.
func checkDeployment(t *testing.T, d *appsv1.Deployment, serviceAccount string) {
	t.Helper()
	pod := d.Spec.Template.Spec
	if pod.ServiceAccountName != serviceAccount {
		t.Errorf("serviceAccountName = %q, want %q", pod.ServiceAccountName, serviceAccount)
	}
	if psc := pod.SecurityContext; psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot ||
		psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod securityContext = %+v, want runAsNonRoot and seccomp RuntimeDefault", psc)
	}
	i := slices.IndexFunc(pod.Containers, func(c corev1.Container) bool { return c.Name == "manager" })
	if i < 0 {
		t.Fatalf("no container named manager in %s", d.Name)
	}
	c := pod.Containers[i]
	if c.Image != image {
		t.Errorf("image = %q, want %q", c.Image, image)
	}

	sc := c.SecurityContext
	if sc == nil {
		t.Fatal("the manager container has no securityContext")
	}
	for field, ok := range map[string]bool{
		"runAsNonRoot: true":              sc.RunAsNonRoot != nil && *sc.RunAsNonRoot,
		"runAsUser: 65532":                sc.RunAsUser != nil && *sc.RunAsUser == 65532,
		"readOnlyRootFilesystem: true":    sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem,
		"allowPrivilegeEscalation: false": sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation,
		"capabilities.drop: [ALL]": sc.Capabilities != nil && len(sc.Capabilities.Add) == 0 &&
			slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}),
		"seccompProfile.type: RuntimeDefault": sc.SeccompProfile != nil &&
			sc.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault,
		"privileged unset or false": sc.Privileged == nil || !*sc.Privileged,
	} {
		if !ok {
			t.Errorf("manager securityContext: want %s", field)
		}
	}

	for _, arg := range []string{"--leader-elect", "--metrics-bind-address=:8080", "--health-probe-bind-address=:8081"} {
		if !slices.Contains(c.Args, arg) {
			t.Errorf("args %v lack %s", c.Args, arg)
		}
	}
	if !slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "AWS_REGION" && e.Value != "" }) {
		t.Errorf("env %v lacks AWS_REGION", c.Env)
	}
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		if _, ok := c.Resources.Requests[r]; !ok {
			t.Errorf("no %s request", r)
		}
		if _, ok := c.Resources.Limits[r]; !ok {
			t.Errorf("no %s limit", r)
		}
	}
	checkProbe(t, "liveness", c.LivenessProbe, "/healthz", c.Ports)
	checkProbe(t, "readiness", c.ReadinessProbe, "/readyz", c.Ports)
}

// checkProbe: the probe is an HTTP GET of path on port 8081, by number or port name.
func checkProbe(t *testing.T, name string, p *corev1.Probe, path string, ports []corev1.ContainerPort) {
	t.Helper()
	if p == nil || p.HTTPGet == nil {
		t.Errorf("%s probe: want an HTTP GET of %s", name, path)
		return
	}
	port := p.HTTPGet.Port.IntValue()
	if j := slices.IndexFunc(ports, func(cp corev1.ContainerPort) bool { return cp.Name == p.HTTPGet.Port.String() }); j >= 0 {
		port = int(ports[j].ContainerPort)
	}
	if p.HTTPGet.Path != path || port != 8081 {
		t.Errorf("%s probe: GET %s on %d, want %s on 8081", name, p.HTTPGet.Path, port, path)
	}
}

// TestKustomizeApply installs config/default with kubectl into the envtest apiserver
// and reads every object back. No controllers run in envtest, so the pod never starts:
// this proves the manifests are valid, complete and wired together (names, namespace,
// references), not that the image runs.
func TestKustomizeApply(t *testing.T) {
	cp, err := testenv.StartControlPlane()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Stop() })

	// A kubeconfig for an administrator, as a person applying the manifests would have.
	user, err := cp.Env.AddUser(envtest.User{Name: "installer", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	kubeconfigPath := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kubeconfigPath, kubeconfig, 0o600); err != nil {
		t.Fatal(err)
	}

	// The CRDs already exist (envtest installed them), so apply server-side and take
	// ownership of their fields. Twice: a second apply must also succeed unchanged.
	kubectl, err := testenv.Kubectl()
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := exec.CommandContext(ctx, kubectl, "apply", "-k", filepath.Join(testenv.RepoRoot(), "config", "default"),
			"--server-side", "--force-conflicts", "--field-manager=kustomize-test",
			"--kubeconfig", kubeconfigPath, "--cache-dir", filepath.Join(dir, "cache"))
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("kubectl apply -k config/default: %v\n%s", err, out)
		}
		t.Logf("kubectl apply -k config/default:\n%s", out)
	}

	ctx := context.Background()
	get := func(obj client.Object, ns, name string) bool {
		t.Helper()
		if err := cp.Client.Get(ctx, types.NamespacedName{Namespace: ns, Name: name}, obj); err != nil {
			t.Errorf("%T %s/%s: %v", obj, ns, name, err)
			return false
		}
		return true
	}

	get(&corev1.Namespace{}, "", namespace)
	for _, crd := range []string{"accountbaselines", "teammembers", "assumableroles"} {
		get(&apiextensionsv1.CustomResourceDefinition{}, "", crd+".iam.baseline.dev")
	}

	var sa corev1.ServiceAccount
	get(&sa, namespace, "iam-baseline-controller-manager")

	var d appsv1.Deployment
	if get(&d, namespace, deployment) {
		checkDeployment(t, &d, sa.Name)
	}

	get(&rbacv1.ClusterRole{}, "", "iam-baseline-manager-role")
	var crb rbacv1.ClusterRoleBinding
	if get(&crb, "", "iam-baseline-manager-rolebinding") {
		checkBinding(t, crb.RoleRef, crb.Subjects, "ClusterRole", "iam-baseline-manager-role")
	}
	get(&rbacv1.Role{}, namespace, "iam-baseline-leader-election-role")
	var rb rbacv1.RoleBinding
	if get(&rb, namespace, "iam-baseline-leader-election-rolebinding") {
		checkBinding(t, rb.RoleRef, rb.Subjects, "Role", "iam-baseline-leader-election-role")
	}

	var svc corev1.Service
	if get(&svc, namespace, "iam-baseline-controller-manager-metrics-service") {
		if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Name != "metrics" || svc.Spec.Ports[0].Port != 8080 {
			t.Errorf("metrics Service ports = %+v, want one port 8080 named metrics", svc.Spec.Ports)
		}
		// The Service must select the manager's pods, or Prometheus scrapes nothing.
		for k, v := range svc.Spec.Selector {
			if d.Spec.Template.Labels[k] != v {
				t.Errorf("metrics Service selects %s=%s, the manager pods have %q", k, v, d.Spec.Template.Labels[k])
			}
		}
	}
}

// checkBinding: the binding grants roleName to the operator's service account, after
// kustomize rewrote both names with the prefix and the namespace.
func checkBinding(t *testing.T, ref rbacv1.RoleRef, subjects []rbacv1.Subject, kind, roleName string) {
	t.Helper()
	if ref.Kind != kind || ref.Name != roleName {
		t.Errorf("roleRef = %s %s, want %s %s", ref.Kind, ref.Name, kind, roleName)
	}
	want := rbacv1.Subject{Kind: "ServiceAccount", Name: "iam-baseline-controller-manager", Namespace: namespace}
	if !slices.Equal(subjects, []rbacv1.Subject{want}) {
		t.Errorf("subjects = %+v, want %+v", subjects, want)
	}
}

func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
