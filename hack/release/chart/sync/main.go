// Command sync regenerates the chart's CRDs, RBAC and alerts from config/ and
// docs/metrics.md (`make manifests` runs it). It imports no Helm code, so it builds fast.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/iam-baseline/operator/hack/release/chart"
)

func main() {
	root := flag.String("root", filepath.Join("..", ".."), "the operator's repository root")
	flag.Parse()
	if err := chart.Write(*root); err != nil {
		fmt.Fprintln(os.Stderr, "chart sync:", err)
		os.Exit(1)
	}
}
