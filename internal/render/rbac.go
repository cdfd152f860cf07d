// Package render computes, without a client, the objects the operator wants
// to exist: RBAC for focal points here, gateway objects and Secrets for
// services and agreements. Each function returns a server-side apply
// configuration holding exactly the fields the operator owns.
package render

import (
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/types"
	metav1ac "k8s.io/client-go/applyconfigurations/meta/v1"
	rbacv1ac "k8s.io/client-go/applyconfigurations/rbac/v1"

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
func FocalPointBindings(fp *v1alpha1.FocalPoint, agency string) []*rbacv1ac.RoleBindingApplyConfiguration {
	owner := ownerReference("FocalPoint", fp.Name, fp.UID)
	subjects := subjectsOf(fp)
	role := rbacv1ac.RoleBinding(FocalPointBindingName(fp), fp.Namespace).
		WithLabels(FocalPointLabels(fp, agency)).
		WithOwnerReferences(owner).
		WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("ClusterRole").WithName(v1alpha1.FocalPointClusterRole)).
		WithSubjects(subjects...)
	creds := rbacv1ac.RoleBinding(FocalPointCredentialsBindingName(fp), fp.Namespace).
		WithLabels(FocalPointLabels(fp, agency)).
		WithOwnerReferences(owner).
		WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("Role").WithName(v1alpha1.IssuedCredentialsRole)).
		WithSubjects(subjects...)
	return []*rbacv1ac.RoleBindingApplyConfiguration{role, creds}
}

// ProvinceBinding returns the ClusterRoleBinding that gives a focal point of
// the coordinator agency its province-wide rights. A cluster-scoped object
// cannot be owned by a namespaced one, so the FocalPoint's finalizer deletes
// it.
func ProvinceBinding(fp *v1alpha1.FocalPoint, agency string) *rbacv1ac.ClusterRoleBindingApplyConfiguration {
	return rbacv1ac.ClusterRoleBinding(ProvinceBindingName(fp)).
		WithLabels(FocalPointLabels(fp, agency)).
		WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("ClusterRole").WithName(v1alpha1.ProvinceFocalPointClusterRole)).
		WithSubjects(subjectsOf(fp)...)
}

// IssuedCredentialsRole returns the Role that lets an agency's focal points
// get, by name, the consumer credential Secrets issued in its namespace. An
// RBAC rule with no resourceNames would grant every Secret, so with no
// credentials issued the Role has no rules at all.
func IssuedCredentialsRole(agency *v1alpha1.Agency, secretNames []string) *rbacv1ac.RoleApplyConfiguration {
	role := rbacv1ac.Role(v1alpha1.IssuedCredentialsRole, string(agency.Spec.Namespace)).
		WithLabels(map[string]string{
			v1alpha1.LabelManagedBy: v1alpha1.ManagedByOperator,
			v1alpha1.LabelAgency:    agency.Name,
		}).
		WithOwnerReferences(ownerReference("Agency", agency.Name, agency.UID))
	names := slices.Clone(secretNames)
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) > 0 {
		role.WithRules(rbacv1ac.PolicyRule().WithAPIGroups("").WithResources("secrets").WithVerbs("get").WithResourceNames(names...))
	}
	// With no names the rule is left out, and server-side apply removes the
	// one this field manager applied before.
	return role
}

func subjectsOf(fp *v1alpha1.FocalPoint) []*rbacv1ac.SubjectApplyConfiguration {
	out := make([]*rbacv1ac.SubjectApplyConfiguration, 0, len(fp.Spec.Subjects))
	for _, s := range fp.Spec.Subjects {
		out = append(out, rbacv1ac.Subject().WithAPIGroup(rbacv1.GroupName).WithKind(string(s.Kind)).WithName(s.Name))
	}
	return out
}

// ownerReference makes an object of this API the controller owner, so that
// garbage collection deletes what it owns with it.
func ownerReference(kind, name string, uid types.UID) *metav1ac.OwnerReferenceApplyConfiguration {
	return metav1ac.OwnerReference().
		WithAPIVersion(v1alpha1.GroupVersion.String()).WithKind(kind).WithName(name).WithUID(uid).
		WithController(true).WithBlockOwnerDeletion(true)
}
