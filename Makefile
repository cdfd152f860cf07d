# datashare-operator — build, generate and test.
#
# Everything the tests need is built from Go modules into bin/ on first use:
# controller-gen, and the kube-apiserver and etcd that envtest runs (the first
# build of kube-apiserver takes several minutes; later runs reuse bin/).

SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

BIN := $(CURDIR)/bin
CONTROLLER_GEN := $(BIN)/controller-gen
HELM := $(BIN)/helm
EGCTL := $(BIN)/egctl
PROMTOOL := $(BIN)/promtool
PROMQLNAMES := $(BIN)/promqlnames
SHACL := hack/shacl/node_modules/.package-lock.json
KREW := $(BIN)/kubectl-krew
VALIDATE_KREW := $(BIN)/validate-krew-manifest
RELEASE := $(BIN)/release
GOLANGCI_LINT := $(BIN)/golangci-lint
KUBE_APISERVER := $(BIN)/kube-apiserver
ETCD := $(BIN)/etcd
export KUBEBUILDER_ASSETS ?= $(BIN)

# The Kubernetes release the tool module pins, stamped into kube-apiserver as
# Kubernetes' own build does, so that clients that read the server's version
# (kubectl version, helm's kubeVersion check) see it.
KUBE_VERSION := $(shell awk '{for (i = 1; i < NF; i++) if ($$i == "k8s.io/kubernetes" && $$(i+1) ~ /^v[0-9]/) {print $$(i+1); exit}}' hack/envtest/kube-apiserver/go.mod)
KUBE_MAJOR := $(word 1,$(subst ., ,$(patsubst v%,%,$(KUBE_VERSION))))
KUBE_MINOR := $(word 2,$(subst ., ,$(patsubst v%,%,$(KUBE_VERSION))))
KUBE_LDFLAGS := $(foreach pkg,k8s.io/component-base/version k8s.io/client-go/pkg/version,\
	-X $(pkg).gitVersion=$(KUBE_VERSION) -X $(pkg).gitMajor=$(KUBE_MAJOR) -X $(pkg).gitMinor=$(KUBE_MINOR) \
	-X $(pkg).gitCommit= -X $(pkg).gitTreeState=clean)

# Each tool is rebuilt when the go.mod that pins its version changes.
TOOLS_MOD := hack/tools/go.mod
HELM_MOD := hack/helm/go.mod
EGCTL_MOD := hack/egctl/go.mod
PROMTOOL_MOD := hack/promtool/go.mod
KREW_MOD := hack/krew/go.mod
RELEASE_MOD := hack/release/go.mod
GOLANGCI_LINT_MOD := hack/golangci-lint/go.mod
APISERVER_MOD := hack/envtest/kube-apiserver/go.mod
ETCD_MOD := hack/envtest/etcd/go.mod

.PHONY: all
all: build

##@ See it work

.PHONY: demo
demo: envtest-bins ## Run the operator on a local API server with the sample province and print the sharing status (DEMO_ONCE=1 exits after printing).
	go run ./hack/demo

##@ Development

.PHONY: generate
generate: $(CONTROLLER_GEN) ## Generate the deep-copy code of the API types.
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths=./api/...

CHART := charts/datashare-operator

.PHONY: manifests
manifests: $(CONTROLLER_GEN) ## Generate the CRDs and the operator's RBAC from markers, and copy them into the chart.
	$(CONTROLLER_GEN) crd rbac:roleName=datashare-operator paths=./... \
		output:crd:artifacts:config=config/crd/bases output:rbac:artifacts:config=config/rbac
	rm -f $(CHART)/files/crds/*.yaml
	cp config/crd/bases/*.yaml $(CHART)/files/crds/
	cp config/rbac/role.yaml config/rbac/focal_point_roles.yaml config/rbac/portal_role.yaml $(CHART)/files/rbac/
	mkdir -p $(CHART)/files/admission && cp config/admission/owned_objects.yaml config/admission/focal_point_subjects.yaml config/admission/own_service_agreements.yaml $(CHART)/files/admission/
	mkdir -p $(CHART)/files/prometheus $(CHART)/files/grafana
	cp config/prometheus/alerts.yaml $(CHART)/files/prometheus/
	cp config/grafana/datashare-dashboard.json $(CHART)/files/grafana/

.PHONY: fmt
fmt: ## Format the Go code.
	go fmt ./...

.PHONY: vet
vet: ## Run go vet.
	go vet ./...

.PHONY: lint
lint: $(GOLANGCI_LINT) ## Run golangci-lint (.golangci.yml) and the Kubernetes API linter over api/ (.golangci-kal.yml).
	$(GOLANGCI_LINT) run --allow-parallel-runners ./...
	$(GOLANGCI_LINT) run --allow-parallel-runners --config .golangci-kal.yml ./api/...
	cd hack/release && $(GOLANGCI_LINT) run --allow-parallel-runners --config ../../.golangci.yml ./...

.PHONY: verify
verify: generate manifests lint ## Fail when gofmt, go vet, golangci-lint or the generators would change or find anything.
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	go vet ./...
	cd hack/release && go vet ./...
	@if [ -n "$$(git status --porcelain -- api config $(CHART))" ]; then \
		echo "generated files are out of date; run 'make generate manifests' and commit:"; \
		git status --porcelain -- api config $(CHART); git diff --stat -- api config $(CHART); exit 1; fi

.PHONY: test
test: envtest-bins $(HELM) $(EGCTL) $(PROMTOOL) $(PROMQLNAMES) $(KREW) $(VALIDATE_KREW) $(SHACL) $(RELEASE) chromium image-tools ## Run every test against a real API server, and the rendered objects through Envoy Gateway's translator (builds what it needs).
	go test ./... -count=1
	cd hack/release && go test ./... -count=1

.PHONY: bench-scale
bench-scale: envtest-bins ## Measure convergence, latency, requests, resync writes and memory at scale (SCALE_ARGS="-agreements 1000" for a smaller run).
	go run ./test/scale $(SCALE_ARGS)

.PHONY: plugin
plugin: ## Build the kubectl plugin into bin/kubectl-datashare (put bin/ on PATH: kubectl datashare --help).
	go build -o $(BIN)/kubectl-datashare ./hack/kubectl-datashare

# For a province's own krew index: an archive per platform and the manifest.
PLUGIN_VERSION ?= v0.1.0
PLUGIN_LICENSE ?= LICENSE
.PHONY: plugin-krew
plugin-krew: ## Package the plugin for krew into dist/ (PLUGIN_BASE_URL=where the archives are served, PLUGIN_LICENSE=the license file).
	go run ./hack/kubectl-datashare/krew -version $(PLUGIN_VERSION) -base-url "$(PLUGIN_BASE_URL)" -license "$(PLUGIN_LICENSE)" -out dist

##@ Release

# The release's version: empty lets the release tool take git describe of
# the v* tags (or v0.0.0-<commits>-g<hash> where there is none).
VERSION ?=
# Where the image is published; a province that mirrors it changes this.
IMAGE_REPOSITORY ?= ghcr.io/lgsp-vn/datashare-operator
RELEASE_FLAGS = $(if $(VERSION),-version $(VERSION)) -repository $(IMAGE_REPOSITORY)

.PHONY: image
image: $(RELEASE) ## Build the operator's OCI image (linux/amd64 and linux/arm64) from Go modules alone into bin/image: layout, oci-archive, digest, SBOM.
	$(RELEASE) image $(RELEASE_FLAGS) -out $(BIN)/image

.PHONY: image-push
image-push: image ## Push the image to a registry: IMAGE=registry.example.gov.vn/lgsp/datashare-operator:TAG (docker, podman or crane login's credentials).
	@if [ -z "$(IMAGE)" ]; then echo "IMAGE is required: make image-push IMAGE=registry.example.gov.vn/lgsp/datashare-operator:TAG"; exit 2; fi
	$(RELEASE) push -layout $(BIN)/image/image -to $(IMAGE)

.PHONY: release
release: $(RELEASE) $(HELM) ## Write every file a province installs into dist/: image, chart pinned by digest, install.yaml, plugin archives with the krew manifest, SBOM, SHA256SUMS (PLUGIN_BASE_URL=where the archives are served).
	$(RELEASE) dist $(RELEASE_FLAGS) -helm $(HELM) -out dist $(if $(PLUGIN_BASE_URL),-plugin-base-url $(PLUGIN_BASE_URL))

.PHONY: build
build: ## Build the operator binary into bin/.
	go build -o $(BIN)/manager .

.PHONY: run
run: manifests ## Run the operator against the cluster of the current kubeconfig.
	go run . $(ARGS)

##@ Tools

.PHONY: envtest-bins
envtest-bins: unstamped-apiserver $(KUBE_APISERVER) $(ETCD) ## Build kube-apiserver and etcd for envtest into bin/.

# A kube-apiserver built before the version was stamped is built again.
.PHONY: unstamped-apiserver
unstamped-apiserver:
	@if [ -x $(KUBE_APISERVER) ] && ! $(KUBE_APISERVER) --version 2>/dev/null | grep -qx "Kubernetes $(KUBE_VERSION)"; then \
		echo "$(KUBE_APISERVER) does not say it is $(KUBE_VERSION): building it again"; rm -f $(KUBE_APISERVER); fi

$(KUBE_APISERVER): $(APISERVER_MOD)
	cd hack/envtest/kube-apiserver && go build -ldflags '$(KUBE_LDFLAGS)' -o $@ k8s.io/kubernetes/cmd/kube-apiserver

$(ETCD): $(ETCD_MOD) hack/envtest/etcd/main.go
	cd hack/envtest/etcd && go build -o $@ .

$(HELM): $(HELM_MOD)
	cd hack/helm && go build -o $@ helm.sh/helm/v3/cmd/helm

# Envoy Gateway's egctl, at the version of go.mod, for its translator's
# verdict on what the operator renders.
$(EGCTL): $(EGCTL_MOD)
	cd hack/egctl && go build -o $@ github.com/envoyproxy/gateway/cmd/egctl

# Prometheus's promtool, to check and unit-test the alert rules, and
# promqlnames, which names the metrics PromQL expressions read (Prometheus's
# own parser), for the dashboard test.
$(PROMTOOL): $(PROMTOOL_MOD)
	cd hack/promtool && go build -o $@ github.com/prometheus/prometheus/cmd/promtool

$(PROMQLNAMES): $(PROMTOOL_MOD) hack/promtool/promqlnames/main.go
	cd hack/promtool && go build -o $@ ./promqlnames

# The SHACL engine (rdf-validate-shacl, pinned by package-lock.json) that
# checks the portal's DCAT-AP catalogue.
$(SHACL): hack/shacl/package.json hack/shacl/package-lock.json
	cd hack/shacl && npm ci --no-audit --no-fund

# Debian's Chromium, for the portal's browser test; installed when missing.
.PHONY: chromium
chromium:
	@command -v chromium >/dev/null || { echo "installing Debian's chromium for the browser test"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends chromium; }

# Debian's skopeo and umoci, with which the release test reads and unpacks
# the image as a registry client and a runtime would; installed when missing.
.PHONY: image-tools
image-tools:
	@command -v skopeo >/dev/null && command -v umoci >/dev/null || { echo "installing Debian's skopeo and umoci for the image test"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends skopeo umoci; }

# The release tool (hack/release): the image from Go modules, the SBOM, the
# chart pinned by digest, install.yaml, SHA256SUMS.
$(RELEASE): $(RELEASE_MOD) $(wildcard hack/release/*.go)
	cd hack/release && go build -o $@ .

# golangci-lint with the Kubernetes API linter compiled in (its module
# plugin), both pinned by hack/golangci-lint/go.mod.
$(GOLANGCI_LINT): $(GOLANGCI_LINT_MOD)
	cd hack/golangci-lint && go build -o $@ sigs.k8s.io/kube-api-linter/cmd/golangci-lint-kube-api-linter

# krew and its manifest validator, for the plugin's krew manifest.
$(KREW): $(KREW_MOD)
	cd hack/krew && go build -o $@ sigs.k8s.io/krew/cmd/krew

$(VALIDATE_KREW): $(KREW_MOD)
	cd hack/krew && go build -o $@ sigs.k8s.io/krew/cmd/validate-krew-manifest

$(CONTROLLER_GEN): $(TOOLS_MOD)
	cd hack/tools && go build -o $@ sigs.k8s.io/controller-tools/cmd/controller-gen

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z_-]+:.*?##/ { printf "  %-14s %s\n", $$1, $$2 } /^##@/ { printf "\n%s\n", substr($$0, 5) }' $(MAKEFILE_LIST)
