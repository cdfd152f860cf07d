// Package credentials plans the life of an agreement's API keys: when a key
// is issued, when it is rotated, and how long an old key stays valid at the
// gateway. The plan is pure; NewKey is the one source of randomness.
package credentials

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
)

// DefaultRotationInterval applies when an agreement leaves
// spec.credentials.rotationInterval out (the API defaults it too).
const DefaultRotationInterval = 90 * 24 * time.Hour

// RotationInterval is how long sa's keys are used before a new one is
// issued.
func RotationInterval(sa *v1alpha1.SharingAgreement) time.Duration {
	if ri := sa.Spec.Credentials.RotationInterval; ri != nil {
		return ri.Duration
	}
	return DefaultRotationInterval
}

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

// MaxKeys is how many keys an agreement holds at the gateway at most: the
// current one and rotated keys in their grace period. A person who asks
// for rotation after rotation cannot grow the list without end; past it,
// the rotated keys closest to their end go first.
const MaxKeys = 8

// GatewayKey is one gateway-side key Secret of an agreement.
type GatewayKey struct {
	Name string
	ID   string
	// ExpiresAt is zero for a key in use, or the end of a rotated key's
	// grace period.
	ExpiresAt time.Time
	// Recorded says that the agreement's status records the key's id: the
	// operator issued it.
	Recorded bool
	// Sound says that the Secret holds one key and, for the consumer's
	// current key, the same key as the consumer's Secret.
	Sound bool
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
	// Delete are gateway keys that go now: their grace period is over, or
	// the operator did not issue them, or nobody holds them.
	Delete []string
	// Keep are the ids of the keys that stay valid (the current key and
	// rotated keys in their grace period), without a key issued now: what
	// the agreement's status records.
	Keep []string
	// GraceEnd is when the keys that leave use now stop being accepted:
	// now plus the grace period, rounded up to the second an annotation can
	// hold, so that the grace is never shorter than configured.
	GraceEnd time.Time
	// NextRotation is when the key in use is due for rotation.
	NextRotation time.Time
	// Next is the earliest moment the plan can change by the clock alone,
	// as every decision's Next.
	Next time.Time
}

// RotationRequest reads the annotation by which a person asks for a new
// key (v1alpha1.AnnotationRotateKey, an RFC 3339 moment): the moment, or a
// note saying why the annotation is ignored.
func RotationRequest(annotations map[string]string, key string) (time.Time, string) {
	v, ok := annotations[key]
	if !ok {
		return time.Time{}, ""
	}
	at, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Sprintf(" (annotation %s=%q is not an RFC 3339 time such as 2026-11-27T09:00:00Z, and is ignored)", key, v)
	}
	return at, ""
}

// PlanRotation decides what happens to an agreement's keys at now. A key
// is the operator's when the agreement's status records it, or when it is
// the very key in the consumer's Secret (a run that stopped between handing
// a key over and recording it); any other key was not issued by the
// operator, and goes at once without a grace period.
func PlanRotation(s State, now time.Time, interval, grace time.Duration) Plan {
	var p Plan
	current := -1
	for i, k := range s.Keys {
		if k.ID == s.CurrentID && k.ExpiresAt.IsZero() && k.Sound {
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

	p.GraceEnd = now.Add(grace)
	if t := p.GraceEnd.Truncate(time.Second); !t.Equal(p.GraceEnd) {
		p.GraceEnd = t.Add(time.Second)
	}
	p.NextRotation = s.IssuedAt.Add(interval)
	if p.Issue {
		p.NextRotation = now.Add(interval)
	}
	wake := []time.Time{p.NextRotation}
	var retiring []GatewayKey
	for i, k := range s.Keys {
		switch {
		case !k.Recorded && i != current || !k.Sound:
			// Not issued by the operator, or no longer the key it issued.
			p.Delete = append(p.Delete, k.Name)
		case !k.ExpiresAt.IsZero() && !now.Before(k.ExpiresAt):
			p.Delete = append(p.Delete, k.Name)
		case !k.ExpiresAt.IsZero():
			retiring = append(retiring, k)
		case s.CurrentID == "":
			// No consumer Secret holds a key: this one was issued by a run
			// that stopped before handing it over, or the consumer's Secret
			// was deleted. Nobody has it.
			p.Delete = append(p.Delete, k.Name)
		case i != current || p.Issue:
			// A key leaving use keeps working for the grace period, so that
			// workloads can pick up the new one.
			p.Expire = append(p.Expire, k.Name)
			retiring = append(retiring, GatewayKey{Name: k.Name, ID: k.ID, ExpiresAt: p.GraceEnd})
		default:
			p.Keep = append(p.Keep, k.ID)
		}
	}
	// The keys closest to their end go first when there are too many.
	slices.SortStableFunc(retiring, func(a, b GatewayKey) int { return b.ExpiresAt.Compare(a.ExpiresAt) })
	room := MaxKeys - len(p.Keep) - boolInt(p.Issue)
	for i, k := range retiring {
		if i >= room {
			p.Delete = append(p.Delete, k.Name)
			p.Expire = slices.DeleteFunc(p.Expire, func(name string) bool { return name == k.Name })
			continue
		}
		p.Keep = append(p.Keep, k.ID)
		wake = append(wake, k.ExpiresAt)
	}
	slices.Sort(p.Keep)
	if !s.RotationRequested.IsZero() && s.RotationRequested.After(now) {
		wake = append(wake, s.RotationRequested)
	}
	p.Next = clock.Earliest(wake...)
	return p
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
