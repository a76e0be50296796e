package preview

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	structuraldefaulting "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
	"github.com/iam-baseline/operator/config/crd"
)

// ReadManifests reads the operator's objects from files, directories (every *.yaml,
// *.yml and *.json below them, in name order) and "-" (stdin), as multi-document
// YAML such as `kustomize build` prints. Objects of other kinds are skipped; the
// operator's objects get the CRDs' defaults, as the API server would give them.
// Namespaced objects without a namespace get namespace.
func ReadManifests(paths []string, stdin io.Reader, namespace string) (Objects, error) {
	var docs []*unstructured.Unstructured
	for _, p := range paths {
		if p == "-" {
			data, err := io.ReadAll(stdin)
			if err != nil {
				return Objects{}, fmt.Errorf("reading stdin: %w", err)
			}
			us, err := DecodeManifests(data)
			if err != nil {
				return Objects{}, fmt.Errorf("stdin: %w", err)
			}
			docs = append(docs, us...)
			continue
		}
		files, err := manifestFiles(p)
		if err != nil {
			return Objects{}, err
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return Objects{}, err
			}
			us, err := DecodeManifests(data)
			if err != nil {
				return Objects{}, fmt.Errorf("%s: %w", f, err)
			}
			docs = append(docs, us...)
		}
	}
	return ObjectsFrom(docs, namespace)
}

func manifestFiles(path string) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml", ".json":
			if !d.IsDir() && filepath.Base(p) != "kustomization.yaml" {
				files = append(files, p)
			}
		}
		return nil
	})
	slices.Sort(files)
	return files, err
}

// DecodeManifests splits multi-document YAML (or JSON) into objects; a List's items
// are unpacked. Empty documents are skipped.
func DecodeManifests(data []byte) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []*unstructured.Unstructured
	for {
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		if len(obj) == 0 {
			continue
		}
		u := &unstructured.Unstructured{Object: obj}
		if u.IsList() {
			list, err := u.ToList()
			if err != nil {
				return nil, err
			}
			for i := range list.Items {
				out = append(out, &list.Items[i])
			}
			continue
		}
		out = append(out, u)
	}
}

// ObjectsFrom turns decoded objects into the operator's kinds, with the CRDs'
// defaults applied. A field the CRD does not know is an error, as a strict
// `kubectl apply` makes it.
func ObjectsFrom(docs []*unstructured.Unstructured, namespace string) (Objects, error) {
	schemas, err := crdSchemas()
	if err != nil {
		return Objects{}, err
	}
	var out Objects
	for _, u := range docs {
		gvk := u.GroupVersionKind()
		if gvk.Group != iamv1.GroupVersion.Group {
			continue
		}
		if gvk.Version != iamv1.GroupVersion.Version {
			return Objects{}, fmt.Errorf("%s %s: version %s is not served (want %s)", gvk.Kind, u.GetName(), gvk.Version, iamv1.GroupVersion.Version)
		}
		s, ok := schemas[gvk.Kind]
		if !ok {
			return Objects{}, fmt.Errorf("%s %s: not a kind of %s", gvk.Kind, u.GetName(), iamv1.GroupVersion)
		}
		u = u.DeepCopy()
		structuraldefaulting.Default(u.Object, s)
		if gvk.Kind != iamv1KindBaseline && u.GetNamespace() == "" {
			u.SetNamespace(namespace)
		}
		where := gvk.Kind + " " + u.GetName()
		if u.GetNamespace() != "" {
			where = gvk.Kind + " " + u.GetNamespace() + "/" + u.GetName()
		}
		var target runtime.Object
		switch gvk.Kind {
		case iamv1KindBaseline:
			ab := &iamv1.AccountBaseline{}
			out.Baselines, target = append(out.Baselines, ab), ab
		case iamv1KindMember:
			tm := &iamv1.TeamMember{}
			out.Members, target = append(out.Members, tm), tm
		case iamv1KindRole:
			ar := &iamv1.AssumableRole{}
			out.Roles, target = append(out.Roles, ar), ar
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(u.Object, target, true); err != nil {
			return Objects{}, fmt.Errorf("%s: %w", where, err)
		}
	}
	return out, nil
}

var (
	schemasOnce   sync.Once
	schemasByKind map[string]*structuralschema.Structural
	schemasErr    error
)

// crdSchemas reads the structural schema of each kind from the embedded CRDs.
func crdSchemas() (map[string]*structuralschema.Structural, error) {
	schemasOnce.Do(func() {
		schemasByKind, schemasErr = loadSchemas()
	})
	return schemasByKind, schemasErr
}

func loadSchemas() (map[string]*structuralschema.Structural, error) {
	entries, err := fs.Glob(crd.Bases, "bases/*.yaml")
	if err != nil {
		return nil, err
	}
	out := map[string]*structuralschema.Structural{}
	for _, e := range entries {
		data, err := fs.ReadFile(crd.Bases, e)
		if err != nil {
			return nil, err
		}
		def := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(data, def); err != nil {
			return nil, fmt.Errorf("%s: %w", e, err)
		}
		for _, v := range def.Spec.Versions {
			if v.Name != iamv1.GroupVersion.Version || v.Schema == nil {
				continue
			}
			internal := &apiextensions.JSONSchemaProps{}
			if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(v.Schema.OpenAPIV3Schema, internal, nil); err != nil {
				return nil, fmt.Errorf("%s: %w", e, err)
			}
			s, err := structuralschema.NewStructural(internal)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", e, err)
			}
			out[def.Spec.Names.Kind] = s
		}
	}
	return out, nil
}
