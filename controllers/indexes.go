package controllers

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/registry"
)

// Field indexes of the cache.
const (
	// indexAgencyNamespace finds the Agencies that claim a namespace.
	indexAgencyNamespace = "spec.namespace"
	// indexAgencyEndorsement finds the Agencies whose spec.endorsements
	// name a service, by "namespace/name".
	indexAgencyEndorsement = "spec.endorsements.service"
	// indexAgreementProvider finds the SharingAgreements that use a service
	// in a namespace.
	indexAgreementProvider = "spec.service.namespace"
	// indexAgreementService finds the SharingAgreements that use a
	// service, by "namespace/name".
	indexAgreementService = "spec.service"
	// indexServiceBackend finds the DataServices served by a Service.
	indexServiceBackend = "spec.backend.serviceName"
	// indexServiceConsumer finds the DataServices whose
	// spec.access.consumers names an agency.
	indexServiceConsumer = "spec.access.consumers.agency"
	// indexServicePath finds the DataServices published at a path prefix:
	// the one they ask for, or the default the operator computed for them.
	indexServicePath = "effectivePathPrefix"
	// indexCredential finds the Secrets the operator issued, by what they
	// hold: "consumer" for the consumers' copies, and
	// "gateway-for:<agreement namespace>/<agreement>" and
	// "gateway-of:<data service>" for one agreement's or one service's
	// gateway-side keys, and "key-groups-of:<data service>" for the key
	// groups a service's policy names.
	// A label selector would scan every Secret of the namespace on each
	// reconcile: a provider's namespace holds a key per agreement.
	indexCredential = "credential"
)

// credentialKeys are the indexCredential values of an issued Secret.
func credentialKeys(o client.Object) []string {
	l := o.GetLabels()
	switch l[v1alpha1.LabelCredential] {
	case v1alpha1.CredentialConsumer:
		return []string{v1alpha1.CredentialConsumer}
	case v1alpha1.CredentialGateway:
		return []string{
			agreementKeysIndexValue(l[v1alpha1.LabelAgreementNamespace], l[v1alpha1.LabelAgreement]),
			serviceKeysIndexValue(l[v1alpha1.LabelDataService])}
	case v1alpha1.CredentialKeyGroup:
		return []string{keyGroupsIndexValue(l[v1alpha1.LabelDataService])}
	}
	return nil
}

// agreementKeysIndexValue is the indexCredential value of an agreement's
// gateway keys.
func agreementKeysIndexValue(agreementNamespace, agreement string) string {
	return "gateway-for:" + agreementNamespace + "/" + agreement
}

// serviceKeysIndexValue is the indexCredential value of a data service's
// gateway keys.
func serviceKeysIndexValue(service string) string { return "gateway-of:" + service }

// keyGroupsIndexValue is the indexCredential value of a data service's key
// groups.
func keyGroupsIndexValue(service string) string { return "key-groups-of:" + service }

func addIndexes(mgr ctrl.Manager) error {
	idx := mgr.GetFieldIndexer()
	ctx := context.Background()
	if err := idx.IndexField(ctx, &v1alpha1.Agency{}, indexAgencyNamespace, func(o client.Object) []string {
		return []string{string(o.(*v1alpha1.Agency).Spec.Namespace)}
	}); err != nil {
		return err
	}
	if err := idx.IndexField(ctx, &v1alpha1.Agency{}, indexAgencyEndorsement, func(o client.Object) []string {
		var services []string
		for _, e := range o.(*v1alpha1.Agency).Spec.Endorsements {
			services = append(services, string(e.Service))
		}
		return services
	}); err != nil {
		return err
	}
	if err := idx.IndexField(ctx, &v1alpha1.SharingAgreement{}, indexAgreementProvider, func(o client.Object) []string {
		return []string{string(o.(*v1alpha1.SharingAgreement).Spec.Service.Namespace)}
	}); err != nil {
		return err
	}
	if err := idx.IndexField(ctx, &v1alpha1.SharingAgreement{}, indexAgreementService, func(o client.Object) []string {
		s := o.(*v1alpha1.SharingAgreement).Spec.Service
		return []string{string(s.Namespace) + "/" + string(s.Name)}
	}); err != nil {
		return err
	}
	if err := idx.IndexField(ctx, &v1alpha1.DataService{}, indexServiceBackend, func(o client.Object) []string {
		return []string{string(o.(*v1alpha1.DataService).Spec.Backend.ServiceName)}
	}); err != nil {
		return err
	}
	if err := idx.IndexField(ctx, &v1alpha1.DataService{}, indexServiceConsumer, func(o client.Object) []string {
		var agencies []string
		for _, c := range o.(*v1alpha1.DataService).Spec.Access.Consumers {
			agencies = append(agencies, string(c.Agency))
		}
		return agencies
	}); err != nil {
		return err
	}
	if err := idx.IndexField(ctx, &corev1.Secret{}, indexCredential, credentialKeys); err != nil {
		return err
	}
	return idx.IndexField(ctx, &v1alpha1.DataService{}, indexServicePath, func(o client.Object) []string {
		ds := o.(*v1alpha1.DataService)
		if ds.Spec.Route.PathPrefix != "" {
			return []string{ds.Spec.Route.PathPrefix}
		}
		if ds.Status.PathPrefix != "" {
			return []string{ds.Status.PathPrefix}
		}
		return nil
	})
}

// claimants lists the Agencies whose spec.namespace is ns: through the
// cache's index, or, from a reader that has none (the API server, which
// has no field selector for it), by listing every Agency.
func claimants(ctx context.Context, c client.Reader, ns string) ([]v1alpha1.Agency, error) {
	list := &v1alpha1.AgencyList{}
	err := c.List(ctx, list, client.MatchingFields{indexAgencyNamespace: ns})
	if err == nil {
		return list.Items, nil
	}
	if !apierrors.IsBadRequest(err) {
		return nil, err
	}
	if err := c.List(ctx, list); err != nil {
		return nil, err
	}
	var out []v1alpha1.Agency
	for _, a := range list.Items {
		if string(a.Spec.Namespace) == ns {
			out = append(out, a)
		}
	}
	return out, nil
}

// namespaceHolder returns the Agency that holds namespace ns (see
// registry.NamespaceHolder), or nil.
func namespaceHolder(ctx context.Context, c client.Reader, ns string) (*v1alpha1.Agency, error) {
	claims, err := claimants(ctx, c, ns)
	if err != nil {
		return nil, err
	}
	meta, err := namespaceMeta(ctx, c, ns)
	switch {
	case apierrors.IsForbidden(err):
		// A person who may not read namespaces (a focal point, through the
		// kubectl plugin) relies on what the operator recorded.
		return registry.RecordedHolder(claims), nil
	case err != nil:
		return nil, err
	}
	return registry.NamespaceHolder(claims, meta), nil
}

// namespaceMeta reads a namespace's metadata from the cache; nil when it
// does not exist.
func namespaceMeta(ctx context.Context, c client.Reader, name string) (*metav1.PartialObjectMetadata, error) {
	ns := &metav1.PartialObjectMetadata{}
	ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	if err := c.Get(ctx, client.ObjectKey{Name: name}, ns); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	return ns, nil
}

// agencyRequests maps a namespace to reconcile requests for the Agencies
// that claim it.
func agencyRequests(ctx context.Context, c client.Reader, namespaces ...string) []reconcile.Request {
	var reqs []reconcile.Request
	for _, ns := range namespaces {
		agencies, err := claimants(ctx, c, ns)
		if err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "list agencies claiming a namespace", "namespace", ns)
			continue
		}
		reqs = append(reqs, requestsFor(agencies)...)
	}
	return reqs
}
