package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/iam-baseline/operator/internal/testenv"
)

func TestLoadSamplesFromTheRepository(t *testing.T) {
	objs, err := loadSamples(filepath.Join(testenv.RepoRoot(), "config", "samples"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, ref(o))
	}
	// kustomization.yaml's order: the baseline, then the members, then the role.
	want := []string{
		"AccountBaseline sandbox",
		"TeamMember team-payments/alice",
		"TeamMember team-payments/bob",
		"AssumableRole team-payments/payments-deployer",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("samples = %q, want %q", got, want)
	}
	if ns := sampleNamespaces(objs); !reflect.DeepEqual(ns, []string{"team-payments"}) {
		t.Fatalf("namespaces = %q", ns)
	}
	// Unstructured keeps the YAML as written: nothing defaulted or dropped.
	if alias := objs[0].Object["spec"].(map[string]any)["alias"]; alias != "acme-sandbox" {
		t.Fatalf("alias = %v", alias)
	}
}

func TestLoadSamplesWithoutKustomizationReadsEveryFileInOrder(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "b.yaml", `---
# only a comment
---
apiVersion: v1
kind: ConfigMap
metadata: {name: two, namespace: ns-b}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: three, namespace: ns-a}
`)
	write(t, dir, "a.yml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one, namespace: ns-a}\n")
	write(t, dir, "notes.txt", "not yaml: [")
	objs, err := loadSamples(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range objs {
		names = append(names, o.GetName())
	}
	if !reflect.DeepEqual(names, []string{"one", "two", "three"}) {
		t.Fatalf("names = %q", names)
	}
	if ns := sampleNamespaces(objs); !reflect.DeepEqual(ns, []string{"ns-a", "ns-b"}) {
		t.Fatalf("namespaces = %q", ns)
	}
}

func TestLoadSamplesErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string]string
		want  string
	}{
		"no kind":               {map[string]string{"x.yaml": "apiVersion: v1\nmetadata: {name: x}\n"}, "apiVersion, kind and metadata.name are required"},
		"no name":               {map[string]string{"x.yaml": "apiVersion: v1\nkind: ConfigMap\n"}, "document 1"},
		"bad yaml":              {map[string]string{"x.yaml": "apiVersion: v1\nkind: [\n"}, "x.yaml"},
		"empty dir":             {map[string]string{}, "no YAML files"},
		"only empty documents":  {map[string]string{"x.yaml": "---\n---\n"}, "no objects"},
		"kustomization missing": {map[string]string{"kustomization.yaml": "resources: [gone.yaml]\n"}, "gone.yaml"},
		"kustomization empty":   {map[string]string{"kustomization.yaml": "resources: []\n"}, "lists no resources"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for f, content := range tc.files {
				write(t, dir, f, content)
			}
			_, err := loadSamples(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
