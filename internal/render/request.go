package render

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/names"
)

// RequestNeed is one thing that must happen, besides the commit, before a
// requested agreement is live.
type RequestNeed struct {
	// Kind is ProviderConsent, CoordinatorEndorsement, or Nothing (the
	// consent it needs is given).
	Kind RequestNeedKind
	// Provider, Agency and Service name the parties; Secret and Namespace
	// where the key will be, for Nothing.
	Provider, Agency, Service, Secret, Namespace string
}

// RequestNeedKind says what a RequestNeed waits for.
type RequestNeedKind string

const (
	NeedProviderConsent        RequestNeedKind = "ProviderConsent"
	NeedCoordinatorEndorsement RequestNeedKind = "CoordinatorEndorsement"
	NeedNothing                RequestNeedKind = "Nothing"
)

// String says the need in English, for the kubectl plugin.
func (n RequestNeed) String() string {
	switch n.Kind {
	case NeedProviderConsent:
		return fmt.Sprintf("the provider must list agency %s in spec.access.consumers of DataService %s, or refuse in writing, within the working days the rules give", n.Agency, n.Service)
	case NeedCoordinatorEndorsement:
		return fmt.Sprintf("the DIC must endorse agency %s's use of %s in spec.endorsements of its Agency (Điều 17.3)", n.Agency, n.Service)
	default:
		return "nothing more is needed: the consent it needs is given; the agency's focal point finds the key in Secret " + n.Secret + " of namespace " + n.Namespace
	}
}

// RequestManifest is the SharingAgreement an agency commits to ask for a
// service (the kubectl plugin prints it, the portal shows it; neither
// writes it), and what must happen, besides the commit, before it is live.
func RequestManifest(ds *v1alpha1.DataService, agency *v1alpha1.Agency, purpose, legalBasis string) ([]byte, []RequestNeed, error) {
	sa := &v1alpha1.SharingAgreement{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "SharingAgreement"},
		ObjectMeta: metav1.ObjectMeta{Namespace: string(agency.Spec.Namespace), Name: ds.Name},
		Spec: v1alpha1.SharingAgreementSpec{
			Service: v1alpha1.ServiceReference{Namespace: v1alpha1.ObjectName(ds.Namespace), Name: v1alpha1.ObjectName(ds.Name)},
			Purpose: purpose, LegalBasis: legalBasis,
		},
	}
	// What is committed: no status, no empty credentials policy.
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(sa)
	if err != nil {
		return nil, nil, err
	}
	delete(obj, "status")
	if creds, _, _ := unstructured.NestedMap(obj, "spec", "credentials"); len(creds) == 0 {
		unstructured.RemoveNestedField(obj, "spec", "credentials")
	}
	unstructured.RemoveNestedField(obj, "metadata", "creationTimestamp")
	b, err := yaml.Marshal(obj)
	if err != nil {
		return nil, nil, err
	}
	return b, requestNeeds(ds, agency, sa), nil
}

// requestNeeds says what must happen, besides the commit, before the
// agreement is live.
func requestNeeds(ds *v1alpha1.DataService, agency *v1alpha1.Agency, sa *v1alpha1.SharingAgreement) []RequestNeed {
	key := ds.Namespace + "/" + ds.Name
	var needs []RequestNeed
	consented := ds.Spec.Access.ConsentFor(agency.Name) != nil
	outside := agency.Spec.Level.OutsideProvince()
	if (outside || ds.Spec.Access.Audience == v1alpha1.AudienceListed) && !consented {
		needs = append(needs, RequestNeed{Kind: NeedProviderConsent, Provider: ds.Namespace, Agency: agency.Name, Service: key})
	}
	if outside {
		if agency.Spec.EndorsementOf(key) == nil {
			needs = append(needs, RequestNeed{Kind: NeedCoordinatorEndorsement, Agency: agency.Name, Service: key})
		}
	}
	if len(needs) == 0 {
		needs = append(needs, RequestNeed{Kind: NeedNothing, Agency: agency.Name, Service: key, Secret: names.ConsumerSecretName(sa), Namespace: sa.Namespace})
	}
	return needs
}
