package gather

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/registry"
)

// Claimants lists the Agencies whose spec.namespace is ns: through the
// cache's index, or, from a reader that has none (the API server, which
// has no field selector for it), by listing every Agency.
func Claimants(ctx context.Context, c client.Reader, ns string) ([]v1alpha1.Agency, error) {
	list := &v1alpha1.AgencyList{}
	err := c.List(ctx, list, client.MatchingFields{IndexAgencyNamespace: ns})
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

// NamespaceHolder returns the Agency that holds namespace ns (see
// registry.NamespaceHolder), or nil.
func NamespaceHolder(ctx context.Context, c client.Reader, ns string) (*v1alpha1.Agency, error) {
	claims, err := Claimants(ctx, c, ns)
	if err != nil {
		return nil, err
	}
	meta, err := NamespaceMeta(ctx, c, ns)
	if err != nil && !apierrors.IsForbidden(err) {
		return nil, err
	}
	return registry.HolderAsSeen(claims, meta, err == nil), nil
}

// NamespaceMeta reads a namespace's metadata from the cache; nil when it
// does not exist.
func NamespaceMeta(ctx context.Context, c client.Reader, name string) (*metav1.PartialObjectMetadata, error) {
	ns := &metav1.PartialObjectMetadata{}
	ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	if err := c.Get(ctx, client.ObjectKey{Name: name}, ns); err != nil {
		return nil, client.IgnoreNotFound(err)
	}
	return ns, nil
}
