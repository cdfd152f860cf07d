package sharingagreement

import (
	"testing"

	"k8s.io/apimachinery/pkg/types"
)

func TestIssuedKeysSayWhenTheCacheIsBehind(t *testing.T) {
	tt1 := types.NamespacedName{Namespace: "so-tc", Name: "tt-1"}
	tt2 := types.NamespacedName{Namespace: "so-tc", Name: "tt-2"}
	var k issuedKeys
	steps := []struct {
		what   string
		do     func()
		ask    types.NamespacedName
		cached string
		behind bool
	}{
		{"nothing issued by this process: the first list is new enough", nil, tt1, "", false},
		{"a key just issued, the cache shows none yet", func() { k.remember(tt1, "k1") }, tt1, "", true},
		{"the cache shows an older key", nil, tt1, "k0", true},
		{"another agreement is not concerned", nil, tt2, "", false},
		{"the cache caught up", nil, tt1, "k1", false},
		{"once caught up, the agreement is forgotten", nil, tt1, "", false},
		{"a rotation: k2 issued, cache still on k1", func() { k.remember(tt1, "k2") }, tt1, "k1", true},
		{"the agreement deleted", func() { k.forget(tt1) }, tt1, "k1", false},
	}
	for _, s := range steps {
		if s.do != nil {
			s.do()
		}
		if got := k.cacheBehind(s.ask, s.cached); got != s.behind {
			t.Errorf("%s: cacheBehind = %v, want %v", s.what, got, s.behind)
		}
	}
}

func TestIssuedKeysKnowTheirOwnEcho(t *testing.T) {
	tt1 := types.NamespacedName{Namespace: "so-tc", Name: "tt-1"}
	tt2 := types.NamespacedName{Namespace: "so-tc", Name: "tt-2"}
	var k issuedKeys
	k.remember(tt1, "k1")
	for _, tc := range []struct {
		what      string
		agreement types.NamespacedName
		id        string
		want      bool
	}{
		{"the key just issued", tt1, "k1", true},
		{"another key of the same agreement (someone else's)", tt1, "k0", false},
		{"a Secret without a key id", tt1, "", false},
		{"an agreement this process issued nothing for", tt2, "k1", false},
	} {
		if got := k.issuedHere(tc.agreement, tc.id); got != tc.want {
			t.Errorf("%s: issuedHere = %v, want %v", tc.what, got, tc.want)
		}
	}
	if !k.issuedHere(tt1, "k1") {
		t.Error("asking must not forget: the gateway key and the consumer's Secret both echo one issue")
	}
	k.forget(tt1)
	if k.issuedHere(tt1, "k1") {
		t.Error("a deleted agreement has no echo to expect")
	}
}
