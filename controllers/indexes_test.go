package controllers

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/gather"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

func TestCredentialIndexFindsEachIssuedSecret(t *testing.T) {
	sa := agreement("so-tc", "tt-1", &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: "so-yte", Name: "ho-so"}})
	cases := []struct {
		name   string
		secret *corev1.Secret
		want   []string
	}{
		{"a consumer's copy", render.ConsumerSecret(sa, render.ConsumerCredential{ConsumerAgency: "so-tc", Key: "k", KeyID: "a1"}),
			[]string{"consumer"}},
		{"a gateway-side key", render.GatewayKeySecret(sa, "so-tc", "k", "a1"),
			[]string{"gateway-for:so-tc/tt-1", "gateway-of:ho-so"}},
		{"a Secret of someone else's", &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db-password"}}, nil},
	}
	for _, tc := range cases {
		if got := gather.CredentialIndexValues(tc.secret); !slices.Equal(got, tc.want) {
			t.Errorf("%s: index values %q, want %q", tc.name, got, tc.want)
		}
	}
}
