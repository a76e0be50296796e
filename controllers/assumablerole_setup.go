package controllers

import ctrl "sigs.k8s.io/controller-runtime"

// setupAssumableRole registers the AssumableRole controller.
func setupAssumableRole(mgr ctrl.Manager, opts Options) error {
	_, _ = mgr, opts
	return nil
}
