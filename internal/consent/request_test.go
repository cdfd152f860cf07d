package consent

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/calendar"
)

func TestTrackRequest(t *testing.T) {
	cal, err := calendar.New("Asia/Ho_Chi_Minh", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Friday 27 November 2026, 16:00 in the province.
	friday := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	dueTuesday := time.Date(2026, 12, 1, 16, 59, 59, 0, time.UTC) // 23:59:59 +07:00
	waiting := Decision{Reason: v1alpha1.ReasonAwaitingProviderConsent}
	recorded := &v1alpha1.RequestStatus{Service: "so-yte/ho-so", RequestedAt: metav1.NewTime(friday), RespondBy: metav1.NewTime(dueTuesday)}
	answered := recorded.DeepCopy()
	answered.AnsweredAt = &metav1.Time{Time: friday.Add(time.Hour)}

	for _, tc := range []struct {
		name        string
		previous    *v1alpha1.RequestStatus
		service     string
		decision    Decision
		now         time.Time
		wantReason  v1alpha1.ConditionReason
		wantAt      time.Time // the recorded request moment; zero for no record
		wantNext    time.Time
		wantInWords string
	}{
		{"the first wait records the request and its deadline", nil, "so-yte/ho-so", waiting, friday,
			v1alpha1.ReasonAwaitingResponse, friday, dueTuesday.Add(time.Second), "agency so-yte must consent or refuse in writing, with reasons and the legal basis, by 2026-12-01T16:59:59Z: 2 working day(s) after the request of 2026-11-27T09:00:00Z"},
		{"a later reconcile keeps the moment", recorded, "so-yte/ho-so", waiting, friday.Add(48 * time.Hour),
			v1alpha1.ReasonAwaitingResponse, friday, dueTuesday.Add(time.Second), "by 2026-12-01T16:59:59Z"},
		{"the last second of the day is still on time", recorded, "so-yte/ho-so", waiting, dueTuesday,
			v1alpha1.ReasonAwaitingResponse, friday, dueTuesday.Add(time.Second), ""},
		{"overdue from the next second", recorded, "so-yte/ho-so", waiting, dueTuesday.Add(time.Second),
			v1alpha1.ReasonResponseOverdue, friday, time.Time{}, "agency so-yte has neither consented nor refused in writing by 2026-12-01T16:59:59Z, 2 working day(s) after the request of 2026-11-27T09:00:00Z: the DIC (Sở TT&TT) follows up with the provider (Điều 23)"},
		{"an endorsement overdue goes to the Chairman", recorded, "so-yte/ho-so", Decision{Reason: v1alpha1.ReasonAwaitingCoordinatorEndorsement}, dueTuesday.Add(time.Hour),
			v1alpha1.ReasonResponseOverdue, friday, time.Time{}, "the DIC (Sở TT&TT) has neither consented nor refused in writing by 2026-12-01T16:59:59Z"},
		{"consent answers it", recorded, "so-yte/ho-so", Decision{Live: true, Reason: v1alpha1.ReasonActive}, friday.Add(time.Hour),
			v1alpha1.ReasonAnswered, friday, time.Time{}, "the request of 2026-11-27T09:00:00Z was answered at 2026-11-27T10:00:00Z, within the deadline"},
		{"a refusal answers it, late", recorded, "so-yte/ho-so", Decision{Reason: v1alpha1.ReasonRefusedByProvider}, dueTuesday.Add(time.Hour),
			v1alpha1.ReasonAnswered, friday, time.Time{}, "after the deadline of 2026-12-01T16:59:59Z"},
		{"once answered, a withdrawn consent starts no deadline", answered, "so-yte/ho-so", waiting, dueTuesday.Add(72 * time.Hour),
			v1alpha1.ReasonAnswered, friday, time.Time{}, "answered at 2026-11-27T10:00:00Z"},
		{"another service is a new request", answered, "so-yte/ho-so-khac", waiting, dueTuesday.Add(72 * time.Hour),
			v1alpha1.ReasonAwaitingResponse, dueTuesday.Add(72 * time.Hour).Truncate(time.Second), time.Date(2026, 12, 8, 17, 0, 0, 0, time.UTC), "by 2026-12-08T16:59:59Z"},
		{"live at once: no request", nil, "so-yte/ho-so", Decision{Live: true, Reason: v1alpha1.ReasonActive}, friday,
			v1alpha1.ReasonNoRequest, time.Time{}, time.Time{}, "has not waited"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := TrackRequest(RequestInputs{Previous: tc.previous, Service: tc.service, Decision: tc.decision, Provider: "so-yte",
				Calendar: cal, WorkingDays: 2, Now: tc.now})
			if out.Condition.Reason != tc.wantReason || !strings.Contains(out.Condition.Message, tc.wantInWords) {
				t.Errorf("condition %s: %q; want %s containing %q", out.Condition.Reason, out.Condition.Message, tc.wantReason, tc.wantInWords)
			}
			if (out.Condition.Status == metav1.ConditionTrue) != out.Overdue || out.Overdue != (tc.wantReason == v1alpha1.ReasonResponseOverdue) {
				t.Errorf("status %s, overdue %v", out.Condition.Status, out.Overdue)
			}
			var at time.Time
			if out.Status != nil {
				at = out.Status.RequestedAt.Time
			}
			if !at.Equal(tc.wantAt) {
				t.Errorf("requested at %s, want %s", at, tc.wantAt)
			}
			if !out.Next.Equal(tc.wantNext) {
				t.Errorf("next %s, want %s", out.Next, tc.wantNext)
			}
		})
	}
}

func TestWhoActs(t *testing.T) {
	for reason, want := range map[v1alpha1.ConditionReason]string{
		v1alpha1.ReasonAwaitingProviderConsent:        "agency so-yte",
		v1alpha1.ReasonRefusedByProvider:              "agency so-yte",
		v1alpha1.ReasonAwaitingCoordinatorEndorsement: "the DIC (Sở TT&TT)",
		v1alpha1.ReasonConsumerHasNoFocalPoint:        "agency so-khdt",
		v1alpha1.ReasonExpired:                        "agency so-khdt",
		v1alpha1.ReasonServiceUnreachable:             "the platform team",
	} {
		if got := WhoActs(reason, "so-yte", "so-khdt"); got != want {
			t.Errorf("%s: %q, want %q", reason, got, want)
		}
	}
}

func TestAnswerRight(t *testing.T) {
	for _, tc := range []struct {
		reason v1alpha1.ConditionReason
		want   Answerer
		must   bool
	}{
		{v1alpha1.ReasonAwaitingProviderConsent, Answerer{Verb: "update", Resource: "dataservices", Namespace: "so-yte"}, true},
		{v1alpha1.ReasonAwaitingCoordinatorEndorsement, Answerer{Verb: "update", Resource: "agencies"}, true},
		{v1alpha1.ReasonActive, Answerer{}, false},
		{v1alpha1.ReasonRefusedByProvider, Answerer{}, false},
		{v1alpha1.ReasonServiceNotReady, Answerer{}, false},
	} {
		got, must := AnswerRight(tc.reason, "so-yte")
		if got != tc.want || must != tc.must {
			t.Errorf("%s: %+v %v, want %+v %v", tc.reason, got, must, tc.want, tc.must)
		}
	}
}
