package preview

import (
	"context"

	"sigs.k8s.io/controller-runtime/pkg/client"

	iamv1 "github.com/iam-baseline/operator/api/v1alpha1"
)

// ReadCluster lists the operator's objects in a cluster. It takes a client.Reader,
// which has no method that writes: the plan command never changes the cluster.
func ReadCluster(ctx context.Context, r client.Reader) (*Objects, error) {
	var abs iamv1.AccountBaselineList
	if err := r.List(ctx, &abs); err != nil {
		return nil, err
	}
	var tms iamv1.TeamMemberList
	if err := r.List(ctx, &tms); err != nil {
		return nil, err
	}
	var ars iamv1.AssumableRoleList
	if err := r.List(ctx, &ars); err != nil {
		return nil, err
	}
	out := &Objects{}
	for i := range abs.Items {
		out.Baselines = append(out.Baselines, &abs.Items[i])
	}
	for i := range tms.Items {
		out.Members = append(out.Members, &tms.Items[i])
	}
	for i := range ars.Items {
		out.Roles = append(out.Roles, &ars.Items[i])
	}
	return out, nil
}
