package consent

import (
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

var now = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func at(d time.Duration) *metav1.Time { t := metav1.NewTime(now.Add(d)); return &t }

// world is a small province: so-tnmt provides dat-dai; the consumer is
// either the city (inside) or a ministry (outside).
type world struct {
	audience v1alpha1.Audience
	outside  bool
	listed   bool
	endorsed bool
}

func (w world) inputs() Inputs {
	consumer := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "ubnd-tp"}, Spec: v1alpha1.AgencySpec{Level: v1alpha1.LevelDistrict, Namespace: "ubnd-tp"}}
	if w.outside {
		consumer = &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "bo-nnmt"}, Spec: v1alpha1.AgencySpec{Level: v1alpha1.LevelCentral, Namespace: "bo-nnmt"}}
		if w.endorsed {
			consumer.Spec.Endorsements = []v1alpha1.Endorsement{{Service: "so-tnmt/dat-dai", DocumentRef: "CV 530"}}
		}
	}
	svc := &v1alpha1.DataService{
		ObjectMeta: metav1.ObjectMeta{Name: "dat-dai", Namespace: "so-tnmt"},
		Spec:       v1alpha1.DataServiceSpec{Access: v1alpha1.Access{Audience: w.audience}},
		Status: v1alpha1.DataServiceStatus{Conditions: []metav1.Condition{
			{Type: "Ready", Status: metav1.ConditionTrue, Reason: "Ready"},
			{Type: "Accepted", Status: metav1.ConditionTrue, Reason: "Accepted"},
			{Type: "RouteAccepted", Status: metav1.ConditionTrue, Reason: "Accepted"},
		}},
	}
	if w.listed {
		svc.Spec.Access.Consumers = []v1alpha1.Consent{{Agency: v1alpha1.ObjectName(consumer.Name), DocumentRef: "CV 890"}}
	}
	return Inputs{
		Agreement: &v1alpha1.SharingAgreement{
			ObjectMeta: metav1.ObjectMeta{Name: "dat-dai", Namespace: consumer.Name},
			Spec:       v1alpha1.SharingAgreementSpec{Service: v1alpha1.ServiceReference{Namespace: "so-tnmt", Name: "dat-dai"}},
		},
		Service:  svc,
		Provider: &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "so-tnmt"}, Spec: v1alpha1.AgencySpec{Level: v1alpha1.LevelDepartment, Namespace: "so-tnmt"}},
		Consumer: consumer,
		ConsumerFocalPoints: []v1alpha1.FocalPoint{{
			ObjectMeta: metav1.ObjectMeta{Name: "dau-moi", Namespace: consumer.Name},
			Spec:       v1alpha1.FocalPointSpec{Role: v1alpha1.RolePrimary, Appointment: v1alpha1.Appointment{DocumentRef: "QĐ 1", ValidFrom: *at(-24 * time.Hour)}},
		}},
		Now: now,
	}
}

// TestConsentMatrix covers audience × inside/outside × listed or not ×
// endorsed or not, with every window open.
func TestConsentMatrix(t *testing.T) {
	for _, audience := range []v1alpha1.Audience{v1alpha1.AudiencePublic, v1alpha1.AudienceProvince, v1alpha1.AudienceListed} {
		for _, outside := range []bool{false, true} {
			for _, listed := range []bool{false, true} {
				for _, endorsed := range []bool{false, true} {
					if endorsed && !outside {
						continue // the API refuses endorsements inside the province
					}
					w := world{audience, outside, listed, endorsed}
					// The rules, stated plainly.
					want := v1alpha1.ReasonActive
					switch {
					case (outside || audience == v1alpha1.AudienceListed) && !listed:
						want = v1alpha1.ReasonAwaitingProviderConsent
					case outside && !endorsed:
						want = v1alpha1.ReasonAwaitingCoordinatorEndorsement
					}
					t.Run(fmt.Sprintf("%s/outside=%v/listed=%v/endorsed=%v", audience, outside, listed, endorsed), func(t *testing.T) {
						d := Decide(w.inputs())
						if d.Reason != want || d.Live != (want == v1alpha1.ReasonActive) {
							t.Fatalf("got %s (live=%v): %s; want %s", d.Reason, d.Live, d.Message, want)
						}
						switch want {
						case v1alpha1.ReasonAwaitingProviderConsent:
							mustSay(t, d, "agency so-tnmt must list agency")
						case v1alpha1.ReasonAwaitingCoordinatorEndorsement:
							mustSay(t, d, "the DIC (Sở TT&TT) must endorse its use of so-tnmt/dat-dai")
						default: // the other states' messages are checked elsewhere
						}
					})
				}
			}
		}
	}
}

// TestConsentWindows puts now before, inside and after each window an
// outside agreement rests on.
func TestConsentWindows(t *testing.T) {
	hour := time.Hour
	type setter func(in *Inputs, from, till *metav1.Time)
	windows := map[string]setter{
		"agreement": func(in *Inputs, from, till *metav1.Time) {
			in.Agreement.Spec.ValidFrom, in.Agreement.Spec.ValidUntil = from, till
		},
		"consent": func(in *Inputs, from, till *metav1.Time) {
			c := &in.Service.Spec.Access.Consumers[0]
			c.ValidFrom, c.ValidUntil = from, till
		},
		"endorsement": func(in *Inputs, from, till *metav1.Time) {
			e := &in.Consumer.Spec.Endorsements[0]
			e.ValidFrom, e.ValidUntil = from, till
		},
		"appointment": func(in *Inputs, from, till *metav1.Time) {
			a := &in.ConsumerFocalPoints[0].Spec.Appointment
			a.ValidFrom, a.ValidUntil = *from, till
		},
	}
	for name, set := range windows {
		for _, tc := range []struct {
			when       string
			from, till *metav1.Time
			live       bool
			reason     v1alpha1.ConditionReason
			next       time.Time
			expires    time.Time
		}{
			{"before", at(hour), at(2 * hour), false, v1alpha1.ReasonNotYetValid, now.Add(hour), time.Time{}},
			{"inside", at(-hour), at(hour), true, v1alpha1.ReasonActive, now.Add(hour), now.Add(hour)},
			{"after", at(-2 * hour), at(-hour), false, v1alpha1.ReasonExpired, time.Time{}, time.Time{}},
			{"exactly at the end", at(-hour), at(0), false, v1alpha1.ReasonExpired, time.Time{}, time.Time{}},
			{"exactly at the start", at(0), at(hour), true, v1alpha1.ReasonActive, now.Add(hour), now.Add(hour)},
		} {
			t.Run(name+"/"+tc.when, func(t *testing.T) {
				in := world{v1alpha1.AudienceProvince, true, true, true}.inputs()
				set(&in, tc.from, tc.till)
				d := Decide(in)
				want := tc.reason
				if name == "appointment" && tc.reason != v1alpha1.ReasonActive {
					// An appointment outside its window leaves no focal point.
					want = v1alpha1.ReasonConsumerHasNoFocalPoint
				}
				if d.Live != tc.live || d.Reason != want || !d.Next.Equal(tc.next) || !d.ExpiresAt.Equal(tc.expires) {
					t.Fatalf("got live=%v %s next=%v expires=%v: %s; want %v %s %v %v",
						d.Live, d.Reason, d.Next, d.ExpiresAt, d.Message, tc.live, want, tc.next, tc.expires)
				}
			})
		}
	}
}

// TestConsentRefusals covers the states that come before consent.
func TestConsentRefusals(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(*Inputs)
		reason v1alpha1.ConditionReason
		words  string
	}{
		{"no consumer agency", func(in *Inputs) { in.Consumer = nil }, v1alpha1.ReasonNoConsumerAgency,
			"no Agency holds namespace ubnd-tp: the DIC (Sở TT&TT) must register the consumer agency"},
		{"no such service", func(in *Inputs) { in.Service = nil }, v1alpha1.ReasonServiceNotReady,
			"DataService so-tnmt/dat-dai does not exist: agency ubnd-tp must correct spec.service"},
		{"service of its own agency", func(in *Inputs) { in.Provider = in.Consumer }, v1alpha1.ReasonSelfSharing,
			"sharing with oneself needs no agreement"},
		{"service not offered: its agency is not Ready", func(in *Inputs) {
			in.Service.Status.Conditions[0] = metav1.Condition{Type: "Ready", Status: metav1.ConditionFalse, Reason: "AgencyNotReady", Message: "agency so-tnmt is not Ready"}
			in.Service.Status.Conditions[1] = metav1.Condition{Type: "Accepted", Status: metav1.ConditionFalse, Reason: "AgencyNotReady", Message: "agency so-tnmt is not Ready"}
		}, v1alpha1.ReasonServiceNotReady, "DataService so-tnmt/dat-dai is not offered for sharing, so nothing can be shared yet: agency so-tnmt is not Ready"},
		{"service not offered: not appraised", func(in *Inputs) {
			in.Service.Status.Conditions[1] = metav1.Condition{Type: "Accepted", Status: metav1.ConditionFalse, Reason: "NotAppraised", Message: "the DIC has not appraised this service"}
		}, v1alpha1.ReasonServiceNotReady, "is not offered for sharing, so nothing can be shared yet: the DIC has not appraised this service"},
		{"service never reconciled", func(in *Inputs) { in.Service.Status.Conditions = nil }, v1alpha1.ReasonServiceNotReady, "not been reconciled yet"},
		{"consumer without a focal point", func(in *Inputs) { in.ConsumerFocalPoints = nil }, v1alpha1.ReasonConsumerHasNoFocalPoint,
			"agency ubnd-tp has no active primary focal point, so it cannot use data services (Điều 20)"},
		{"consumer with only a deputy", func(in *Inputs) { in.ConsumerFocalPoints[0].Spec.Role = v1alpha1.RoleDeputy }, v1alpha1.ReasonConsumerHasNoFocalPoint, "no active primary"},
		{"agreement not yet valid", func(in *Inputs) { in.Agreement.Spec.ValidFrom = at(time.Hour) }, v1alpha1.ReasonNotYetValid,
			"the agreement starts at 2026-11-27T10:00:00Z"},
		{"a written refusal quotes its reason and legal basis", func(in *Inputs) {
			in.Service.Spec.Access.Refusals = []v1alpha1.ConsumerRefusal{{Agency: "ubnd-tp", WrittenRefusal: v1alpha1.WrittenRefusal{
				Reason: "dữ liệu chứa thông tin cá nhân", LegalBasis: "Nghị định 13/2023/NĐ-CP", DocumentRef: "CV 12/STNMT", RefusedAt: metav1.NewTime(now)}}}
		}, v1alpha1.ReasonRefusedByProvider,
			"agency so-tnmt refused agency ubnd-tp the use of DataService so-tnmt/dat-dai in writing (CV 12/STNMT, 2026-11-27): dữ liệu chứa thông tin cá nhân; legal basis: Nghị định 13/2023/NĐ-CP. " +
				"The refusal stands until agency so-tnmt removes it from spec.access.refusals"},
		{"a refusal wins over missing pieces: it is the answer", func(in *Inputs) {
			in.ConsumerFocalPoints = nil
			in.Service.Spec.Access.Refusals = []v1alpha1.ConsumerRefusal{{Agency: "ubnd-tp", WrittenRefusal: v1alpha1.WrittenRefusal{
				Reason: "không thuộc phạm vi", LegalBasis: "Luật Dữ liệu 2024", DocumentRef: "CV 13", RefusedAt: metav1.NewTime(now)}}}
		}, v1alpha1.ReasonRefusedByProvider, "legal basis: Luật Dữ liệu 2024"},
		{"a refusal of another agency does not touch this one", func(in *Inputs) {
			in.ConsumerFocalPoints = nil
			in.Service.Spec.Access.Refusals = []v1alpha1.ConsumerRefusal{{Agency: "ubnd-khac", WrittenRefusal: v1alpha1.WrittenRefusal{
				Reason: "x", LegalBasis: "y", DocumentRef: "CV 14", RefusedAt: metav1.NewTime(now)}}}
		}, v1alpha1.ReasonConsumerHasNoFocalPoint, "no active primary"},
		{"the DIC declines an outside body's endorsement", func(in *Inputs) {
			in.Consumer = &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "bo-nnmt"}, Spec: v1alpha1.AgencySpec{Level: v1alpha1.LevelCentral, Namespace: "ubnd-tp",
				DeclinedEndorsements: []v1alpha1.DeclinedEndorsement{{Service: "so-tnmt/dat-dai", WrittenRefusal: v1alpha1.WrittenRefusal{
					Reason: "chưa có thỏa thuận cấp bộ", LegalBasis: "Điều 17.3 Quy chế", DocumentRef: "CV 77/STTTT", RefusedAt: metav1.NewTime(now)}}}}}
			in.Service.Spec.Access.Consumers = []v1alpha1.Consent{{Agency: "bo-nnmt", DocumentRef: "CV 890"}}
		}, v1alpha1.ReasonRefusedByCoordinator,
			"the DIC (Sở TT&TT) declined in writing to endorse agency bo-nnmt's use of DataService so-tnmt/dat-dai (CV 77/STTTT, 2026-11-27): chưa có thỏa thuận cấp bộ; legal basis: Điều 17.3 Quy chế"},
		{"expired consent names the provider", func(in *Inputs) {
			in.Service.Spec.Access.Audience = v1alpha1.AudienceListed
			in.Service.Spec.Access.Consumers = []v1alpha1.Consent{{Agency: "ubnd-tp", DocumentRef: "CV 78", ValidUntil: at(-time.Hour)}}
		}, v1alpha1.ReasonExpired, "the provider's consent (CV 78) ended at 2026-11-27T08:00:00Z: agency so-tnmt must renew it"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := world{v1alpha1.AudienceProvince, false, false, false}.inputs()
			tc.edit(&in)
			d := Decide(in)
			if d.Live || d.Reason != tc.reason {
				t.Fatalf("got live=%v %s: %s; want %s", d.Live, d.Reason, d.Message, tc.reason)
			}
			if d.Pending != (tc.name == "service never reconciled") {
				t.Errorf("pending=%v: only a service not yet reconciled leaves the decision pending", d.Pending)
			}
			mustSay(t, d, tc.words)
		})
	}
}

// TestEveryMissingConsentIsNamed: an outside body that lacks both the
// provider's consent and the DIC's endorsement, with no focal point and an
// agreement not yet valid, is told of all four at once, each with who must
// act; the first is the state.
func TestEveryMissingConsentIsNamed(t *testing.T) {
	in := world{v1alpha1.AudienceProvince, true, false, false}.inputs()
	in.ConsumerFocalPoints = nil
	in.Agreement.Spec.ValidFrom = at(time.Hour)
	d := Decide(in)
	if d.Live || d.Reason != v1alpha1.ReasonConsumerHasNoFocalPoint {
		t.Fatalf("got live=%v %s", d.Live, d.Reason)
	}
	for _, words := range []string{
		"agency bo-nnmt has no active primary focal point",
		"the agreement starts at 2026-11-27T10:00:00Z",
		"agency so-tnmt must list agency bo-nnmt in spec.access.consumers",
		"the DIC (Sở TT&TT) must endorse its use of so-tnmt/dat-dai",
	} {
		mustSay(t, d, words)
	}
	if got := strings.Count(d.Message, "; and "); got != 3 {
		t.Errorf("four missing consents, joined %d times: %q", got, d.Message)
	}
}

func mustSay(t *testing.T, d Decision, words string) {
	t.Helper()
	if !strings.Contains(d.Message, words) {
		t.Errorf("message %q does not say %q", d.Message, words)
	}
}

// TestReachabilityNeverDecidesTheKeys: whatever stands between a request
// and the backend — the Gateway, its listener, the backend, the gateway's
// verdict — the agreement stays live (its keys stay) and says it cannot be
// reached; a route the gateway has not reported on yet holds nothing back.
func TestReachabilityNeverDecidesTheKeys(t *testing.T) {
	cases := []struct {
		name      string
		reachable metav1.Condition
		wantReady bool
		wantWords string
	}{
		{"reachable", metav1.Condition{Type: "Reachable", Status: metav1.ConditionTrue, Reason: "Reachable"}, true, "with every consent in place"},
		{"not reported yet", metav1.Condition{Type: "Reachable", Status: metav1.ConditionUnknown, Reason: "WaitingForGateway"}, true, "with every consent in place"},
		{"Gateway deleted", metav1.Condition{Type: "Reachable", Status: metav1.ConditionFalse, Reason: "GatewayNotFound", Message: "the LGSP Gateway lgsp-system/lgsp does not exist"},
			false, "every consent holds and the key stays issued, but DataService so-tnmt/dat-dai cannot be reached right now: the LGSP Gateway lgsp-system/lgsp does not exist"},
		{"route refused", metav1.Condition{Type: "Reachable", Status: metav1.ConditionFalse, Reason: "RouteNotAccepted", Message: "the gateway reports NotAllowedByListeners"},
			false, "the same key works again as soon as it can"},
		{"backend missing", metav1.Condition{Type: "Reachable", Status: metav1.ConditionFalse, Reason: "BackendNotFound", Message: "Service dat-dai-api does not exist"},
			false, "cannot be reached right now: Service dat-dai-api does not exist"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := world{v1alpha1.AudienceProvince, false, false, false}.inputs()
			in.Service.Status.Conditions[0] = metav1.Condition{Type: "Ready", Status: metav1.ConditionFalse, Reason: tc.reachable.Reason}
			in.Service.Status.Conditions = append(in.Service.Status.Conditions, tc.reachable)
			d := Decide(in)
			wantReason := v1alpha1.ReasonActive
			if !tc.wantReady {
				wantReason = v1alpha1.ReasonServiceUnreachable
			}
			if !d.Live || d.Ready != tc.wantReady || d.Reason != wantReason {
				t.Fatalf("got live=%v ready=%v %s: %s", d.Live, d.Ready, d.Reason, d.Message)
			}
			if d.Reachable.Type != v1alpha1.ConditionServiceReachable || string(d.Reachable.Reason) != tc.reachable.Reason || d.Reachable.Status != tc.reachable.Status {
				t.Errorf("ServiceReachable %+v does not mirror %+v", d.Reachable, tc.reachable)
			}
			mustSay(t, d, tc.wantWords)
		})
	}
}

// TestKeysOnlyForALiveProtectedService: open data needs no key, and a
// refused agreement holds none; each says why.
func TestKeysOnlyForALiveProtectedService(t *testing.T) {
	cases := []struct {
		name       string
		w          world
		wantKeys   bool
		wantReason v1alpha1.ConditionReason
	}{
		{"live, protected", world{v1alpha1.AudienceProvince, false, false, false}, true, ""},
		{"live, open data", world{v1alpha1.AudiencePublic, false, false, false}, false, v1alpha1.ReasonPublicService},
		{"not live", world{v1alpha1.AudienceListed, false, false, false}, false, v1alpha1.ReasonNotIssued},
	}
	for _, tc := range cases {
		d := Decide(tc.w.inputs())
		if d.IssueKeys != tc.wantKeys || d.NoKey.Reason != tc.wantReason {
			t.Errorf("%s: issue keys %v, no-key reason %q; want %v, %q", tc.name, d.IssueKeys, d.NoKey.Reason, tc.wantKeys, tc.wantReason)
		}
	}
}

func TestEndedAt(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	at := func(t time.Time) *v1alpha1.SharingAgreement {
		sa := &v1alpha1.SharingAgreement{}
		sa.Status.ExpiresAt = &metav1.Time{Time: t}
		return sa
	}
	for _, tc := range []struct {
		name string
		sa   *v1alpha1.SharingAgreement
		want time.Time
	}{
		{"its window ended: then", at(now.Add(-time.Hour)), now.Add(-time.Hour)},
		{"its window ends now: now", at(now), now},
		{"its window is still open (a consent ended): now", at(now.Add(time.Hour)), now},
		{"no window: now", &v1alpha1.SharingAgreement{}, now},
	} {
		if got := EndedAt(tc.sa, now); !got.Equal(tc.want) {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
