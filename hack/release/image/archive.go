package image

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Annotations on the index entry that name the image for the tools that load the archive.
const (
	refNameAnnotation        = "org.opencontainers.image.ref.name" // OCI: the tag
	containerdNameAnnotation = "io.containerd.image.name"          // docker/containerd: the full name
)

// WriteFile writes img as an archive at path (see Write).
func WriteFile(path string, img v1.Image, o Options) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := Write(&buf, img, o); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// Write writes img as an OCI image-layout archive (oci-layout, index.json,
// blobs/sha256/…) that also carries Docker's manifest.json, the same dual format
// `docker save` writes since Docker 25: OCI tools read the layout, older Docker the
// manifest.json. Entries are sorted and timestamped with o.Created.
func Write(w io.Writer, img v1.Image, o Options) error {
	blobs := map[string][]byte{}
	add := func(b []byte) v1.Hash {
		h, _, _ := v1.SHA256(bytes.NewReader(b))
		blobs["blobs/sha256/"+h.Hex] = b
		return h
	}

	manifest, err := img.RawManifest()
	if err != nil {
		return err
	}
	config, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	manifestDigest := add(manifest)
	configDigest := add(config)
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	var layerPaths []string
	for _, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		layerPaths = append(layerPaths, "blobs/sha256/"+add(b).Hex)
	}

	index, err := json.Marshal(v1.IndexManifest{
		SchemaVersion: 2,
		MediaType:     types.OCIImageIndex,
		Manifests: []v1.Descriptor{{
			MediaType: types.OCIManifestSchema1,
			Size:      int64(len(manifest)),
			Digest:    manifestDigest,
			Annotations: map[string]string{
				refNameAnnotation:        o.Version,
				containerdNameAnnotation: o.Ref(),
			},
			Platform: &v1.Platform{OS: "linux", Architecture: o.Arch},
		}},
	})
	if err != nil {
		return err
	}
	dockerManifest, err := json.Marshal([]struct {
		Config   string
		RepoTags []string
		Layers   []string
	}{{Config: "blobs/sha256/" + configDigest.Hex, RepoTags: []string{o.Ref()}, Layers: layerPaths}})
	if err != nil {
		return err
	}

	files := map[string][]byte{
		"oci-layout":    []byte(`{"imageLayoutVersion":"1.0.0"}`),
		"index.json":    index,
		"manifest.json": dockerManifest,
	}
	for name, b := range blobs {
		files[name] = b
	}
	return writeTar(w, files, o.Created)
}

// writeTar writes the directories blobs/ and blobs/sha256/ and then files, by name.
func writeTar(w io.Writer, files map[string][]byte, mtime time.Time) error {
	tw := tar.NewWriter(w)
	for _, dir := range []string{"blobs/", "blobs/sha256/"} {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: dir, Mode: 0o755, ModTime: mtime, Format: tar.FormatUSTAR}); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		b := files[name]
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: mtime, Format: tar.FormatUSTAR}); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if _, err := tw.Write(b); err != nil {
			return err
		}
	}
	return tw.Close()
}
