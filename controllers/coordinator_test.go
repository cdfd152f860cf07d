package controllers

import (
	"strings"
	"testing"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// TestUnknownCoordinatorIsNamed checks the message for a --coordinator-agency
// that names no Agency, and silence once it exists.
func TestUnknownCoordinatorIsNamed(t *testing.T) {
	err := checkCoordinator(ctx, k8s, "so-tt-khong-co")
	if err == nil || !strings.Contains(err.Error(), "--coordinator-agency=so-tt-khong-co names no registered Agency: no focal point holds province-wide rights") {
		t.Fatalf("got %v", err)
	}
	newAgency(t, "so-tt-co", "so-tt-co", v1alpha1.LevelDepartment)
	if err := checkCoordinator(ctx, k8s, "so-tt-co"); err != nil {
		t.Fatalf("a registered coordinator must pass: %v", err)
	}
}
