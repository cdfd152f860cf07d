package controllers

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/statistics"
)

// The state-of-sharing metrics, computed from the cache at each scrape by
// internal/statistics: no request reaches the API server.
var (
	agenciesDesc = prometheus.NewDesc("datashare_agencies",
		"One series per agency: ready is true when it holds its namespace and has an active primary focal point; reason is its Ready reason.",
		[]string{"agency", "ready", "reason"}, nil)
	focalPointsDesc = prometheus.NewDesc("datashare_focal_points",
		"Focal points by agency, role and state (their Ready reason).",
		[]string{"agency", "role", "ready", "reason"}, nil)
	servicesDesc = prometheus.NewDesc("datashare_services",
		"DataServices by agency, classification, audience and state (their Ready reason).",
		[]string{"agency", "classification", "audience", "reason"}, nil)
	serviceReadyDesc = prometheus.NewDesc("datashare_dataservice_ready",
		"1 when the DataService is Ready (published, reachable, isolated), else 0, with its Ready reason.",
		[]string{"agency", "namespace", "dataservice", "reason"}, nil)
	agreementsDesc = prometheus.NewDesc("datashare_agreements",
		"SharingAgreements by provider agency, consumer agency and state (their Ready reason).",
		[]string{"provider", "consumer", "state"}, nil)
	clockDescs = map[statistics.ClockKind]*prometheus.Desc{
		statistics.ClockReviewDue: prometheus.NewDesc("datashare_dataservice_review_due_timestamp_seconds",
			"When the DataService's yearly review falls due (Điều 3.3), in Unix seconds; 0 when no review is recorded.",
			[]string{"agency", "namespace", "dataservice"}, nil),
		statistics.ClockOpenDataDue: prometheus.NewDesc("datashare_open_data_due_timestamp_seconds",
			"When the open data DataService must next be refreshed (Điều 10.4), in Unix seconds; 0 when no refresh is recorded.",
			[]string{"agency", "namespace", "dataservice"}, nil),
		statistics.ClockAgreementExpiry: prometheus.NewDesc("datashare_agreement_expiry_timestamp_seconds",
			"When the live SharingAgreement stops being live unless renewed, in Unix seconds; agency is the consumer, who renews it.",
			[]string{"agency", "namespace", "sharingagreement"}, nil),
		statistics.ClockAppointmentEnd: prometheus.NewDesc("datashare_focal_point_appointment_end_timestamp_seconds",
			"When the first active appointment of an agency's focal points of a role ends, in Unix seconds.",
			[]string{"agency", "namespace", "role"}, nil),
		statistics.ClockResponseDue: prometheus.NewDesc("datashare_request_respond_by_timestamp_seconds",
			"When the answer to the SharingAgreement's request is due, in Unix seconds (working days, Decree 194/2025/NĐ-CP); agency is the one that must answer: the provider, or the DIC for an endorsement.",
			[]string{"agency", "namespace", "sharingagreement"}, nil),
		statistics.ClockKeyRotation: prometheus.NewDesc("datashare_key_rotation_timestamp_seconds",
			"When the live SharingAgreement's key is next rotated, in Unix seconds.",
			[]string{"agency", "namespace", "sharingagreement"}, nil),
		statistics.ClockUnusedGrant: prometheus.NewDesc("datashare_agreement_unused_at_timestamp_seconds",
			"When the live SharingAgreement counts as unused if the gateway carries no request of it before, in Unix seconds (its last request, or its start, plus --unused-grant-period); agency is the provider, who reviews it with the DIC. Only while the access logs are counted.",
			[]string{"agency", "namespace", "sharingagreement"}, nil),
	}
)

// sharingCollector reads the four kinds from the operator's cache at each
// scrape and reports the state of sharing.
type sharingCollector struct {
	cache client.Reader
	rules config.Rules
	// countsTraffic says that the gateway's access logs are counted.
	countsTraffic bool
}

// sharingCollectors are the state-of-sharing collectors of the managers
// running in this process, oldest first; the newest is the registered
// one. The demo, the tests and the scale benchmark start a manager again
// in the same process: its metrics come from its own cache, and a stopped
// manager's cache, with every object it held, is not kept alive by the
// registry.
var sharingCollectors struct {
	mu      sync.Mutex
	running []*sharingCollector
}

// Start registers the collector while its manager runs.
func (c *sharingCollector) Start(ctx context.Context) error {
	sharingCollectors.mu.Lock()
	metrics.Registry.Unregister(c) // another manager's
	err := metrics.Registry.Register(c)
	if err == nil {
		sharingCollectors.running = append(sharingCollectors.running, c)
	}
	sharingCollectors.mu.Unlock()
	if err != nil {
		return fmt.Errorf("register the sharing metrics: %w", err)
	}
	<-ctx.Done()
	sharingCollectors.mu.Lock()
	defer sharingCollectors.mu.Unlock()
	running := slices.DeleteFunc(sharingCollectors.running, func(o *sharingCollector) bool { return o == c })
	sharingCollectors.running = running
	metrics.Registry.Unregister(c)
	if n := len(running); n > 0 {
		return metrics.Registry.Register(running[n-1])
	}
	return nil
}

// NeedLeaderElection says that every replica reports what its cache
// holds, the leader or not, as before.
func (c *sharingCollector) NeedLeaderElection() bool { return false }

func (c *sharingCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{agenciesDesc, focalPointsDesc, servicesDesc, serviceReadyDesc, agreementsDesc} {
		ch <- d
	}
	for _, d := range clockDescs {
		ch <- d
	}
}

func (c *sharingCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	in, err := c.gather(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(agenciesDesc, err)
		return
	}
	p := statistics.Summarize(in)
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for _, a := range p.Agencies {
		gauge(agenciesDesc, 1, a.Agency, strconv.FormatBool(a.Ready), a.Reason)
	}
	for _, g := range p.FocalPoints {
		gauge(focalPointsDesc, float64(g.Count), g.Agency, string(g.Role), strconv.FormatBool(g.Ready), g.Reason)
	}
	for _, g := range p.Services {
		gauge(servicesDesc, float64(g.Count), g.Agency, string(g.Classification), string(g.Audience), g.Reason)
	}
	for _, s := range p.ServiceStates {
		gauge(serviceReadyDesc, boolValue(s.Ready), s.Agency, s.Namespace, s.Name, s.Reason)
	}
	for _, g := range p.Agreements {
		gauge(agreementsDesc, float64(g.Count), g.Provider, g.Consumer, g.State)
	}
	for _, k := range p.Clocks {
		at := 0.0
		if !k.At.IsZero() {
			at = float64(k.At.Unix())
		}
		gauge(clockDescs[k.Kind], at, k.Agency, k.Namespace, k.Name)
	}
}

// gather lists the four kinds from the cache without copying them: they
// are only read.
func (c *sharingCollector) gather(ctx context.Context) (statistics.Inputs, error) {
	in := statistics.Inputs{Rules: c.rules, CountsTraffic: c.countsTraffic}
	agencies, fps := &v1alpha1.AgencyList{}, &v1alpha1.FocalPointList{}
	services, agreements := &v1alpha1.DataServiceList{}, &v1alpha1.SharingAgreementList{}
	for _, l := range []client.ObjectList{agencies, fps, services, agreements} {
		if err := c.cache.List(ctx, l, client.UnsafeDisableDeepCopy); err != nil {
			return in, err
		}
	}
	in.Agencies, in.FocalPoints, in.Services, in.Agreements = agencies.Items, fps.Items, services.Items, agreements.Items
	return in, nil
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
