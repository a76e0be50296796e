// Package image builds the manager's container image without a container engine:
// a statically linked manager on a distroless-style filesystem, assembled with
// go-containerregistry and written as an OCI image-layout archive that `docker load`,
// `podman load`, `skopeo copy oci-archive:` and `crane push` accept. Every input is
// pinned (the Go toolchain, go.sum, the CA bundle's module version) and every
// timestamp comes from SOURCE_DATE_EPOCH, so two builds of one commit have one digest.
package image

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Source is the repository the image is built from (org.opencontainers.image.source).
const Source = "https://github.com/iam-baseline/operator"

// Entrypoint is the manager's path in the image; config/manager/manager.yaml and the
// chart run it as `command: [/manager]`.
const Entrypoint = "/manager"

// Options say what to build. Repository and Version name the image; Revision is the
// commit; Created (from SOURCE_DATE_EPOCH) is every timestamp in the image.
type Options struct {
	RepoRoot   string // the operator's module root, where ./cmd/manager lives
	Repository string // e.g. ghcr.io/iam-baseline/operator
	Version    string // the tag and org.opencontainers.image.version
	Revision   string // git commit, org.opencontainers.image.revision
	Arch       string // GOARCH of the image (linux only)
	Created    time.Time
}

// Ref is the image's name with its tag.
func (o Options) Ref() string { return o.Repository + ":" + o.Version }

// Build compiles the manager for linux/o.Arch and returns the image.
func Build(ctx context.Context, o Options) (v1.Image, error) {
	tmp, err := os.MkdirTemp("", "manager-image-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	bin := filepath.Join(tmp, "manager")
	if err := buildManager(ctx, o, bin); err != nil {
		return nil, err
	}
	manager, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	return Assemble(o, manager)
}

// buildManager runs `go build` the way a release must: no cgo (the image has no libc),
// -trimpath and no VCS stamp (no machine paths or checkout state in the binary),
// symbols stripped.
func buildManager(ctx context.Context, o Options, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags=-s -w -buildid=", "-o", out, "./cmd/manager")
	cmd.Dir = o.RepoRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+o.Arch, "GOFLAGS=-mod=readonly")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build ./cmd/manager (linux/%s): %w\n%s", o.Arch, err, stderr.String())
	}
	return nil
}

// Assemble puts the manager binary on the base filesystem: two layers (base, then the
// binary, so a new release shares the base layer), the non-root user, the entrypoint,
// the architecture and the OCI labels.
func Assemble(o Options, manager []byte) (v1.Image, error) {
	if o.Arch == "" || o.Repository == "" || o.Version == "" {
		return nil, fmt.Errorf("image: repository, version and architecture are required")
	}
	created := v1.Time{Time: o.Created.UTC()}
	base, err := baseEntries()
	if err != nil {
		return nil, err
	}
	baseLayer, err := layer(base, o.Created)
	if err != nil {
		return nil, err
	}
	appLayer, err := layer([]entry{{name: strings.TrimPrefix(Entrypoint, "/"), mode: 0o755, data: manager}}, o.Created)
	if err != nil {
		return nil, err
	}

	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: o.Arch,
		OS:           "linux",
		Created:      created,
		RootFS:       v1.RootFS{Type: "layers"},
		Config: v1.Config{
			User:       fmt.Sprintf("%d:%d", NonRoot, NonRoot),
			Entrypoint: []string{Entrypoint},
			WorkingDir: "/",
			Env: []string{
				"PATH=/",
				"SSL_CERT_FILE=/" + CACertificatesPath,
			},
			ExposedPorts: map[string]struct{}{"8080/tcp": {}, "8081/tcp": {}},
			Labels:       Labels(o),
		},
	})
	if err != nil {
		return nil, err
	}
	return mutate.Append(img,
		mutate.Addendum{Layer: baseLayer, History: v1.History{Created: created, CreatedBy: "iam-baseline-operator: distroless-style base (users, CA certificates, /tmp)"}},
		mutate.Addendum{Layer: appLayer, History: v1.History{Created: created, CreatedBy: "iam-baseline-operator: COPY manager " + Entrypoint}},
	)
}

// Labels are the OCI annotations registries and scanners read.
func Labels(o Options) map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":       "iam-baseline-operator",
		"org.opencontainers.image.description": "Kubernetes operator that makes an AWS account's IAM security baseline declarative",
		"org.opencontainers.image.source":      Source,
		"org.opencontainers.image.url":         Source,
		"org.opencontainers.image.version":     o.Version,
		"org.opencontainers.image.revision":    o.Revision,
		"org.opencontainers.image.created":     o.Created.UTC().Format(time.RFC3339),
		"org.opencontainers.image.licenses":    "Apache-2.0",
	}
}

// layer is a gzip-compressed OCI layer of entries. ggcr's gzip writer has no
// timestamp or name in its header, so equal tars compress to equal bytes.
func layer(entries []entry, mtime time.Time) (v1.Layer, error) {
	b, err := layerTar(entries, mtime)
	if err != nil {
		return nil, err
	}
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}, tarball.WithMediaType(types.OCILayer))
}
