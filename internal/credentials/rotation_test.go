package credentials

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func TestPlanRotation(t *testing.T) {
	day, grace := 24*time.Hour, time.Hour
	interval := 90 * day
	cases := []struct {
		name       string
		state      State
		wantIssue  bool
		wantWhy    string
		wantExpire []string
		wantDelete []string
		wantNext   time.Time
		wantWake   time.Time
	}{
		{name: "first key", state: State{},
			wantIssue: true, wantWhy: "first key", wantNext: now.Add(interval), wantWake: now.Add(interval)},
		{name: "key in use, not yet due",
			state:    State{CurrentID: "a", IssuedAt: now.Add(-day), Keys: []GatewayKey{{Name: "ka", ID: "a"}}},
			wantNext: now.Add(89 * day), wantWake: now.Add(89 * day)},
		{name: "rotation due exactly now: the old key gets its grace",
			state:     State{CurrentID: "a", IssuedAt: now.Add(-interval), Keys: []GatewayKey{{Name: "ka", ID: "a"}}},
			wantIssue: true, wantWhy: "reached its rotation interval", wantExpire: []string{"ka"}, wantNext: now.Add(interval), wantWake: now.Add(grace)},
		{name: "rotation requested after the key was issued",
			state:     State{CurrentID: "a", IssuedAt: now.Add(-day), RotationRequested: now.Add(-time.Minute), Keys: []GatewayKey{{Name: "ka", ID: "a"}}},
			wantIssue: true, wantWhy: "a rotation was requested at", wantExpire: []string{"ka"}, wantNext: now.Add(interval), wantWake: now.Add(grace)},
		{name: "an old request, already served",
			state:    State{CurrentID: "a", IssuedAt: now.Add(-day), RotationRequested: now.Add(-2 * day), Keys: []GatewayKey{{Name: "ka", ID: "a"}}},
			wantNext: now.Add(89 * day), wantWake: now.Add(89 * day)},
		{name: "during the grace period both keys stay",
			state: State{CurrentID: "b", IssuedAt: now.Add(-time.Minute), Keys: []GatewayKey{
				{Name: "ka", ID: "a", ExpiresAt: now.Add(59 * time.Minute)}, {Name: "kb", ID: "b"}}},
			wantNext: now.Add(interval - time.Minute), wantWake: now.Add(59 * time.Minute)},
		{name: "grace over: the old key goes",
			state: State{CurrentID: "b", IssuedAt: now.Add(-grace), Keys: []GatewayKey{
				{Name: "ka", ID: "a", ExpiresAt: now}, {Name: "kb", ID: "b"}}},
			wantDelete: []string{"ka"}, wantNext: now.Add(interval - grace), wantWake: now.Add(interval - grace)},
		{name: "the gateway lost the consumer's key: issue again",
			state:     State{CurrentID: "a", IssuedAt: now.Add(-day)},
			wantIssue: true, wantWhy: "the gateway no longer holds the consumer's key", wantNext: now.Add(interval), wantWake: now.Add(interval)},
		{name: "a key issued by a run that stopped before the consumer got it goes at once",
			state:     State{Keys: []GatewayKey{{Name: "kx", ID: "x"}}},
			wantIssue: true, wantWhy: "first key", wantDelete: []string{"kx"}, wantNext: now.Add(interval), wantWake: now.Add(interval)},
		{name: "a stray key beside the consumer's keeps only the grace",
			state:      State{CurrentID: "a", IssuedAt: now.Add(-day), Keys: []GatewayKey{{Name: "ka", ID: "a"}, {Name: "kx", ID: "x"}}},
			wantExpire: []string{"kx"}, wantNext: now.Add(89 * day), wantWake: now.Add(grace)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := PlanRotation(tc.state, now, interval, grace)
			if p.Issue != tc.wantIssue || !strings.Contains(p.Why, tc.wantWhy) ||
				strings.Join(p.Expire, ",") != strings.Join(tc.wantExpire, ",") ||
				strings.Join(p.Delete, ",") != strings.Join(tc.wantDelete, ",") ||
				!p.NextRotation.Equal(tc.wantNext) || !p.Wake.Equal(tc.wantWake) {
				t.Fatalf("got %+v\nwant issue=%v why~%q expire=%v delete=%v next=%v wake=%v",
					p, tc.wantIssue, tc.wantWhy, tc.wantExpire, tc.wantDelete, tc.wantNext, tc.wantWake)
			}
		})
	}
}

func TestNewKey(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		key, id, err := NewKey()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(key)
		if err != nil || len(raw) != KeyBytes {
			t.Fatalf("a key must be %d random bytes in URL-safe base64, got %q (%v)", KeyBytes, key, err)
		}
		if _, err := hex.DecodeString(id); err != nil || len(id) != 8 {
			t.Fatalf("bad key id %q", id)
		}
		if seen[key] {
			t.Fatal("a key repeated")
		}
		seen[key] = true
	}
}
