//go:build tools

// Package kube pins the Kubernetes release whose kube-apiserver and kubectl the
// integration tests run against. Nothing here is imported by the operator.
package kube

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
