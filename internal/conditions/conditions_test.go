package conditions

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

func TestStalled(t *testing.T) {
	cases := []struct {
		name   string
		ready  Condition
		want   metav1.ConditionStatus
		reason v1alpha1.ConditionReason
	}{
		{"ready", True(v1alpha1.ConditionReady, v1alpha1.ReasonActive, "ok"), metav1.ConditionFalse, v1alpha1.ReasonReady},
		{"waiting on a person", False(v1alpha1.ConditionReady, v1alpha1.ReasonAwaitingProviderConsent, "the provider must list"), metav1.ConditionTrue, v1alpha1.ReasonAwaitingProviderConsent},
		{"the platform team must act", False(v1alpha1.ConditionReady, v1alpha1.ReasonGatewayNotFound, "create the Gateway"), metav1.ConditionTrue, v1alpha1.ReasonGatewayNotFound},
		{"an agreement that starts later", False(v1alpha1.ConditionReady, v1alpha1.ReasonNotYetValid, "starts at"), metav1.ConditionFalse, v1alpha1.ReasonProgressing},
		{"an appointment that starts later", False(v1alpha1.ConditionReady, v1alpha1.ReasonAppointmentNotStarted, "starts at"), metav1.ConditionFalse, v1alpha1.ReasonProgressing},
		{"a route the gateway has not reported on", False(v1alpha1.ConditionReady, v1alpha1.ReasonWaitingForGateway, "soon"), metav1.ConditionFalse, v1alpha1.ReasonProgressing},
		{"an agreement whose service is out of reach", False(v1alpha1.ConditionReady, v1alpha1.ReasonServiceUnreachable, "key stays"), metav1.ConditionFalse, v1alpha1.ReasonProgressing},
		{"not decided yet", Unknown(v1alpha1.ConditionReady, v1alpha1.ReasonReconciling, "soon"), metav1.ConditionFalse, v1alpha1.ReasonProgressing},
	}
	for _, tc := range cases {
		got := Stalled(tc.ready)
		if got.Type != v1alpha1.ConditionStalled || got.Status != tc.want || got.Reason != tc.reason {
			t.Errorf("%s: got %+v", tc.name, got)
		}
	}
}

func TestAnnounce(t *testing.T) {
	c := func(status metav1.ConditionStatus, reason v1alpha1.ConditionReason) *metav1.Condition {
		return &metav1.Condition{Type: "Ready", Status: status, Reason: string(reason)}
	}
	active, consent := c(metav1.ConditionTrue, v1alpha1.ReasonActive), c(metav1.ConditionFalse, v1alpha1.ReasonAwaitingProviderConsent)
	cases := []struct {
		name          string
		before, after *metav1.Condition
		want          string // the action; "" for no Event
	}{
		{"a first state that is Ready", nil, active, "BecameReady"},
		{"a first state someone must act on", nil, consent, "NotReady"},
		{"from one such state to another", consent, c(metav1.ConditionFalse, v1alpha1.ReasonRefusedByProvider), "NotReady"},
		{"the same state again", consent, consent, ""},
		{"not decided yet", nil, c(metav1.ConditionUnknown, v1alpha1.ReasonReconciling), ""},
		{"Ready after waiting", consent, active, "BecameReady"},
		{"no longer Ready", active, consent, "LostReady"},
		// A person would lose a service that stops being live, even for
		// the moment the gateway takes to accept a changed route.
		{"no longer Ready, for a while", active, c(metav1.ConditionFalse, v1alpha1.ReasonWaitingForGateway), "LostReady"},
		// A service just published, before the gateway reports on its
		// route: nobody saw it, nobody must act.
		{"a first state that passes with time", nil, c(metav1.ConditionFalse, v1alpha1.ReasonWaitingForGateway), ""},
		{"an agreement that starts later", consent, c(metav1.ConditionFalse, v1alpha1.ReasonNotYetValid), ""},
		// The service and the agency announce their own state.
		{"an agreement on a service not Ready", nil, c(metav1.ConditionFalse, v1alpha1.ReasonServiceNotReady), ""},
		{"a service of an agency not Ready", nil, c(metav1.ConditionFalse, v1alpha1.ReasonAgencyNotReady), ""},
	}
	for _, tc := range cases {
		a, news := Announce(tc.before, tc.after)
		if news != (tc.want != "") || a.Action != tc.want {
			t.Errorf("%s: %+v, %v; want %q", tc.name, a, news, tc.want)
		}
		if news && (a.Type == "Warning") != (tc.want != "BecameReady") {
			t.Errorf("%s: an Event of type %s", tc.name, a.Type)
		}
	}
}

func TestSetKeepsTheTransitionTime(t *testing.T) {
	var conds []metav1.Condition
	t1, t2 := metav1.Unix(1000, 0), metav1.Unix(2000, 0)
	Set(&conds, 1, True(v1alpha1.ConditionReady, v1alpha1.ReasonReady, "a"), t1)
	Set(&conds, 2, True(v1alpha1.ConditionReady, v1alpha1.ReasonReady, "b"), t2)
	if c := Get(conds, v1alpha1.ConditionReady); !c.LastTransitionTime.Equal(&t1) || c.ObservedGeneration != 2 || c.Message != "b" {
		t.Fatalf("same status: the transition time must stay, the rest follow: %+v", c)
	}
	Set(&conds, 2, False(v1alpha1.ConditionReady, v1alpha1.ReasonExpired, "c"), t2)
	if c := Get(conds, v1alpha1.ConditionReady); !c.LastTransitionTime.Equal(&t2) {
		t.Fatalf("a new status moves the transition time: %+v", c)
	}
}

func TestRaised(t *testing.T) {
	was := func(t v1alpha1.ConditionType, status metav1.ConditionStatus) *metav1.Condition {
		return &metav1.Condition{Type: string(t), Status: status}
	}
	overdue := True(v1alpha1.ConditionResponseOverdue, v1alpha1.ReasonResponseOverdue, "due at 23:59 08/12/2026")
	cases := []struct {
		name   string
		before *metav1.Condition
		after  Condition
		want   string // the action; "" for no Event
	}{
		{"a review falls due", was(v1alpha1.ConditionReviewDue, metav1.ConditionFalse), True(v1alpha1.ConditionReviewDue, v1alpha1.ReasonReviewOverdue, ""), "ReviewDue"},
		{"open data goes stale on its first status", nil, True(v1alpha1.ConditionOpenDataStale, v1alpha1.ReasonNeverRefreshed, ""), "OpenDataStale"},
		{"an answer becomes overdue", was(v1alpha1.ConditionResponseOverdue, metav1.ConditionFalse), overdue, "ResponseOverdue"},
		{"still overdue", was(v1alpha1.ConditionResponseOverdue, metav1.ConditionTrue), overdue, ""},
		{"answered", was(v1alpha1.ConditionResponseOverdue, metav1.ConditionTrue), False(v1alpha1.ConditionResponseOverdue, v1alpha1.ReasonAnswered, ""), ""},
		{"a condition that is no deadline", nil, True(v1alpha1.ConditionCredentialIssued, v1alpha1.ReasonIssued, ""), ""},
	}
	for _, tc := range cases {
		a, raised := Raised(tc.before, tc.after)
		if raised != (tc.want != "") || a.Action != tc.want || raised && a.Type != "Warning" {
			t.Errorf("%s: %+v, %v; want a Warning %q", tc.name, a, raised, tc.want)
		}
	}
}
