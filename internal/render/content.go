package render

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// ApplyContent is what the operator applies of a rendered object: its
// fields without nulls, and without status, which belongs to another writer
// (the gateway writes a route's status).
func ApplyContent(obj any) (*unstructured.Unstructured, error) {
	m, err := ToMap(obj)
	if err != nil {
		return nil, err
	}
	delete(m, "status")
	return &unstructured.Unstructured{Object: dropNulls(m).(map[string]any)}, nil
}

// ToMap turns an object into its JSON form as a map.
func ToMap(v any) (map[string]any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal %T: %w", v, err)
	}
	var m map[string]any
	return m, json.Unmarshal(raw, &m)
}

// dropNulls removes null values, which typed objects marshal for unset
// fields such as metadata.creationTimestamp.
func dropNulls(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if val == nil {
				delete(t, k)
				continue
			}
			t[k] = dropNulls(val)
		}
	case []any:
		for i := range t {
			t[i] = dropNulls(t[i])
		}
	}
	return v
}
