package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
)

// series is one scraped sample: its metric, labels and value.
type series struct {
	name   string
	labels map[string]string
	value  float64
}

// scrape gathers the operator's datashare_ series from the registry the
// metrics endpoint serves.
func scrape() ([]series, error) {
	families, err := metrics.Registry.Gather()
	if err != nil {
		return nil, err
	}
	var out []series
	for _, f := range families {
		if !strings.HasPrefix(f.GetName(), "datashare_") {
			continue
		}
		for _, m := range f.GetMetric() {
			s := series{name: f.GetName(), labels: map[string]string{}}
			for _, l := range m.GetLabel() {
				s.labels[l.GetName()] = l.GetValue()
			}
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				s.value = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				s.value = m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				s.value = float64(m.GetHistogram().GetSampleCount())
			default: // the operator exports no other type
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// find returns the value of the one series of name whose labels include
// want, or an error saying what there is.
func find(all []series, name string, want map[string]string) (float64, error) {
	var found []series
	for _, s := range all {
		if s.name != name {
			continue
		}
		match := true
		for k, v := range want {
			match = match && s.labels[k] == v
		}
		if match {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		return 0, fmt.Errorf("%d series %s%v", len(found), name, want)
	}
	return found[0].value, nil
}

// checkMetrics checks the metrics of the settled samples against what the
// API server holds, and that no label carries a key, a key id or a person.
func checkMetrics(t *testing.T) func(context.Context, client.Client) error {
	return func(ctx context.Context, c client.Client) error {
		all, err := scrape()
		if err != nil {
			return err
		}
		expect := func(name string, labels map[string]string, want float64) {
			t.Helper()
			got, err := find(all, name, labels)
			if err != nil {
				t.Error(err)
			} else if got != want {
				t.Errorf("%s%v = %v, want %v", name, labels, got, want)
			}
		}

		agencies := &v1alpha1.AgencyList{}
		if err := c.List(ctx, agencies); err != nil {
			return err
		}
		for _, a := range agencies.Items {
			r := conditions.Get(a.Status.Conditions, v1alpha1.ConditionReady)
			expect("datashare_agencies", map[string]string{"agency": a.Name, "ready": strings.ToLower(string(r.Status)), "reason": r.Reason}, 1)
		}

		expect("datashare_dataservice_ready", map[string]string{"agency": "so-tnmt", "namespace": "so-tnmt", "dataservice": "dat-dai", "reason": "Ready"}, 1)
		expect("datashare_services", map[string]string{"agency": "so-tnmt", "classification": "Shared", "audience": "Province", "reason": "Ready"}, 1)
		expect("datashare_agreements", map[string]string{"provider": "so-tnmt", "consumer": "bo-nnmt", "state": "Active"}, 1)
		expect("datashare_agreements", map[string]string{"provider": "so-yte", "consumer": "so-khdt", "state": "AwaitingProviderConsent"}, 1)

		// The clocks say what the objects say.
		agreements := &v1alpha1.SharingAgreementList{}
		if err := c.List(ctx, agreements); err != nil {
			return err
		}
		issued, answers := 0, 0
		for _, sa := range agreements.Items {
			id := map[string]string{"namespace": sa.Namespace, "sharingagreement": sa.Name}
			if e := sa.Status.ExpiresAt; e != nil {
				expect("datashare_agreement_expiry_timestamp_seconds", id, float64(e.Unix()))
			}
			if r := sa.Status.Request; r != nil && r.AnsweredAt == nil {
				answers++
				expect("datashare_request_respond_by_timestamp_seconds", map[string]string{"agency": sa.Status.ProviderAgency,
					"namespace": sa.Namespace, "sharingagreement": sa.Name}, float64(r.RespondBy.Unix()))
			}
			if n := sa.Status.Credential.NextRotationAt; n != nil {
				expect("datashare_key_rotation_timestamp_seconds", id, float64(n.Unix()))
				issued++
			}
		}
		if issued == 0 {
			t.Error("no sample agreement holds a key")
		}
		if answers == 0 {
			t.Error("no sample agreement waits for an answer")
		}
		expect("datashare_keys_issued_total", nil, float64(issued))
		services := &v1alpha1.DataServiceList{}
		if err := c.List(ctx, services); err != nil {
			return err
		}
		for _, ds := range services.Items {
			want := 0.0
			if r := ds.Spec.Review.LastReviewed; r != nil {
				want = float64(r.Add(365 * 24 * 3600 * 1e9).Unix())
			}
			expect("datashare_dataservice_review_due_timestamp_seconds", map[string]string{"namespace": ds.Namespace, "dataservice": ds.Name}, want)
		}

		// Nothing secret or personal is a label value.
		var forbidden []string
		fps := &v1alpha1.FocalPointList{}
		if err := c.List(ctx, fps); err != nil {
			return err
		}
		for _, fp := range fps.Items {
			forbidden = append(forbidden, fp.Name, fp.Spec.Person.Name)
			for _, s := range fp.Spec.Subjects {
				forbidden = append(forbidden, s.Name)
			}
		}
		secrets := &corev1.SecretList{}
		if err := c.List(ctx, secrets, client.MatchingLabels{v1alpha1.LabelManagedBy: v1alpha1.ManagedByOperator}); err != nil {
			return err
		}
		for _, s := range secrets.Items {
			if id := s.Labels[v1alpha1.LabelKeyID]; id != "" {
				forbidden = append(forbidden, id)
			}
			for _, v := range s.Data {
				forbidden = append(forbidden, string(v))
			}
		}
		if len(forbidden) < 10 {
			t.Errorf("only %d forbidden values found: the check would prove little", len(forbidden))
		}
		for _, s := range all {
			for k, v := range s.labels {
				for _, f := range forbidden {
					if f != "" && strings.Contains(v, f) {
						t.Errorf("%s label %s=%q carries a key, key id or person (%q)", s.name, k, v, f)
					}
				}
			}
		}
		var lines []string
		for _, s := range all {
			var labels []string
			for k, v := range s.labels {
				labels = append(labels, k+"="+strconv.Quote(v))
			}
			slices.Sort(labels)
			lines = append(lines, fmt.Sprintf("%s{%s} %v", s.name, strings.Join(labels, ","), s.value))
		}
		t.Logf("%d datashare_ series scraped:\n%s", len(all), strings.Join(lines, "\n"))
		return nil
	}
}
