// Package cis computes the CIS AWS Foundations Benchmark IAM findings of one
// account from the IAM credential report, the account password policy and
// the account summary.
//
// The package is pure: it parses bytes and compares values against an
// explicit clock (Input.Now), so the controller, the unit tests and a
// dry-run all get the same answer for the same data. It makes no AWS call
// and reads no clock of its own.
package cis
