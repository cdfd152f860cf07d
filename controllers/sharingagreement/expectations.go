package sharingagreement

import (
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/types"
)

// issuedKeys remembers, per agreement, the id of the last key this process
// issued until the cache shows it. A cache filled by this process's first
// list is at least as new as every write of a process before it; what it
// can miss is this process's own latest writes. So a reconcile that finds
// no key to keep needs to read past the cache only when this process issued
// one the cache has not shown yet — the expectations of Kubernetes' own
// ReplicaSet controller, for keys.
type issuedKeys struct {
	mu      sync.Mutex
	pending map[types.NamespacedName]string
}

// remember records that key id is being issued for an agreement.
func (k *issuedKeys) remember(agreement types.NamespacedName, id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.pending == nil {
		k.pending = map[types.NamespacedName]string{}
	}
	k.pending[agreement] = id
}

// cacheBehind reports whether the cache, which shows cachedID as the
// agreement's current key, has not yet caught up with the last key this
// process issued for it. Once it has, the agreement is forgotten.
func (k *issuedKeys) cacheBehind(agreement types.NamespacedName, cachedID string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	id, ok := k.pending[agreement]
	if !ok {
		return false
	}
	if id == cachedID {
		delete(k.pending, agreement)
		return false
	}
	return true
}

// issuedHere reports whether key id is the last this process issued for
// an agreement and the cache has not yet been seen to show.
func (k *issuedKeys) issuedHere(agreement types.NamespacedName, id string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	pending, ok := k.pending[agreement]
	return ok && id != "" && pending == id
}

// forget drops an agreement, once deleted.
func (k *issuedKeys) forget(agreement types.NamespacedName) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.pending, agreement)
}

// keysToHandOver remembers, per agreement, the last key this process
// issued until its consumer's Secret is written with it. When that write
// fails (a quota, a policy of the cluster), the retry hands the same key
// over again instead of issuing another one on each attempt. After a
// restart it is empty, and a key never handed over is replaced, as before.
type keysToHandOver struct {
	mu      sync.Mutex
	pending map[types.NamespacedName]keyToHandOver
}

// keyToHandOver is a key issued and not yet handed over.
type keyToHandOver struct {
	id       string
	issuedAt time.Time
}

// remember records that key id, issued at issuedAt, is to be handed over.
func (k *keysToHandOver) remember(agreement types.NamespacedName, id string, issuedAt time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.pending == nil {
		k.pending = map[types.NamespacedName]keyToHandOver{}
	}
	k.pending[agreement] = keyToHandOver{id: id, issuedAt: issuedAt}
}

// lookup returns the key still to be handed over for an agreement.
func (k *keysToHandOver) lookup(agreement types.NamespacedName) (keyToHandOver, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	key, ok := k.pending[agreement]
	return key, ok
}

// handedOver records that the consumer's Secret now holds key id.
func (k *keysToHandOver) handedOver(agreement types.NamespacedName, id string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.pending[agreement].id == id {
		delete(k.pending, agreement)
	}
}

// forget drops an agreement, once deleted.
func (k *keysToHandOver) forget(agreement types.NamespacedName) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.pending, agreement)
}
