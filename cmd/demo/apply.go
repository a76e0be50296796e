package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// loadSamples reads the sample objects from dir. When dir has a kustomization.yaml
// its resources list gives the files and their order (the baseline before the members
// before the role, as a person would apply them); otherwise every *.yaml in name order.
// Files may hold several documents. The objects stay unstructured: the demo applies
// exactly what the YAML says, as kubectl apply would, with no round trip through the
// Go types that could drop or default a field.
func loadSamples(dir string) ([]*unstructured.Unstructured, error) {
	files, err := sampleFiles(dir)
	if err != nil {
		return nil, err
	}
	var objs []*unstructured.Unstructured
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		docs, err := decodeDocuments(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		objs = append(objs, docs...)
	}
	if len(objs) == 0 {
		return nil, fmt.Errorf("no objects in %s", dir)
	}
	return objs, nil
}

func sampleFiles(dir string) ([]string, error) {
	kustomization := filepath.Join(dir, "kustomization.yaml")
	if data, err := os.ReadFile(kustomization); err == nil {
		var k struct {
			Resources []string `json:"resources"`
		}
		if err := yaml.Unmarshal(data, &k); err != nil {
			return nil, fmt.Errorf("%s: %w", kustomization, err)
		}
		if len(k.Resources) == 0 {
			return nil, fmt.Errorf("%s lists no resources", kustomization)
		}
		files := make([]string, 0, len(k.Resources))
		for _, r := range k.Resources {
			files = append(files, filepath.Join(dir, r))
		}
		return files, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	var files []string
	for _, pattern := range []string{"*.yaml", "*.yml"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return nil, err
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("no YAML files in %s", dir)
	}
	return files, nil
}

// decodeDocuments splits a multi-document YAML file into objects, skipping empty
// documents (a leading ---, comments only).
func decodeDocuments(data []byte) ([]*unstructured.Unstructured, error) {
	dec := yaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var objs []*unstructured.Unstructured
	for i := 1; ; i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				return objs, nil
			}
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if t := string(bytes.TrimSpace(raw)); t == "" || t == "null" || t == "{}" {
			continue
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if head.APIVersion == "" || head.Kind == "" || head.Metadata.Name == "" {
			return nil, fmt.Errorf("document %d: apiVersion, kind and metadata.name are required", i)
		}
		// Unstructured's own decoder keeps integers as int64, as the API machinery
		// expects (plain JSON decoding would make them float64).
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(raw); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		objs = append(objs, u)
	}
}

// sampleNamespaces are the namespaces the samples live in, in first-use order.
func sampleNamespaces(objs []*unstructured.Unstructured) []string {
	seen := map[string]bool{}
	var out []string
	for _, o := range objs {
		if ns := o.GetNamespace(); ns != "" && !seen[ns] {
			seen[ns] = true
			out = append(out, ns)
		}
	}
	return out
}

// ref names an object the way the report and error messages do: Kind namespace/name.
func ref(o *unstructured.Unstructured) string {
	if o.GetNamespace() == "" {
		return o.GetKind() + " " + o.GetName()
	}
	return o.GetKind() + " " + o.GetNamespace() + "/" + o.GetName()
}

// applySamples creates the namespaces and then the objects. An object that already
// exists (a second run against the same cluster) is left as it is: on somebody's
// cluster it may have been changed on purpose.
func applySamples(ctx context.Context, c client.Client, objs []*unstructured.Unstructured, p *progress) error {
	for _, ns := range sampleNamespaces(objs) {
		err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating namespace %s: %w", ns, err)
		}
	}
	var created, existed []string
	for _, o := range objs {
		obj := o.DeepCopy()
		err := c.Create(ctx, obj)
		switch {
		case err == nil:
			created = append(created, ref(o))
		case apierrors.IsAlreadyExists(err):
			existed = append(existed, ref(o))
		default:
			return fmt.Errorf("creating %s: %w", ref(o), err)
		}
	}
	if len(created) > 0 {
		p.step("created " + strings.Join(created, ", "))
	}
	if len(existed) > 0 {
		p.step("already there, left as they are: " + strings.Join(existed, ", "))
	}
	return nil
}
