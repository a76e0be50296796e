package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/iam-baseline/operator/internal/testenv"
)

// TestImage builds the image twice the way `make image` does, then opens the archive
// the way a registry client would and checks what a cluster relies on: the entrypoint
// is the manager, it runs as non-root, there is no shell or other program to exec
// into, the binary starts (--help) and the digest does not depend on the build.
func TestImage(t *testing.T) {
	o := Options{
		RepoRoot:   testenv.RepoRoot(),
		Repository: "ghcr.io/iam-baseline/operator",
		Version:    "v0.0.0-test",
		Revision:   "0123456789abcdef0123456789abcdef01234567",
		Arch:       runtime.GOARCH,
		Created:    time.Unix(1700000000, 0),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute) // a cold -trimpath build of the manager on 2 cores
	defer cancel()
	var archives [2][]byte
	for i := range archives {
		img, err := Build(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := Write(&buf, img, o); err != nil {
			t.Fatal(err)
		}
		archives[i] = buf.Bytes()
	}
	if !bytes.Equal(archives[0], archives[1]) {
		t.Errorf("two builds of one commit differ: archive sha256 %x and %x", sha256.Sum256(archives[0]), sha256.Sum256(archives[1]))
	}

	a := readArchive(t, archives[0])
	cfg := a.config
	if cfg.Architecture != runtime.GOARCH || cfg.OS != "linux" {
		t.Errorf("platform = %s/%s, want linux/%s", cfg.OS, cfg.Architecture, runtime.GOARCH)
	}
	if !slices.Equal(cfg.Config.Entrypoint, []string{"/manager"}) || len(cfg.Config.Cmd) != 0 {
		t.Errorf("entrypoint %q cmd %q, want [/manager] and no cmd", cfg.Config.Entrypoint, cfg.Config.Cmd)
	}
	if cfg.Config.User != "65532:65532" {
		t.Errorf("user = %q, want 65532:65532 (non-root)", cfg.Config.User)
	}
	if !cfg.Created.Equal(o.Created) {
		t.Errorf("created = %s, want SOURCE_DATE_EPOCH %s", cfg.Created, o.Created)
	}
	for k, want := range map[string]string{
		"org.opencontainers.image.source":   Source,
		"org.opencontainers.image.version":  o.Version,
		"org.opencontainers.image.revision": o.Revision,
	} {
		if got := cfg.Config.Labels[k]; got != want {
			t.Errorf("label %s = %q, want %q", k, got, want)
		}
	}

	// The filesystem: exactly the manager as a program, nothing to run a shell with.
	for name, f := range a.files {
		if f.Typeflag == tar.TypeSymlink || f.Typeflag == tar.TypeLink {
			t.Errorf("%s is a link: the image should have none", name)
		}
		if f.Typeflag == tar.TypeReg && f.Mode&0o111 != 0 && name != "manager" {
			t.Errorf("%s is executable: the only program in the image is /manager", name)
		}
		if base := filepath.Base(name); slices.Contains([]string{"sh", "bash", "ash", "dash", "busybox"}, base) {
			t.Errorf("the image contains a shell: /%s", name)
		}
		if f.Uid == 0 && f.Typeflag == tar.TypeReg && f.Mode&0o022 != 0 {
			t.Errorf("/%s is writable by others (mode %o)", name, f.Mode)
		}
	}
	manager, ok := a.files["manager"]
	if !ok || manager.Mode&0o111 == 0 {
		t.Fatalf("/manager missing or not executable: %+v", manager)
	}
	if f, ok := a.files["home/nonroot"]; !ok || f.Uid != NonRoot {
		t.Errorf("/home/nonroot is missing or not owned by %d", NonRoot)
	}
	if !strings.Contains(string(a.files["etc/passwd"].data), "nonroot:x:65532:65532:") {
		t.Errorf("/etc/passwd has no nonroot user:\n%s", a.files["etc/passwd"].data)
	}
	checkCABundle(t, a.files[CACertificatesPath].data)

	// The binary is static and starts: run it as a container runtime would, with an
	// empty environment.
	bin := filepath.Join(t.TempDir(), "manager")
	if err := os.WriteFile(bin, manager.data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--help")
	cmd.Env = []string{}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("/manager --help: %v\n%s", err, out)
	}
	for _, flag := range []string{"-leader-elect", "-metrics-bind-address", "-resync-period"} {
		if !bytes.Contains(out, []byte(flag)) {
			t.Errorf("/manager --help does not mention %s:\n%s", flag, out)
		}
	}

	checkDockerManifest(t, archives[0], a)
	t.Logf("image %s@%s (%d bytes archive, manager %d bytes)", o.Ref(), a.digest, len(archives[0]), len(manager.data))
}

// TestArchiveFormats assembles an image around a stand-in binary (fast, no build):
// the archive is byte-for-byte reproducible, its OCI layout checks out blob by blob,
// and Docker's manifest.json names the same config.
func TestArchiveFormats(t *testing.T) {
	o := Options{Repository: "registry.example.com/operator", Version: "v1.2.3", Revision: "abc", Arch: "arm64", Created: time.Unix(1700000000, 0)}
	var archives [2][]byte
	for i := range archives {
		img, err := Assemble(o, []byte("\x7fELF stand-in"))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := Write(&buf, img, o); err != nil {
			t.Fatal(err)
		}
		archives[i] = buf.Bytes()
	}
	if !bytes.Equal(archives[0], archives[1]) {
		t.Error("two assemblies of the same binary differ")
	}
	a := readArchive(t, archives[0])
	if a.config.Architecture != "arm64" || a.config.OS != "linux" {
		t.Errorf("platform %s/%s, want linux/arm64", a.config.OS, a.config.Architecture)
	}
	if len(a.manifest.Layers) != 2 {
		t.Errorf("%d layers, want 2 (base, manager)", len(a.manifest.Layers))
	}
	checkDockerManifest(t, archives[0], a)
}

// checkDockerManifest: Docker's side of the archive (manifest.json, read by
// go-containerregistry's tarball package as `docker load` would) names the same
// config as the OCI manifest, under the release's name.
func checkDockerManifest(t *testing.T, b []byte, a archive) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "image.tar")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	dimg, err := tarball.ImageFromPath(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	dcfg, err := dimg.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	if dcfg.String() != a.manifest.Config.Digest.String() {
		t.Errorf("manifest.json's config %s, the OCI manifest's %s", dcfg, a.manifest.Config.Digest)
	}
	layers, err := dimg.Layers()
	if err != nil || len(layers) != len(a.manifest.Layers) {
		t.Errorf("manifest.json: %d layers (%v), want %d", len(layers), err, len(a.manifest.Layers))
	}
}

// checkCABundle: the manager reaches AWS over TLS, so the bundle must hold real roots,
// among them Amazon's.
func checkCABundle(t *testing.T, b []byte) {
	t.Helper()
	var n int
	amazon := false
	for block, rest := pem.Decode(b); block != nil; block, rest = pem.Decode(rest) {
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		n++
		amazon = amazon || strings.HasPrefix(c.Subject.CommonName, "Amazon Root CA")
	}
	if n < 100 || !amazon {
		t.Errorf("CA bundle has %d certificates (Amazon's: %v), want a full root store", n, amazon)
	}
}

type file struct {
	*tar.Header
	data []byte
}

type archive struct {
	digest   v1.Hash
	manifest *v1.Manifest
	config   *v1.ConfigFile
	files    map[string]file // the image's filesystem, all layers applied
}

// readArchive follows the OCI layout from index.json, checking every blob's digest.
func readArchive(t *testing.T, b []byte) archive {
	t.Helper()
	entries := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		entries[h.Name] = data
	}
	blob := func(d v1.Hash) []byte {
		t.Helper()
		data, ok := entries["blobs/sha256/"+d.Hex]
		if !ok {
			t.Fatalf("blob %s missing", d)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != d.Hex {
			t.Fatalf("blob %s has digest %x", d, sum)
		}
		return data
	}
	var index v1.IndexManifest
	if err := json.Unmarshal(entries["index.json"], &index); err != nil {
		t.Fatal(err)
	}
	if len(index.Manifests) != 1 {
		t.Fatalf("index.json has %d manifests, want 1", len(index.Manifests))
	}
	var a archive
	a.digest = index.Manifests[0].Digest
	if err := json.Unmarshal(blob(a.digest), &a.manifest); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(blob(a.manifest.Config.Digest), &a.config); err != nil {
		t.Fatal(err)
	}
	if len(a.manifest.Layers) != len(a.config.RootFS.DiffIDs) {
		t.Fatalf("%d layers, %d diff IDs", len(a.manifest.Layers), len(a.config.RootFS.DiffIDs))
	}
	a.files = map[string]file{}
	for i, l := range a.manifest.Layers {
		zr, err := gzip.NewReader(bytes.NewReader(blob(l.Digest)))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != a.config.RootFS.DiffIDs[i].Hex {
			t.Errorf("layer %d: diff ID %x, config says %s", i, sum, a.config.RootFS.DiffIDs[i])
		}
		lr := tar.NewReader(bytes.NewReader(raw))
		for {
			h, err := lr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(lr)
			if err != nil {
				t.Fatal(err)
			}
			a.files[strings.TrimSuffix(h.Name, "/")] = file{Header: h, data: data}
		}
	}
	return a
}
