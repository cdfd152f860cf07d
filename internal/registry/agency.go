package registry

import (
	"fmt"
	"time"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/age"
)

// NamespaceHolder returns the Agency that holds a namespace among the
// agencies that claim it: the one created first. It returns nil when none
// claims it.
func NamespaceHolder(claimants []v1alpha1.Agency) *v1alpha1.Agency {
	live := make([]*v1alpha1.Agency, 0, len(claimants))
	for i := range claimants {
		if claimants[i].DeletionTimestamp == nil {
			live = append(live, &claimants[i])
		}
	}
	return age.Oldest(live)
}

// AgencyInputs is what an agency's readiness depends on.
type AgencyInputs struct {
	Agency *v1alpha1.Agency
	// NamespaceExists says whether spec.namespace exists.
	NamespaceExists bool
	// Claimants are the agencies whose spec.namespace is this agency's,
	// this one included.
	Claimants []v1alpha1.Agency
	// FocalPoints are the focal points in the agency's namespace.
	FocalPoints []v1alpha1.FocalPoint
	Now         time.Time
}

// AgencyDecision is what the operator makes of one agency.
type AgencyDecision struct {
	Ready   bool
	Reason  v1alpha1.ConditionReason
	Message string
	// FocalPoints are the names of the active focal points, primary first;
	// empty when the agency does not hold its namespace.
	FocalPoints []string
	// Next is when the decision may change by the clock alone; zero when
	// it never will.
	Next time.Time
}

// DecideAgency says whether an agency is Ready: it holds its namespace, the
// namespace exists, and it has an active primary focal point (Điều 20).
func DecideAgency(in AgencyInputs) AgencyDecision {
	a := in.Agency
	ns := a.Spec.Namespace
	if holder := NamespaceHolder(in.Claimants); holder != nil && holder.Name != a.Name {
		return AgencyDecision{
			Reason: v1alpha1.ReasonNamespaceClaimed,
			Message: fmt.Sprintf("namespace %s is already held by agency %s, registered earlier: the DIC must give agency %s a namespace of its own",
				ns, holder.Name, a.Name),
		}
	}
	if !in.NamespaceExists {
		return AgencyDecision{
			Reason:  v1alpha1.ReasonNamespaceNotFound,
			Message: fmt.Sprintf("namespace %s does not exist: the DIC must create it", ns),
		}
	}
	d := AgencyDecision{
		FocalPoints: ActiveNames(in.FocalPoints, in.Now),
		Next:        NextAppointmentChange(in.FocalPoints, in.Now),
	}
	primary := ActivePrimary(in.FocalPoints, in.Now)
	if primary == nil {
		d.Reason = v1alpha1.ReasonNoFocalPoint
		d.Message = fmt.Sprintf("agency %s has no active primary focal point, so it can neither publish nor consume (Điều 20): "+
			"the agency must commit a FocalPoint with role Primary in namespace %s whose appointment covers today", a.Name, ns)
		return d
	}
	d.Ready = true
	d.Reason = v1alpha1.ReasonReady
	d.Message = fmt.Sprintf("namespace %s is held and %s is the active primary focal point", ns, primary.Name)
	return d
}
