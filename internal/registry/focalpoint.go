package registry

import (
	"fmt"
	"strings"
	"time"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
)

// AppointedFor keeps the focal points appointed for agency: those that
// recorded it when they were first seen with a holder, and those not yet
// seen. A focal point is an appointment by one agency: when another agency
// takes its namespace over, it gives the newcomer nothing.
func AppointedFor(agency string, fps []v1alpha1.FocalPoint) []v1alpha1.FocalPoint {
	var out []v1alpha1.FocalPoint
	for _, fp := range fps {
		if fp.Status.Agency == "" || fp.Status.Agency == agency {
			out = append(out, fp)
		}
	}
	return out
}

// leftByEarlierHolders names the focal points among fps that were
// appointed for another agency than agency.
func leftByEarlierHolders(agency string, fps []v1alpha1.FocalPoint) []string {
	var left []string
	for _, fp := range fps {
		if fp.Status.Agency != "" && fp.Status.Agency != agency {
			left = append(left, fmt.Sprintf("%s (of agency %s)", fp.Name, fp.Status.Agency))
		}
	}
	return left
}

// ActivePrimary returns the agency's primary focal point among fps: the
// oldest whose role is Primary and whose appointment is in effect at now.
// It returns nil when there is none.
func ActivePrimary(fps []v1alpha1.FocalPoint, now time.Time) *v1alpha1.FocalPoint {
	return clock.Oldest(activeWithRole(fps, v1alpha1.RolePrimary, now))
}

// ActiveNames lists the names of the focal points active at now, the
// primary first and the rest by name. Duplicate primaries are left out:
// they hold no rights.
func ActiveNames(fps []v1alpha1.FocalPoint, now time.Time) []string {
	var names []string
	if p := ActivePrimary(fps, now); p != nil {
		names = append(names, p.Name)
	}
	for _, fp := range activeWithRole(fps, v1alpha1.RoleDeputy, now) {
		names = append(names, fp.Name)
	}
	return names
}

// NextAppointmentChange is the earliest moment at which any of fps becomes
// active or stops being active; zero when none will.
func NextAppointmentChange(fps []v1alpha1.FocalPoint, now time.Time) time.Time {
	var next time.Time
	for i := range fps {
		next = clock.Earliest(next, AppointmentAt(&fps[i], now).Next)
	}
	return next
}

// activeWithRole returns the focal points of a role that are active at now,
// sorted by name.
func activeWithRole(fps []v1alpha1.FocalPoint, role v1alpha1.FocalPointRole, now time.Time) []*v1alpha1.FocalPoint {
	var out []*v1alpha1.FocalPoint
	for i := range fps {
		fp := &fps[i]
		if fp.DeletionTimestamp == nil && fp.Spec.Role == role && AppointmentAt(fp, now).Active {
			out = append(out, fp)
		}
	}
	return out
}

// FocalPointDecision is what the operator makes of one focal point.
type FocalPointDecision struct {
	// Activity is the appointment's state.
	Activity Activity
	// Grant is true when the focal point's subjects get its rights.
	Grant bool
	// ProvinceLevel is true for a focal point of the coordinator agency,
	// whose rights are province-wide.
	ProvinceLevel bool
	// Reason and Message are those of the Ready condition.
	Reason  v1alpha1.ConditionReason
	Message string
	// Next is when the decision may change by the clock alone; zero when
	// it never will.
	Next time.Time
	// Conditions are what the focal point reports once the decision is
	// applied: Active, Bound and Ready.
	Conditions []conditions.Condition
	// Agency is what status.agency records: the agency the focal point was
	// appointed for, the first holder of its namespace it was seen with.
	Agency string
}

// FocalPointInputs is what a focal point's decision depends on.
type FocalPointInputs struct {
	FocalPoint *v1alpha1.FocalPoint
	// Agency is the Agency that holds the focal point's namespace, or nil.
	Agency *v1alpha1.Agency
	// Peers are all focal points in the namespace, this one included.
	Peers []v1alpha1.FocalPoint
	// CoordinatorAgency is the name of the DIC's Agency.
	CoordinatorAgency string
	// SubjectPrefix, when set, is the prefix every subject's name must
	// carry: the identity provider's (for example "oidc:").
	SubjectPrefix string
	Now           time.Time
}

// DecideFocalPoint says whether a focal point holds its rights, and why.
func DecideFocalPoint(in FocalPointInputs) FocalPointDecision {
	d := decideGrant(in)
	d.Agency = in.FocalPoint.Status.Agency
	if d.Agency == "" && in.Agency != nil {
		d.Agency = in.Agency.Name
	}
	bound := conditions.False(v1alpha1.ConditionBound, v1alpha1.ReasonNotBound, "no rights are granted: "+d.Message)
	if d.Grant {
		bound = conditions.True(v1alpha1.ConditionBound, v1alpha1.ReasonBound, boundMessage(in.FocalPoint, d.ProvinceLevel))
	}
	d.Conditions = []conditions.Condition{
		conditions.Bool(v1alpha1.ConditionActive, d.Activity.Active, d.Activity.Reason, d.Activity.Message),
		bound,
		conditions.Bool(v1alpha1.ConditionReady, d.Grant, d.Reason, d.Message),
	}
	return d
}

// boundMessage says which roles a granted focal point's subjects hold.
func boundMessage(fp *v1alpha1.FocalPoint, provinceLevel bool) string {
	msg := fmt.Sprintf("%d subject(s) bound to ClusterRole %s and Role %s in namespace %s, and cluster-wide to ClusterRole %s (the catalog)",
		len(fp.Spec.Subjects), v1alpha1.FocalPointClusterRole, v1alpha1.IssuedCredentialsRole, fp.Namespace, v1alpha1.CatalogReaderClusterRole)
	if provinceLevel {
		msg += fmt.Sprintf(", and cluster-wide to ClusterRole %s", v1alpha1.ProvinceFocalPointClusterRole)
	}
	return msg
}

func decideGrant(in FocalPointInputs) FocalPointDecision {
	fp := in.FocalPoint
	d := FocalPointDecision{
		Activity: AppointmentAt(fp, in.Now),
		// Another focal point's appointment starting or ending can make
		// this one a duplicate primary or release it from being one.
		Next: NextAppointmentChange(in.Peers, in.Now),
	}
	switch {
	case in.Agency == nil:
		d.Reason = v1alpha1.ReasonNoAgency
		d.Message = fmt.Sprintf("no Agency holds namespace %s: the DIC (Sở TT&TT) must register the agency with spec.namespace: %s and label the namespace %s=<agency>",
			fp.Namespace, fp.Namespace, v1alpha1.LabelAgency)
		return d
	case fp.Status.Agency != "" && fp.Status.Agency != in.Agency.Name:
		d.Reason = v1alpha1.ReasonEarlierAgency
		d.Message = fmt.Sprintf("focal point %s was appointed for agency %s, and namespace %s is now agency %s's: agency %s must appoint focal points of its own (new FocalPoints), and this one should be deleted",
			fp.Name, fp.Status.Agency, fp.Namespace, in.Agency.Name, in.Agency.Name)
		return d
	case !d.Activity.Active:
		d.Reason = d.Activity.Reason
		d.Message = d.Activity.Message
		return d
	}
	if system := systemSubjects(fp, in.SubjectPrefix); len(system) > 0 {
		d.Reason = v1alpha1.ReasonSystemSubject
		d.Message = fmt.Sprintf("subject(s) %s name the cluster's own users or groups (system:...), behind the identity provider's prefix %q or not: whoever is in them would hold the agency's rights; name the officers themselves. No rights are granted until then",
			strings.Join(system, ", "), in.SubjectPrefix)
		return d
	}
	if outside := subjectsOutside(fp, in.SubjectPrefix); len(outside) > 0 {
		d.Reason = v1alpha1.ReasonSubjectOutsideIdentityProvider
		d.Message = fmt.Sprintf("subject(s) %s do not start with %q, the identity provider's prefix (the operator's --focal-point-subject-prefix): the agency must name its officers as the identity provider reports them; no rights are granted until then",
			strings.Join(outside, ", "), in.SubjectPrefix)
		return d
	}
	if fp.Spec.Role == v1alpha1.RolePrimary {
		if holder := ActivePrimary(AppointedFor(in.Agency.Name, in.Peers), in.Now); holder != nil && holder.Name != fp.Name {
			d.Reason = v1alpha1.ReasonDuplicatePrimary
			d.Message = fmt.Sprintf("focal point %s is already the active primary of agency %s (appointed earlier): end one of the two appointments, or make this one a Deputy",
				holder.Name, in.Agency.Name)
			return d
		}
	}
	d.Grant = true
	d.ProvinceLevel = in.Agency.Name == in.CoordinatorAgency
	d.Reason = v1alpha1.ReasonReady
	scope := "in namespace " + fp.Namespace
	if d.ProvinceLevel {
		scope = "province-wide, as a focal point of the coordinator agency"
	}
	d.Message = fmt.Sprintf("%s %s of agency %s holds its rights %s; %s", fp.Spec.Role, fp.Name, in.Agency.Name, scope, d.Activity.Message)
	return d
}

// systemSubjects lists the subjects that name the cluster's own users and
// groups, as they are or once the identity provider's prefix is removed.
// Admission refuses both (the CRD and the chart's policy); this is the
// barrier for what was admitted before the prefix was set.
func systemSubjects(fp *v1alpha1.FocalPoint, prefix string) []string {
	var system []string
	for _, s := range fp.Spec.Subjects {
		unprefixed, _ := strings.CutPrefix(s.Name, prefix)
		if strings.HasPrefix(s.Name, systemPrefix) || strings.HasPrefix(unprefixed, systemPrefix) {
			system = append(system, string(s.Kind)+" "+s.Name)
		}
	}
	return system
}

// systemPrefix begins the names Kubernetes keeps for itself.
const systemPrefix = "system:"

// subjectsOutside lists the subjects whose names lack prefix; none when
// prefix is empty.
func subjectsOutside(fp *v1alpha1.FocalPoint, prefix string) []string {
	var outside []string
	for _, s := range fp.Spec.Subjects {
		if prefix != "" && !strings.HasPrefix(s.Name, prefix) {
			outside = append(outside, string(s.Kind)+" "+s.Name)
		}
	}
	return outside
}
