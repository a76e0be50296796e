#!/usr/bin/env bash
# Builds the envtest control plane (kube-apiserver, kubectl, etcd) from the Go module
# proxy, because envtest's usual binary download is not reachable from our machines.
# The scratch modules beside this script pin the versions; the binaries land in
# bin/k8s/<version>-<os>-<arch>/ and a second run is a no-op.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
k8s_version=1.37.2
dest=${ENVTEST_ASSETS_DIR:-$root/bin/k8s/${k8s_version}-$(go env GOOS)-$(go env GOARCH)}

if [[ -x $dest/kube-apiserver && -x $dest/kubectl && -x $dest/etcd ]]; then
  exit 0
fi
mkdir -p "$dest"

pkg=k8s.io/component-base/version
ldflags="-s -w \
  -X $pkg.gitVersion=v${k8s_version} \
  -X $pkg.gitMajor=${k8s_version%%.*} \
  -X $pkg.gitMinor=$(echo "$k8s_version" | cut -d. -f2) \
  -X $pkg.gitTreeState=clean \
  -X $pkg.buildDate=1970-01-01T00:00:00Z"

echo ">> building kube-apiserver and kubectl v${k8s_version} from the Go module proxy (first time: about 5 minutes)" >&2
(cd "$here/kube" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "$ldflags" \
  -o "$dest/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)

echo ">> building etcd from the Go module proxy" >&2
(cd "$here/etcd" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" \
  -o "$dest/etcd" go.etcd.io/etcd/server/v3)

echo ">> control plane ready in $dest" >&2
