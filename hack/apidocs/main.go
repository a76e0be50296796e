// Command apidocs writes docs/api.md, the API reference of iam.baseline.dev, from the
// Go types in api/v1alpha1: kinds, spec and status fields with their JSON names and
// types, doc comments, and the kubebuilder markers (defaults, enums, lengths, ranges,
// patterns, CEL rules) rendered as constraints. It uses only go/parser, go/ast and
// go/doc, so it needs no build of the API package.
//
//	go run ./hack/apidocs            # from the repository root; or: make docs
//
// apidocs_test.go fails when docs/api.md is stale.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	var (
		apiDir = flag.String("api", "api/v1alpha1", "directory of the API types")
		out    = flag.String("out", "docs/api.md", "file to write")
	)
	flag.Parse()
	b, err := Generate(*apiDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "apidocs:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "apidocs:", err)
		os.Exit(1)
	}
}
