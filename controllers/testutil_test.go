package controllers

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/metrics"
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

// writeRecorder counts the writes the operator sends to the API server, by
// URL path, so that a test can check that a resync writes nothing.
type writeRecorder struct {
	mu  sync.Mutex
	log []string
}

// wrap is a rest.Config WrapTransport: every client the manager builds
// records into the same log.
func (w *writeRecorder) wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		switch req.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			w.mu.Lock()
			w.log = append(w.log, req.Method+" "+req.URL.Path)
			w.mu.Unlock()
		}
		return next.RoundTrip(req)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// since returns the writes recorded after mark whose path contains part.
func (w *writeRecorder) since(mark int, part string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, entry := range w.log[mark:] {
		if strings.Contains(entry, part) {
			out = append(out, entry)
		}
	}
	return out
}

func (w *writeRecorder) mark() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.log)
}

// reconcileCount reads controller-runtime's reconcile counter for one
// controller from the process's metrics registry.
func reconcileCount(t *testing.T, controller string) float64 {
	t.Helper()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var total float64
	for _, f := range families {
		if f.GetName() != "controller_runtime_reconcile_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "controller" && l.GetValue() == controller {
					total += m.GetCounter().GetValue()
				}
			}
		}
	}
	return total
}
