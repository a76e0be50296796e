package main

import (
	"context"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	awsx "github.com/iam-baseline/operator/internal/aws"
	"github.com/iam-baseline/operator/internal/preview"
)

// printPlan shows, before anything is applied, what the samples will change in AWS:
// the report of `iam-baseline plan` (cmd/iam-baseline), which reads the cluster and
// AWS and writes to neither.
func printPlan(ctx context.Context, w io.Writer, c client.Reader, objs []*unstructured.Unstructured, p *progress) error {
	p.step("planning: what the samples will change in AWS (read-only, as `iam-baseline plan` does)…")
	manifests, err := preview.ObjectsFrom(objs, "default")
	if err != nil {
		return err
	}
	cluster, err := preview.ReadCluster(ctx, c)
	if err != nil {
		return fmt.Errorf("reading the cluster for the plan: %w", err)
	}
	provider, err := awsx.NewProvider(ctx, awsx.ProviderOptions{SessionName: "iam-baseline-plan", DisableSnapshot: true})
	if err != nil {
		return err
	}
	report, err := preview.Plan(ctx, preview.Input{Manifests: manifests, Cluster: cluster, AWS: provider})
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	if err := report.WriteText(w); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return nil
}
