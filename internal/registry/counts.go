package registry

import (
	"k8s.io/apimachinery/pkg/api/meta"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// StateOf is an agreement's state: the reason of its Ready condition, or
// Reconciling before the operator has decided it.
func StateOf(sa *v1alpha1.SharingAgreement) string {
	if c := meta.FindStatusCondition(sa.Status.Conditions, string(v1alpha1.ConditionReady)); c != nil {
		return c.Reason
	}
	return string(v1alpha1.ReasonReconciling)
}

// CountAgreements counts agreements by state.
func CountAgreements(agreements []v1alpha1.SharingAgreement) v1alpha1.AgreementCounts {
	counts := v1alpha1.AgreementCounts{}
	for i := range agreements {
		state := StateOf(&agreements[i])
		if counts.ByState == nil {
			counts.ByState = map[string]int32{}
		}
		counts.ByState[state]++
		counts.Total++
		if state == string(v1alpha1.ReasonActive) {
			counts.Active++
		}
	}
	return counts
}

// CountReadyServices counts the services whose Ready condition is True.
func CountReadyServices(services []v1alpha1.DataService) int32 {
	var n int32
	for i := range services {
		if meta.IsStatusConditionTrue(services[i].Status.Conditions, string(v1alpha1.ConditionReady)) {
			n++
		}
	}
	return n
}
