package publishing

import (
	"fmt"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// An appraisal is of the service as it was described (Điều 14.1): opening
// it wider is the province's open-data plan's decision (Điều 10.2–10.3), so
// a service made less restricted than appraised is published on the
// appraised terms until the DIC appraises it again. Consumers that hold
// consent under those terms keep their access meanwhile.

// classificationRank orders classifications from the most restricted.
var classificationRank = map[v1alpha1.Classification]int{
	v1alpha1.ClassificationRestricted: 0, v1alpha1.ClassificationShared: 1, v1alpha1.ClassificationOpen: 2,
}

// audienceRank orders audiences from the narrowest.
var audienceRank = map[v1alpha1.Audience]int{
	v1alpha1.AudienceListed: 0, v1alpha1.AudienceProvince: 1, v1alpha1.AudiencePublic: 2,
}

// AppraisedTerms says what the DIC's appraisal of ds, in its agency's
// spec.appraisedServices, covers; nil when the service is not appraised.
// The appraisal's own classification and audience count when it gives
// them; otherwise the terms recorded in ds's status for the same appraisal;
// otherwise, for an appraisal seen for the first time, the service's terms
// now.
func AppraisedTerms(ds *v1alpha1.DataService, agency *v1alpha1.Agency) *v1alpha1.AppraisedTerms {
	a := findAppraisal(agency, ds.Name)
	if a == nil {
		return nil
	}
	t := &v1alpha1.AppraisedTerms{DocumentRef: a.DocumentRef, AppraisedAt: a.AppraisedAt,
		Classification: ds.Spec.Classification, Audience: ds.Spec.Access.Audience}
	if rec := ds.Status.Appraisal; rec != nil && rec.DocumentRef == a.DocumentRef && rec.AppraisedAt.Equal(&a.AppraisedAt) {
		t.Classification, t.Audience = rec.Classification, rec.Audience
	}
	if a.Classification != "" {
		t.Classification = a.Classification
	}
	if a.Audience != "" {
		t.Audience = a.Audience
	}
	return t
}

// Widened names, as "classification Restricted → Open", each term in which
// ds is less restricted than terms; none when terms is nil.
func Widened(ds *v1alpha1.DataService, terms *v1alpha1.AppraisedTerms) []string {
	if terms == nil {
		return nil
	}
	var out []string
	if classificationRank[ds.Spec.Classification] > classificationRank[terms.Classification] {
		out = append(out, fmt.Sprintf("classification %s → %s", terms.Classification, ds.Spec.Classification))
	}
	if audienceRank[ds.Spec.Access.Audience] > audienceRank[terms.Audience] {
		out = append(out, fmt.Sprintf("audience %s → %s", terms.Audience, ds.Spec.Access.Audience))
	}
	return out
}

// AsAppraised is ds as it is published: ds itself, or, when ds is less
// restricted than terms, a copy narrowed to them in what it widened. Every
// reader that decides who may use a service (the gateway's routes and
// policies, consent, the catalog and the feed) reads it through this.
func AsAppraised(ds *v1alpha1.DataService, terms *v1alpha1.AppraisedTerms) *v1alpha1.DataService {
	if len(Widened(ds, terms)) == 0 {
		return ds
	}
	narrowed := ds.DeepCopy()
	if classificationRank[ds.Spec.Classification] > classificationRank[terms.Classification] {
		narrowed.Spec.Classification = terms.Classification
	}
	if audienceRank[ds.Spec.Access.Audience] > audienceRank[terms.Audience] {
		narrowed.Spec.Access.Audience = terms.Audience
		if terms.Audience != v1alpha1.AudiencePublic {
			narrowed.Spec.OpenData = nil
		}
	}
	return narrowed
}

func findAppraisal(agency *v1alpha1.Agency, service string) *v1alpha1.ServiceAppraisal {
	if agency == nil {
		return nil
	}
	for i, a := range agency.Spec.AppraisedServices {
		if string(a.Service) == service {
			return &agency.Spec.AppraisedServices[i]
		}
	}
	return nil
}
