// Package policy builds, parses, canonicalises, compares and validates IAM
// policy documents.
//
// It is deliberately pure (standard library only, no I/O): controllers build
// the desired document here, parse what AWS returns here, and decide whether a
// write is needed by comparing the two canonical forms. Nothing in this
// package knows about Kubernetes or the AWS SDK, so the same code serves the
// Enforce and Observe paths, the unit tests and a future dry-run.
package policy
