// Package controllers holds one reconciler per kind. Each loads its object, resolves
// references, builds the desired state, observes AWS, plans, applies and writes status;
// policy JSON and AWS error handling live in internal/.
package controllers

// The manager's least RBAC, generated into config/rbac/role.yaml by `make manifests`.
// Secrets are written only for TeamMember credentials and read uncached (no list or
// watch: the operator never caches Secrets); so are the members' onboarding ConfigMaps
// (read uncached too, so no cluster-wide ConfigMap informer); events record AWS changes.
//
// +kubebuilder:rbac:groups=iam.baseline.dev,resources=accountbaselines;teammembers;assumableroles,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=iam.baseline.dev,resources=accountbaselines/status;teammembers/status;assumableroles/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=iam.baseline.dev,resources=accountbaselines/finalizers;teammembers/finalizers;assumableroles/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;create;update;delete
// +kubebuilder:rbac:groups="",resources=configmaps,verbs=get;create;update
// +kubebuilder:rbac:groups="",resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=coordination.k8s.io,resources=leases,verbs=get;list;watch;create;update;patch;delete
