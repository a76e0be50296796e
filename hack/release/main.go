// Command release builds what the project ships, from the Go toolchain and Go modules
// only (no container engine, no helm binary):
//
//	go run . image   --out FILE [--version V]   the manager's OCI image archive (make image)
//	go run . release --out DIR --version V        image, install.yaml and the packaged chart (make release)
//
// The chart's generated files are written by ./chart/sync (make manifests). Run from hack/release; --root is the operator's repository (default ../..).
// SOURCE_DATE_EPOCH sets every timestamp (default: 0), so builds are reproducible.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/iam-baseline/operator/hack/release/dist"
	"github.com/iam-baseline/operator/hack/release/image"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: release image|release [flags]")
	}
	fs := flag.NewFlagSet(args[0], flag.ExitOnError)
	root := fs.String("root", filepath.Join("..", ".."), "the operator's repository root")
	out := fs.String("out", "", "output file (image) or directory (release)")
	repo := fs.String("repository", dist.ImageName, "image repository")
	version := fs.String("version", "dev", "release version (image tag, chart appVersion)")
	arch := fs.String("arch", runtime.GOARCH, "image architecture (GOARCH)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	absRoot, err := filepath.Abs(*root)
	if err != nil {
		return err
	}
	o := image.Options{RepoRoot: absRoot, Repository: *repo, Version: *version, Arch: *arch}
	if o.Created, err = sourceDateEpoch(); err != nil {
		return err
	}
	o.Revision = revision(absRoot)
	ctx := context.Background()

	switch args[0] {
	case "image":
		if *out == "" {
			return fmt.Errorf("image: --out is required")
		}
		img, err := image.Build(ctx, o)
		if err != nil {
			return err
		}
		if err := image.WriteFile(*out, img, o); err != nil {
			return err
		}
		digest, err := img.Digest()
		if err != nil {
			return err
		}
		fmt.Printf("%s\n%s@%s\n", *out, o.Repository, digest)
		return nil
	case "release":
		if *out == "" || *version == "dev" {
			return fmt.Errorf("release: --out and --version are required")
		}
		r, err := dist.Release(ctx, o, *out)
		if err != nil {
			return err
		}
		fmt.Printf("image   %s\n        %s\nkustomize %s\nhelm    %s\n", r.Image, r.ImageTar, r.InstallYAML, r.Chart)
		return nil
	}
	return fmt.Errorf("unknown command %q: want image or release", args[0])
}

// sourceDateEpoch is SOURCE_DATE_EPOCH (reproducible-builds.org), or the Unix epoch.
func sourceDateEpoch() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: %w", s, err)
	}
	return time.Unix(sec, 0).UTC(), nil
}

// revision is the checked-out commit, or "unknown" outside a git checkout.
func revision(root string) string {
	out, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}
