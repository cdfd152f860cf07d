// Package scheme builds the runtime.Scheme of every kind the operator reads
// or writes: Kubernetes' own, this project's API, Gateway API and Envoy
// Gateway.
package scheme

import (
	egv1a1 "github.com/envoyproxy/gateway/api/v1alpha1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	datasharev1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// New returns a scheme with every kind the operator uses registered.
func New() *runtime.Scheme {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(datasharev1alpha1.AddToScheme(s))
	utilruntime.Must(gatewayv1.Install(s))
	utilruntime.Must(egv1a1.AddToScheme(s))
	// CustomResourceDefinitions, for tests and tools that install or read
	// them.
	utilruntime.Must(apiextensionsv1.AddToScheme(s))
	return s
}
