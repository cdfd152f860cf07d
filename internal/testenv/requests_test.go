package testenv

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRequestOf(t *testing.T) {
	cases := []struct {
		method, url string
		want        Request
	}{
		{"PATCH", "/api/v1/namespaces/so-yte/secrets/k1", Request{"PATCH", "secrets", "so-yte"}},
		{"GET", "/api/v1/namespaces/so-yte/secrets?labelSelector=a%3Db", Request{"GET", "secrets", "so-yte"}},
		{"GET", "/apis/datashare.lgsp.vn/v1alpha1/agencies?watch=true&resourceVersion=5", Request{"WATCH", "agencies", ""}},
		{"PATCH", "/apis/datashare.lgsp.vn/v1alpha1/agencies/so-yte/status", Request{"PATCH", "agencies/status", ""}},
		{"PATCH", "/apis/datashare.lgsp.vn/v1alpha1/namespaces/so-tc/sharingagreements/tt-1/status", Request{"PATCH", "sharingagreements/status", "so-tc"}},
		{"POST", "/apis/events.k8s.io/v1/namespaces/so-tc/events", Request{"POST", "events", "so-tc"}},
		{"GET", "/api/v1/namespaces/so-tc", Request{"GET", "namespaces", ""}},
		{"PUT", "/api/v1/namespaces/so-tc/finalize", Request{"PUT", "namespaces/finalize", ""}},
		{"GET", "/apis", Request{"GET", "/apis", ""}},
	}
	for _, tc := range cases {
		if got := RequestOf(httptest.NewRequest(tc.method, tc.url, nil)); got != tc.want {
			t.Errorf("%s %s: got %+v, want %+v", tc.method, tc.url, got, tc.want)
		}
	}
}

func TestRequestCounterCountsSinceAMark(t *testing.T) {
	var c RequestCounter
	rt := c.Wrap(roundTripFunc(func(*http.Request) (*http.Response, error) { return &http.Response{StatusCode: 200}, nil }))
	send := func(method, url string) {
		if _, err := rt.RoundTrip(httptest.NewRequest(method, url, nil)); err != nil {
			t.Fatal(err)
		}
	}
	send("GET", "/api/v1/namespaces/a/secrets")
	mark := c.Counts()
	send("PATCH", "/api/v1/namespaces/a/secrets/k")
	send("PATCH", "/api/v1/namespaces/a/secrets/k")
	send("GET", "/api/v1/namespaces/a/secrets")
	send("PATCH", "/api/v1/namespaces/b/secrets/k")
	inA := c.Since(mark, func(r Request) bool { return r.Write() && r.Namespace == "a" })
	if len(inA) != 1 || inA[Request{"PATCH", "secrets", "a"}] != 2 {
		t.Fatalf("writes in a since the mark: %v", inA)
	}
	if n := Total(c.Since(mark, nil), nil); n != 4 {
		t.Fatalf("requests since the mark: %d, want 4", n)
	}
}
