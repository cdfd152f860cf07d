// Package credentials plans the life of an agreement's API keys: when a key
// is issued, when it is rotated, and how long an old key stays valid at the
// gateway. The plan is pure; NewKey is the one source of randomness.
package credentials

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/lgsp-vn/datashare-operator/internal/clock"
)

// KeyBytes is the size of an API key: 256 bits.
const KeyBytes = 32

// NewKey returns a fresh API key (256 bits from crypto/rand, URL-safe
// base64) and a short random id that names it in Secret names and client
// ids. The id says nothing about the key.
func NewKey() (key, id string, err error) {
	k := make([]byte, KeyBytes)
	if _, err := rand.Read(k); err != nil {
		return "", "", fmt.Errorf("generate an API key: %w", err)
	}
	i := make([]byte, 4)
	if _, err := rand.Read(i); err != nil {
		return "", "", fmt.Errorf("generate a key id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(k), hex.EncodeToString(i), nil
}

// GatewayKey is one gateway-side key Secret of an agreement.
type GatewayKey struct {
	Name string
	ID   string
	// ExpiresAt is zero for a key in use, or the end of a rotated key's
	// grace period.
	ExpiresAt time.Time
}

// State is what the operator finds of an agreement's keys.
type State struct {
	// CurrentID and IssuedAt describe the key in the consumer's Secret;
	// CurrentID is empty when there is none.
	CurrentID string
	IssuedAt  time.Time
	// Keys are the agreement's gateway-side keys.
	Keys []GatewayKey
	// RotationRequested is when a person last asked for a new key; zero
	// when nobody did.
	RotationRequested time.Time
}

// Plan is what to do now.
type Plan struct {
	// Issue asks for a new key, and Why says why (for the Event).
	Issue bool
	Why   string
	// Expire are gateway keys that leave use now and stay valid for the
	// grace period.
	Expire []string
	// Delete are gateway keys whose grace period is over.
	Delete []string
	// NextRotation is when the key in use is due for rotation.
	NextRotation time.Time
	// Wake is the earliest moment the plan can change by the clock alone.
	Wake time.Time
}

// PlanRotation decides what happens to an agreement's keys at now.
func PlanRotation(s State, now time.Time, interval, grace time.Duration) Plan {
	var p Plan
	current := -1
	for i, k := range s.Keys {
		if k.ID == s.CurrentID && k.ExpiresAt.IsZero() {
			current = i
		}
	}
	switch {
	case s.CurrentID == "":
		p.Issue, p.Why = true, "first key"
	case current < 0:
		p.Issue, p.Why = true, "the gateway no longer holds the consumer's key"
	case !now.Before(s.IssuedAt.Add(interval)):
		p.Issue, p.Why = true, fmt.Sprintf("the key issued at %s reached its rotation interval %s", clock.Format(s.IssuedAt), interval)
	case !s.RotationRequested.IsZero() && s.RotationRequested.After(s.IssuedAt) && !now.Before(s.RotationRequested):
		p.Issue, p.Why = true, fmt.Sprintf("a rotation was requested at %s", clock.Format(s.RotationRequested))
	}

	p.NextRotation = s.IssuedAt.Add(interval)
	if p.Issue {
		p.NextRotation = now.Add(interval)
	}
	wake := []time.Time{p.NextRotation}
	for i, k := range s.Keys {
		switch {
		case !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt):
			p.Delete = append(p.Delete, k.Name)
		case !k.ExpiresAt.IsZero():
			wake = append(wake, k.ExpiresAt)
		case s.CurrentID == "":
			// No consumer Secret holds a key: this one was issued by a run
			// that stopped before handing it over. Nobody has it.
			p.Delete = append(p.Delete, k.Name)
		case i != current || p.Issue:
			// A key leaving use keeps working for the grace period, so that
			// workloads can pick up the new one.
			p.Expire = append(p.Expire, k.Name)
			wake = append(wake, now.Add(grace))
		}
	}
	if !s.RotationRequested.IsZero() && s.RotationRequested.After(now) {
		wake = append(wake, s.RotationRequested)
	}
	p.Wake = clock.Earliest(wake...)
	return p
}
