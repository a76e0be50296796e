package image

import (
	"archive/tar"
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"path"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// NonRoot is the user the manager runs as: distroless's "nonroot" (65532), the same
// number config/manager/manager.yaml and the chart put in runAsUser.
const NonRoot = 65532

// CACertificatesPath is where Go's crypto/x509 (and so the AWS SDK) looks for trusted
// roots on Linux; the manager talks HTTPS to AWS, so the image must carry them.
const CACertificatesPath = "etc/ssl/certs/ca-certificates.crt"

// entry is one file or directory of a layer.
type entry struct {
	name     string // relative to /, no leading slash
	dir      bool
	mode     int64
	uid, gid int
	data     []byte
}

// baseEntries is the distroless-static equivalent: users and groups for root, nobody
// and nonroot, a home for nonroot, /tmp, name-service config and the CA bundle. There
// is no shell, no package manager and no other binary.
func baseEntries() ([]entry, error) {
	certs, err := caBundle()
	if err != nil {
		return nil, err
	}
	return []entry{
		{name: "etc", dir: true, mode: 0o755},
		{name: "etc/group", mode: 0o644, data: []byte("root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n")},
		{name: "etc/nsswitch.conf", mode: 0o644, data: []byte("hosts: files dns\n")},
		{name: "etc/passwd", mode: 0o644, data: []byte(
			"root:x:0:0:root:/root:/sbin/nologin\n" +
				"nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n" +
				"nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")},
		{name: "etc/ssl", dir: true, mode: 0o755},
		{name: "etc/ssl/certs", dir: true, mode: 0o755},
		{name: CACertificatesPath, mode: 0o644, data: certs},
		{name: "home", dir: true, mode: 0o755},
		{name: "home/nonroot", dir: true, mode: 0o700, uid: NonRoot, gid: NonRoot},
		{name: "root", dir: true, mode: 0o700},
		{name: "tmp", dir: true, mode: 0o1777},
	}, nil
}

// caBundle is Mozilla's root store as the Go project publishes it
// (golang.org/x/crypto/x509roots/fallback), pinned in go.mod, so the image needs no
// download and two builds agree. Roots NSS only trusts with a date constraint are left
// out: a PEM file cannot express the constraint, and trusting them fully would be wider
// than NSS.
func caBundle() ([]byte, error) {
	var buf bytes.Buffer
	for root := range bundle.Roots() {
		if root.Constraint != nil {
			continue
		}
		if _, err := x509.ParseCertificate(root.Certificate); err != nil {
			return nil, err
		}
		if err := pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: root.Certificate}); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// layerTar writes entries as an uncompressed tar, sorted by name, every header
// normalised (fixed time, numeric owners, no user or group names, USTAR format), so the
// bytes depend on the content only.
func layerTar(entries []entry, mtime time.Time) ([]byte, error) {
	entries = slices.Clone(entries)
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{
			Name:    path.Clean(e.name),
			Mode:    e.mode,
			Uid:     e.uid,
			Gid:     e.gid,
			ModTime: mtime,
			Format:  tar.FormatUSTAR,
		}
		if e.dir {
			h.Typeflag, h.Name = tar.TypeDir, h.Name+"/"
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
