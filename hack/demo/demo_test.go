package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDemoOnce runs the demo as `DEMO_ONCE=1 make demo` does and checks the
// table a person reads: live agreements inside and outside the province, a
// refused one with who must act, and the open-data service.
func TestDemoOnce(t *testing.T) {
	var out bytes.Buffer
	kubeconfig := filepath.Join(t.TempDir(), "demo.kubeconfig")
	settled := func(ctx context.Context, w settledWorld) error {
		if err := checkMetrics(t)(ctx, w.Client); err != nil {
			return err
		}
		if err := checkPortal(t, w.PortalURL); err != nil {
			return err
		}
		return checkPlugin(t, w.Env, w.Client, kubeconfig)
	}
	if err := run(context.Background(), &out, kubeconfig, "127.0.0.1:0", true, settled); err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		`(?m)^so-tnmt/dat-dai\s+Province\s+https://lgsp.soctrang.gov.vn/so-tnmt/dat-dai/v1\s+bo-nnmt, ubnd-tp-soc-trang\s+True$`,
		`(?m)^so-tnmt/quan-trac-moi-truong\s+Public\s+\S+\s+anyone \(open data\)\s+True$`,
		// The national service the DIC publishes: its backend is outside
		// the cluster.
		`(?m)^so-tttt/dan-cu-quoc-gia\s+Province\s+https://lgsp.soctrang.gov.vn/so-tttt/dan-cu-quoc-gia/v1\s+-\s+True$`,
		`(?m)^bo-nnmt\s+so-tnmt/dat-dai\s+Active\s+2027-12-31\s+bo-nnmt/datashare-dat-dai-so-tnmt$`,
		`(?m)^ubnd-tp-soc-trang\s+so-yte/ho-so-suc-khoe\s+Active\s+`,
		`(?m)^so-khdt\s+so-yte/ho-so-suc-khoe\s+AwaitingProviderConsent\s+-\s+-$`,
		`agency so-yte must list agency so-khdt in spec.access.consumers of DataService so-yte/ho-so-suc-khoe`,
		`kubectl --kubeconfig ` + regexp.QuoteMeta(kubeconfig) + ` get datashare -A`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("the demo's output does not match %s", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out.String())
	}
}

// checkPortal reads the portal the demo serves, as a person without a
// token would.
func checkPortal(t *testing.T, url string) error {
	for path, want := range map[string]string{
		"/directory":  "Nguyễn Văn An",
		"/open-data":  "Số liệu quan trắc môi trường",
		"/statistics": "<svg",
		// Offered to the national platform by its owner and the DIC.
		"/national/catalog.ttl": "/services/so-tnmt/dat-dai#service> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dcat#DataService>",
	} {
		resp, err := http.Get(url + path)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("the demo's portal %s: %d, without %q", path, resp.StatusCode, want)
		}
	}
	return nil
}
