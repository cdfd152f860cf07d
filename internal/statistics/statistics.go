// Package statistics counts the state of sharing in the province, by
// agency (Điều 17.1.đ): what each agency provides and consumes, what is
// ready, and the clocks at which somebody must act. The operator's metrics
// and the portal's statistics page both read it, so that they never
// disagree.
package statistics

import (
	"cmp"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/publishing"
	"github.com/lgsp-vn/datashare-operator/internal/registry"
	"github.com/lgsp-vn/datashare-operator/internal/traffic"
)

// Inputs are the four kinds as the operator's cache holds them.
type Inputs struct {
	Agencies    []v1alpha1.Agency
	FocalPoints []v1alpha1.FocalPoint
	Services    []v1alpha1.DataService
	Agreements  []v1alpha1.SharingAgreement
	Rules       config.Rules
	// CountsTraffic says that the gateway's access logs are counted: only
	// then can a grant be told unused (ClockUnusedGrant).
	CountsTraffic bool
}

// Province is the state of sharing, grouped so that every group is a
// bounded set: agencies, kinds and reasons, never keys or people.
type Province struct {
	Agencies    []AgencyState
	FocalPoints []FocalPointGroup
	Services    []ServiceGroup
	// ServiceStates are each service's readiness, for what names one
	// service (an alert on a service not Ready).
	ServiceStates []ServiceState
	Agreements    []AgreementGroup
	// PublicAgreements are Agreements as the public may read them: an
	// agreement on a Restricted service is counted for its provider and its
	// state, and its consumer is not named (UndisclosedConsumer). The
	// published statistics (the portal's page and downloads) read these;
	// the operator's metrics, for the platform team, read Agreements.
	PublicAgreements []AgreementGroup
	// Traffic is what the gateway carried, month by month, from the
	// agreements' status.usage, as the public may read it: by provider,
	// consumer (UndisclosedConsumer for a Restricted service) and service.
	Traffic []TrafficGroup
	// AllTraffic is Traffic with every consumer named: for the parties
	// themselves (a provider knows who uses its services), never for the
	// public.
	AllTraffic []TrafficGroup
	// Clocks are the moments at which somebody must act, one per object
	// and clock, in the order of Kind, then Namespace and Name.
	Clocks []Clock
	// Keys are the gateway keys issued and revoked month by month in the
	// province: every agency's key history summed, oldest month first.
	Keys []v1alpha1.KeyMonth
	// AgencyKeys are the key histories of the agencies that have one.
	AgencyKeys []AgencyKeys
}

// AgencyKeys is one agency's key history: the keys of the agreements on
// its services.
type AgencyKeys struct {
	Agency string
	Months []v1alpha1.KeyMonth
}

// AgencyState is one agency's readiness.
type AgencyState struct {
	Agency string
	Ready  bool
	Reason string
}

// FocalPointGroup counts one agency's focal points of a role in a state.
type FocalPointGroup struct {
	Agency string
	Role   v1alpha1.FocalPointRole
	Ready  bool
	Reason string
	Count  int
}

// ServiceGroup counts one agency's services of a classification and
// audience in a state (their Ready reason).
type ServiceGroup struct {
	Agency         string
	Classification v1alpha1.Classification
	Audience       v1alpha1.Audience
	Reason         string
	Count          int
}

// ServiceState is one service's readiness.
type ServiceState struct {
	Agency    string
	Namespace string
	Name      string
	Ready     bool
	Reason    string
}

// AgreementGroup counts the agreements between a provider and a consumer
// in a state (their Ready reason).
type AgreementGroup struct {
	Provider string
	Consumer string
	State    string
	Count    int
}

// TrafficGroup counts one month of the requests of one provider's service
// for one consumer.
type TrafficGroup struct {
	Month    string
	Provider string
	Consumer string
	// Service is the DataService, as namespace/name.
	Service  string
	Requests int64
	Errors   int64
}

// ClockKind names a clock at which somebody must act.
type ClockKind string

const (
	// ClockReviewDue is when a service's yearly review falls due (Điều 3.3).
	ClockReviewDue ClockKind = "ReviewDue"
	// ClockOpenDataDue is when open data must be refreshed (Điều 10.4).
	ClockOpenDataDue ClockKind = "OpenDataDue"
	// ClockAgreementExpiry is when a live agreement ends.
	ClockAgreementExpiry ClockKind = "AgreementExpiry"
	// ClockAppointmentEnd is when the first of an agency's focal points of
	// a role ends its appointment. Focal points are named after people, so
	// the clock names the agency and the role, not the focal point.
	ClockAppointmentEnd ClockKind = "AppointmentEnd"
	// ClockKeyRotation is when a live agreement's key is next rotated.
	ClockKeyRotation ClockKind = "KeyRotation"
	// ClockUnusedGrant is when a live agreement counts as unused if it
	// carries no request before: its provider and the DIC review it
	// (Điều 3.3). Agency is the provider.
	ClockUnusedGrant ClockKind = "UnusedGrant"
	// ClockResponseDue is when the answer to an agreement's request is due
	// (the provider's consent, or the DIC's endorsement); the clock's
	// agency is the one that must answer.
	ClockResponseDue ClockKind = "ResponseDue"
)

// Clock is the next moment of one clock. A clock never started (a
// service never reviewed) is due at the zero time: overdue since always.
type Clock struct {
	Kind      ClockKind
	Agency    string
	Namespace string
	// Name is the object's name; for ClockAppointmentEnd, the role.
	Name string
	At   time.Time
}

// Summarize groups the inputs.
func Summarize(in Inputs) Province {
	var p Province
	holders := map[string]string{}
	for ns, a := range registry.RecordedHolders(in.Agencies) {
		holders[ns] = a.Name
	}

	for i := range in.Agencies {
		a := &in.Agencies[i]
		ready, reason := readiness(a.Status.Conditions)
		p.Agencies = append(p.Agencies, AgencyState{Agency: a.Name, Ready: ready, Reason: reason})
		if len(a.Status.KeyHistory) > 0 {
			p.AgencyKeys = append(p.AgencyKeys, AgencyKeys{Agency: a.Name, Months: a.Status.KeyHistory})
			p.Keys = registry.AddKeyCounts(p.Keys, a.Status.KeyHistory)
		}
	}

	fpGroups := map[FocalPointGroup]int{}
	ends := map[[2]string]time.Time{}
	for i := range in.FocalPoints {
		fp := &in.FocalPoints[i]
		agency := holders[fp.Namespace]
		ready, reason := readiness(fp.Status.Conditions)
		fpGroups[FocalPointGroup{Agency: agency, Role: fp.Spec.Role, Ready: ready, Reason: reason}]++
		if until := fp.Spec.Appointment.ValidUntil; ready && until != nil {
			key := [2]string{fp.Namespace, string(fp.Spec.Role)}
			if at, seen := ends[key]; !seen || until.Time.Before(at) {
				ends[key] = until.Time
			}
		}
	}
	for g, n := range fpGroups {
		g.Count = n
		p.FocalPoints = append(p.FocalPoints, g)
	}
	for key, at := range ends {
		p.Clocks = append(p.Clocks, Clock{Kind: ClockAppointmentEnd, Agency: holders[key[0]], Namespace: key[0], Name: key[1], At: at})
	}

	svcGroups := map[ServiceGroup]int{}
	for i := range in.Services {
		ds := &in.Services[i]
		agency := holders[ds.Namespace]
		isReady, reason := readiness(ds.Status.Conditions)
		p.ServiceStates = append(p.ServiceStates, ServiceState{Agency: agency, Namespace: ds.Namespace, Name: ds.Name, Ready: isReady, Reason: reason})
		svcGroups[ServiceGroup{Agency: agency, Classification: ds.Spec.Classification, Audience: ds.Spec.Access.Audience, Reason: reason}]++
		review, _ := publishing.ReviewDue(ds, in.Rules)
		p.Clocks = append(p.Clocks, Clock{Kind: ClockReviewDue, Agency: agency, Namespace: ds.Namespace, Name: ds.Name, At: review})
		if openData, ok := publishing.OpenDataDue(ds, in.Rules); ok {
			p.Clocks = append(p.Clocks, Clock{Kind: ClockOpenDataDue, Agency: agency, Namespace: ds.Namespace, Name: ds.Name, At: openData})
		}
	}
	for g, n := range svcGroups {
		g.Count = n
		p.Services = append(p.Services, g)
	}

	restricted := map[string]bool{}
	for i := range in.Services {
		ds := &in.Services[i]
		restricted[ds.Namespace+"/"+ds.Name] = ds.Spec.Classification == v1alpha1.ClassificationRestricted
	}
	saGroups, publicGroups := map[AgreementGroup]int{}, map[AgreementGroup]int{}
	carried, carriedAll := map[TrafficGroup][2]int64{}, map[TrafficGroup][2]int64{}
	for i := range in.Agreements {
		sa := &in.Agreements[i]
		consumer := cmp.Or(sa.Status.ConsumerAgency, holders[sa.Namespace])
		provider := cmp.Or(sa.Status.ProviderAgency, holders[string(sa.Spec.Service.Namespace)])
		state := registry.StateOf(sa)
		group := AgreementGroup{Provider: provider, Consumer: consumer, State: state}
		saGroups[group]++
		service := string(sa.Spec.Service.Namespace) + "/" + string(sa.Spec.Service.Name)
		if restricted[service] {
			group.Consumer = UndisclosedConsumer
		}
		publicGroups[group]++
		if u := sa.Status.Usage; u != nil {
			for _, m := range u.Months {
				key := TrafficGroup{Month: m.Month, Provider: provider, Consumer: group.Consumer, Service: service}
				c := carried[key]
				carried[key] = [2]int64{c[0] + m.Requests, c[1] + m.Errors}
				key.Consumer = consumer
				c = carriedAll[key]
				carriedAll[key] = [2]int64{c[0] + m.Requests, c[1] + m.Errors}
			}
		}
		if req := sa.Status.Request; req != nil && req.AnsweredAt == nil {
			answering := provider
			if state == string(v1alpha1.ReasonAwaitingCoordinatorEndorsement) {
				answering = in.Rules.CoordinatorAgency
			}
			p.Clocks = append(p.Clocks, Clock{Kind: ClockResponseDue, Agency: answering, Namespace: sa.Namespace, Name: sa.Name, At: req.RespondBy.Time})
		}
		if state != string(v1alpha1.ReasonActive) {
			continue
		}
		if sa.Status.ExpiresAt != nil {
			p.Clocks = append(p.Clocks, Clock{Kind: ClockAgreementExpiry, Agency: consumer, Namespace: sa.Namespace, Name: sa.Name, At: sa.Status.ExpiresAt.Time})
		}
		if next := sa.Status.Credential.NextRotationAt; next != nil {
			p.Clocks = append(p.Clocks, Clock{Kind: ClockKeyRotation, Agency: consumer, Namespace: sa.Namespace, Name: sa.Name, At: next.Time})
		}
		if since := traffic.UnusedSince(sa); in.CountsTraffic && !since.IsZero() {
			p.Clocks = append(p.Clocks, Clock{Kind: ClockUnusedGrant, Agency: provider, Namespace: sa.Namespace, Name: sa.Name, At: since.Add(in.Rules.UnusedGrantPeriod)})
		}
	}
	for g, n := range saGroups {
		g.Count = n
		p.Agreements = append(p.Agreements, g)
	}
	for g, n := range publicGroups {
		g.Count = n
		p.PublicAgreements = append(p.PublicAgreements, g)
	}
	p.Traffic, p.AllTraffic = trafficGroups(carried), trafficGroups(carriedAll)

	p.sort()
	return p
}

// readiness reads the Ready condition; an object not yet reconciled is
// in state Reconciling.
func readiness(conds []metav1.Condition) (bool, string) {
	c := meta.FindStatusCondition(conds, string(v1alpha1.ConditionReady))
	if c == nil {
		return false, string(v1alpha1.ReasonReconciling)
	}
	return c.Status == metav1.ConditionTrue, c.Reason
}

func (p *Province) sort() {
	slices.SortFunc(p.Agencies, func(a, b AgencyState) int { return cmp.Compare(a.Agency, b.Agency) })
	slices.SortFunc(p.AgencyKeys, func(a, b AgencyKeys) int { return cmp.Compare(a.Agency, b.Agency) })
	slices.SortFunc(p.FocalPoints, func(a, b FocalPointGroup) int {
		return cmp.Or(cmp.Compare(a.Agency, b.Agency), cmp.Compare(a.Role, b.Role), cmp.Compare(a.Reason, b.Reason))
	})
	slices.SortFunc(p.Services, func(a, b ServiceGroup) int {
		return cmp.Or(cmp.Compare(a.Agency, b.Agency), cmp.Compare(a.Classification, b.Classification),
			cmp.Compare(a.Audience, b.Audience), cmp.Compare(a.Reason, b.Reason))
	})
	slices.SortFunc(p.ServiceStates, func(a, b ServiceState) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	for _, groups := range [][]AgreementGroup{p.Agreements, p.PublicAgreements} {
		slices.SortFunc(groups, func(a, b AgreementGroup) int {
			return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Consumer, b.Consumer), cmp.Compare(a.State, b.State))
		})
	}
	slices.SortFunc(p.Clocks, func(a, b Clock) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
}

// AgreementStates are the states an agreement can be in, in the order the
// statistics' downloads give them: every one of them always, so that a
// spreadsheet built on a download keeps its columns from one download to
// the next. A state not listed here is counted under StateOther.
var AgreementStates = []string{
	string(v1alpha1.ReasonActive),
	string(v1alpha1.ReasonAwaitingProviderConsent),
	string(v1alpha1.ReasonAwaitingCoordinatorEndorsement),
	string(v1alpha1.ReasonRefusedByProvider),
	string(v1alpha1.ReasonRefusedByCoordinator),
	string(v1alpha1.ReasonConsumerHasNoFocalPoint),
	string(v1alpha1.ReasonNoConsumerAgency),
	string(v1alpha1.ReasonSelfSharing),
	string(v1alpha1.ReasonServiceNotReady),
	string(v1alpha1.ReasonServiceUnreachable),
	string(v1alpha1.ReasonNotYetValid),
	string(v1alpha1.ReasonExpired),
	string(v1alpha1.ReasonReconciling),
}

// UndisclosedConsumer stands, in the public statistics, for the consumer
// of an agreement on a Restricted service: who uses restricted data is not
// published (as X-Road's open statistics drop the parties' identifiers),
// how much of it is shared is.
const UndisclosedConsumer = "-"

// StateOther is the column of the states AgreementStates does not list.
const StateOther = "Other"

// ByFixedStates lays counts by state out in AgreementStates' order, with
// StateOther last.
func ByFixedStates(counts map[string]int) []int {
	out := make([]int, len(AgreementStates)+1)
	for state, n := range counts {
		if i := slices.Index(AgreementStates, state); i >= 0 {
			out[i] += n
		} else {
			out[len(AgreementStates)] += n
		}
	}
	return out
}

// trafficGroups lists counted traffic by month, provider, service and
// consumer.
func trafficGroups(counted map[TrafficGroup][2]int64) []TrafficGroup {
	out := make([]TrafficGroup, 0, len(counted))
	for g, c := range counted {
		g.Requests, g.Errors = c[0], c[1]
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b TrafficGroup) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Service, b.Service), cmp.Compare(a.Consumer, b.Consumer))
	})
	return out
}
