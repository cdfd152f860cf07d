// Package render computes, without a client, the objects the operator wants
// to exist: RBAC for focal points, and the route, auth policy and network
// policy of a data service. Each function returns a typed object holding
// exactly the fields the operator owns; the controllers apply it with
// server-side apply.
package render

import (
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// FocalPointBindingName is the RoleBinding that grants a focal point the
// datashare-focal-point ClusterRole in its namespace.
func FocalPointBindingName(fp *v1alpha1.FocalPoint) string {
	return "datashare-focal-point-" + fp.Name
}

// FocalPointCredentialsBindingName is the RoleBinding that lets a focal
// point read the credentials issued in its namespace.
func FocalPointCredentialsBindingName(fp *v1alpha1.FocalPoint) string {
	return "datashare-focal-point-" + fp.Name + "-credentials"
}

// ProvinceBindingName is the ClusterRoleBinding of a province-level focal
// point. It carries the namespace, because focal point names are unique only
// within one.
func ProvinceBindingName(fp *v1alpha1.FocalPoint) string {
	return "datashare-province-focal-point-" + fp.Namespace + "-" + fp.Name
}

// CatalogBindingName is the ClusterRoleBinding that lets a focal point read
// the catalog. It carries the namespace, because focal point names are
// unique only within one.
func CatalogBindingName(fp *v1alpha1.FocalPoint) string {
	return "datashare-catalog-" + fp.Namespace + "-" + fp.Name
}

// FocalPointLabels are the labels of every binding made for fp.
func FocalPointLabels(fp *v1alpha1.FocalPoint, agency string) map[string]string {
	return map[string]string{
		v1alpha1.LabelManagedBy:           v1alpha1.ManagedByOperator,
		v1alpha1.LabelAgency:              agency,
		v1alpha1.LabelFocalPoint:          fp.Name,
		v1alpha1.LabelFocalPointNamespace: fp.Namespace,
	}
}

// FocalPointBindings returns the RoleBindings that give fp's subjects their
// rights in its namespace: the datashare-focal-point ClusterRole, and the
// Role that reads the credentials issued there. Both are owned by fp, so
// that deleting fp deletes them.
func FocalPointBindings(fp *v1alpha1.FocalPoint, agency string) []*rbacv1.RoleBinding {
	binding := func(name, kind, role string) *rbacv1.RoleBinding {
		return &rbacv1.RoleBinding{
			TypeMeta: metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "RoleBinding"},
			ObjectMeta: metav1.ObjectMeta{
				Name: name, Namespace: fp.Namespace,
				Labels:          FocalPointLabels(fp, agency),
				OwnerReferences: []metav1.OwnerReference{controllerRef("FocalPoint", fp.Name, fp.UID)},
			},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: kind, Name: role},
			Subjects: subjectsOf(fp),
		}
	}
	return []*rbacv1.RoleBinding{
		binding(FocalPointBindingName(fp), "ClusterRole", v1alpha1.FocalPointClusterRole),
		binding(FocalPointCredentialsBindingName(fp), "Role", v1alpha1.IssuedCredentialsRole),
	}
}

// ProvinceBinding returns the ClusterRoleBinding that gives a focal point of
// the coordinator agency its province-wide rights. A cluster-scoped object
// cannot be owned by a namespaced one, so the FocalPoint's finalizer deletes
// it.
func ProvinceBinding(fp *v1alpha1.FocalPoint, agency string) *rbacv1.ClusterRoleBinding {
	return clusterBinding(fp, agency, ProvinceBindingName(fp), v1alpha1.ProvinceFocalPointClusterRole)
}

// CatalogBinding returns the ClusterRoleBinding that lets a focal point read
// the catalog in every namespace; the FocalPoint's finalizer deletes it.
func CatalogBinding(fp *v1alpha1.FocalPoint, agency string) *rbacv1.ClusterRoleBinding {
	return clusterBinding(fp, agency, CatalogBindingName(fp), v1alpha1.CatalogReaderClusterRole)
}

func clusterBinding(fp *v1alpha1.FocalPoint, agency, name, role string) *rbacv1.ClusterRoleBinding {
	return &rbacv1.ClusterRoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "ClusterRoleBinding"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: FocalPointLabels(fp, agency)},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role},
		Subjects:   subjectsOf(fp),
	}
}

// IssuedCredentialsRole returns the Role that lets an agency's focal points
// get, by name, the consumer credential Secrets issued in its namespace. An
// RBAC rule with no resourceNames would grant every Secret, so with no
// credentials issued the Role has no rules at all.
func IssuedCredentialsRole(agency *v1alpha1.Agency, secretNames []string) *rbacv1.Role {
	role := &rbacv1.Role{
		TypeMeta: metav1.TypeMeta{APIVersion: rbacv1.SchemeGroupVersion.String(), Kind: "Role"},
		ObjectMeta: metav1.ObjectMeta{
			Name: v1alpha1.IssuedCredentialsRole, Namespace: string(agency.Spec.Namespace),
			Labels: map[string]string{
				v1alpha1.LabelManagedBy: v1alpha1.ManagedByOperator,
				v1alpha1.LabelAgency:    agency.Name,
			},
			OwnerReferences: []metav1.OwnerReference{controllerRef("Agency", agency.Name, agency.UID)},
		},
	}
	names := slices.Clone(secretNames)
	slices.Sort(names)
	names = slices.Compact(names)
	// An explicit empty list, not a missing one, so that applying it
	// removes a rule the Role held before.
	role.Rules = []rbacv1.PolicyRule{}
	if len(names) > 0 {
		role.Rules = append(role.Rules, rbacv1.PolicyRule{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get"}, ResourceNames: names})
	}
	return role
}

func subjectsOf(fp *v1alpha1.FocalPoint) []rbacv1.Subject {
	out := make([]rbacv1.Subject, 0, len(fp.Spec.Subjects))
	for _, s := range fp.Spec.Subjects {
		out = append(out, rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: string(s.Kind), Name: s.Name})
	}
	return out
}

// controllerRef makes an object of this API the controller owner, so that
// garbage collection deletes what it owns with it.
func controllerRef(kind, name string, uid types.UID) metav1.OwnerReference {
	return metav1.OwnerReference{
		APIVersion: v1alpha1.GroupVersion.String(), Kind: kind, Name: name, UID: uid,
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
	}
}
