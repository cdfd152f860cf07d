package controllers

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	rbacv1ac "k8s.io/client-go/applyconfigurations/rbac/v1"
)

func TestCovers(t *testing.T) {
	existing := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "rb", Namespace: "ns", Labels: map[string]string{"a": "1", "extra": "x"}, ResourceVersion: "7"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "r"},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "u1"}, {APIGroup: rbacv1.GroupName, Kind: "User", Name: "u2"}},
	}
	desired := func() *rbacv1ac.RoleBindingApplyConfiguration {
		return rbacv1ac.RoleBinding("rb", "ns").WithLabels(map[string]string{"a": "1"}).
			WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("ClusterRole").WithName("r")).
			WithSubjects(rbacv1ac.Subject().WithAPIGroup(rbacv1.GroupName).WithKind("User").WithName("u1"),
				rbacv1ac.Subject().WithAPIGroup(rbacv1.GroupName).WithKind("User").WithName("u2"))
	}
	cases := []struct {
		name    string
		desired *rbacv1ac.RoleBindingApplyConfiguration
		want    bool
	}{
		{"same fields, extra label and server fields ignored", desired(), true},
		{"a label changed", desired().WithLabels(map[string]string{"a": "2"}), false},
		{"a label added", desired().WithLabels(map[string]string{"b": "1"}), false},
		{"a subject removed", rbacv1ac.RoleBinding("rb", "ns").WithLabels(map[string]string{"a": "1"}).
			WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("ClusterRole").WithName("r")).
			WithSubjects(rbacv1ac.Subject().WithAPIGroup(rbacv1.GroupName).WithKind("User").WithName("u1")), false},
		{"another role", desired().WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("ClusterRole").WithName("other")), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := covers(existing, tc.desired); got != tc.want {
				t.Fatalf("covers = %v, want %v", got, tc.want)
			}
		})
	}
}
