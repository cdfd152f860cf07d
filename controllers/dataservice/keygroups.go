package dataservice

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/gather"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// maxKeyGroups bounds the group numbers read from Secret names: a name
// with a larger number is not one the operator gave.
const maxKeyGroups = 4096

// keepKeyGroups makes a protected service's key groups hold exactly keys
// (client id → key), as render.GroupKeys places them, and returns how many
// groups there are. Each group that changes gets one merge patch of the
// keys that changed, with no precondition: patches of different keys
// never conflict, and one made from a cache that is behind is corrected by
// the next reconcile, which the group's change brings. A revoked key is
// removed by the same patch that may add another.
func (r *Reconciler) keepKeyGroups(ctx context.Context, ds *v1alpha1.DataService, agency string, keys map[string][]byte) (int, error) {
	existing, err := r.keyGroups(ctx, ds)
	if err != nil {
		return 0, err
	}
	held := make([]map[string][]byte, len(existing))
	for i, s := range existing {
		if s != nil {
			held[i] = s.Data
		}
	}
	groups := render.GroupKeys(held, keys, render.KeyGroupCapacity)
	for i, want := range groups {
		var have *corev1.Secret
		if i < len(existing) {
			have = existing[i]
		}
		switch {
		case have == nil:
			if err := r.Create(ctx, render.KeyGroupSecret(ds, agency, i, want)); err != nil {
				return 0, fmt.Errorf("create key group %s: %w", names.KeyGroupName(ds, i), err)
			}
		case !render.SameKeys(have.Data, want):
			patch, err := keyGroupPatch(have.Data, want)
			if err != nil {
				return 0, err
			}
			if err := r.Patch(ctx, have.DeepCopy(), client.RawPatch(types.MergePatchType, patch)); err != nil {
				return 0, fmt.Errorf("write key group %s: %w", have.Name, err)
			}
		}
	}
	return len(groups), nil
}

// keyGroupPatch is the merge patch that takes a group's data from have to
// want: the keys added or changed, and null for those removed.
func keyGroupPatch(have, want map[string][]byte) ([]byte, error) {
	data := map[string]any{}
	for id, key := range want {
		if old, ok := have[id]; !ok || !bytes.Equal(old, key) {
			data[id] = key // encoded in base64, as a Secret's data is
		}
	}
	for id := range have {
		if _, ok := want[id]; !ok {
			data[id] = nil
		}
	}
	return json.Marshal(map[string]any{"data": data})
}

// keyGroups reads a service's key groups from the cache, by number; nil
// for a number that is missing below the highest.
func (r *Reconciler) keyGroups(ctx context.Context, ds *v1alpha1.DataService) ([]*corev1.Secret, error) {
	list := &corev1.SecretList{}
	// No copy of every key: they are only read.
	if err := r.List(ctx, list, client.InNamespace(ds.Namespace), client.MatchingFields{gather.IndexCredential: gather.KeyGroupsIndexValue(ds.Name)},
		client.UnsafeDisableDeepCopy); err != nil {
		return nil, err
	}
	var groups []*corev1.Secret
	for i := range list.Items {
		s := &list.Items[i]
		n, ok := keyGroupNumber(ds, s.Name)
		if !ok || s.DeletionTimestamp != nil {
			continue
		}
		for len(groups) <= n {
			groups = append(groups, nil)
		}
		groups[n] = s
	}
	return groups, nil
}

// keyGroupNumber reads the number of a key group from its Secret's name.
func keyGroupNumber(ds *v1alpha1.DataService, secret string) (int, bool) {
	n, ok := names.KeyGroupNumber(ds, secret)
	return n, ok && n < maxKeyGroups
}

// removeKeySecrets deletes the sentinel and key groups of a service that
// is no longer protected, once its policy is gone.
func (r *Reconciler) removeKeySecrets(ctx context.Context, ds *v1alpha1.DataService) error {
	groups, err := r.keyGroups(ctx, ds)
	if err != nil {
		return err
	}
	secrets := []string{names.SentinelName(ds)}
	for _, g := range groups {
		if g != nil {
			secrets = append(secrets, g.Name)
		}
	}
	for _, name := range secrets {
		if _, err := kit.DeleteIfExists(ctx, r.Client, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ds.Namespace, Name: name}}); err != nil {
			return fmt.Errorf("delete %s: %w", name, err)
		}
	}
	return nil
}
