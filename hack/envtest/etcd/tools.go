//go:build tools

// Package etcd pins the etcd release the integration tests run against.
package etcd

import _ "go.etcd.io/etcd/server/v3"
