// Package intern lets the objects of the operator's cache share one copy
// of the strings they repeat: label and annotation keys, the labels that
// name a kind of credential, an agency or a service, condition types,
// statuses and reasons, namespaces. Decoding gives every object a copy of
// its own of each, and at tens of thousands of agreements those copies are
// a good share of the operator's memory (docs/performance.md).
//
// Only strings that many objects repeat are shared: sharing a string that
// only one object holds costs more than it saves.
package intern

import (
	"unique"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// String returns s, sharing its storage with every other string of the
// same value that String returned and that is still in use.
func String(s string) string {
	if s == "" {
		return s
	}
	return unique.Make(s).Value()
}

// sharedLabelValues are the labels whose values many objects repeat: a
// kind of credential, an agency, a service. An agreement's name, its UID
// and a key id are its own, and are left as they are.
var sharedLabelValues = map[string]bool{
	v1alpha1.LabelManagedBy:           true,
	v1alpha1.LabelCredential:          true,
	v1alpha1.LabelAgency:              true,
	v1alpha1.LabelDataService:         true,
	v1alpha1.LabelAgreementNamespace:  true,
	v1alpha1.LabelConsumerAgency:      true,
	v1alpha1.LabelFocalPointNamespace: true,
}

// Object shares the repeated strings of obj in place: its metadata, a
// consumer Secret's data keys, and the conditions and references of this
// API's objects. Every value stays the same.
func Object(obj any) {
	if m, ok := obj.(metav1.Object); ok {
		metadata(m)
	}
	switch o := obj.(type) {
	case *corev1.Secret:
		if o.Labels[v1alpha1.LabelCredential] == v1alpha1.CredentialConsumer {
			o.Data = dataKeys(o.Data)
		}
		o.Type = corev1.SecretType(String(string(o.Type)))
	case *v1alpha1.SharingAgreement:
		o.Spec.Service.Namespace = v1alpha1.ObjectName(String(string(o.Spec.Service.Namespace)))
		o.Spec.Service.Name = v1alpha1.ObjectName(String(string(o.Spec.Service.Name)))
		o.Spec.Purpose = String(o.Spec.Purpose)
		o.Spec.LegalBasis = String(o.Spec.LegalBasis)
		o.Status.ConsumerAgency = String(o.Status.ConsumerAgency)
		o.Status.ProviderAgency = String(o.Status.ProviderAgency)
		o.Status.Endpoint = String(o.Status.Endpoint)
		conditions(o.Status.Conditions)
	case *v1alpha1.DataService:
		conditions(o.Status.Conditions)
	case *v1alpha1.Agency:
		conditions(o.Status.Conditions)
	case *v1alpha1.FocalPoint:
		conditions(o.Status.Conditions)
	}
}

// metadata shares an object's namespace, its label and annotation keys,
// the values of the shared labels, and its owners' kinds.
func metadata(m metav1.Object) {
	m.SetNamespace(String(m.GetNamespace()))
	if l := m.GetLabels(); len(l) > 0 {
		shared := make(map[string]string, len(l))
		for k, v := range l {
			if sharedLabelValues[k] {
				v = String(v)
			}
			shared[String(k)] = v
		}
		m.SetLabels(shared)
	}
	if a := m.GetAnnotations(); len(a) > 0 {
		shared := make(map[string]string, len(a))
		for k, v := range a {
			shared[String(k)] = v
		}
		m.SetAnnotations(shared)
	}
	refs := m.GetOwnerReferences()
	for i := range refs {
		refs[i].APIVersion, refs[i].Kind = String(refs[i].APIVersion), String(refs[i].Kind)
	}
}

// dataKeys shares the keys of a Secret's data (every consumer Secret has
// the same five).
func dataKeys(data map[string][]byte) map[string][]byte {
	if len(data) == 0 {
		return data
	}
	shared := make(map[string][]byte, len(data))
	for k, v := range data {
		shared[String(k)] = v
	}
	return shared
}

// conditions shares what conditions repeat: their types, statuses and
// reasons, and their messages, many of which say the same of many objects
// ("the object is Ready"); in BenchmarkCachedObjects, the messages that are
// one object's own cost about what the repeated ones save.
func conditions(cs []metav1.Condition) {
	for i := range cs {
		c := &cs[i]
		c.Type, c.Reason, c.Message = String(c.Type), String(c.Reason), String(c.Message)
		c.Status = metav1.ConditionStatus(String(string(c.Status)))
	}
}
