package conditions

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

func TestStalled(t *testing.T) {
	cases := []struct {
		name      string
		ready     Condition
		transient bool
		want      metav1.ConditionStatus
		reason    v1alpha1.ConditionReason
	}{
		{"ready", True(v1alpha1.ConditionReady, v1alpha1.ReasonActive, "ok"), false, metav1.ConditionFalse, v1alpha1.ReasonReady},
		{"waiting on a person", False(v1alpha1.ConditionReady, v1alpha1.ReasonAwaitingProviderConsent, "the provider must list"), false, metav1.ConditionTrue, v1alpha1.ReasonAwaitingProviderConsent},
		{"waiting on time", False(v1alpha1.ConditionReady, v1alpha1.ReasonNotYetValid, "starts at"), true, metav1.ConditionFalse, v1alpha1.ReasonProgressing},
		{"not decided yet", Unknown(v1alpha1.ConditionReady, v1alpha1.ReasonReconciling, "soon"), false, metav1.ConditionFalse, v1alpha1.ReasonProgressing},
	}
	for _, tc := range cases {
		got := Stalled(tc.ready, tc.transient)
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
