package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseAndValidate(t *testing.T) {
	cases := []struct {
		name string
		args []string
		// wantErr are the words every error must contain; empty means valid.
		wantErr []string
		check   func(t *testing.T, c Config)
	}{
		{name: "defaults with the coordinator named", args: []string{"--coordinator-agency=so-tttt"},
			check: func(t *testing.T, c Config) {
				if c.Gateway.String() != "lgsp-system/lgsp" || c.Enforcement != EnforcementEnvoyGateway || !c.RequireAppraisal ||
					c.ReviewPeriod != 365*24*time.Hour || c.OpenDataRefresh != 90*24*time.Hour {
					t.Errorf("unexpected defaults: %+v", c)
				}
			}},
		{name: "every setting given", args: []string{
			"--coordinator-agency=so-tttt", "--lgsp-gateway=gw/lgsp-public/https", "--public-base-url=https://lgsp.example.vn/api",
			"--enforcement=none", "--require-appraisal=false", "--review-period=4380h", "--open-data-refresh=720h",
			"--key-rotation-grace=1h", "--leader-elect=false", "--leader-election-namespace=ops"},
			check: func(t *testing.T, c Config) {
				want := GatewayRef{Namespace: "gw", Name: "lgsp-public", SectionName: "https"}
				if c.Gateway != want || c.PublicBaseURL != "https://lgsp.example.vn/api" || c.Enforcement != EnforcementNone ||
					c.RequireAppraisal || c.ReviewPeriod != 4380*time.Hour || c.OpenDataRefresh != 720*time.Hour ||
					c.KeyRotationGrace != time.Hour || c.LeaderElect || c.LeaderElectionNamespace != "ops" {
					t.Errorf("flags not applied: %+v", c)
				}
			}},
		{name: "coordinator missing", args: nil,
			wantErr: []string{"--coordinator-agency: is required"}},
		{name: "coordinator not an agency name", args: []string{"--coordinator-agency=Sở TTTT"},
			wantErr: []string{`--coordinator-agency: "Sở TTTT" is not an Agency name`}},
		{name: "gateway without a name", args: []string{"--coordinator-agency=so-tttt", "--lgsp-gateway=lgsp"},
			wantErr: []string{"-lgsp-gateway", `want namespace/name or namespace/name/listener, got "lgsp"`}},
		{name: "gateway namespace not a DNS label", args: []string{"--coordinator-agency=so-tttt", "--lgsp-gateway=LGSP_System/lgsp"},
			wantErr: []string{"-lgsp-gateway", `gateway namespace "LGSP_System"`}},
		{name: "base URL missing", args: []string{"--coordinator-agency=so-tttt"},
			wantErr: []string{"--public-base-url: is required: the province's LGSP address, for example https://lgsp.example.gov.vn"}},
		{name: "base URL without scheme", args: []string{"--coordinator-agency=so-tttt", "--public-base-url=lgsp.example.gov.vn"},
			wantErr: []string{"--public-base-url:", "must start with https://"}},
		{name: "base URL with trailing slash", args: []string{"--coordinator-agency=so-tttt", "--public-base-url=https://lgsp.example.gov.vn/"},
			wantErr: []string{"--public-base-url:", "must not end with a slash"}},
		{name: "base URL with a query", args: []string{"--coordinator-agency=so-tttt", "--public-base-url=https://lgsp.example.gov.vn?x=1"},
			wantErr: []string{"--public-base-url:", "must not have a query or fragment"}},
		{name: "unknown enforcement profile", args: []string{"--coordinator-agency=so-tttt", "--enforcement=istio"},
			wantErr: []string{`--enforcement: "istio" is not a profile: use envoy-gateway or none`}},
		{name: "review period too short", args: []string{"--coordinator-agency=so-tttt", "--review-period=1h"},
			wantErr: []string{"--review-period: 1h0m0s is too short: the least is 24h0m0s"}},
		{name: "negative grace", args: []string{"--coordinator-agency=so-tttt", "--key-rotation-grace=-1m"},
			wantErr: []string{"--key-rotation-grace: -1m0s is too short"}},
		{name: "several errors reported together", args: []string{"--enforcement=x", "--open-data-refresh=1m"},
			wantErr: []string{"--coordinator-agency", "--enforcement", "--open-data-refresh"}},
		{name: "proxy selector and namespace", args: []string{"--coordinator-agency=so-tttt", "--gateway-proxy-namespace=envoy-gateway-system",
			"--gateway-proxy-selector=gateway.envoyproxy.io/owning-gateway-name=lgsp,app.kubernetes.io/component=proxy"},
			check: func(t *testing.T, c Config) {
				if c.ProxyPodNamespace() != "envoy-gateway-system" || len(c.ProxySelector) != 2 ||
					c.ProxySelector["gateway.envoyproxy.io/owning-gateway-name"] != "lgsp" {
					t.Errorf("proxy settings not applied: %q %v", c.ProxyPodNamespace(), c.ProxySelector)
				}
			}},
		{name: "proxy namespace defaults to the Gateway's", args: []string{"--coordinator-agency=so-tttt", "--lgsp-gateway=gw/lgsp"},
			check: func(t *testing.T, c Config) {
				if c.ProxyPodNamespace() != "gw" {
					t.Errorf("proxy namespace %q, want the Gateway's", c.ProxyPodNamespace())
				}
			}},
		{name: "response deadline, zone and holidays", args: []string{"--coordinator-agency=so-tttt", "--response-working-days=3", "--time-zone=Asia/Bangkok",
			"--holidays=2026-09-01, 2026-09-02"},
			check: func(t *testing.T, c Config) {
				cal, err := c.Calendar()
				if err != nil || c.ResponseWorkingDays != 3 || cal.Location.String() != "Asia/Bangkok" || len(cal.Holidays) != 2 || !cal.Holidays["2026-09-02"] {
					t.Errorf("calendar settings not applied: %d %+v %v", c.ResponseWorkingDays, cal, err)
				}
			}},
		{name: "no working days to answer", args: []string{"--coordinator-agency=so-tttt", "--response-working-days=0"},
			wantErr: []string{"--response-working-days: 0 is out of range: give 1 to 30"}},
		{name: "unknown time zone", args: []string{"--coordinator-agency=so-tttt", "--time-zone=Saigon"},
			wantErr: []string{`--time-zone: time zone "Saigon" is not known: use an IANA name such as Asia/Ho_Chi_Minh`}},
		{name: "a holiday that is not a date", args: []string{"--coordinator-agency=so-tttt", "--holidays=2026-02-30"},
			wantErr: []string{`--holidays: holiday "2026-02-30" is not a date written as 2006-01-02`}},
		{name: "empty proxy selector", args: []string{"--coordinator-agency=so-tttt", "--gateway-proxy-selector="},
			wantErr: []string{"--gateway-proxy-selector: is empty: an empty selector would admit every pod"}},
		{name: "malformed proxy selector", args: []string{"--coordinator-agency=so-tttt", "--gateway-proxy-selector=app=envoy,=x"},
			wantErr: []string{"-gateway-proxy-selector"}},
		{name: "concurrency out of range", args: []string{"--coordinator-agency=so-tttt", "--concurrency=0"},
			wantErr: []string{"--concurrency: 0 is out of range: give 1 to 64"}},
		{name: "empty probe address", args: []string{"--coordinator-agency=so-tttt", "--health-probe-bind-address="},
			wantErr: []string{"--health-probe-bind-address: is required"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			c.Bind(fs)
			// The base URL has no default: a case that does not give one
			// gets this, unless it is about its absence.
			args := tc.args
			if !strings.Contains(strings.Join(args, " "), "--public-base-url") && tc.name != "base URL missing" {
				args = append([]string{"--public-base-url=https://lgsp.example.gov.vn"}, args...)
			}
			err := fs.Parse(args)
			if err == nil {
				err = c.Validate()
			}
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				tc.check(t, c)
				return
			}
			if err == nil {
				t.Fatalf("want an error naming %v, got none", tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
