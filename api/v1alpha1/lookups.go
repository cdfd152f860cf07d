package v1alpha1

// ConsentFor is the provider's consent for agency in consumers; nil when
// there is none. Consumers are a list map keyed by agency: at most one.
func (a *Access) ConsentFor(agency string) *Consent {
	for i := range a.Consumers {
		if string(a.Consumers[i].Agency) == agency {
			return &a.Consumers[i]
		}
	}
	return nil
}

// RefusalOf is the provider's written refusal of agency; nil when there is
// none.
func (a *Access) RefusalOf(agency string) *ConsumerRefusal {
	for i := range a.Refusals {
		if string(a.Refusals[i].Agency) == agency {
			return &a.Refusals[i]
		}
	}
	return nil
}

// EndorsementOf is the DIC's endorsement of this agency for service
// (namespace/name); nil when there is none.
func (s *AgencySpec) EndorsementOf(service string) *Endorsement {
	for i := range s.Endorsements {
		if string(s.Endorsements[i].Service) == service {
			return &s.Endorsements[i]
		}
	}
	return nil
}

// DeclinedEndorsementOf is the DIC's written refusal to endorse this agency
// for service (namespace/name); nil when there is none.
func (s *AgencySpec) DeclinedEndorsementOf(service string) *DeclinedEndorsement {
	for i := range s.DeclinedEndorsements {
		if string(s.DeclinedEndorsements[i].Service) == service {
			return &s.DeclinedEndorsements[i]
		}
	}
	return nil
}
