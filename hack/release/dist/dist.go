// Package dist writes a release into dist/: the image archive, install.yaml (the
// kustomize build of config/default with the image pinned by digest) and the packaged
// Helm chart (version and appVersion set, the same digest in its values). What one
// release installs is the image that was built, whichever way it is installed.
package dist

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/iam-baseline/operator/hack/release/chart"
	"github.com/iam-baseline/operator/hack/release/image"
)

// ImageName is the image name config/ and the chart refer to; the release replaces it.
const ImageName = "ghcr.io/iam-baseline/operator"

// Result names what was written.
type Result struct {
	Image       string // repository@sha256:…
	ImageTar    string
	InstallYAML string
	Chart       string
}

// Release builds everything for o.Version into outDir.
func Release(ctx context.Context, o image.Options, outDir string) (Result, error) {
	img, err := image.Build(ctx, o)
	if err != nil {
		return Result{}, err
	}
	digest, err := img.Digest()
	if err != nil {
		return Result{}, err
	}
	r := Result{
		Image:       o.Repository + "@" + digest.String(),
		ImageTar:    filepath.Join(outDir, fmt.Sprintf("iam-baseline-operator-%s-linux-%s.tar", o.Version, o.Arch)),
		InstallYAML: filepath.Join(outDir, "install.yaml"),
	}
	if err := image.WriteFile(r.ImageTar, img, o); err != nil {
		return Result{}, err
	}
	install, err := InstallYAML(o.RepoRoot, o.Repository, digest.String())
	if err != nil {
		return Result{}, err
	}
	if err := os.WriteFile(r.InstallYAML, install, 0o644); err != nil {
		return Result{}, err
	}
	r.Chart, err = PackageChart(o.RepoRoot, outDir, o.Version, digest.String(), o.Created)
	return r, err
}

// InstallYAML is `kustomize build config/default` with the image set to
// repository@digest, run by kustomize's library on an in-memory copy of config/ so the
// checkout is not edited.
func InstallYAML(root, repository, digest string) ([]byte, error) {
	mem := filesys.MakeFsInMemory()
	src := filepath.Join(root, "config")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		return mem.WriteFile(filepath.Join("/", rel), b)
	})
	if err != nil {
		return nil, err
	}
	kfile := "/config/default/kustomization.yaml"
	b, err := mem.ReadFile(kfile)
	if err != nil {
		return nil, err
	}
	var k types.Kustomization
	if err := yaml.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("config/default/kustomization.yaml: %w", err)
	}
	found := false
	for i := range k.Images {
		if k.Images[i].Name == ImageName {
			k.Images[i] = types.Image{Name: ImageName, NewName: repository, Digest: digest}
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("config/default/kustomization.yaml has no images entry for %s", ImageName)
	}
	if b, err = yaml.Marshal(k); err != nil {
		return nil, err
	}
	if err := mem.WriteFile(kfile, b); err != nil {
		return nil, err
	}
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(mem, "/config/default")
	if err != nil {
		return nil, fmt.Errorf("kustomize build config/default: %w", err)
	}
	out, err := m.AsYaml()
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(out, []byte(repository+"@"+digest)) {
		return nil, fmt.Errorf("kustomize build config/default: the image is not pinned to %s@%s", repository, digest)
	}
	return out, nil
}

// PackageChart writes <name>-<version>.tgz: the chart with version and appVersion set
// and values image.tag and image.digest filled in (the comments of values.yaml kept).
func PackageChart(root, outDir, version, digest string, created time.Time) (string, error) {
	ch, err := loader.Load(filepath.Join(root, chart.Dir))
	if err != nil {
		return "", err
	}
	ch.Metadata.Version = strings.TrimPrefix(version, "v") // chart versions are SemVer without the v
	ch.Metadata.AppVersion = version
	for _, f := range ch.Raw {
		if f.Name != chartutil.ValuesfileName {
			continue
		}
		data := string(f.Data)
		for key, value := range map[string]string{"tag": version, "digest": digest} {
			line := fmt.Sprintf("\n  %s: \"\"\n", key)
			if strings.Count(data, line) != 1 {
				return "", fmt.Errorf("%s/values.yaml: want exactly one line `  %s: \"\"` under image", chart.Dir, key)
			}
			data = strings.Replace(data, line, fmt.Sprintf("\n  %s: %q\n", key, value), 1)
		}
		f.Data = []byte(data)
	}
	image, _ := ch.Values["image"].(map[string]any)
	if image == nil {
		return "", fmt.Errorf("%s/values.yaml has no image section", chart.Dir)
	}
	image["tag"], image["digest"] = version, digest
	if err := ch.Validate(); err != nil {
		return "", err
	}
	// Fixed timestamps: the package of one commit is the same bytes every time.
	ch.StampModTimes(created)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", err
	}
	return chartutil.Save(ch, outDir)
}
