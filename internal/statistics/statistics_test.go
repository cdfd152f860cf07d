package statistics

import (
	"reflect"
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func ready(status metav1.ConditionStatus, reason v1alpha1.ConditionReason) []metav1.Condition {
	return []metav1.Condition{{Type: string(v1alpha1.ConditionReady), Status: status, Reason: string(reason)}}
}

func agency(name, ns string, conds []metav1.Condition) v1alpha1.Agency {
	return v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.AgencySpec{Namespace: v1alpha1.ObjectName(ns)},
		Status: v1alpha1.AgencyStatus{Conditions: conds}}
}

func service(ns, name string, audience v1alpha1.Audience, conds []metav1.Condition, reviewed, refreshed *time.Time) v1alpha1.DataService {
	ds := v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:   v1alpha1.DataServiceSpec{Classification: v1alpha1.ClassificationShared, Access: v1alpha1.Access{Audience: audience}},
		Status: v1alpha1.DataServiceStatus{Conditions: conds}}
	if reviewed != nil {
		ds.Spec.Review.LastReviewed = &metav1.Time{Time: *reviewed}
	}
	if audience == v1alpha1.AudiencePublic {
		ds.Spec.Classification = v1alpha1.ClassificationOpen
		ds.Spec.OpenData = &v1alpha1.OpenData{}
		if refreshed != nil {
			ds.Spec.OpenData.LastUpdated = &metav1.Time{Time: *refreshed}
		}
	}
	return ds
}

func agreement(ns, name, serviceNS string, conds []metav1.Condition, expires, rotates *time.Time) v1alpha1.SharingAgreement {
	sa := v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:   v1alpha1.SharingAgreementSpec{Service: v1alpha1.ServiceReference{Namespace: v1alpha1.ObjectName(serviceNS), Name: "x"}},
		Status: v1alpha1.SharingAgreementStatus{Conditions: conds}}
	if expires != nil {
		sa.Status.ExpiresAt = &metav1.Time{Time: *expires}
	}
	if rotates != nil {
		sa.Status.Credential.NextRotationAt = &metav1.Time{Time: *rotates}
	}
	return sa
}

func at(d time.Duration) *time.Time {
	t := t0.Add(d)
	return &t
}

func TestSummarize(t *testing.T) {
	rules := config.Default().Rules
	in := Inputs{
		Rules: rules,
		Agencies: []v1alpha1.Agency{
			agency("so-tnmt", "so-tnmt", ready(metav1.ConditionTrue, v1alpha1.ReasonReady)),
			agency("ubnd-x", "ubnd-x", ready(metav1.ConditionTrue, v1alpha1.ReasonReady)),
			// Refused the namespace: it holds nothing in it.
			agency("so-gia", "so-tnmt", ready(metav1.ConditionFalse, v1alpha1.ReasonNamespaceClaimed)),
			agency("so-moi", "so-moi", nil),
		},
		FocalPoints: []v1alpha1.FocalPoint{
			{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tnmt", Name: "nguyen-van-a"},
				Spec:   v1alpha1.FocalPointSpec{Role: v1alpha1.RolePrimary, Appointment: v1alpha1.Appointment{ValidUntil: &metav1.Time{Time: *at(48 * time.Hour)}}},
				Status: v1alpha1.FocalPointStatus{Conditions: ready(metav1.ConditionTrue, v1alpha1.ReasonReady)}},
			{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tnmt", Name: "tran-thi-b"},
				Spec:   v1alpha1.FocalPointSpec{Role: v1alpha1.RolePrimary, Appointment: v1alpha1.Appointment{ValidUntil: &metav1.Time{Time: *at(24 * time.Hour)}}},
				Status: v1alpha1.FocalPointStatus{Conditions: ready(metav1.ConditionFalse, v1alpha1.ReasonDuplicatePrimary)}},
		},
		Services: []v1alpha1.DataService{
			service("so-tnmt", "dat-dai", v1alpha1.AudienceProvince, ready(metav1.ConditionTrue, v1alpha1.ReasonReady), at(-24*time.Hour), nil),
			service("so-tnmt", "khong-khi", v1alpha1.AudiencePublic, ready(metav1.ConditionTrue, v1alpha1.ReasonReady), nil, at(-time.Hour)),
		},
		Agreements: []v1alpha1.SharingAgreement{
			agreement("ubnd-x", "dat-dai", "so-tnmt", ready(metav1.ConditionTrue, v1alpha1.ReasonActive), at(30*24*time.Hour), at(80*24*time.Hour)),
			agreement("ubnd-x", "khong-khi", "so-tnmt", ready(metav1.ConditionFalse, v1alpha1.ReasonExpired), at(-time.Hour), nil),
		},
	}
	// A request waiting for the provider, and one the DIC must answer.
	waiting := agreement("ubnd-x", "cho", "so-tnmt", ready(metav1.ConditionFalse, v1alpha1.ReasonAwaitingProviderConsent), nil, nil)
	waiting.Status.Request = &v1alpha1.RequestStatus{RespondBy: metav1.NewTime(*at(48 * time.Hour))}
	endorsement := agreement("ubnd-x", "cho-dic", "so-tnmt", ready(metav1.ConditionFalse, v1alpha1.ReasonAwaitingCoordinatorEndorsement), nil, nil)
	endorsement.Status.Request = &v1alpha1.RequestStatus{RespondBy: metav1.NewTime(*at(24 * time.Hour))}
	answered := agreement("ubnd-x", "da-tra-loi", "so-tnmt", ready(metav1.ConditionFalse, v1alpha1.ReasonRefusedByProvider), nil, nil)
	answered.Status.Request = &v1alpha1.RequestStatus{RespondBy: metav1.NewTime(*at(24 * time.Hour)), AnsweredAt: &metav1.Time{Time: t0}}
	in.Agreements = append(in.Agreements, waiting, endorsement, answered)
	in.Rules.CoordinatorAgency = "so-tttt"
	// Two providers' key histories, one month in common.
	in.Agencies[0].Status.KeyHistory = []v1alpha1.KeyMonth{{Month: "2026-10", Issued: 3, Revoked: 1}, {Month: "2026-11", Issued: 2, Rotated: 2}}
	in.Agencies[1].Status.KeyHistory = []v1alpha1.KeyMonth{{Month: "2026-11", Issued: 1, Revoked: 4}}
	p := Summarize(in)

	wantAgencies := []AgencyState{{"so-gia", false, "NamespaceClaimed"}, {"so-moi", false, "Reconciling"}, {"so-tnmt", true, "Ready"}, {"ubnd-x", true, "Ready"}}
	if len(p.Agencies) != len(wantAgencies) {
		t.Fatalf("agencies %+v", p.Agencies)
	}
	for i, w := range wantAgencies {
		if p.Agencies[i] != w {
			t.Errorf("agency %d: %+v, want %+v", i, p.Agencies[i], w)
		}
	}
	wantFPs := []FocalPointGroup{
		{Agency: "so-tnmt", Role: v1alpha1.RolePrimary, Ready: false, Reason: "DuplicatePrimary", Count: 1},
		{Agency: "so-tnmt", Role: v1alpha1.RolePrimary, Ready: true, Reason: "Ready", Count: 1},
	}
	if len(p.FocalPoints) != 2 || p.FocalPoints[0] != wantFPs[0] || p.FocalPoints[1] != wantFPs[1] {
		t.Errorf("focal points %+v, want %+v", p.FocalPoints, wantFPs)
	}
	wantServices := []ServiceGroup{
		{Agency: "so-tnmt", Classification: v1alpha1.ClassificationOpen, Audience: v1alpha1.AudiencePublic, Reason: "Ready", Count: 1},
		{Agency: "so-tnmt", Classification: v1alpha1.ClassificationShared, Audience: v1alpha1.AudienceProvince, Reason: "Ready", Count: 1},
	}
	if len(p.Services) != 2 || p.Services[0] != wantServices[0] || p.Services[1] != wantServices[1] {
		t.Errorf("services %+v, want %+v", p.Services, wantServices)
	}
	wantStates := []ServiceState{{"so-tnmt", "so-tnmt", "dat-dai", true, "Ready"}, {"so-tnmt", "so-tnmt", "khong-khi", true, "Ready"}}
	if len(p.ServiceStates) != 2 || p.ServiceStates[0] != wantStates[0] || p.ServiceStates[1] != wantStates[1] {
		t.Errorf("service states %+v, want %+v", p.ServiceStates, wantStates)
	}
	// The provider and consumer come from the namespaces' holders when the
	// status does not name them yet.
	wantAgreements := []AgreementGroup{{"so-tnmt", "ubnd-x", "Active", 1}, {"so-tnmt", "ubnd-x", "AwaitingCoordinatorEndorsement", 1},
		{"so-tnmt", "ubnd-x", "AwaitingProviderConsent", 1}, {"so-tnmt", "ubnd-x", "Expired", 1}, {"so-tnmt", "ubnd-x", "RefusedByProvider", 1}}
	if len(p.Agreements) != len(wantAgreements) {
		t.Fatalf("agreements %+v, want %+v", p.Agreements, wantAgreements)
	}
	for i, w := range wantAgreements {
		if p.Agreements[i] != w {
			t.Errorf("agreement group %d: %+v, want %+v", i, p.Agreements[i], w)
		}
	}

	wantKeys := []v1alpha1.KeyMonth{{Month: "2026-10", Issued: 3, Revoked: 1}, {Month: "2026-11", Issued: 3, Rotated: 2, Revoked: 4}}
	if !reflect.DeepEqual(p.Keys, wantKeys) {
		t.Errorf("province keys %+v, want %+v", p.Keys, wantKeys)
	}
	if len(p.AgencyKeys) != 2 || p.AgencyKeys[0].Agency != "so-tnmt" || p.AgencyKeys[1].Agency != "ubnd-x" ||
		!reflect.DeepEqual(p.AgencyKeys[1].Months, in.Agencies[1].Status.KeyHistory) {
		t.Errorf("agency keys %+v: want so-tnmt's and ubnd-x's histories, by name", p.AgencyKeys)
	}

	wantClocks := []Clock{
		{ClockAgreementExpiry, "ubnd-x", "ubnd-x", "dat-dai", *at(30 * 24 * time.Hour)},
		// Only the active focal point's appointment counts; it is named by
		// its role, never by the person.
		{ClockAppointmentEnd, "so-tnmt", "so-tnmt", "Primary", *at(48 * time.Hour)},
		{ClockKeyRotation, "ubnd-x", "ubnd-x", "dat-dai", *at(80 * 24 * time.Hour)},
		{ClockOpenDataDue, "so-tnmt", "so-tnmt", "khong-khi", at(-time.Hour).Add(rules.OpenDataRefresh)},
		// The answer the provider owes, and the one the DIC owes; the
		// answered request has no clock.
		{ClockResponseDue, "so-tnmt", "ubnd-x", "cho", *at(48 * time.Hour)},
		{ClockResponseDue, "so-tttt", "ubnd-x", "cho-dic", *at(24 * time.Hour)},
		{ClockReviewDue, "so-tnmt", "so-tnmt", "dat-dai", at(-24 * time.Hour).Add(rules.ReviewPeriod)},
		// Never reviewed: due since always.
		{ClockReviewDue, "so-tnmt", "so-tnmt", "khong-khi", time.Time{}},
	}
	if len(p.Clocks) != len(wantClocks) {
		t.Fatalf("clocks %+v", p.Clocks)
	}
	for i, w := range wantClocks {
		if p.Clocks[i] != w {
			t.Errorf("clock %d: %+v, want %+v", i, p.Clocks[i], w)
		}
	}
}

func TestByFixedStates(t *testing.T) {
	got := ByFixedStates(map[string]int{"Active": 3, "Expired": 1, "SomethingNew": 2, "Reconciling": 1})
	if len(got) != len(AgreementStates)+1 {
		t.Fatalf("%d columns, want %d", len(got), len(AgreementStates)+1)
	}
	want := map[string]int{"Active": 3, "Expired": 1, "Reconciling": 1, StateOther: 2, "AwaitingProviderConsent": 0}
	for state, n := range want {
		i := len(AgreementStates)
		if state != StateOther {
			i = slices.Index(AgreementStates, state)
		}
		if got[i] != n {
			t.Errorf("%s: %d, want %d", state, got[i], n)
		}
	}
}
