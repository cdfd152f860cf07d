package controllers

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// syncBuffer is a bytes.Buffer safe for the logger's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) tail(n int) string {
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
