package kit

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/gather"
)

func AddIndexes(mgr ctrl.Manager) error {
	idx := mgr.GetFieldIndexer()
	ctx := context.Background()
	if err := idx.IndexField(ctx, &v1alpha1.Agency{}, gather.IndexAgencyNamespace, func(o client.Object) []string {
		return []string{string(o.(*v1alpha1.Agency).Spec.Namespace)}
	}); err != nil {
		return err
	}
	if err := idx.IndexField(ctx, &v1alpha1.Agency{}, gather.IndexAgencyEndorsement, func(o client.Object) []string {
		var services []string
		for _, e := range o.(*v1alpha1.Agency).Spec.Endorsements {
			services = append(services, string(e.Service))
		}
		return services
	}); err != nil {
		return err
	}
	if err := idx.IndexField(ctx, &v1alpha1.SharingAgreement{}, gather.IndexAgreementProvider, func(o client.Object) []string {
		return []string{string(o.(*v1alpha1.SharingAgreement).Spec.Service.Namespace)}
	}); err != nil {
		return err
	}
	if err := idx.IndexField(ctx, &v1alpha1.SharingAgreement{}, gather.IndexAgreementService, func(o client.Object) []string {
		s := o.(*v1alpha1.SharingAgreement).Spec.Service
		return []string{string(s.Namespace) + "/" + string(s.Name)}
	}); err != nil {
		return err
	}
	if err := idx.IndexField(ctx, &v1alpha1.DataService{}, gather.IndexServiceBackend, func(o client.Object) []string {
		if name := o.(*v1alpha1.DataService).Spec.Backend.ServiceName; name != "" {
			return []string{string(name)}
		}
		return nil // a backend outside the cluster
	}); err != nil {
		return err
	}
	if err := idx.IndexField(ctx, &v1alpha1.DataService{}, gather.IndexServiceConsumer, func(o client.Object) []string {
		var agencies []string
		for _, c := range o.(*v1alpha1.DataService).Spec.Access.Consumers {
			agencies = append(agencies, string(c.Agency))
		}
		return agencies
	}); err != nil {
		return err
	}
	if err := idx.IndexField(ctx, &corev1.Secret{}, gather.IndexCredential, gather.CredentialIndexValues); err != nil {
		return err
	}
	return idx.IndexField(ctx, &v1alpha1.DataService{}, gather.IndexServicePath, func(o client.Object) []string {
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

// AgencyRequests maps a namespace to reconcile requests for the Agencies
// that claim it.
func AgencyRequests(ctx context.Context, c client.Reader, namespaces ...string) []reconcile.Request {
	var reqs []reconcile.Request
	for _, ns := range namespaces {
		agencies, err := gather.Claimants(ctx, c, ns)
		if err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "list agencies claiming a namespace", "namespace", ns)
			continue
		}
		reqs = append(reqs, RequestsFor(agencies)...)
	}
	return reqs
}
