package dataservice

import (
	"context"
	"fmt"

	egv1a1 "github.com/envoyproxy/gateway/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/credentials"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/publishing"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// publish makes the gateway objects match the decision. A held route is
// left as it is, and its policies are kept current, so that keys still
// come and go with consent. The NetworkPolicy protects the backend whether
// or not the service is published.
func (r *Reconciler) publish(ctx context.Context, ds *v1alpha1.DataService, action publishing.RouteAction, gatewayAPI, externalAPI bool, objs render.ServiceObjects) error {
	named := metav1.ObjectMeta{Namespace: ds.Namespace, Name: names.ServiceObjectName(ds)}
	publish := action != publishing.RouteWithdraw
	if gatewayAPI {
		// Without those CRDs there is nothing of them to write or remove.
		external := externalAPI && r.Config.Enforcement == config.EnforcementEnvoyGateway
		if external && publish {
			// What the route refers to exists before it does.
			if err := r.publishExternal(ctx, named, publish, objs); err != nil {
				return err
			}
		}
		if action != publishing.RouteHold {
			if err := r.applyOrDelete(ctx, publish, objs.Route, &gatewayv1.HTTPRoute{ObjectMeta: named}, "withdraw HTTPRoute"); err != nil {
				return err
			}
		}
		if r.Config.Enforcement == config.EnforcementEnvoyGateway {
			if err := r.applyOrDelete(ctx, publish && objs.SecurityPolicy != nil, objs.SecurityPolicy,
				&egv1a1.SecurityPolicy{ObjectMeta: named}, "withdraw SecurityPolicy"); err != nil {
				return err
			}
			if err := r.applyOrDelete(ctx, publish && objs.TrafficPolicy != nil, objs.TrafficPolicy,
				&egv1a1.BackendTrafficPolicy{ObjectMeta: named}, "withdraw BackendTrafficPolicy"); err != nil {
				return err
			}
		}
		if external && !publish {
			if err := r.publishExternal(ctx, named, publish, objs); err != nil {
				return err
			}
		}
	}
	return r.applyOrDelete(ctx, objs.NetworkPolicy != nil, objs.NetworkPolicy, &networkingv1.NetworkPolicy{ObjectMeta: named}, "delete NetworkPolicy")
}

// publishExternal writes, or removes, what reaches a backend outside the
// cluster: the Backend and its TLS before the route's credential filter,
// which is what the route refers to last.
func (r *Reconciler) publishExternal(ctx context.Context, named metav1.ObjectMeta, publish bool, objs render.ServiceObjects) error {
	if err := r.applyOrDelete(ctx, publish && objs.Upstream != nil, objs.Upstream, &egv1a1.Backend{ObjectMeta: named}, "withdraw Backend"); err != nil {
		return err
	}
	if err := r.applyOrDelete(ctx, publish && objs.UpstreamTLS != nil, objs.UpstreamTLS, &gatewayv1.BackendTLSPolicy{ObjectMeta: named}, "withdraw BackendTLSPolicy"); err != nil {
		return err
	}
	return r.applyOrDelete(ctx, publish && objs.Credential != nil, objs.Credential, &egv1a1.HTTPRouteFilter{ObjectMeta: named}, "withdraw HTTPRouteFilter")
}

// applyOrDelete applies desired when wanted, and otherwise deletes the
// object that absent names; what says what a failed deletion was doing.
func (r *Reconciler) applyOrDelete(ctx context.Context, wanted bool, desired, absent client.Object, what string) error {
	if wanted {
		err := kit.ApplyIfChanged(ctx, r.Client, desired)
		return err
	}
	if _, err := kit.DeleteIfExists(ctx, r.Client, absent); err != nil {
		return fmt.Errorf("%s %s: %w", what, absent.GetName(), err)
	}
	return nil
}

// keepSentinel makes sure a protected service has its sentinel key. A
// sentinel is written once and rewritten, with a fresh key, only when it
// is missing or holds no valid key.
func (r *Reconciler) keepSentinel(ctx context.Context, ds *v1alpha1.DataService, agency string) error {
	name := client.ObjectKey{Namespace: ds.Namespace, Name: names.SentinelName(ds)}
	existing := &corev1.Secret{}
	switch err := r.Get(ctx, name, existing); {
	case err == nil && credentials.HoldsOneKey(existing) && len(existing.Data[names.SentinelClientID]) > 0:
		return nil
	case err != nil && !apierrors.IsNotFound(err):
		return err
	}
	key, _, err := credentials.NewKey()
	if err != nil {
		return err
	}
	want, err := render.ApplyContent(render.SentinelSecret(ds, agency, key))
	if err != nil {
		return err
	}
	if err := r.Apply(ctx, client.ApplyConfigurationFromUnstructured(want), client.FieldOwner(kit.FieldManager), client.ForceOwnership); err != nil {
		return fmt.Errorf("write sentinel %s: %w", name.Name, err)
	}
	return nil
}

// reportGatewayFault logs at error level when a service's route starts to
// be held because of the LGSP Gateway (publishing's RouteHold: the
// operator cannot tell the gateway's listeners, so it changes nothing that
// is published), once per service and fault (the Ready Event goes with
// it).
func reportGatewayFault(ctx context.Context, before, after *v1alpha1.DataService) {
	was := conditions.Get(before.Status.Conditions, v1alpha1.ConditionReachable)
	now := conditions.Get(after.Status.Conditions, v1alpha1.ConditionReachable)
	if now == nil || was != nil && was.Reason == now.Reason {
		return
	}
	ctrl.LoggerFrom(ctx).Error(nil, "the LGSP Gateway cannot carry this service; its route is left as it is and no key is touched",
		"reason", now.Reason, "message", now.Message)
}
