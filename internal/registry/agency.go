package registry

import (
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
)

// NamespaceHolder returns the Agency that holds a namespace: the one that
// claims it in spec.namespace and that the namespace's own label
// datashare.lgsp.vn/agency names. Both are the DIC's word (it registers
// agencies and creates namespaces), as a ReferenceGrant needs both sides: a
// namespace never changes hands because an Agency is deleted and
// registered again. ns is nil when the namespace does not exist; nil is
// returned when no agency holds it.
func NamespaceHolder(claimants []v1alpha1.Agency, ns *metav1.PartialObjectMetadata) *v1alpha1.Agency {
	if ns == nil || ns.DeletionTimestamp != nil {
		return nil
	}
	named := ns.Labels[v1alpha1.LabelAgency]
	for i := range claimants {
		if a := &claimants[i]; a.DeletionTimestamp == nil && a.Name == named && string(a.Spec.Namespace) == ns.Name {
			return a
		}
	}
	return nil
}

// HolderAsSeen is the holder of a namespace as a reader sees it: by the
// namespace's label (NamespaceHolder) when the reader may read namespaces,
// else as the operator recorded it in the claimants' status
// (RecordedHolder). A focal point, through the kubectl plugin, may not read
// namespaces.
func HolderAsSeen(claimants []v1alpha1.Agency, ns *metav1.PartialObjectMetadata, namespaceReadable bool) *v1alpha1.Agency {
	if !namespaceReadable {
		return RecordedHolder(claimants)
	}
	return NamespaceHolder(claimants, ns)
}

// RecordedHolder is the agency the operator found holding the namespace
// the claimants name, from their recorded Ready reasons, for a reader who
// may not read namespaces: the claimant not refused its namespace (not
// found, not labelled for it, or claimed by another). nil when none holds
// it.
func RecordedHolder(claimants []v1alpha1.Agency) *v1alpha1.Agency {
	for i := range claimants {
		if holdsAsRecorded(&claimants[i]) {
			return &claimants[i]
		}
	}
	return nil
}

// RecordedHolders maps each namespace to the agency the operator found
// holding it, as RecordedHolder does for the claimants of one namespace:
// for readers of the whole register (the statistics, the portal).
func RecordedHolders(agencies []v1alpha1.Agency) map[string]*v1alpha1.Agency {
	out := map[string]*v1alpha1.Agency{}
	for i := range agencies {
		a := &agencies[i]
		if _, taken := out[string(a.Spec.Namespace)]; !taken && holdsAsRecorded(a) {
			out[string(a.Spec.Namespace)] = a
		}
	}
	return out
}

// holdsAsRecorded says whether the operator recorded that the agency holds
// its namespace: it has decided, and did not refuse it the namespace.
func holdsAsRecorded(a *v1alpha1.Agency) bool {
	c := meta.FindStatusCondition(a.Status.Conditions, string(v1alpha1.ConditionReady))
	if a.DeletionTimestamp != nil || c == nil {
		return false
	}
	switch v1alpha1.ConditionReason(c.Reason) {
	case v1alpha1.ReasonNamespaceNotFound, v1alpha1.ReasonNamespaceNotLabelled, v1alpha1.ReasonNamespaceClaimed:
		return false
	default:
		return true
	}
}

// AgencyInputs is what an agency's readiness depends on.
type AgencyInputs struct {
	Agency *v1alpha1.Agency
	// Namespace is spec.namespace's metadata; nil when it does not exist.
	Namespace *metav1.PartialObjectMetadata
	// FocalPoints are the focal points in the agency's namespace.
	FocalPoints []v1alpha1.FocalPoint
	// EndorsedServices says, for each service ("namespace/name") the
	// agency's endorsements name, whether it exists.
	EndorsedServices map[string]bool
	// ClaimantUnregistered is true when the namespace's label names an
	// agency that is not in the register (a typo, or one just deleted).
	ClaimantUnregistered bool
	// SubjectPrefix is the identity provider's prefix, as the focal points'
	// decisions use it: a primary whose subjects cannot be bound holds no
	// rights, and the agency is not Ready.
	SubjectPrefix string
	Now           time.Time
}

// AgencyDecision is what the operator makes of one agency.
type AgencyDecision struct {
	// HoldsNamespace says that the agency holds its namespace: its
	// services, agreements and focal points there are its own.
	HoldsNamespace bool
	Ready          bool
	Reason         v1alpha1.ConditionReason
	Message        string
	// FocalPoints are the names of the active focal points, primary first;
	// empty when the agency does not hold its namespace.
	FocalPoints []string
	// Next is when the decision may change by the clock alone; zero when
	// it never will.
	Next time.Time
	// Conditions are what the agency reports: Ready and EndorsementsKnown.
	Conditions []conditions.Condition
}

// DecideAgency says whether an agency is Ready: it holds its namespace, the
// namespace exists, and it has an active primary focal point (Điều 20).
func DecideAgency(in AgencyInputs) AgencyDecision {
	d := decideReadiness(in)
	d.Conditions = []conditions.Condition{
		conditions.Bool(v1alpha1.ConditionReady, d.Ready, d.Reason, d.Message),
		EndorsementsKnown(in.Agency, in.EndorsedServices),
	}
	return d
}

func decideReadiness(in AgencyInputs) AgencyDecision {
	a := in.Agency
	ns := a.Spec.Namespace
	label := fmt.Sprintf("%s=%s", v1alpha1.LabelAgency, a.Name)
	switch {
	case in.Namespace == nil || in.Namespace.DeletionTimestamp != nil:
		return AgencyDecision{
			Reason:  v1alpha1.ReasonNamespaceNotFound,
			Message: fmt.Sprintf("namespace %s does not exist: the DIC must create it, labelled %s", ns, label),
		}
	case in.Namespace.Labels[v1alpha1.LabelAgency] == "":
		return AgencyDecision{
			Reason: v1alpha1.ReasonNamespaceNotLabelled,
			Message: fmt.Sprintf("namespace %s does not say which agency it belongs to: the DIC must label it (kubectl label namespace %s %s)",
				ns, ns, label),
		}
	case in.Namespace.Labels[v1alpha1.LabelAgency] != a.Name && in.ClaimantUnregistered:
		other := in.Namespace.Labels[v1alpha1.LabelAgency]
		return AgencyDecision{
			Reason: v1alpha1.ReasonNamespaceClaimed,
			Message: fmt.Sprintf("namespace %s is labelled %s=%s, and no Agency %s is registered (a mistyped label, or an agency deleted): the DIC must relabel %s %s=%s if it is %s's, or register agency %s",
				ns, v1alpha1.LabelAgency, other, other, ns, v1alpha1.LabelAgency, a.Name, a.Name, other),
		}
	case in.Namespace.Labels[v1alpha1.LabelAgency] != a.Name:
		other := in.Namespace.Labels[v1alpha1.LabelAgency]
		return AgencyDecision{
			Reason: v1alpha1.ReasonNamespaceClaimed,
			Message: fmt.Sprintf("namespace %s belongs to agency %s by its label %s=%s: the DIC must give agency %s a namespace of its own, or relabel %s if it is %s's",
				ns, other, v1alpha1.LabelAgency, other, a.Name, ns, a.Name),
		}
	}
	own := AppointedFor(a.Name, in.FocalPoints)
	d := AgencyDecision{
		HoldsNamespace: true,
		FocalPoints:    ActiveNames(own, in.Now),
		Next:           NextAppointmentChange(own, in.Now),
	}
	primary := ActivePrimary(own, in.Now)
	if primary == nil {
		d.Reason = v1alpha1.ReasonNoFocalPoint
		d.Message = fmt.Sprintf("agency %s has no active primary focal point, so it can neither publish nor consume (Điều 20): "+
			"the agency must commit a FocalPoint with role Primary in namespace %s whose appointment covers today", a.Name, ns)
		if left := leftByEarlierHolders(a.Name, in.FocalPoints); len(left) > 0 {
			d.Message += fmt.Sprintf("; FocalPoint(s) %s were appointed for the namespace's earlier holder and give agency %s nothing", strings.Join(left, ", "), a.Name)
		}
		return d
	}
	if system := systemSubjects(primary, in.SubjectPrefix); len(system) > 0 {
		d.Reason = v1alpha1.ReasonFocalPointUnbound
		d.Message = fmt.Sprintf("the primary focal point %s holds no rights: its subject(s) %s name the cluster's own users or groups (SystemSubject); the agency must name its officers in FocalPoint %s",
			primary.Name, strings.Join(system, ", "), primary.Name)
		return d
	}
	if outside := subjectsOutside(primary, in.SubjectPrefix); len(outside) > 0 {
		d.Reason = v1alpha1.ReasonFocalPointUnbound
		d.Message = fmt.Sprintf("the primary focal point %s holds no rights: its subject(s) %s do not start with %q, the identity provider's prefix (SubjectOutsideIdentityProvider); the agency must name its officers as the identity provider reports them in FocalPoint %s",
			primary.Name, strings.Join(outside, ", "), in.SubjectPrefix, primary.Name)
		return d
	}
	d.Ready = true
	d.Reason = v1alpha1.ReasonReady
	d.Message = fmt.Sprintf("namespace %s is held and %s is the active primary focal point", ns, primary.Name)
	return d
}

// UnknownEndorsements lists the services, as "namespace/name", that an
// agency's endorsements name and found says do not exist. They are kept
// (the service may be published later) and reported.
func UnknownEndorsements(a *v1alpha1.Agency, found map[string]bool) []string {
	var unknown []string
	for _, e := range a.Spec.Endorsements {
		if !found[string(e.Service)] {
			unknown = append(unknown, string(e.Service))
		}
	}
	return unknown
}

// EndorsementsKnown is an Agency's EndorsementsKnown condition: False, naming
// them, while its endorsements name services that found says do not exist.
func EndorsementsKnown(a *v1alpha1.Agency, found map[string]bool) conditions.Condition {
	if unknown := UnknownEndorsements(a, found); len(unknown) > 0 {
		return conditions.False(v1alpha1.ConditionEndorsementsKnown, v1alpha1.ReasonUnknownService,
			fmt.Sprintf("spec.endorsements names %s, which no DataService is: the DIC must correct the name, or the provider publish it; the endorsement is kept meanwhile",
				strings.Join(unknown, ", ")))
	}
	return conditions.True(v1alpha1.ConditionEndorsementsKnown, v1alpha1.ReasonEndorsedServicesFound, "every DataService spec.endorsements names exists")
}
