package testenv

import (
	"net/http"
	"strings"
	"sync"
)

// Request is one kind of API request: its verb (WATCH for a watch), the
// resource it names (with its subresource, "agencies/status"), and its
// namespace ("" when cluster-wide).
type Request struct {
	Verb, Resource, Namespace string
}

// Write reports whether the request changes something.
func (r Request) Write() bool {
	switch r.Verb {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

func (r Request) String() string {
	if r.Namespace == "" {
		return r.Verb + " " + r.Resource
	}
	return r.Verb + " " + r.Resource + " in " + r.Namespace
}

// RequestCounter counts the requests a client sends by Request: a test can
// check that an operator wrote nothing, or only to its lease, and a
// benchmark can report requests per object, without keeping every request.
type RequestCounter struct {
	mu     sync.Mutex
	counts map[Request]int
}

// Wrap is a rest.Config WrapTransport: every client built from the config
// counts into the same counter.
func (c *RequestCounter) Wrap(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		r := RequestOf(req)
		c.mu.Lock()
		if c.counts == nil {
			c.counts = map[Request]int{}
		}
		c.counts[r]++
		c.mu.Unlock()
		return next.RoundTrip(req)
	})
}

// Counts returns a copy of the counts so far.
func (c *RequestCounter) Counts() map[Request]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[Request]int, len(c.counts))
	for k, v := range c.counts {
		out[k] = v
	}
	return out
}

// Since returns the requests counted after before (a Counts), those that
// keep says to keep; keep nil keeps all.
func (c *RequestCounter) Since(before map[Request]int, keep func(Request) bool) map[Request]int {
	out := map[Request]int{}
	for k, v := range c.Counts() {
		if d := v - before[k]; d > 0 && (keep == nil || keep(k)) {
			out[k] = d
		}
	}
	return out
}

// Total adds the counts of those requests that keep says to keep.
func Total(counts map[Request]int, keep func(Request) bool) int {
	n := 0
	for k, v := range counts {
		if keep == nil || keep(k) {
			n += v
		}
	}
	return n
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// RequestOf reads an HTTP request to the API server as a Request.
func RequestOf(req *http.Request) Request {
	r := Request{Verb: req.Method}
	if req.URL.Query().Get("watch") == "true" {
		r.Verb = "WATCH"
	}
	// /api/v1/[namespaces/<ns>/]<resource>[/<name>[/<sub>]] or
	// /apis/<group>/<version>/[namespaces/<ns>/]<resource>[/<name>[/<sub>]]
	parts := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	start := 2
	if len(parts) > 0 && parts[0] == "apis" {
		start = 3
	}
	if len(parts) <= start {
		r.Resource = req.URL.Path // discovery
		return r
	}
	rest := parts[start:]
	namespaceSubresource := len(rest) == 3 && (rest[2] == "status" || rest[2] == "finalize")
	if rest[0] == "namespaces" && len(rest) > 2 && !namespaceSubresource {
		r.Namespace, rest = rest[1], rest[2:]
	}
	r.Resource = rest[0]
	if len(rest) > 2 {
		r.Resource += "/" + rest[2]
	}
	return r
}
