// Package v1alpha1 holds the datashare.lgsp.vn/v1alpha1 API: the province's
// register of agencies, their focal points, the data services they publish
// through the LGSP, and the agreements under which other agencies use them.
//
// +kubebuilder:object:generate=true
// +groupName=datashare.lgsp.vn
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	// GroupVersion is the group and version of every kind in this package.
	GroupVersion = schema.GroupVersion{Group: "datashare.lgsp.vn", Version: "v1alpha1"}

	// SchemeBuilder registers this package's kinds with a runtime.Scheme.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds this package's kinds to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// addKnownTypes registers each kind of this package with its list, and the
// group's common options (ListOptions, DeleteOptions, …).
func addKnownTypes(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion,
		&Agency{}, &AgencyList{},
		&FocalPoint{}, &FocalPointList{},
		&DataService{}, &DataServiceList{},
		&SharingAgreement{}, &SharingAgreementList{},
	)
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}
