package controllers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// tail is the last n lines of what b holds.
func tail(b *testenv.SyncBuffer, n int) string {
	lines := strings.Split(b.String(), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// reconcileCount is how many times one controller has reconciled so far.
func reconcileCount(t *testing.T, controller string) float64 {
	t.Helper()
	counts, err := testenv.ReconcileCounts()
	if err != nil {
		t.Fatal(err)
	}
	return float64(counts[controller])
}
