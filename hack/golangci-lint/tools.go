//go:build tools

// Package tools pins, through go.mod, golangci-lint and the Kubernetes API
// linter's build of it (sigs.k8s.io/kube-api-linter's
// cmd/golangci-lint-kube-api-linter: golangci-lint with the module plugin
// "kubeapilinter" compiled in, what `golangci-lint custom` would build
// without downloading golangci-lint's source).
package tools

import (
	_ "github.com/golangci/golangci-lint/v2/pkg/commands"
	_ "sigs.k8s.io/kube-api-linter/cmd/golangci-lint-kube-api-linter"
)
