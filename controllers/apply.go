package controllers

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// FieldManager is the one server-side apply field manager under which the
// operator writes everything it owns.
const FieldManager = "datashare-operator"

// applyIfChanged applies desired unless existing (read from the cache, nil
// when absent) already holds every field desired sets, so that a resync of
// an unchanged world writes nothing. It reports whether it wrote.
func applyIfChanged(ctx context.Context, c client.Client, existing client.Object, desired runtime.ApplyConfiguration) (bool, error) {
	if existing != nil && covers(existing, desired) {
		return false, nil
	}
	if err := c.Apply(ctx, desired, client.FieldOwner(FieldManager), client.ForceOwnership); err != nil {
		return false, err
	}
	return true, nil
}

// covers reports whether obj holds every field that desired sets, with the
// same value. Lists must match element for element, so that a subject or
// rule removed from desired is noticed.
func covers(obj client.Object, desired runtime.ApplyConfiguration) bool {
	var have, want map[string]any
	if err := roundTrip(obj, &have); err != nil {
		return false
	}
	if err := roundTrip(desired, &want); err != nil {
		return false
	}
	// Typed objects read from the cache carry no apiVersion and kind.
	delete(want, "apiVersion")
	delete(want, "kind")
	return contains(have, want)
}

func roundTrip(v any, out *map[string]any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("marshal %T: %w", v, err)
	}
	return json.Unmarshal(raw, out)
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

// deleteIfExists deletes obj when the cache holds it; it reports whether it
// wrote.
func deleteIfExists(ctx context.Context, c client.Client, obj client.Object) (bool, error) {
	if err := c.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	if err := c.Delete(ctx, obj); err != nil && !apierrors.IsNotFound(err) {
		return false, err
	}
	return true, nil
}
