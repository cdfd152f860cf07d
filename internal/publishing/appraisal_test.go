package publishing

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// TestAnAppraisalCoversWhatItAppraised: a service made less restricted than
// its appraisal covers is published on the appraised terms, not Ready
// (AppraisalOutdated, naming what changed), until the DIC appraises it
// again; narrowing it, or an appraisal that gives the wider terms, is
// fine.
func TestAnAppraisalCoversWhatItAppraised(t *testing.T) {
	recorded := func(c v1alpha1.Classification, a v1alpha1.Audience) func(*Inputs) {
		return func(in *Inputs) {
			in.Service.Status.Appraisal = &v1alpha1.AppraisedTerms{DocumentRef: "CV 215", AppraisedAt: in.Agency.Spec.AppraisedServices[0].AppraisedAt,
				Classification: c, Audience: a}
		}
	}
	describe := func(c v1alpha1.Classification, a v1alpha1.Audience) func(*Inputs) {
		return func(in *Inputs) {
			in.Service.Spec.Classification, in.Service.Spec.Access.Audience = c, a
			if a == v1alpha1.AudienceListed {
				in.Service.Spec.Access.Consumers = []v1alpha1.Consent{{Agency: "ubnd-tp", DocumentRef: "CV 1"}}
			}
		}
	}
	appraisedAs := func(c v1alpha1.Classification, a v1alpha1.Audience) func(*Inputs) {
		return func(in *Inputs) {
			in.Agency.Spec.AppraisedServices[0].Classification, in.Agency.Spec.AppraisedServices[0].Audience = c, a
		}
	}
	renewed := func(in *Inputs) {
		in.Agency.Spec.AppraisedServices[0].DocumentRef = "CV 301"
		in.Agency.Spec.AppraisedServices[0].AppraisedAt = metav1.NewTime(now.Add(-time.Hour))
	}
	const (
		restricted, shared, open = v1alpha1.ClassificationRestricted, v1alpha1.ClassificationShared, v1alpha1.ClassificationOpen
		listed, province, public = v1alpha1.AudienceListed, v1alpha1.AudienceProvince, v1alpha1.AudiencePublic
	)
	cases := []struct {
		name          string
		edits         []func(*Inputs)
		wantReady     v1alpha1.ConditionReason
		wantInMessage string
		wantRecorded  [2]string
		wantPublished [2]string
	}{
		{"a first appraisal records the terms as they are", []func(*Inputs){describe(restricted, listed)},
			v1alpha1.ReasonReady, "", [2]string{"Restricted", "Listed"}, [2]string{"Restricted", "Listed"}},
		{"opened wider than recorded", []func(*Inputs){recorded(restricted, listed), describe(open, public)},
			v1alpha1.ReasonAppraisalOutdated, "(CV 215, 2026-", [2]string{"Restricted", "Listed"}, [2]string{"Restricted", "Listed"}},
		{"only the audience widened", []func(*Inputs){recorded(shared, listed), describe(shared, province)},
			v1alpha1.ReasonAppraisalOutdated, ": audience Listed → Province. It stays published", [2]string{"Shared", "Listed"}, [2]string{"Shared", "Listed"}},
		{"narrowed: nothing to appraise", []func(*Inputs){recorded(shared, province), describe(restricted, listed)},
			v1alpha1.ReasonReady, "", [2]string{"Shared", "Province"}, [2]string{"Restricted", "Listed"}},
		{"a renewed appraisal takes the terms as they are", []func(*Inputs){recorded(restricted, listed), describe(open, public), renewed},
			v1alpha1.ReasonReady, "", [2]string{"Open", "Public"}, [2]string{"Open", "Public"}},
		{"the appraisal's own terms count over the record", []func(*Inputs){recorded(open, public), describe(open, public), appraisedAs(shared, province)},
			v1alpha1.ReasonAppraisalOutdated, "classification Shared → Open, audience Province → Public", [2]string{"Shared", "Province"}, [2]string{"Shared", "Province"}},
		{"an appraisal that gives the wider terms", []func(*Inputs){recorded(restricted, listed), describe(open, public), appraisedAs(open, public)},
			v1alpha1.ReasonReady, "", [2]string{"Open", "Public"}, [2]string{"Open", "Public"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := inputs()
			for _, edit := range tc.edits {
				edit(&in)
			}
			spec := in.Service.Spec.DeepCopy()
			d := Decide(in)
			ready := find(d, v1alpha1.ConditionReady)
			if ready.Reason != tc.wantReady || !strings.Contains(ready.Message, tc.wantInMessage) {
				t.Errorf("Ready: %s %q; want %s containing %q", ready.Reason, ready.Message, tc.wantReady, tc.wantInMessage)
			}
			if got := [2]string{string(d.Appraisal.Classification), string(d.Appraisal.Audience)}; got != tc.wantRecorded {
				t.Errorf("recorded %v, want %v", got, tc.wantRecorded)
			}
			if got := [2]string{string(d.Published.Spec.Classification), string(d.Published.Spec.Access.Audience)}; got != tc.wantPublished {
				t.Errorf("published on %v, want %v", got, tc.wantPublished)
			}
			if accepted := find(d, v1alpha1.ConditionAccepted); accepted.Reason != v1alpha1.ReasonAccepted {
				t.Errorf("an outdated appraisal must not withdraw the service: Accepted %s", accepted.Reason)
			}
			if in.Service.Spec.Classification != spec.Classification || in.Service.Spec.Access.Audience != spec.Access.Audience {
				t.Error("Decide changed the service it was given")
			}
		})
	}
}
