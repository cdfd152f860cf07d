package render

import (
	"bytes"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/names"
)

// KeyGroupCapacity is how many keys a key group takes before keys go to a
// new group. A group is rewritten whole for each key issued or revoked in
// it, so this bounds the bytes of that write; a new group costs one write
// of the SecurityPolicy, which names every group.
const KeyGroupCapacity = 64

// GroupKeys places the keys the gateway must accept (client id → key) in a
// protected service's key groups, given what each existing group holds, in
// order (nil for a group that is missing). A key stays in the group that
// holds it, so that issuing or revoking one key changes one group; a new
// key goes to the first group with room, so that keys issued together
// mostly change one group, and a group is added when every group is full.
// Groups are never removed while the service is protected: the
// SecurityPolicy names them all, and changes only when one is added. What
// a group holds that is not in keys, or holds under another key, is
// dropped or replaced. There is always at least one group.
func GroupKeys(held []map[string][]byte, keys map[string][]byte, capacity int) []map[string][]byte {
	groups := make([]map[string][]byte, max(len(held), 1))
	placed := map[string]bool{}
	for i := range groups {
		groups[i] = map[string][]byte{}
		if i >= len(held) {
			continue
		}
		for id := range held[i] {
			if key, ok := keys[id]; ok && !placed[id] {
				groups[i][id], placed[id] = key, true
			}
		}
	}
	fresh := make([]string, 0, len(keys)-len(placed))
	for id := range keys {
		if !placed[id] {
			fresh = append(fresh, id)
		}
	}
	slices.Sort(fresh)
	for _, id := range fresh {
		best := slices.IndexFunc(groups, func(g map[string][]byte) bool { return len(g) < capacity })
		if best < 0 {
			groups, best = append(groups, map[string][]byte{}), len(groups)
		}
		groups[best][id] = keys[id]
	}
	return groups
}

// SameKeys says whether a group holds exactly want.
func SameKeys(have, want map[string][]byte) bool {
	return maps.EqualFunc(have, want, bytes.Equal)
}

// KeyGroupSecret is a protected service's key group number i, holding
// keys (client id → key). It is owned by the DataService and goes with it.
func KeyGroupSecret(ds *v1alpha1.DataService, agency string, i int, keys map[string][]byte) *corev1.Secret {
	return &corev1.Secret{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: names.KeyGroupName(ds, i), Namespace: ds.Namespace,
			Labels: map[string]string{
				v1alpha1.LabelManagedBy:   v1alpha1.ManagedByOperator,
				v1alpha1.LabelAgency:      agency,
				v1alpha1.LabelDataService: ds.Name,
				v1alpha1.LabelCredential:  v1alpha1.CredentialKeyGroup,
			},
			OwnerReferences: []metav1.OwnerReference{controllerRef("DataService", ds.Name, ds.UID)}},
		Type: corev1.SecretTypeOpaque,
		Data: keys,
	}
}
