# iam-baseline-operator
#
# Quick start:   make demo   (everything on this machine)   |   make test
# Tools are installed into ./bin at pinned versions; nothing is fetched at test time
# beyond the Go module proxy.

SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

LOCALBIN ?= $(shell pwd)/bin
GOOS ?= $(shell go env GOOS)
GOARCH ?= $(shell go env GOARCH)

CONTROLLER_TOOLS_VERSION ?= v0.23.0
CONTROLLER_GEN ?= $(LOCALBIN)/controller-gen-$(CONTROLLER_TOOLS_VERSION)
KUBE_VERSION ?= 1.37.2
# Tests find the control plane through KUBEBUILDER_ASSETS (controller-runtime envtest).
KUBEBUILDER_ASSETS ?= $(LOCALBIN)/k8s/$(KUBE_VERSION)-$(GOOS)-$(GOARCH)
export KUBEBUILDER_ASSETS

GO_TEST_FLAGS ?= -count=1
ARGS ?=

# Release: `make release VERSION=1.2.3` (image, install.yaml and the chart in dist/).
VERSION ?= dev
IMAGE_REPO ?= ghcr.io/iam-baseline/operator
DIST ?= $(shell pwd)/dist
# Every timestamp in the image and the chart package (reproducible builds): the
# commit's time, so two builds of one commit are the same bytes.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH
# The image, chart and release tooling is its own Go module (Helm's SDK must not
# change the operator's dependencies).
RELEASE_MODULE := hack/release

.PHONY: all
all: build

##@ General

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  %-18s %s\n", $$1, $$2 } /^##@/ { printf "\n%s\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: $(CONTROLLER_GEN) ## Generate CRDs and RBAC from the markers, and the chart's copies of them.
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd:allowDangerousTypes=false paths="./api/..." paths="./controllers/..." output:crd:artifacts:config=config/crd/bases output:rbac:artifacts:config=config/rbac
	cd $(RELEASE_MODULE) && go run ./chart/sync

.PHONY: generate
generate: $(CONTROLLER_GEN) ## Generate deepcopy code.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./api/..."

.PHONY: fmt
fmt: ## gofmt every Go file.
	gofmt -l -w $$(git ls-files '*.go')

.PHONY: vet
vet: ## go vet (the operator and the release module).
	go vet ./...
	cd $(RELEASE_MODULE) && go vet ./...

.PHONY: check-fmt
check-fmt: ## Fail if a Go file is not gofmt-clean.
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

.PHONY: test
test: envtest check-fmt vet ## vet, unit tests and envtest integration tests (builds the control plane once).
	go test $(GO_TEST_FLAGS) ./...
	cd $(RELEASE_MODULE) && go test $(GO_TEST_FLAGS) -timeout 30m ./... # the image test builds the manager (-trimpath: cold the first time)

.PHONY: test-race
test-race: envtest ## Tests with the race detector.
	go test -race $(GO_TEST_FLAGS) ./...

.PHONY: bench
bench: envtest ## Benchmarks (speed and memory; never asserted as a time in a test).
	go test -run '^$$' -bench . -benchmem ./...

BENCH_SCALE_ARGS ?=
.PHONY: bench-scale
bench-scale: envtest ## Scale benchmark: the manager as a process, N=200 and N=1000 members, rate limits and faults (minutes; not part of make test).
	go run ./cmd/bench-scale $(BENCH_SCALE_ARGS)

##@ Build

.PHONY: build
build: ## Build the manager, the local AWS and the plan command (also as the kubectl plugin) into ./bin.
	go build -o $(LOCALBIN)/manager ./cmd/manager
	go build -o $(LOCALBIN)/awslocal ./cmd/awslocal
	$(MAKE) plan

.PHONY: plan
plan: ## Build iam-baseline (plan) and link it as the kubectl plugin kubectl-iam_baseline (docs/plan.md).
	go build -o $(LOCALBIN)/iam-baseline ./cmd/iam-baseline
	ln -sf iam-baseline $(LOCALBIN)/kubectl-iam_baseline

.PHONY: image
image: ## The manager's OCI image archive in dist/, without Docker (VERSION, IMAGE_REPO).
	cd $(RELEASE_MODULE) && go run . image --version $(VERSION) --repository $(IMAGE_REPO) \
		--out $(DIST)/iam-baseline-operator-$(VERSION)-linux-$(GOARCH).tar

.PHONY: release
release: ## dist/: image archive, install.yaml (image pinned by digest) and the packaged chart. VERSION=x required.
	@if [ "$(VERSION)" = dev ]; then echo "usage: make release VERSION=1.2.3" >&2; exit 1; fi
	cd $(RELEASE_MODULE) && go run . release --version $(VERSION) --repository $(IMAGE_REPO) --out $(DIST)

.PHONY: demo
demo: envtest ## Run everything on this machine: control plane, local AWS, operator, samples.
	go run ./cmd/demo $(ARGS)

##@ Tools

.PHONY: envtest
envtest: ## Build kube-apiserver, kubectl and etcd from the Go module proxy (once).
	@bash hack/envtest/build.sh

$(CONTROLLER_GEN):
	@mkdir -p $(LOCALBIN)
	GOBIN=$(LOCALBIN) go install sigs.k8s.io/controller-tools/cmd/controller-gen@$(CONTROLLER_TOOLS_VERSION)
	mv $(LOCALBIN)/controller-gen $(CONTROLLER_GEN)

##@ Documentation

.PHONY: docs
docs: ## Regenerate docs/api.md from api/v1alpha1 (hack/apidocs; a test fails when it is stale).
	go run ./hack/apidocs
