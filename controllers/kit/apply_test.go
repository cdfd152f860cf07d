package kit

import (
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/lgsp-vn/datashare-operator/internal/render"
)

func TestCovers(t *testing.T) {
	existing := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "rb", Namespace: "ns", Labels: map[string]string{"a": "1", "extra": "x"}, ResourceVersion: "7"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "r"},
		Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "u1"}, {APIGroup: rbacv1.GroupName, Kind: "User", Name: "u2"}},
	}
	desired := func(edit func(*rbacv1.RoleBinding)) *rbacv1.RoleBinding {
		rb := &rbacv1.RoleBinding{
			TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
			ObjectMeta: metav1.ObjectMeta{Name: "rb", Namespace: "ns", Labels: map[string]string{"a": "1"}},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "r"},
			Subjects:   []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: "User", Name: "u1"}, {APIGroup: rbacv1.GroupName, Kind: "User", Name: "u2"}},
		}
		if edit != nil {
			edit(rb)
		}
		return rb
	}
	cases := []struct {
		name    string
		desired *rbacv1.RoleBinding
		want    bool
	}{
		{"same fields; extra label, server fields and type meta ignored", desired(nil), true},
		{"a label changed", desired(func(rb *rbacv1.RoleBinding) { rb.Labels["a"] = "2" }), false},
		{"a label added", desired(func(rb *rbacv1.RoleBinding) { rb.Labels["b"] = "1" }), false},
		{"a subject removed", desired(func(rb *rbacv1.RoleBinding) { rb.Subjects = rb.Subjects[:1] }), false},
		{"another role", desired(func(rb *rbacv1.RoleBinding) { rb.RoleRef.Name = "other" }), false},
	}
	have, err := render.ToMap(existing)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, err := render.ApplyContent(tc.desired)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := want.Object["metadata"].(map[string]any)["creationTimestamp"]; ok {
				t.Fatal("applied content must not carry a null creationTimestamp")
			}
			if got := covers(have, want.Object); got != tc.want {
				t.Fatalf("covers = %v, want %v", got, tc.want)
			}
		})
	}

	// A Role whose last rule must go: an explicit empty list is noticed.
	role := &rbacv1.Role{Rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}}}}
	emptied := &rbacv1.Role{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"}, Rules: []rbacv1.PolicyRule{}}
	haveRole, _ := render.ToMap(role)
	wantRole, _ := render.ApplyContent(emptied)
	if covers(haveRole, wantRole.Object) {
		t.Fatal("a Role with a rule must not cover one with none")
	}
	// The API server stores an empty list as none: that covers it.
	stored, _ := render.ToMap(&rbacv1.Role{})
	if !covers(stored, wantRole.Object) {
		t.Fatal("a stored Role without rules must cover an empty rules list")
	}
}
