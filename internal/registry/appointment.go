package registry

import (
	"fmt"
	"time"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
)

// Activity says whether a focal point's appointment is in effect at a
// moment, and when that answer next changes.
type Activity struct {
	// Active is true inside the window [validFrom, validUntil).
	Active bool
	// Reason is Appointed, AppointmentNotStarted or AppointmentEnded.
	Reason v1alpha1.ConditionReason
	// Message says the same in words, with the dates.
	Message string
	// Next is when Active next changes; zero when it never will.
	Next time.Time
}

// AppointmentAt says whether fp's appointment is in effect at now.
func AppointmentAt(fp *v1alpha1.FocalPoint, now time.Time) Activity {
	a := fp.Spec.Appointment
	from := a.ValidFrom.Time
	switch {
	case now.Before(from):
		return Activity{
			Reason:  v1alpha1.ReasonAppointmentNotStarted,
			Message: fmt.Sprintf("the appointment (%s) starts at %s; the focal point's rights are granted then", a.DocumentRef, clock.Format(from)),
			Next:    from,
		}
	case a.ValidUntil != nil && !now.Before(a.ValidUntil.Time):
		return Activity{
			Reason: v1alpha1.ReasonAppointmentEnded,
			Message: fmt.Sprintf("the appointment (%s) ended at %s: the agency must appoint a focal point again, or extend appointment.validUntil",
				a.DocumentRef, clock.Format(a.ValidUntil.Time)),
		}
	}
	act := Activity{Active: true, Reason: v1alpha1.ReasonAppointed,
		Message: fmt.Sprintf("appointed by %s", a.DocumentRef)}
	if a.ValidUntil != nil {
		act.Next = a.ValidUntil.Time
		act.Message += fmt.Sprintf(", until %s", clock.Format(a.ValidUntil.Time))
	}
	return act
}
