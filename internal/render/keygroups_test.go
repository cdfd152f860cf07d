package render

import (
	"reflect"
	"testing"
)

func TestGroupKeys(t *testing.T) {
	k := func(ids ...string) map[string][]byte {
		m := map[string][]byte{}
		for _, id := range ids {
			m[id] = []byte("key-of-" + id)
		}
		return m
	}
	for _, tc := range []struct {
		name     string
		held     []map[string][]byte
		keys     map[string][]byte
		capacity int
		want     []map[string][]byte
	}{
		{"no group and no key: one empty group, so that the policy never changes for the first key", nil, nil, 2, []map[string][]byte{{}}},
		{"new keys fill the first group, in order of client id, then open another", nil, k("c", "a", "b"), 2,
			[]map[string][]byte{k("a", "b"), k("c")}},
		{"a key stays where it is, even where a lower group has room", []map[string][]byte{k("a"), k("b", "c")}, k("a", "b", "c"), 2,
			[]map[string][]byte{k("a"), k("b", "c")}},
		{"a revoked key leaves its group alone, which the next new key fills", []map[string][]byte{k("a", "b"), k("c")}, k("b", "c", "d"), 2,
			[]map[string][]byte{k("b", "d"), k("c")}},
		{"emptied groups stay, so the policy naming them does not change", []map[string][]byte{k("a"), k("b")}, nil, 2,
			[]map[string][]byte{{}, {}}},
		{"a missing group is written again with the keys it held elsewhere gone", []map[string][]byte{k("a", "b"), nil}, k("a", "b", "c"), 2,
			[]map[string][]byte{k("a", "b"), k("c")}},
		{"a key held under another value gets the issued one", []map[string][]byte{{"a": []byte("forged")}}, k("a"), 2,
			[]map[string][]byte{k("a")}},
		{"a client held twice stays in the first group only", []map[string][]byte{k("a"), k("a")}, k("a"), 2,
			[]map[string][]byte{k("a"), {}}},
		{"a client no one issued is dropped", []map[string][]byte{k("a", "forged")}, k("a"), 4,
			[]map[string][]byte{k("a")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := GroupKeys(tc.held, tc.keys, tc.capacity); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("GroupKeys = %q, want %q", got, tc.want)
			}
		})
	}
}
