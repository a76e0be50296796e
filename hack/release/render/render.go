// Package render renders Helm charts through the Helm SDK, for tests and the release.
package render

import (
	"context"
	"fmt"
	"io"
	"strings"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	kubefake "helm.sh/helm/v4/pkg/kube/fake"
	releasev1 "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage"
	"helm.sh/helm/v4/pkg/storage/driver"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/iam-baseline/operator/internal/testenv"
)

// Render is `helm template <release> <chart> --namespace <namespace> --kube-version
// <the test control plane's>` through the Helm SDK: the chart's templates (not its
// crds/) rendered with values, as objects.
func Render(ch *chartv2.Chart, release, namespace string, values map[string]any) ([]*unstructured.Unstructured, error) {
	kubeVersion, err := common.ParseKubeVersion("v" + testenv.KubeVersion)
	if err != nil {
		return nil, err
	}
	cfg := &action.Configuration{
		Releases:     storage.Init(driver.NewMemory()),
		KubeClient:   &kubefake.PrintingKubeClient{Out: io.Discard},
		Capabilities: common.DefaultCapabilities,
	}
	install := action.NewInstall(cfg)
	install.DryRunStrategy = action.DryRunClient
	install.ReleaseName, install.Namespace = release, namespace
	install.Replace = true
	install.KubeVersion = kubeVersion
	rel, err := install.RunWithContext(context.Background(), ch, values)
	if err != nil {
		return nil, err
	}
	r, ok := rel.(*releasev1.Release)
	if !ok {
		return nil, fmt.Errorf("helm returned a %T, want a v1 release", rel)
	}
	return Objects(r.Manifest)
}

// Objects splits a multi-document YAML stream into objects, skipping empty documents.
func Objects(manifest string) ([]*unstructured.Unstructured, error) {
	var objs []*unstructured.Unstructured
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(manifest), 4096)
	for {
		var m map[string]any
		if err := dec.Decode(&m); err == io.EOF {
			return objs, nil
		} else if err != nil {
			return nil, err
		}
		if len(m) == 0 {
			continue
		}
		objs = append(objs, &unstructured.Unstructured{Object: m})
	}
}
