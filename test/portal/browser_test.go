package portal

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// TestAnOfficerUsesThePortalInABrowser drives headless Chromium (Debian's
// chromium, which `make test` installs when missing) through the catalog
// search, a service page, the request-access form and the statistics page,
// as so-khdt's focal point, and keeps a screenshot of each under
// bin/screenshots/.
func TestAnOfficerUsesThePortalInABrowser(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed: `make test` installs Debian's chromium package when it is missing")
	}
	shots := filepath.Join(testenv.RepoRoot(), "bin", "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "vi"))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	// The province's sign-in at the gateway would add this header.
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": "Bearer " + officer}}); err != nil {
		t.Fatal(err)
	}
	shoot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(shots, name+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", path)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// clickAndLoad clicks and waits for the page it leads to.
	clickAndLoad := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel))))
			return err
		})
	}

	// Search the catalog as a person does: type, press the button.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(portalURL+"/catalog"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=q]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=q]`), "thửa đất"),
		clickAndLoad(`form.filters button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`ul.services`)),
	); err != nil {
		t.Fatal(err)
	}
	results := text(`ul.services`)
	shoot("catalog")
	if !strings.Contains(results, "Tra cứu thông tin thửa đất") || strings.Contains(results, "Số liệu quan trắc môi trường") {
		t.Errorf("the search for \"thửa đất\" found:\n%s", results)
	}

	// Open the service, then ask for access.
	if err := chromedp.Do(ctx, clickAndLoad(`ul.services a`), chromedp.WaitVisible(chromedp.CSS(`dl.facts`))); err != nil {
		t.Fatal(err)
	}
	facts := text(`dl.facts`)
	shoot("service")
	if err := chromedp.Do(ctx,
		clickAndLoad(`a.button`),
		chromedp.WaitVisible(chromedp.CSS(`input[name=purpose]`)),
		chromedp.SetValue(chromedp.CSS(`select[name=agency]`), "so-khdt"),
		chromedp.SendKeys(chromedp.CSS(`input[name=purpose]`), "Xác minh địa chỉ trụ sở doanh nghiệp"),
		chromedp.SendKeys(chromedp.CSS(`input[name=legalBasis]`), "Nghị định 47/2020/NĐ-CP, Điều 10"),
		clickAndLoad(`form.filters button[type=submit]`),
		chromedp.WaitVisible(chromedp.CSS(`#manifest`)),
	); err != nil {
		t.Fatal(err)
	}
	manifest := text(`#manifest`)
	shoot("request-access")
	if !strings.Contains(facts, "Sở Tài nguyên và Môi trường") {
		t.Errorf("the service page's facts:\n%s", facts)
	}
	for _, want := range []string{"kind: SharingAgreement", "namespace: so-khdt", "name: dat-dai", "purpose: Xác minh địa chỉ trụ sở doanh nghiệp"} {
		if !strings.Contains(manifest, want) {
			t.Errorf("the request-access manifest lacks %q:\n%s", want, manifest)
		}
	}

	// The gateway's traffic, as the operator's collector flushes it into
	// the live agreements' usage: this month and the one before.
	carried := recordUsage(t)

	// Anyone reads the traffic by provider; no agency's detail.
	if err := testenv.Eventually(20*time.Second, func() error {
		code, body := get(t, portalURL+"/statistics", "")
		if code != 200 || !strings.Contains(body, "Lưu lượng qua nền tảng LGSP") || !strings.Contains(body, fmt.Sprintf("Yêu cầu: %d", carried)) {
			return fmt.Errorf("status %d: the anonymous statistics do not show this month's %d requests yet", code, carried)
		}
		if strings.Contains(body, "Chi tiết của cơ quan bạn") {
			return fmt.Errorf("the anonymous statistics show an agency's detail")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// The statistics, with the chart drawn by the server.
	if err := chromedp.Do(ctx, chromedp.Navigate(portalURL+"/statistics"), chromedp.WaitVisible(chromedp.CSS(`figure svg`))); err != nil {
		t.Fatal(err)
	}
	if err := testenv.Eventually(20*time.Second, func() error {
		if _, err := chromedp.Run(ctx, chromedp.Navigate(portalURL+"/statistics")); err != nil {
			return err
		}
		chart, err := chromedp.Run(ctx, chromedp.Evaluate[*string](`document.querySelector("svg[aria-labelledby=traffic-title]")?.textContent ?? null`))
		if err != nil {
			return err
		}
		if chart == nil || !strings.Contains(*chart, fmt.Sprintf("Yêu cầu: %d", carried)) {
			return fmt.Errorf("the traffic chart does not show this month's %d requests yet", carried)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if caption := text(`figcaption`); caption != "Thỏa thuận đang hiệu lực theo bên cung cấp" {
		t.Errorf("the chart's caption: %q", caption)
	}
	// The keys of the samples' live agreements, this month.
	live, issued, err := liveAndIssued(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// An svg has no rendered text (innerText), only its content. The page
	// is loaded: a chart that is not there now never will be, so ask the
	// page rather than wait for it.
	keys, err := chromedp.Run(ctx, chromedp.Evaluate[*string](`document.querySelector("svg[aria-labelledby=keys-title]")?.textContent ?? null`))
	if err != nil {
		t.Fatal(err)
	}
	if keys == nil {
		t.Fatalf("the statistics page has no keys chart (%d live agreements, %d keys in the agencies' histories)", live, issued)
	}
	if want := fmt.Sprintf("Cấp mới: %d", issued); issued < live || !strings.Contains(*keys, want) {
		t.Errorf("the keys chart's text lacks %q (%d live agreements):\n%s", want, live, *keys)
	}
	shoot("statistics")
}

// recordUsage writes into each live agreement's status.usage what the
// collector would have flushed for it, and returns this month's requests
// in all.
func recordUsage(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	list := &v1alpha1.SharingAgreementList{}
	if err := admin.List(ctx, list); err != nil {
		t.Fatal(err)
	}
	zone, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(zone)
	this, last := now.Format("2006-01"), time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, zone).Format("2006-01")
	var total int64
	for i, sa := range list.Items {
		if len(sa.Status.Credential.KeyIDs) == 0 {
			continue
		}
		requests := int64(1200 * (i + 1))
		total += requests
		base := sa.DeepCopy()
		sa.Status.Usage = &v1alpha1.Usage{LastRequestAt: &metav1.Time{Time: now.Truncate(time.Second)}, Months: []v1alpha1.UsageMonth{
			{Month: last, Requests: requests / 2, Errors: int64(i)}, {Month: this, Requests: requests, Errors: int64(3 * i)}}}
		if err := admin.Status().Patch(ctx, &sa, client.MergeFrom(base)); err != nil {
			t.Fatal(err)
		}
	}
	return total
}
