package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

const (
	apiDir  = "../../api/v1alpha1"
	apiDocs = "../../docs/api.md"
)

// TestAPIDocsUpToDate fails when docs/api.md differs from what the types generate.
func TestAPIDocsUpToDate(t *testing.T) {
	want, err := Generate(apiDir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(apiDocs)
	if err != nil {
		t.Fatalf("%v: run `make docs`", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("docs/api.md is stale: run `make docs` (or `go run ./hack/apidocs`) and commit it.\nfirst difference at line %d:\n- %s\n+ %s", i+1, g, w)
		}
	}
}

// TestAPIDocsContent spot-checks what the reference must say.
func TestAPIDocsContent(t *testing.T) {
	b, err := Generate(apiDir)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, want := range []string{
		"## AccountBaseline", "## TeamMember", "## AssumableRole",
		"cluster-scoped, short name `ab`",
		"| `accountID` | string | **Required.**",
		"Pattern: `^[0-9]{12}$`. Immutable.",
		"Default: `Retain`.",
		"One of `Delete`, `Retain`.",
		"Range 6 to 128.",
		"`^arn:aws(-cn\\|-us-gov)?:iam::",              // pipes escaped in tables
		"Rule: limit must be greater than zero",        // CEL rules with their message
		"| `conditions` |",                             // inline CommonStatus flattened
		"| `switchRoleURL` | string | **Required.**",   // nested status type
		"| ARN | string | `.status.arn` | `-o wide` |", // printer columns
		"| `RootMFAEnabled` |",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("docs/api.md lacks %q", want)
		}
	}
	if strings.Contains(doc, "+kubebuilder") || strings.Contains(doc, "+optional") {
		t.Error("markers leaked into the prose")
	}
	if strings.Contains(doc, "### CommonStatus") {
		t.Error("CommonStatus is inline and should not have a section of its own")
	}
}

func TestMarkerArgs(t *testing.T) {
	got := markerArgs(`rule="self.all(k, size(k) >= 1, x)",message="a, \"quoted\" message"`)
	if got["rule"] != "self.all(k, size(k) >= 1, x)" || got["message"] != `a, "quoted" message` {
		t.Errorf("markerArgs = %q", got)
	}
	got = markerArgs("name=\"ARN\",type=string,JSONPath=`.status.arn`,priority=1")
	if got["name"] != "ARN" || got["type"] != "string" || got["JSONPath"] != ".status.arn" || got["priority"] != "1" {
		t.Errorf("markerArgs = %q", got)
	}
}
