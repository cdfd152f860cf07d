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

// AwaitingAnswer lists the agreements waiting for a written answer that
// answers says is this agency's to give (by the agreement and its state),
// earliest deadline first (then by name), at most MaxOverdueListed: what
// the agency's status shows its focal points, who may not read the
// consumers' namespaces.
func AwaitingAnswer(agreements []v1alpha1.SharingAgreement, answers func(sa *v1alpha1.SharingAgreement, state v1alpha1.ConditionReason) bool) []v1alpha1.AwaitingRequest {
	var out []v1alpha1.AwaitingRequest
	for i := range agreements {
		sa := &agreements[i]
		state := v1alpha1.ConditionReason(StateOf(sa))
		if sa.DeletionTimestamp != nil || !answers(sa, state) {
			continue
		}
		req := v1alpha1.AwaitingRequest{
			Agreement: sa.Namespace + "/" + sa.Name,
			Service:   v1alpha1.ServiceKey(string(sa.Spec.Service.Namespace) + "/" + string(sa.Spec.Service.Name)),
			Consumer:  sa.Status.ConsumerAgency,
			State:     state,
			Overdue:   meta.IsStatusConditionTrue(sa.Status.Conditions, string(v1alpha1.ConditionResponseOverdue)),
		}
		if r := sa.Status.Request; r != nil && r.AnsweredAt == nil {
			by := r.RespondBy
			req.RespondBy = &by
		}
		out = append(out, req)
	}
	slices.SortFunc(out, func(a, b v1alpha1.AwaitingRequest) int {
		return cmp.Or(deadline(a).Compare(deadline(b)), cmp.Compare(a.Agreement, b.Agreement))
	})
	if len(out) == 0 {
		return nil
	}
	return out[:min(len(out), MaxOverdueListed)]
}

// deadline is a request's respondBy; a request with none sorts last.
func deadline(r v1alpha1.AwaitingRequest) time.Time {
	if r.RespondBy == nil {
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return r.RespondBy.Time
}

// ProviderAnswers says that a provider answers the agreements on its
// services that await its consent (AwaitingAnswer's rule for the agreements
// on one agency's services).
func ProviderAnswers(_ *v1alpha1.SharingAgreement, state v1alpha1.ConditionReason) bool {
	return state == v1alpha1.ReasonAwaitingProviderConsent
}

// CoordinatorAnswers is AwaitingAnswer's rule for the DIC, whose namespace
// is ns: every endorsement the province waits for, and the consents its
// own services wait for.
func CoordinatorAnswers(ns string) func(*v1alpha1.SharingAgreement, v1alpha1.ConditionReason) bool {
	return func(sa *v1alpha1.SharingAgreement, state v1alpha1.ConditionReason) bool {
		return state == v1alpha1.ReasonAwaitingCoordinatorEndorsement ||
			state == v1alpha1.ReasonAwaitingProviderConsent && string(sa.Spec.Service.Namespace) == ns
	}
}
