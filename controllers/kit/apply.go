package kit

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// FieldManager is the one server-side apply field manager under which the
// operator writes everything it owns.
const FieldManager = "datashare-operator"

// ApplyIfChanged applies desired, a typed object with its apiVersion and
// kind set, unless the cache already holds an object with every field that
// desired sets: a resync of an unchanged world writes nothing, and a person's
// edit or deletion is repaired.
func ApplyIfChanged(ctx context.Context, c client.Client, desired client.Object) error {
	want, err := render.ApplyContent(desired)
	if err != nil {
		return err
	}
	existing, err := c.Scheme().New(desired.GetObjectKind().GroupVersionKind())
	if err != nil {
		return fmt.Errorf("apply %T: %w", desired, err)
	}
	err = c.Get(ctx, client.ObjectKeyFromObject(desired), existing.(client.Object))
	switch {
	case err == nil && foreignSpec(existing.(client.Object)):
		if err := replaceSpec(ctx, c, existing.(client.Object), want); err != nil {
			return err
		}
	case err == nil:
		if have, err := render.ToMap(existing); err == nil && covers(have, want.Object) {
			return nil
		}
	case !apierrors.IsNotFound(err):
		return err
	}
	if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(want), client.FieldOwner(FieldManager), client.ForceOwnership); err != nil {
		return fmt.Errorf("apply %s %s/%s: %w", want.GetKind(), want.GetNamespace(), want.GetName(), err)
	}
	return nil
}

// foreignSpec reports whether another writer owns fields of obj's spec
// (the cache keeps managed fields only on the generated routes and
// policies). Server-side apply keeps a field someone else added — a
// timeouts block on a route, an authorization section in a policy — for
// as long as the operator does not set it.
func foreignSpec(obj client.Object) bool {
	for _, mf := range obj.GetManagedFields() {
		if mf.Manager == FieldManager || mf.Subresource != "" || mf.FieldsV1 == nil {
			continue
		}
		var fields map[string]any
		if err := json.Unmarshal(mf.FieldsV1.GetRawBytes(), &fields); err == nil && fields["f:spec"] != nil {
			return true
		}
	}
	return false
}

// replaceSpec writes want's spec over existing's whole spec, which removes
// what another writer added; the apply that follows takes ownership of
// every field again, so that the other writer owns none.
func replaceSpec(ctx context.Context, c client.Client, existing client.Object, want *unstructured.Unstructured) error {
	m, err := render.ToMap(existing)
	if err != nil {
		return err
	}
	replaced := &unstructured.Unstructured{Object: m}
	replaced.SetAPIVersion(want.GetAPIVersion())
	replaced.SetKind(want.GetKind())
	replaced.SetManagedFields(nil)
	replaced.Object["spec"] = want.Object["spec"]
	if err := c.Update(ctx, replaced, client.FieldOwner(FieldManager)); err != nil {
		return fmt.Errorf("remove what others added to %s %s/%s: %w", want.GetKind(), want.GetNamespace(), want.GetName(), err)
	}
	return nil
}

// covers reports whether have holds every field of want with the same
// value. apiVersion and kind are skipped: typed objects read from the cache
// carry none. Lists must match element for element, so that a subject or
// rule removed from want is noticed.
func covers(have, want map[string]any) bool {
	for k, wv := range want {
		if k == "apiVersion" || k == "kind" {
			continue
		}
		if !contains(have[k], wv) {
			return false
		}
	}
	return true
}

func contains(have, want any) bool {
	switch w := want.(type) {
	case map[string]any:
		h, ok := have.(map[string]any)
		if !ok {
			return false
		}
		for k, wv := range w {
			if !contains(h[k], wv) {
				return false
			}
		}
		return true
	case []any:
		if have == nil && len(w) == 0 {
			// The API server stores an empty list as no list at all.
			return true
		}
		h, ok := have.([]any)
		if !ok || len(h) != len(w) {
			return false
		}
		for i := range w {
			if !contains(h[i], w[i]) {
				return false
			}
		}
		return true
	default:
		return reflect.DeepEqual(have, want)
	}
}

// DeleteIfExists deletes obj when the cache holds it; it reports whether it
// wrote.
func DeleteIfExists(ctx context.Context, c client.Client, obj client.Object) (bool, error) {
	if err := c.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	if err := c.Delete(ctx, obj); err != nil && !apierrors.IsNotFound(err) {
		return false, err
	}
	return true, nil
}
