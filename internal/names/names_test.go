package names

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// TestKeyGroupNumber reads back the number KeyGroupName wrote, and nothing
// from another service's or another kind of Secret's name.
func TestKeyGroupNumber(t *testing.T) {
	ds := &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Name: "dat-dai"}}
	for _, tc := range []struct {
		secret string
		want   int
		ok     bool
	}{
		{KeyGroupName(ds, 0), 0, true},
		{KeyGroupName(ds, 12), 12, true},
		{"datashare-keys-3.ho-tich", 0, false},
		{"datashare-keys-x.dat-dai", 0, false},
		{"datashare-keys--1.dat-dai", 0, false},
		{"datashare-keys-01.dat-dai", 0, false},
		{SentinelName(ds), 0, false},
		{"datashare-keys-3.dat-dai.extra", 0, false},
	} {
		n, ok := KeyGroupNumber(ds, tc.secret)
		if n != tc.want || ok != tc.ok {
			t.Errorf("%q: %d %v, want %d %v", tc.secret, n, ok, tc.want, tc.ok)
		}
	}
}
