package dataservice

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/gather"
)

// registeredConsumers says, for each agency the service's consents name,
// whether it is registered.
func (r *Reconciler) registeredConsumers(ctx context.Context, ds *v1alpha1.DataService) (map[string]bool, []v1alpha1.Agency, error) {
	registered := map[string]bool{}
	var nationals []v1alpha1.Agency
	for _, c := range ds.Spec.Access.Consumers {
		a := &v1alpha1.Agency{}
		err := r.Get(ctx, client.ObjectKey{Name: string(c.Agency)}, a)
		if client.IgnoreNotFound(err) != nil {
			return nil, nil, err
		}
		registered[string(c.Agency)] = err == nil
		if err == nil && a.Spec.Level == v1alpha1.LevelNational {
			nationals = append(nationals, *a)
		}
	}
	return registered, nationals, nil
}

// samePath lists the DataServices that publish, or ask for, path.
func (r *Reconciler) samePath(ctx context.Context, path string) ([]v1alpha1.DataService, error) {
	list := &v1alpha1.DataServiceList{}
	if err := r.List(ctx, list, client.MatchingFields{gather.IndexServicePath: path}); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// lgspGateway reads the configured LGSP Gateway; nil when it does not
// exist.
func (r *Reconciler) lgspGateway(ctx context.Context) (*gatewayv1.Gateway, error) {
	gw := &gatewayv1.Gateway{}
	err := r.Get(ctx, client.ObjectKey{Namespace: r.Config.Gateway.Namespace, Name: r.Config.Gateway.Name}, gw)
	switch {
	case apierrors.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, err
	case gw.DeletionTimestamp != nil:
		return nil, nil
	}
	return gw, nil
}
