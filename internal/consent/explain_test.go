package consent

import (
	"reflect"
	"strings"
	"testing"
	"time"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// TestExplainNamesEveryConsent: Explain returns Decide's very decision, and
// the consents in the order they were consulted, each with its state.
func TestExplainNamesEveryConsent(t *testing.T) {
	type want struct {
		what  string
		state CheckState
		who   string
	}
	for _, tc := range []struct {
		name  string
		world world
		edit  func(*Inputs)
		want  []want
	}{
		{"an outside body lacking both consents, its agreement not started", world{v1alpha1.AudienceProvince, true, false, false},
			func(in *Inputs) { in.Agreement.Spec.ValidFrom = at(time.Hour) },
			[]want{{"agency bo-nnmt, the consumer", CheckHeld, ""}, {"DataService so-tnmt/dat-dai offered", CheckHeld, ""},
				{"the appointment of focal point", CheckHeld, "agency bo-nnmt"}, {"the agreement", CheckNotYetValid, "agency bo-nnmt"},
				{"the provider's consent", CheckMissing, "agency so-tnmt"}, {"the DIC's endorsement", CheckMissing, "the DIC (Sở TT&TT)"},
				{"the service can be reached now", CheckHeld, ""}}},
		{"a live Province agreement", world{v1alpha1.AudienceProvince, false, false, false}, func(*Inputs) {},
			[]want{{"agency ubnd-tp, the consumer", CheckHeld, ""}, {"DataService so-tnmt/dat-dai offered", CheckHeld, ""},
				{"the appointment of focal point", CheckHeld, "agency ubnd-tp"}, {"the agreement", CheckHeld, "agency ubnd-tp"},
				{"the provider's consent: audience Province covers every agency", CheckHeld, ""}, {"the service can be reached now", CheckHeld, ""}}},
		{"an ended consent of a Listed service", world{v1alpha1.AudienceListed, false, true, false},
			func(in *Inputs) { in.Service.Spec.Access.Consumers[0].ValidUntil = at(-time.Hour) },
			[]want{{"agency ubnd-tp", CheckHeld, ""}, {"DataService", CheckHeld, ""}, {"the appointment", CheckHeld, "agency ubnd-tp"},
				{"the agreement", CheckHeld, "agency ubnd-tp"}, {"the provider's consent (CV 890)", CheckEnded, "agency so-tnmt"}, {"reached", CheckHeld, ""}}},
		{"a written refusal ends the list", world{v1alpha1.AudienceProvince, false, false, false},
			func(in *Inputs) {
				in.Service.Spec.Access.Refusals = []v1alpha1.ConsumerRefusal{{Agency: "ubnd-tp", WrittenRefusal: v1alpha1.WrittenRefusal{Reason: "x", LegalBasis: "y", DocumentRef: "CV 9"}}}
			},
			[]want{{"agency ubnd-tp", CheckHeld, ""}, {"DataService", CheckHeld, ""}, {"the provider's answer", CheckRefused, "agency so-tnmt"}, {"reached", CheckHeld, ""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.world.inputs()
			tc.edit(&in)
			d, checks := Explain(in)
			if again := Decide(in); !reflect.DeepEqual(d, again) {
				t.Fatalf("Explain decided %+v, Decide %+v", d, again)
			}
			if len(checks) != len(tc.want) {
				t.Fatalf("checks %+v, want %d", checks, len(tc.want))
			}
			for i, w := range tc.want {
				c := checks[i]
				if !strings.Contains(c.What, w.what) || c.State != w.state || c.Who != w.who {
					t.Errorf("check %d: %+v, want %+v", i, c, w)
				}
				if c.State != CheckHeld && c.Detail == "" {
					t.Errorf("check %d is %s without the decision's words", i, c.State)
				}
			}
		})
	}
}
