// Package consent decides, without a client, whether a SharingAgreement is
// live: every party the rules require has consented, in an object that
// party alone writes, and now lies inside every window. It says why not,
// who must act, and when the answer can next change. The controller, the
// fuzz tests and later the catalog call the same function.
package consent

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/publishing"
	"github.com/lgsp-vn/datashare-operator/internal/registry"
)

// Inputs is what an agreement's consent depends on.
type Inputs struct {
	Agreement *v1alpha1.SharingAgreement
	// Service is the DataService the agreement names; nil when it does not
	// exist.
	Service *v1alpha1.DataService
	// Provider holds the service's namespace; nil when no Agency does.
	Provider *v1alpha1.Agency
	// Consumer holds the agreement's namespace; nil when no Agency does.
	Consumer *v1alpha1.Agency
	// ConsumerFocalPoints are the focal points in the consumer's namespace.
	ConsumerFocalPoints []v1alpha1.FocalPoint
	Now                 time.Time
}

// Decision is the answer.
type Decision struct {
	// Live is true when every consent holds now: the agreement's keys exist
	// exactly while it is.
	Live bool
	// Ready is true when the agreement is live and its service can be
	// reached (or the gateway has not said otherwise yet).
	Ready bool
	// Reason is the agreement's state: the reason of its Ready condition.
	Reason v1alpha1.ConditionReason
	// Message says, in plain words, what is missing and who must act.
	Message string
	// Next is the earliest moment after now at which a window opens or
	// closes, so that the answer can change by the clock alone; zero when
	// none will.
	Next time.Time
	// ExpiresAt, when live, is when the agreement stops being live unless
	// something changes: the earliest end among the windows it rests on.
	ExpiresAt time.Time
	// Consent is the provider's entry for the consumer, when there is one.
	Consent *v1alpha1.Consent
	// IssueKeys is true when the agreement holds keys: it is live and its
	// service is not open data, which needs none.
	IssueKeys bool
	// NoKey is the CredentialIssued condition when IssueKeys is false:
	// why no key is issued.
	NoKey conditions.Condition
	// Pending is true when the decision waits for the operator itself (the
	// service has not been reconciled yet): Ready is Unknown, and no Event
	// tells of a state nobody is in.
	Pending bool
	// Reachable is the agreement's ServiceReachable condition: the
	// service's Reachable condition, which never decides the keys.
	Reachable conditions.Condition
	// Conditions are what the decision reports: Ready and
	// ServiceReachable. CredentialIssued comes from the keys (NoKey when
	// none is issued), ResponseOverdue from TrackRequest.
	Conditions []conditions.Condition
}

// window is one validity window an agreement rests on.
type window struct {
	what       string // "the agreement", "the provider's consent (CV 12)", ...
	from, till *metav1.Time
	// who renews it when it ends.
	who string
}

// Decide says whether an agreement is live.
func Decide(in Inputs) Decision {
	d, _ := decideTraced(in)
	return d
}

// decideTraced is Decide, with the trace of every consent it consulted.
func decideTraced(in Inputs) (Decision, *trace) {
	if in.Service != nil {
		// Consent holds under the terms the service is published on.
		in.Service = publishing.AsAppraised(in.Service, in.Service.Status.Appraisal)
	}
	sa := in.Agreement
	svcKey := string(sa.Spec.Service.Namespace) + "/" + string(sa.Spec.Service.Name)
	var t trace
	d := decide(in, svcKey, &t)
	d.Next = nextBoundary(t.windows, in)
	d.Reachable = Reachability(in.Service)
	d.Ready = d.Live
	d.IssueKeys = d.Live && in.Service.Spec.Access.Audience != v1alpha1.AudiencePublic
	switch {
	case d.IssueKeys:
	case d.Live:
		d.NoKey = conditions.False(v1alpha1.ConditionCredentialIssued, v1alpha1.ReasonPublicService,
			fmt.Sprintf("the service is open data: no key is needed; call %s directly", in.Service.Status.URL))
	default:
		d.NoKey = conditions.False(v1alpha1.ConditionCredentialIssued, v1alpha1.ReasonNotIssued, "no key is issued while the agreement is not live: "+d.Message)
	}
	if d.Live && d.Reachable.Status == metav1.ConditionFalse {
		d.Ready, d.Reason = false, v1alpha1.ReasonServiceUnreachable
		d.Message = fmt.Sprintf("every consent holds and the key stays issued, but DataService %s cannot be reached right now: %s; the same key works again as soon as it can",
			svcKey, d.Reachable.Message)
		if !d.IssueKeys {
			d.Message = fmt.Sprintf("every consent holds (open data needs no key), but DataService %s cannot be reached right now: %s", svcKey, d.Reachable.Message)
		}
	}
	if d.Live {
		var ends []time.Time
		for _, w := range t.windows {
			if w.till != nil {
				ends = append(ends, w.till.Time)
			}
		}
		d.ExpiresAt = clock.Earliest(ends...)
	}
	d.Conditions = []conditions.Condition{d.ReadyCondition(), d.Reachable}
	return d, &t
}

func decide(in Inputs, svcKey string, t *trace) Decision {
	sa := in.Agreement
	not := func(r v1alpha1.ConditionReason, format string, args ...any) Decision {
		return Decision{Reason: r, Message: fmt.Sprintf(format, args...)}
	}

	if in.Consumer == nil {
		d := not(v1alpha1.ReasonNoConsumerAgency, "no Agency holds namespace %s: the DIC (Sở TT&TT) must register the consumer agency, and label the namespace %s=<agency>, before it can use a service", sa.Namespace, v1alpha1.LabelAgency)
		return t.missing("the consumer agency of namespace "+sa.Namespace, "the DIC (Sở TT&TT)", d)
	}
	consumer := in.Consumer.Name
	t.held("agency "+consumer+", the consumer", "")
	if in.Service == nil {
		d := not(v1alpha1.ReasonServiceNotReady, "DataService %s does not exist: agency %s must correct spec.service, or the provider must publish it", svcKey, consumer)
		return t.missing("DataService "+svcKey, "agency "+consumer, d)
	}
	if in.Provider != nil && in.Provider.Name == consumer {
		d := not(v1alpha1.ReasonSelfSharing, "DataService %s belongs to agency %s itself: sharing with oneself needs no agreement; delete this SharingAgreement", svcKey, consumer)
		return t.missing("a provider other than the consumer", "agency "+consumer, d)
	}
	if !Offered(in.Service) {
		c := meta.FindStatusCondition(in.Service.Status.Conditions, string(v1alpha1.ConditionAccepted))
		if c == nil {
			// Not a state anyone is in: the service is merely new.
			d := not(v1alpha1.ReasonServiceNotReady, "DataService %s has not been reconciled yet; the agreement is decided as soon as it is", svcKey)
			d.Pending = true
			return t.missing("DataService "+svcKey+" offered for sharing", "the operator", d)
		}
		d := not(v1alpha1.ReasonServiceNotReady, "DataService %s is not offered for sharing, so nothing can be shared yet: %s", svcKey, c.Message)
		return t.missing("DataService "+svcKey+" offered for sharing", "the provider or the DIC", d)
	}
	provider := in.Service.Namespace
	if in.Provider != nil {
		provider = in.Provider.Name
	}
	t.held("DataService "+svcKey+" offered for sharing (its agency Ready, appraised)", "")

	// A written refusal is the answer: nothing else is asked of anyone.
	if r := in.Service.Spec.Access.RefusalOf(consumer); r != nil {
		d := not(v1alpha1.ReasonRefusedByProvider, "agency %s refused agency %s the use of DataService %s in writing (%s, %s): %s; legal basis: %s. "+
			"The refusal stands until agency %s removes it from spec.access.refusals; agency %s may answer its reasons and ask again",
			provider, consumer, svcKey, r.DocumentRef, r.RefusedAt.Format(time.DateOnly), r.Reason, r.LegalBasis, provider, consumer)
		return t.refused("the provider's answer", "agency "+provider, d)
	}
	outsider := in.Consumer.Spec.Level.OutsideProvince()
	if r := in.Consumer.Spec.DeclinedEndorsementOf(svcKey); outsider && r != nil {
		d := not(v1alpha1.ReasonRefusedByCoordinator, "the DIC (Sở TT&TT) declined in writing to endorse agency %s's use of DataService %s (%s, %s): %s; legal basis: %s. "+
			"The refusal stands until the DIC removes it from spec.declinedEndorsements of Agency %s",
			consumer, svcKey, r.DocumentRef, r.RefusedAt.Format(time.DateOnly), r.Reason, r.LegalBasis, consumer)
		return t.refused("the DIC's endorsement", "the DIC (Sở TT&TT)", d)
	}

	// From here on every missing consent is named, in the order the state
	// is decided, each with who must act: the first is the state.
	var missing []Decision
	primary := registry.ActivePrimary(registry.AppointedFor(consumer, in.ConsumerFocalPoints), in.Now)
	if primary == nil {
		d := not(v1alpha1.ReasonConsumerHasNoFocalPoint, "agency %s has no active primary focal point, so it cannot use data services (Điều 20): the agency must appoint one with a FocalPoint in namespace %s",
			consumer, sa.Namespace)
		missing = append(missing, t.missing("an active primary focal point of agency "+consumer, "agency "+consumer, d))
	} else {
		w := window{what: "the appointment of focal point " + primary.Name, from: &primary.Spec.Appointment.ValidFrom,
			till: primary.Spec.Appointment.ValidUntil, who: "agency " + consumer}
		if d, ok := t.window(w, in.Now); !ok {
			missing = append(missing, d)
		}
	}

	if d, ok := t.window(window{what: "the agreement", from: sa.Spec.ValidFrom, till: sa.Spec.ValidUntil, who: "agency " + consumer}, in.Now); !ok {
		missing = append(missing, d)
	}

	audience := in.Service.Spec.Access.Audience
	entry := in.Service.Spec.Access.ConsentFor(consumer)
	if outsider || audience == v1alpha1.AudienceListed {
		if entry == nil {
			rule := "the service's audience is Listed"
			if outsider {
				rule = "a body outside the province needs the provider's consent whatever the audience (Điều 17.3)"
			}
			d := not(v1alpha1.ReasonAwaitingProviderConsent, "%s: agency %s must list agency %s in spec.access.consumers of DataService %s",
				rule, provider, consumer, svcKey)
			missing = append(missing, t.missing("the provider's consent", "agency "+provider, d))
		} else {
			w := window{what: fmt.Sprintf("the provider's consent (%s)", entry.DocumentRef), from: entry.ValidFrom, till: entry.ValidUntil, who: "agency " + provider}
			if d, ok := t.window(w, in.Now); !ok {
				missing = append(missing, d)
			}
		}
	} else {
		t.held(fmt.Sprintf("the provider's consent: audience %s covers every agency in the province", audience), "")
	}

	if outsider {
		if e := in.Consumer.Spec.EndorsementOf(svcKey); e == nil {
			d := not(v1alpha1.ReasonAwaitingCoordinatorEndorsement, "agency %s is outside the province: the DIC (Sở TT&TT) must endorse its use of %s in spec.endorsements of Agency %s (Điều 17.3)",
				consumer, svcKey, consumer)
			missing = append(missing, t.missing("the DIC's endorsement", "the DIC (Sở TT&TT)", d))
		} else {
			w := window{what: fmt.Sprintf("the DIC's endorsement (%s)", e.DocumentRef), from: e.ValidFrom, till: e.ValidUntil, who: "the DIC (Sở TT&TT)"}
			if d, ok := t.window(w, in.Now); !ok {
				missing = append(missing, d)
			}
		}
	}

	if len(missing) > 0 {
		d := missing[0]
		for _, m := range missing[1:] {
			d.Message += "; and " + m.Message
		}
		return d
	}
	return Decision{Live: true, Reason: v1alpha1.ReasonActive, Consent: entry,
		Message: fmt.Sprintf("agency %s uses DataService %s of agency %s with every consent in place", consumer, svcKey, provider)}
}

// ReadyCondition is the agreement's Ready condition: its reason is the
// state; True
// when live and reachable, Unknown while the decision waits for the
// operator itself.
func (d Decision) ReadyCondition() conditions.Condition {
	switch {
	case d.Ready:
		return conditions.True(v1alpha1.ConditionReady, d.Reason, d.Message)
	case d.Pending:
		return conditions.Unknown(v1alpha1.ConditionReady, d.Reason, d.Message)
	}
	return conditions.False(v1alpha1.ConditionReady, d.Reason, d.Message)
}

// Offered says whether a service can carry agreements: its Accepted
// condition, which holds what only its agency and the DIC can change (the
// agency Ready, the appraisal). Whether it can be reached right now — the
// Gateway, the listener, the backend, the gateway's verdict on the route —
// is not consent: a fault there withdraws no key.
func Offered(ds *v1alpha1.DataService) bool {
	return meta.IsStatusConditionTrue(ds.Status.Conditions, string(v1alpha1.ConditionAccepted))
}

// Reachability is an agreement's ServiceReachable condition: the
// service's Reachable condition as the DataService reports it.
func Reachability(ds *v1alpha1.DataService) conditions.Condition {
	if ds == nil {
		return conditions.Unknown(v1alpha1.ConditionServiceReachable, v1alpha1.ReasonServiceNotReady, "the DataService does not exist")
	}
	c := meta.FindStatusCondition(ds.Status.Conditions, string(v1alpha1.ConditionReachable))
	if c == nil {
		return conditions.Unknown(v1alpha1.ConditionServiceReachable, v1alpha1.ReasonWaitingForGateway, "the DataService has not reported whether it can be reached yet")
	}
	return conditions.Condition{Type: v1alpha1.ConditionServiceReachable, Status: c.Status, Reason: v1alpha1.ConditionReason(c.Reason), Message: c.Message}
}

// outside reports, when now is outside w, the decision that says so.
func outside(w window, now time.Time) (Decision, bool) {
	switch {
	case w.from != nil && now.Before(w.from.Time):
		return Decision{Reason: v1alpha1.ReasonNotYetValid,
			Message: fmt.Sprintf("%s starts at %s; the agreement is live from then if every other consent still holds", w.what, clock.Format(w.from.Time))}, false
	case w.till != nil && !now.Before(w.till.Time):
		return Decision{Reason: v1alpha1.ReasonExpired,
			Message: fmt.Sprintf("%s ended at %s: %s must renew it", w.what, clock.Format(w.till.Time), w.who)}, false
	}
	return Decision{}, true
}

// nextBoundary is the earliest moment after now at which the decision can
// change by the clock alone: a boundary of a window the decision rests on
// (the very list decide consulted, so that a window added there is woken
// for), or the start or end of any of the consumer's focal point
// appointments (one may become the primary).
func nextBoundary(windows []window, in Inputs) time.Time {
	times := []time.Time{registry.NextAppointmentChange(in.ConsumerFocalPoints, in.Now)}
	for _, w := range windows {
		for _, t := range []*metav1.Time{w.from, w.till} {
			if t != nil && t.After(in.Now) {
				times = append(times, t.Time)
			}
		}
	}
	return clock.Earliest(times...)
}

// EndedAt is when an agreement that is no longer live stopped being live,
// as far as the operator knows: the end of its window when that has passed
// (it ended by the clock), else now, the start of the reconcile that found
// the change.
func EndedAt(sa *v1alpha1.SharingAgreement, now time.Time) time.Time {
	if e := sa.Status.ExpiresAt; e != nil && !e.After(now) {
		return e.Time
	}
	return now
}
