package testenv

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// AcceptRoutes plays the gateway where there is none (the demo, tests of
// the portal): it writes each HTTPRoute's status, accepted for its current
// generation, as Envoy Gateway would.
func AcceptRoutes(ctx context.Context, c client.Client) error {
	routes := &gatewayv1.HTTPRouteList{}
	if err := c.List(ctx, routes); err != nil {
		return err
	}
	for i := range routes.Items {
		r := &routes.Items[i]
		if len(r.Status.Parents) == 1 && len(r.Status.Parents[0].Conditions) == 1 && r.Status.Parents[0].Conditions[0].ObservedGeneration == r.Generation {
			continue
		}
		r.Status.Parents = []gatewayv1.RouteParentStatus{{
			ParentRef:      r.Spec.ParentRefs[0],
			ControllerName: "gateway.envoyproxy.io/gatewayclass-controller",
			Conditions: []metav1.Condition{{
				Type: string(gatewayv1.RouteConditionAccepted), Status: metav1.ConditionTrue, Reason: "Accepted",
				Message: "Route is accepted (by a test environment, playing the gateway)", ObservedGeneration: r.Generation, LastTransitionTime: metav1.Now(),
			}},
		}}
		if err := c.Status().Update(ctx, r); err != nil && !apierrors.IsConflict(err) {
			return err
		}
	}
	return nil
}
