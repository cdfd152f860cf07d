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
