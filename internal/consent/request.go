package consent

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/calendar"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
)

// A request for data gets an answer on time: the providing agency (or the
// DIC, for a body outside the province) consents or refuses in writing
// within a number of working days of the request (two, by Decree
// 47/2020/NĐ-CP as amended by Decree 194/2025/NĐ-CP). An unanswered
// request goes up to the DIC and the Chairman of the provincial People's
// Committee (Điều 23).

// RequestInputs is what the record of a request depends on.
type RequestInputs struct {
	// Previous is the agreement's recorded request, if any.
	Previous *v1alpha1.RequestStatus
	// Service is the DataService the agreement names, as namespace/name.
	Service string
	// Decision is the agreement's consent decision now.
	Decision Decision
	// Provider is the agency that holds the service.
	Provider string
	// Calendar and WorkingDays set the deadline.
	Calendar    calendar.Calendar
	WorkingDays int
	Now         time.Time
}

// RequestOutcome is the request's record and its ResponseOverdue condition.
type RequestOutcome struct {
	// Status is the record to keep in status.request; nil when the
	// agreement never waited for an answer.
	Status *v1alpha1.RequestStatus
	// Condition is the ResponseOverdue condition.
	Condition conditions.Condition
	// Overdue is true when the answer is late.
	Overdue bool
	// Awaiting names the party whose answer is awaited ("agency so-yte",
	// "the DIC (Sở TT&TT)"); empty when none is.
	Awaiting string
	// Next is when the condition turns by the clock alone: the deadline,
	// while it has not passed.
	Next time.Time
}

// TrackRequest records when an agreement first waited for an answer, sets
// the deadline then, and says whether the answer is late. The record is
// kept until spec.service names another service: that is a new request.
func TrackRequest(in RequestInputs) RequestOutcome {
	var out RequestOutcome
	var rec *v1alpha1.RequestStatus
	if in.Previous != nil && in.Previous.Service == in.Service {
		rec = in.Previous.DeepCopy()
	}
	if r := in.Decision.Reason; r == v1alpha1.ReasonAwaitingProviderConsent || r == v1alpha1.ReasonAwaitingCoordinatorEndorsement {
		out.Awaiting = WhoActs(r, in.Provider, "")
	}
	now := in.Now.Truncate(time.Second)
	if rec == nil && out.Awaiting != "" {
		rec = &v1alpha1.RequestStatus{Service: in.Service, RequestedAt: metav1.NewTime(now),
			RespondBy: metav1.NewTime(in.Calendar.Deadline(now, in.WorkingDays))}
	}
	if rec != nil && rec.AnsweredAt == nil && out.Awaiting == "" {
		rec.AnsweredAt = &metav1.Time{Time: now}
	}
	out.Status = rec

	switch {
	case rec == nil:
		out.Condition = conditions.False(v1alpha1.ConditionResponseOverdue, v1alpha1.ReasonNoRequest, "the agreement has not waited for anyone's answer")
	case rec.AnsweredAt != nil:
		when := "within the deadline"
		if rec.AnsweredAt.After(rec.RespondBy.Time) {
			when = "after the deadline of " + clock.Format(rec.RespondBy.Time)
		}
		out.Condition = conditions.False(v1alpha1.ConditionResponseOverdue, v1alpha1.ReasonAnswered,
			fmt.Sprintf("the request of %s was answered at %s, %s", clock.Format(rec.RequestedAt.Time), clock.Format(rec.AnsweredAt.Time), when))
	case in.Now.Before(rec.RespondBy.Add(time.Second)):
		// Overdue from the first second after the deadline's day.
		out.Next = rec.RespondBy.Add(time.Second)
		out.Condition = conditions.False(v1alpha1.ConditionResponseOverdue, v1alpha1.ReasonAwaitingResponse,
			fmt.Sprintf("%s must consent or refuse in writing, with reasons and the legal basis, by %s: %d working day(s) after the request of %s",
				out.Awaiting, clock.Format(rec.RespondBy.Time), in.WorkingDays, clock.Format(rec.RequestedAt.Time)))
	default:
		out.Overdue = true
		up := "the DIC (Sở TT&TT) follows up with the provider"
		if in.Decision.Reason == v1alpha1.ReasonAwaitingCoordinatorEndorsement {
			up = "the Chairman of the provincial People's Committee decides"
		}
		out.Condition = conditions.True(v1alpha1.ConditionResponseOverdue, v1alpha1.ReasonResponseOverdue,
			fmt.Sprintf("%s has neither consented nor refused in writing by %s, %d working day(s) after the request of %s: %s (Điều 23)",
				out.Awaiting, clock.Format(rec.RespondBy.Time), in.WorkingDays, clock.Format(rec.RequestedAt.Time), up))
	}
	return out
}

// Party is who an agreement waits for.
type Party string

// The parties an agreement can wait for.
const (
	PartyProvider    Party = "Provider"
	PartyCoordinator Party = "Coordinator"
	PartyConsumer    Party = "Consumer"
	PartyPlatform    Party = "Platform"
	PartyOperator    Party = "Operator"
)

// PartyToAct is the party an agreement in state reason waits for, as the
// decision's message names it: the provider for its consent (or to
// withdraw a refusal), the DIC for an endorsement or a registration, the
// consumer for its focal point, its own spec or a renewal, the platform
// team for a service that cannot be reached.
func PartyToAct(reason v1alpha1.ConditionReason) Party {
	switch reason {
	case v1alpha1.ReasonAwaitingProviderConsent, v1alpha1.ReasonRefusedByProvider, v1alpha1.ReasonServiceNotReady:
		return PartyProvider
	case v1alpha1.ReasonAwaitingCoordinatorEndorsement, v1alpha1.ReasonRefusedByCoordinator, v1alpha1.ReasonNoConsumerAgency:
		return PartyCoordinator
	case v1alpha1.ReasonServiceUnreachable:
		return PartyPlatform
	case v1alpha1.ReasonReconciling:
		return PartyOperator
	default:
		return PartyConsumer
	}
}

// WhoActs names, in English, the party an agreement in state reason waits
// for (PartyToAct), with the provider's or consumer's agency.
func WhoActs(reason v1alpha1.ConditionReason, provider, consumer string) string {
	switch PartyToAct(reason) {
	case PartyProvider:
		return "agency " + provider
	case PartyCoordinator:
		return "the DIC (Sở TT&TT)"
	case PartyPlatform:
		return "the platform team"
	case PartyOperator:
		return "the operator"
	default:
		return "agency " + consumer
	}
}

// Answerer is the right that answers a request in writing, as a
// SubjectAccessReview asks it: the provider consents or refuses in its
// DataService, the DIC endorses or declines in the Agency register.
type Answerer struct {
	Verb, Resource string
	// Namespace is empty for the cluster-scoped Agency register.
	Namespace string
}

// AnswerRight says who must answer an agreement in the state reason, for
// a service in serviceNamespace, as the right to do it: whoever holds that
// right is shown the request, although they may not read the consumer's
// namespace where the agreement lives. False when the state waits on no
// written answer.
func AnswerRight(reason v1alpha1.ConditionReason, serviceNamespace string) (Answerer, bool) {
	switch reason {
	case v1alpha1.ReasonAwaitingProviderConsent:
		return Answerer{Verb: "update", Resource: "dataservices", Namespace: serviceNamespace}, true
	case v1alpha1.ReasonAwaitingCoordinatorEndorsement:
		return Answerer{Verb: "update", Resource: "agencies"}, true
	default:
		return Answerer{}, false
	}
}
