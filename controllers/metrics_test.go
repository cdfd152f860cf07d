package controllers

import (
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// TestKeyMetricsCountIssueAndRevocation issues a key, rotates it and
// deletes the agreement, and reads the counters and the revocation
// histogram.
func TestKeyMetricsCountIssueAndRevocation(t *testing.T) {
	issued, rotated := testutil.ToFloat64(keysIssued), testutil.ToFloat64(keysRotated)
	revoked := testutil.ToFloat64(keysRevoked.WithLabelValues(reasonDeleted))
	observed := histogramCount(t, reasonDeleted)

	_, sa, key := liveAgreement(t, "so-nv-dl", "dia-diem", "ubnd-metric")
	if got := testutil.ToFloat64(keysIssued) - issued; got != 1 {
		t.Fatalf("keys issued went up by %v for one live agreement", got)
	}
	update(t, sa, func(sa *v1alpha1.SharingAgreement) {
		sa.Annotations = map[string]string{v1alpha1.AnnotationRotateKey: sa.Status.Credential.IssuedAt.Add(time.Second).UTC().Format(time.RFC3339)}
	})
	advanceTo(t, sa.Status.Credential.IssuedAt.Add(time.Second))
	eventually(t, 10*time.Second, "the key is rotated", func() error {
		if k := consumerKey(t, sa); k == "" || k == key {
			return errorf("still the first key")
		}
		return nil
	})
	rememberKey(consumerKey(t, sa))
	if got := testutil.ToFloat64(keysRotated) - rotated; got != 1 {
		t.Errorf("keys rotated went up by %v for one rotation", got)
	}
	if got := testutil.ToFloat64(keysIssued) - issued; got != 2 {
		t.Errorf("keys issued went up by %v for a first key and a rotation", got)
	}

	if err := k8s.Delete(ctx, sa); err != nil {
		t.Fatal(err)
	}
	waitKeysGone(t, sa, time.Now())
	eventually(t, 10*time.Second, "the revocation is counted", func() error {
		// Both keys, the current one and the one in its grace period.
		if got := testutil.ToFloat64(keysRevoked.WithLabelValues(reasonDeleted)) - revoked; got != 2 {
			return errorf("keys revoked (Deleted) went up by %v", got)
		}
		if got := histogramCount(t, reasonDeleted) - observed; got != 1 {
			return errorf("%d revocation(s) observed", got)
		}
		return nil
	})
}

// TestAScrapeSendsNoRequest scrapes the registry: the state of sharing is
// read from the cache, never listed from the API server.
func TestAScrapeSendsNoRequest(t *testing.T) {
	liveAgreement(t, "so-nv-sc", "lich-hop", "ubnd-scrape")
	before := operatorRequests.Counts()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range families {
		found = found || (f.GetName() == "datashare_agreements" && len(f.GetMetric()) > 0)
	}
	if !found {
		t.Fatal("no datashare_agreements series")
	}
	// The operator reads agreements past the cache when it issues a key, so
	// only the other three kinds tell: a scrape that listed from the API
	// server would list them all.
	lists := operatorRequests.Since(before, func(r testenv.Request) bool {
		return r.Verb == http.MethodGet && (r.Resource == "agencies" || r.Resource == "focalpoints" || r.Resource == "dataservices")
	})
	if len(lists) != 0 {
		t.Fatalf("a scrape listed from the API server: %v", lists)
	}
}

func histogramCount(t *testing.T, reason string) uint64 {
	t.Helper()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "datashare_key_revocation_duration_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "reason" && l.GetValue() == reason {
					return m.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	return 0
}
