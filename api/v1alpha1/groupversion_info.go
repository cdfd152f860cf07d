// Package v1alpha1 holds the datashare.lgsp.vn/v1alpha1 API: the province's
// register of agencies, their focal points, the data services they publish
// through the LGSP, and the agreements under which other agencies use them.
//
// +kubebuilder:object:generate=true
// +groupName=datashare.lgsp.vn
package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// GroupVersion is the group and version of every kind in this package.
	GroupVersion = schema.GroupVersion{Group: "datashare.lgsp.vn", Version: "v1alpha1"}

	// SchemeBuilder registers this package's kinds with a runtime.Scheme.
	SchemeBuilder = &scheme.Builder{GroupVersion: GroupVersion}

	// AddToScheme adds this package's kinds to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)
