package consent

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// FuzzDecide builds agreements from arbitrary bytes and checks that Decide
// never panics, and that "live" always means every consent is present and
// every window holds now. The checks restate the rules on their own, not by
// calling the code under test.
func FuzzDecide(f *testing.F) {
	// Seeds: the matrix corners, and windows on each side of now.
	f.Add(uint8(1), false, false, false, true, true, int8(-5), int8(5), int8(-5), int8(5), int8(-5), int8(5), int8(-5), int8(5), uint8(0xff))
	f.Add(uint8(2), true, true, true, true, true, int8(-5), int8(5), int8(-5), int8(5), int8(-5), int8(5), int8(-5), int8(5), uint8(0xff))
	f.Add(uint8(2), true, true, false, true, true, int8(0), int8(0), int8(1), int8(-1), int8(0), int8(0), int8(0), int8(0), uint8(0))
	f.Add(uint8(0), true, false, true, false, true, int8(3), int8(-3), int8(-1), int8(1), int8(2), int8(4), int8(-9), int8(9), uint8(0x55))
	f.Add(uint8(1), false, true, false, true, false, int8(-1), int8(0), int8(0), int8(1), int8(0), int8(0), int8(0), int8(1), uint8(0xaa))

	f.Fuzz(func(t *testing.T, audience uint8, outside, listed, endorsed, hasPrimary, serviceReady bool,
		agreeFrom, agreeTill, consentFrom, consentTill, endorseFrom, endorseTill, apptFrom, apptTill int8, present uint8) {
		hour := func(h int8) *metav1.Time { t := metav1.NewTime(now.Add(time.Duration(h) * time.Hour)); return &t }
		opt := func(bit uint, h int8) *metav1.Time {
			if present&(1<<bit) == 0 {
				return nil
			}
			return hour(h)
		}
		w := world{
			audience: []v1alpha1.Audience{v1alpha1.AudiencePublic, v1alpha1.AudienceProvince, v1alpha1.AudienceListed}[audience%3],
			outside:  outside, listed: listed, endorsed: endorsed && outside,
		}
		in := w.inputs()
		in.Agreement.Spec.ValidFrom, in.Agreement.Spec.ValidUntil = opt(0, agreeFrom), opt(1, agreeTill)
		if listed {
			c := &in.Service.Spec.Access.Consumers[0]
			c.ValidFrom, c.ValidUntil = opt(2, consentFrom), opt(3, consentTill)
		}
		if w.endorsed {
			e := &in.Consumer.Spec.Endorsements[0]
			e.ValidFrom, e.ValidUntil = opt(4, endorseFrom), opt(5, endorseTill)
		}
		a := &in.ConsumerFocalPoints[0].Spec.Appointment
		a.ValidFrom, a.ValidUntil = *hour(apptFrom), opt(6, apptTill)
		if !hasPrimary {
			in.ConsumerFocalPoints[0].Spec.Role = v1alpha1.RoleDeputy
		}
		if !serviceReady {
			in.Service.Status.Conditions[1].Status = metav1.ConditionFalse
		}

		d := Decide(in)

		if d.Live != (d.Reason == v1alpha1.ReasonActive) {
			t.Fatalf("live=%v with reason %s", d.Live, d.Reason)
		}
		if d.Message == "" {
			t.Fatal("every decision says why")
		}
		if !d.Next.IsZero() && !d.Next.After(now) {
			t.Fatalf("next change %v is not after now", d.Next)
		}
		// The decision holds until Next: no window boundary is missed.
		later := in
		later.Now = now.Add(100 * 365 * 24 * time.Hour)
		if !d.Next.IsZero() {
			later.Now = d.Next.Add(-time.Millisecond)
		}
		if d2 := Decide(later); d2.Live != d.Live || d2.Reason != d.Reason {
			t.Fatalf("the decision changed from %s to %s at %v, before the next change %v", d.Reason, d2.Reason, later.Now, d.Next)
		}
		if !d.Live {
			if !d.ExpiresAt.IsZero() {
				t.Fatal("an agreement that is not live has no expiry")
			}
			return
		}
		inside := func(from, till *metav1.Time) bool {
			return (from == nil || !now.Before(from.Time)) && (till == nil || now.Before(till.Time))
		}
		switch {
		case !serviceReady:
			t.Fatal("live while the service is not accepted")
		case !hasPrimary || !inside(&a.ValidFrom, a.ValidUntil):
			t.Fatal("live without an active primary focal point")
		case !inside(in.Agreement.Spec.ValidFrom, in.Agreement.Spec.ValidUntil):
			t.Fatal("live outside the agreement's window")
		case (outside || w.audience == v1alpha1.AudienceListed) && !listed:
			t.Fatal("live without the provider's consent")
		case (outside || w.audience == v1alpha1.AudienceListed) && !inside(in.Service.Spec.Access.Consumers[0].ValidFrom, in.Service.Spec.Access.Consumers[0].ValidUntil):
			t.Fatal("live outside the provider consent's window")
		case outside && !w.endorsed:
			t.Fatal("live for a body outside the province without the DIC's endorsement")
		case outside && !inside(in.Consumer.Spec.Endorsements[0].ValidFrom, in.Consumer.Spec.Endorsements[0].ValidUntil):
			t.Fatal("live outside the endorsement's window")
		}
		if !d.ExpiresAt.IsZero() && !d.ExpiresAt.After(now) {
			t.Fatalf("a live agreement expires at %v, not after now", d.ExpiresAt)
		}
	})
}
