package registry

import (
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

func TestAwaitingAnswer(t *testing.T) {
	day := time.Date(2026, 12, 7, 16, 59, 59, 0, time.UTC)
	agreement := func(ns, name, service string, state v1alpha1.ConditionReason, respondBy time.Time, overdue bool) v1alpha1.SharingAgreement {
		sa := v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
		svcNS, svc, _ := strings.Cut(service, "/")
		sa.Spec.Service = v1alpha1.ServiceReference{Namespace: v1alpha1.ObjectName(svcNS), Name: v1alpha1.ObjectName(svc)}
		sa.Status.ConsumerAgency = ns
		sa.Status.Conditions = []metav1.Condition{{Type: string(v1alpha1.ConditionReady), Status: metav1.ConditionFalse, Reason: string(state)}}
		if overdue {
			sa.Status.Conditions = append(sa.Status.Conditions, metav1.Condition{Type: string(v1alpha1.ConditionResponseOverdue), Status: metav1.ConditionTrue, Reason: "Overdue"})
		}
		if !respondBy.IsZero() {
			sa.Status.Request = &v1alpha1.RequestStatus{RespondBy: metav1.NewTime(respondBy)}
		}
		return sa
	}
	all := []v1alpha1.SharingAgreement{
		agreement("so-khdt", "ho-so", "so-yte/ho-so", v1alpha1.ReasonAwaitingProviderConsent, day.AddDate(0, 0, 2), false),
		agreement("so-tc", "ho-so", "so-yte/ho-so", v1alpha1.ReasonAwaitingProviderConsent, day, true),
		agreement("bo-nnmt", "dat-dai", "so-tnmt/dat-dai", v1alpha1.ReasonAwaitingCoordinatorEndorsement, day.AddDate(0, 0, 1), false),
		agreement("so-gd", "ho-so", "so-yte/ho-so", v1alpha1.ReasonActive, time.Time{}, false),
		agreement("so-tttt", "ho-so", "so-tttt/cong-dan", v1alpha1.ReasonAwaitingProviderConsent, day.AddDate(0, 0, 3), false),
	}
	names := func(reqs []v1alpha1.AwaitingRequest) []string {
		var out []string
		for _, r := range reqs {
			out = append(out, r.Agreement+" "+string(r.State))
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		answers func(*v1alpha1.SharingAgreement, v1alpha1.ConditionReason) bool
		want    []string
	}{
		{"a provider: the consents, earliest deadline first", ProviderAnswers, []string{
			"so-tc/ho-so AwaitingProviderConsent", "so-khdt/ho-so AwaitingProviderConsent", "so-tttt/ho-so AwaitingProviderConsent"}},
		{"the DIC: every endorsement, and its own services' consents", CoordinatorAnswers("so-tttt"), []string{
			"bo-nnmt/dat-dai AwaitingCoordinatorEndorsement", "so-tttt/ho-so AwaitingProviderConsent"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := AwaitingAnswer(all, tc.answers)
			if a := names(got); !slices.Equal(a, tc.want) {
				t.Errorf("got %q, want %q", a, tc.want)
			}
		})
	}
	first := AwaitingAnswer(all, ProviderAnswers)[0]
	if !first.Overdue || first.RespondBy == nil || !first.RespondBy.Time.Equal(day) || first.Consumer != "so-tc" || first.Service != "so-yte/ho-so" {
		t.Errorf("the first request reads %+v", first)
	}
	if got := AwaitingAnswer(nil, ProviderAnswers); got != nil {
		t.Errorf("no agreements: %v, want nil (no status field)", got)
	}
}
