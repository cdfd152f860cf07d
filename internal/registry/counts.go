package registry

import (
	"cmp"
	"slices"
	"time"

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

// MaxOverdueListed is how many overdue requests the DIC's Agency lists.
const MaxOverdueListed = 100

// Overdue reports, of the agreements given, how many are past their
// deadline waiting for reason's party (AwaitingProviderConsent or
// AwaitingCoordinatorEndorsement; empty for either), and lists them as
// namespace/name, oldest deadline first, at most MaxOverdueListed.
func Overdue(agreements []v1alpha1.SharingAgreement, reason v1alpha1.ConditionReason) (int32, []string) {
	type late struct {
		name string
		by   time.Time
	}
	var found []late
	for i := range agreements {
		sa := &agreements[i]
		if !meta.IsStatusConditionTrue(sa.Status.Conditions, string(v1alpha1.ConditionResponseOverdue)) {
			continue
		}
		if reason != "" && StateOf(sa) != string(reason) {
			continue
		}
		var by time.Time
		if sa.Status.Request != nil {
			by = sa.Status.Request.RespondBy.Time
		}
		found = append(found, late{sa.Namespace + "/" + sa.Name, by})
	}
	slices.SortFunc(found, func(a, b late) int { return cmp.Or(a.by.Compare(b.by), cmp.Compare(a.name, b.name)) })
	names := make([]string, 0, min(len(found), MaxOverdueListed))
	for _, l := range found[:min(len(found), MaxOverdueListed)] {
		names = append(names, l.name)
	}
	return int32(len(found)), names
}
