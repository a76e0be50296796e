package chart

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/kube"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"github.com/iam-baseline/operator/hack/release/render"
	"github.com/iam-baseline/operator/internal/testenv"
)

const (
	namespace = "iam-baseline-system"
	irsaRole  = "arn:aws:iam::111111111111:role/iam-baseline-operator"
	digest    = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

// TestGeneratedFilesUpToDate: the chart's CRDs, RBAC and alerts are what `make
// manifests` generates from config/ and docs/metrics.md, never edited by hand.
func TestGeneratedFilesUpToDate(t *testing.T) {
	diff, err := Diff(testenv.RepoRoot())
	if err != nil {
		t.Fatal(err)
	}
	if len(diff) > 0 {
		t.Errorf("%s is stale in %v: run `make manifests` and commit the result", Dir, diff)
	}
}

// TestLint is `helm lint --strict` through the SDK, with the defaults and with every
// optional part turned on.
func TestLint(t *testing.T) {
	for name, vals := range map[string]map[string]any{"defaults": nil, "everything on": everythingOn()} {
		lint := action.NewLint()
		lint.Strict = true
		lint.Namespace = namespace
		kv, err := common.ParseKubeVersion("v" + testenv.KubeVersion)
		if err != nil {
			t.Fatal(err)
		}
		lint.KubeVersion = kv
		res := lint.Run([]string{filepath.Join(testenv.RepoRoot(), Dir)}, vals)
		for _, m := range res.Messages {
			t.Logf("%s: %s", name, m)
		}
		if len(res.Errors) > 0 || res.TotalChartsLinted != 1 {
			t.Errorf("%s: helm lint --strict: %d charts linted, errors %v", name, res.TotalChartsLinted, res.Errors)
		}
	}
}

func everythingOn() map[string]any {
	return map[string]any{
		"image":          map[string]any{"digest": digest},
		"replicaCount":   2,
		"serviceAccount": map[string]any{"annotations": map[string]any{"eks.amazonaws.com/role-arn": irsaRole}},
		"manager": map[string]any{
			"resyncPeriod": "5m", "maxConcurrentReconciles": 8, "extraArgs": []any{"--log-level=debug"},
		},
		"nodeSelector": map[string]any{"kubernetes.io/os": "linux"},
		"tolerations":  []any{map[string]any{"key": "dedicated", "operator": "Equal", "value": "platform", "effect": "NoSchedule"}},
		"affinity": map[string]any{"nodeAffinity": map[string]any{"requiredDuringSchedulingIgnoredDuringExecution": map[string]any{
			"nodeSelectorTerms": []any{map[string]any{"matchExpressions": []any{map[string]any{"key": "kubernetes.io/arch", "operator": "In", "values": []any{"amd64", "arm64"}}}}},
		}}},
		"resources": map[string]any{"limits": map[string]any{"cpu": "1", "memory": "512Mi"}, "requests": map[string]any{"cpu": "50m", "memory": "128Mi"}},
		"metrics": map[string]any{
			"serviceMonitor": map[string]any{"enabled": true},
			"prometheusRule": map[string]any{"enabled": true},
		},
	}
}

func loadChart(t *testing.T) *chartv2.Chart {
	t.Helper()
	ch, err := loader.Load(filepath.Join(testenv.RepoRoot(), Dir))
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func renderChart(t *testing.T, vals map[string]any) map[string]*unstructured.Unstructured {
	t.Helper()
	objs, err := render.Render(loadChart(t), "iam-baseline", namespace, vals)
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]*unstructured.Unstructured{}
	for _, o := range objs {
		byKey[o.GetKind()+"/"+o.GetName()] = o
	}
	return byKey
}

func convert[T any](t *testing.T, u *unstructured.Unstructured) *T {
	t.Helper()
	if u == nil {
		t.Fatalf("%T not rendered", new(T))
	}
	var out T
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(u.Object, &out, true); err != nil {
		t.Fatalf("%s %s: %v", u.GetKind(), u.GetName(), err)
	}
	return &out
}

func readConfig[T any](t *testing.T, path string) *T {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), path))
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := yaml.Unmarshal([]byte(strings.TrimPrefix(string(b), "---\n")), &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// TestDefaultsMatchConfig: with default values the chart installs what
// `kubectl apply -k config/default` installs: the same names, the same RBAC rules,
// and a manager Deployment with the same hardening, probes, ports, resources and args.
func TestDefaultsMatchConfig(t *testing.T) {
	objs := renderChart(t, nil)
	var kinds []string
	for k := range objs {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	want := []string{
		"ClusterRole/iam-baseline-manager-role",
		"ClusterRoleBinding/iam-baseline-manager-rolebinding",
		"Deployment/iam-baseline-controller-manager",
		"Role/iam-baseline-leader-election-role",
		"RoleBinding/iam-baseline-leader-election-rolebinding",
		"Service/iam-baseline-controller-manager-metrics-service",
		"ServiceAccount/iam-baseline-controller-manager",
	}
	if !slices.Equal(kinds, want) {
		t.Errorf("rendered %v\nwant     %v", kinds, want)
	}

	cr := convert[rbacv1.ClusterRole](t, objs["ClusterRole/iam-baseline-manager-role"])
	if cfg := readConfig[rbacv1.ClusterRole](t, "config/rbac/role.yaml"); !reflect.DeepEqual(cr.Rules, cfg.Rules) {
		t.Errorf("ClusterRole rules differ from config/rbac/role.yaml:\nchart  %+v\nconfig %+v", cr.Rules, cfg.Rules)
	}
	role := convert[rbacv1.Role](t, objs["Role/iam-baseline-leader-election-role"])
	if cfg := readConfig[rbacv1.Role](t, "config/rbac/leader_election_role.yaml"); !reflect.DeepEqual(role.Rules, cfg.Rules) {
		t.Errorf("leader-election Role rules differ from config/rbac/leader_election_role.yaml")
	}
	if role.Namespace != namespace {
		t.Errorf("leader-election Role in namespace %q, want the release's", role.Namespace)
	}

	got := convert[appsv1.Deployment](t, objs["Deployment/iam-baseline-controller-manager"])
	var cfg appsv1.Deployment
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "config", "manager", "manager.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range strings.Split(string(b), "\n---\n") {
		if strings.Contains(doc, "\nkind: Deployment\n") {
			if err := yaml.UnmarshalStrict([]byte(doc), &cfg); err != nil {
				t.Fatal(err)
			}
		}
	}
	gp, cp := got.Spec.Template.Spec, cfg.Spec.Template.Spec
	gc, cc := gp.Containers[0], cp.Containers[0]
	for field, pair := range map[string][2]any{
		"replicas":                      {got.Spec.Replicas, cfg.Spec.Replicas},
		"selector":                      {got.Spec.Selector, cfg.Spec.Selector},
		"pod securityContext":           {gp.SecurityContext, cp.SecurityContext},
		"terminationGracePeriodSeconds": {gp.TerminationGracePeriodSeconds, cp.TerminationGracePeriodSeconds},
		"container name":                {gc.Name, cc.Name},
		"container securityContext":     {gc.SecurityContext, cc.SecurityContext},
		"command":                       {gc.Command, cc.Command},
		"env":                           {gc.Env, cc.Env},
		"ports":                         {gc.Ports, cc.Ports},
		"livenessProbe":                 {gc.LivenessProbe, cc.LivenessProbe},
		"readinessProbe":                {gc.ReadinessProbe, cc.ReadinessProbe},
		"resources":                     {gc.Resources, cc.Resources},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("Deployment %s: chart %+v, config/manager %+v", field, pair[0], pair[1])
		}
	}
	for _, arg := range cc.Args {
		if !slices.Contains(gc.Args, arg) {
			t.Errorf("chart args %v lack config/manager's %s", gc.Args, arg)
		}
	}
	for k, v := range cfg.Spec.Template.Labels {
		if got.Spec.Template.Labels[k] != v {
			t.Errorf("pod label %s=%q, config/manager has %q", k, got.Spec.Template.Labels[k], v)
		}
	}
	if gc.Image != "ghcr.io/iam-baseline/operator:latest" {
		t.Errorf("default image %q, want the chart's appVersion tag", gc.Image)
	}
}

// TestValues: every value people set reaches the object it is for.
func TestValues(t *testing.T) {
	objs := renderChart(t, everythingOn())
	d := convert[appsv1.Deployment](t, objs["Deployment/iam-baseline-controller-manager"])
	pod := d.Spec.Template.Spec
	c := pod.Containers[0]
	if want := "ghcr.io/iam-baseline/operator@" + digest; c.Image != want {
		t.Errorf("image %q, want %q (pinned by digest)", c.Image, want)
	}
	if *d.Spec.Replicas != 2 {
		t.Errorf("replicas %d, want 2", *d.Spec.Replicas)
	}
	for _, arg := range []string{"--leader-elect", "--resync-period=5m", "--max-concurrent-reconciles=8", "--log-level=debug"} {
		if !slices.Contains(c.Args, arg) {
			t.Errorf("args %v lack %s", c.Args, arg)
		}
	}
	if pod.NodeSelector["kubernetes.io/os"] != "linux" || len(pod.Tolerations) != 1 || pod.Affinity == nil || pod.Affinity.NodeAffinity == nil {
		t.Errorf("scheduling values not applied: nodeSelector %v tolerations %v affinity %v", pod.NodeSelector, pod.Tolerations, pod.Affinity)
	}
	if c.Resources.Limits.Memory().String() != "512Mi" || c.Resources.Requests.Cpu().String() != "50m" {
		t.Errorf("resources %+v, want the values'", c.Resources)
	}
	sa := convert[corev1.ServiceAccount](t, objs["ServiceAccount/iam-baseline-controller-manager"])
	if sa.Annotations["eks.amazonaws.com/role-arn"] != irsaRole {
		t.Errorf("ServiceAccount annotations %v, want the IRSA role", sa.Annotations)
	}

	rule := objs["PrometheusRule/iam-baseline-operator"]
	if rule == nil || objs["ServiceMonitor/iam-baseline-operator"] == nil {
		t.Fatalf("ServiceMonitor or PrometheusRule not rendered: %v", keys(objs))
	}
	groups, _, _ := unstructured.NestedSlice(rule.Object, "spec", "groups")
	var alerts []string
	for _, g := range groups {
		rules, _, _ := unstructured.NestedSlice(g.(map[string]any), "rules")
		for _, r := range rules {
			r := r.(map[string]any)
			alerts = append(alerts, r["alert"].(string))
			// Prometheus expands these, Helm must have left them alone.
			if s, _, _ := unstructured.NestedString(r, "annotations", "summary"); s != "" && !strings.Contains(s, "{{") && strings.Contains(r["alert"].(string), "Throttling") {
				t.Errorf("%s: summary %q lost its Prometheus template", r["alert"], s)
			}
		}
	}
	doc, err := Alerts(filepath.Join(testenv.RepoRoot(), "docs", "metrics.md"))
	if err != nil {
		t.Fatal(err)
	}
	var documented []map[string]any
	if err := yaml.Unmarshal(doc, &documented); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range documented {
		want = append(want, r["alert"].(string))
	}
	if !slices.Equal(alerts, want) || len(want) < 5 {
		t.Errorf("PrometheusRule alerts %v, docs/metrics.md has %v", alerts, want)
	}
}

// TestReplicasNeedLeaderElection: two managers without a lease would both write to
// AWS; the chart refuses to render that.
func TestReplicasNeedLeaderElection(t *testing.T) {
	_, err := render.Render(loadChart(t), "iam-baseline", namespace, map[string]any{
		"replicaCount": 2, "leaderElection": map[string]any{"enabled": false},
	})
	if err == nil || !strings.Contains(err.Error(), "leaderElection") {
		t.Errorf("rendering 2 replicas without leader election: err = %v, want a refusal", err)
	}
}

func keys(m map[string]*unstructured.Unstructured) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestHelmInstall installs the chart with the Helm SDK into a real kube-apiserver
// (envtest, started without the CRDs so the chart's crds/ install them) and reads
// every object back. No controllers run in envtest, so the pod never starts: this
// proves the chart installs and is wired together, as helm would install it.
func TestHelmInstall(t *testing.T) {
	assets, err := testenv.Assets()
	if err != nil {
		t.Fatal(err)
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets}
	cfg, err := env.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{clientgoscheme.AddToScheme, apiextensionsv1.AddToScheme} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	// The Prometheus Operator's kinds, as a cluster running it has them (a minimal
	// schema: the test is about this chart, not about Prometheus's validation).
	for _, kind := range []string{"ServiceMonitor", "PrometheusRule"} {
		crd := monitoringCRD(kind)
		if err := c.Create(ctx, crd); err != nil {
			t.Fatal(err)
		}
		waitEstablished(ctx, t, c, crd.Name)
	}

	user, err := env.AddUser(envtest.User{Name: "installer", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kubeconfig, err := user.KubeConfig()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	kubeconfigPath, cacheDir, ns := filepath.Join(dir, "kubeconfig"), filepath.Join(dir, "cache"), namespace
	if err := os.WriteFile(kubeconfigPath, kubeconfig, 0o600); err != nil {
		t.Fatal(err)
	}
	getter := &genericclioptions.ConfigFlags{KubeConfig: &kubeconfigPath, CacheDir: &cacheDir, Namespace: &ns}
	helm := action.NewConfiguration()
	if err := helm.Init(getter, namespace, "secret"); err != nil {
		t.Fatal(err)
	}
	install := action.NewInstall(helm)
	install.ReleaseName, install.Namespace, install.CreateNamespace = "iam-baseline", namespace, true
	install.WaitStrategy = kube.HookOnlyStrategy
	install.Timeout = 3 * time.Minute
	vals := everythingOn()
	if _, err := install.RunWithContext(ctx, loadChart(t), vals); err != nil {
		t.Fatalf("helm install: %v", err)
	}

	// Everything the chart renders exists in the apiserver as rendered.
	for _, want := range renderChart(t, vals) {
		got := &unstructured.Unstructured{}
		got.SetGroupVersionKind(want.GroupVersionKind())
		if err := c.Get(ctx, types.NamespacedName{Namespace: want.GetNamespace(), Name: want.GetName()}, got); err != nil {
			t.Errorf("%s %s/%s: %v", want.GetKind(), want.GetNamespace(), want.GetName(), err)
			continue
		}
		if got.GetLabels()["app.kubernetes.io/managed-by"] != "Helm" || got.GetAnnotations()["meta.helm.sh/release-name"] != "iam-baseline" {
			t.Errorf("%s %s: not owned by the Helm release (labels %v)", want.GetKind(), want.GetName(), got.GetLabels())
		}
	}

	var sa corev1.ServiceAccount
	if err := c.Get(ctx, types.NamespacedName{Namespace: namespace, Name: "iam-baseline-controller-manager"}, &sa); err != nil {
		t.Fatal(err)
	}
	if sa.Annotations["eks.amazonaws.com/role-arn"] != irsaRole {
		t.Errorf("ServiceAccount annotations %v, want eks.amazonaws.com/role-arn=%s", sa.Annotations, irsaRole)
	}
	var d appsv1.Deployment
	if err := c.Get(ctx, types.NamespacedName{Namespace: namespace, Name: "iam-baseline-controller-manager"}, &d); err != nil {
		t.Fatal(err)
	}
	if d.Spec.Template.Spec.ServiceAccountName != sa.Name || d.Spec.Template.Spec.Containers[0].Image != "ghcr.io/iam-baseline/operator@"+digest {
		t.Errorf("Deployment runs %s as %s", d.Spec.Template.Spec.Containers[0].Image, d.Spec.Template.Spec.ServiceAccountName)
	}
	var crb rbacv1.ClusterRoleBinding
	if err := c.Get(ctx, types.NamespacedName{Name: "iam-baseline-manager-rolebinding"}, &crb); err != nil {
		t.Fatal(err)
	}
	wantSubject := rbacv1.Subject{Kind: "ServiceAccount", Name: sa.Name, Namespace: namespace}
	if crb.RoleRef.Name != "iam-baseline-manager-role" || !slices.Equal(crb.Subjects, []rbacv1.Subject{wantSubject}) {
		t.Errorf("ClusterRoleBinding grants %s to %+v", crb.RoleRef.Name, crb.Subjects)
	}

	// The CRDs came from the chart's crds/, and the apiserver serves the kinds.
	for _, name := range []string{"accountbaselines", "teammembers", "assumableroles"} {
		var crd apiextensionsv1.CustomResourceDefinition
		if err := c.Get(ctx, types.NamespacedName{Name: name + ".iam.baseline.dev"}, &crd); err != nil {
			t.Errorf("CRD %s: %v", name, err)
		}
	}
	for _, name := range []string{"accountbaselines", "teammembers", "assumableroles"} {
		waitEstablished(ctx, t, c, name+".iam.baseline.dev")
	}
	sample := &unstructured.Unstructured{}
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "config", "samples", "iam_v1alpha1_accountbaseline.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &sample.Object); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, sample); err != nil {
		t.Fatalf("creating the sample AccountBaseline with the chart's CRDs: %v", err)
	}
}

// waitEstablished waits until the apiserver serves the CRD's kind.
func waitEstablished(ctx context.Context, t *testing.T, c client.Client, name string) {
	t.Helper()
	for {
		var crd apiextensionsv1.CustomResourceDefinition
		err := c.Get(ctx, types.NamespacedName{Name: name}, &crd)
		if err == nil && slices.ContainsFunc(crd.Status.Conditions, func(c apiextensionsv1.CustomResourceDefinitionCondition) bool {
			return c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue
		}) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("CRD %s not established: %v (last error %v)", name, ctx.Err(), err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func monitoringCRD(kind string) *apiextensionsv1.CustomResourceDefinition {
	plural := strings.ToLower(kind) + "s"
	return &apiextensionsv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: plural + ".monitoring.coreos.com"},
		Spec: apiextensionsv1.CustomResourceDefinitionSpec{
			Group: "monitoring.coreos.com",
			Names: apiextensionsv1.CustomResourceDefinitionNames{Kind: kind, ListKind: kind + "List", Plural: plural, Singular: strings.ToLower(kind)},
			Scope: apiextensionsv1.NamespaceScoped,
			Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{
				Name: "v1", Served: true, Storage: true,
				Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
					Type: "object", XPreserveUnknownFields: ptr(true),
				}},
			}},
		},
	}
}

func ptr[T any](v T) *T { return &v }
