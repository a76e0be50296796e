// Package selfservice decides what a namespace may declare for an AWS account: the
// rules of an AccountBaseline's spec.selfService, and the few rules that hold for
// every namespace (protected names, OIDC subjects that match anyone).
//
// It is pure: Check reads the baseline, the object and what the caller knows about
// the operator (Env), and makes no Kubernetes or AWS call. The controllers run it
// before any AWS call, and a plan command can run it on manifests alone, without a
// cluster or credentials, and get the same answer.
package selfservice
