// Package gather reads what the decisions depend on, from the operator's
// cache or from the API server with a person's rights (the kubectl plugin,
// the portal): the namespace's holder, an agreement's consent inputs, and
// the names of the cache's field indexes those reads use. It reads and
// never writes; the rules are the pure packages'.
package gather

import (
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// Field indexes of the cache.
const (
	// IndexAgencyNamespace finds the Agencies that claim a namespace.
	IndexAgencyNamespace = "spec.namespace"
	// IndexAgencyEndorsement finds the Agencies whose spec.endorsements
	// name a service, by "namespace/name".
	IndexAgencyEndorsement = "spec.endorsements.service"
	// IndexAgreementProvider finds the SharingAgreements that use a service
	// in a namespace.
	IndexAgreementProvider = "spec.service.namespace"
	// IndexAgreementService finds the SharingAgreements that use a
	// service, by "namespace/name".
	IndexAgreementService = "spec.service"
	// IndexServiceBackend finds the DataServices served by a Service.
	IndexServiceBackend = "spec.backend.serviceName"
	// IndexServiceConsumer finds the DataServices whose
	// spec.access.consumers names an agency.
	IndexServiceConsumer = "spec.access.consumers.agency"
	// IndexServicePath finds the DataServices published at a path prefix:
	// the one they ask for, or the default the operator computed for them.
	IndexServicePath = "effectivePathPrefix"
	// IndexCredential finds the Secrets the operator issued, by what they
	// hold: "consumer" for the consumers' copies, and
	// "gateway-for:<agreement namespace>/<agreement>" and
	// "gateway-of:<data service>" for one agreement's or one service's
	// gateway-side keys, and "key-groups-of:<data service>" for the key
	// groups a service's policy names.
	// A label selector would scan every Secret of the namespace on each
	// reconcile: a provider's namespace holds a key per agreement.
	IndexCredential = "credential"
)

// CredentialIndexValues are the IndexCredential values of an issued Secret.
func CredentialIndexValues(o client.Object) []string {
	l := o.GetLabels()
	switch l[v1alpha1.LabelCredential] {
	case v1alpha1.CredentialConsumer:
		return []string{v1alpha1.CredentialConsumer}
	case v1alpha1.CredentialGateway:
		return []string{
			AgreementKeysIndexValue(l[v1alpha1.LabelAgreementNamespace], l[v1alpha1.LabelAgreement]),
			ServiceKeysIndexValue(l[v1alpha1.LabelDataService])}
	case v1alpha1.CredentialKeyGroup:
		return []string{KeyGroupsIndexValue(l[v1alpha1.LabelDataService])}
	}
	return nil
}

// AgreementKeysIndexValue is the IndexCredential value of an agreement's
// gateway keys.
func AgreementKeysIndexValue(agreementNamespace, agreement string) string {
	return "gateway-for:" + agreementNamespace + "/" + agreement
}

// ServiceKeysIndexValue is the IndexCredential value of a data service's
// gateway keys.
func ServiceKeysIndexValue(service string) string { return "gateway-of:" + service }

// KeyGroupsIndexValue is the IndexCredential value of a data service's key
// groups.
func KeyGroupsIndexValue(service string) string { return "key-groups-of:" + service }
