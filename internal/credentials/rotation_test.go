package credentials

import (
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// key is a gateway-side key the operator issued (recorded) and that holds
// the consumer's key (sound).
func key(name, id string) GatewayKey {
	return GatewayKey{Name: name, ID: id, Recorded: true, Sound: true}
}

func expiring(name, id string, at time.Time) GatewayKey {
	k := key(name, id)
	k.ExpiresAt = at
	return k
}

func TestPlanRotation(t *testing.T) {
	day, grace := 24*time.Hour, time.Hour
	interval := 90 * day
	forged := GatewayKey{Name: "kx", ID: "x", Sound: true}
	cases := []struct {
		name       string
		state      State
		wantIssue  bool
		wantWhy    string
		wantExpire []string
		wantDelete []string
		wantKeep   []string
		wantNext   time.Time
		wantWake   time.Time
	}{
		{name: "first key", state: State{},
			wantIssue: true, wantWhy: "first key", wantNext: now.Add(interval), wantWake: now.Add(interval)},
		{name: "key in use, not yet due",
			state:    State{CurrentID: "a", IssuedAt: now.Add(-day), Keys: []GatewayKey{key("ka", "a")}},
			wantKeep: []string{"a"}, wantNext: now.Add(89 * day), wantWake: now.Add(89 * day)},
		{name: "rotation due exactly now: the old key gets its grace",
			state:     State{CurrentID: "a", IssuedAt: now.Add(-interval), Keys: []GatewayKey{key("ka", "a")}},
			wantIssue: true, wantWhy: "reached its rotation interval", wantExpire: []string{"ka"}, wantKeep: []string{"a"}, wantNext: now.Add(interval), wantWake: now.Add(grace)},
		{name: "rotation requested after the key was issued",
			state:     State{CurrentID: "a", IssuedAt: now.Add(-day), RotationRequested: now.Add(-time.Minute), Keys: []GatewayKey{key("ka", "a")}},
			wantIssue: true, wantWhy: "a rotation was requested at", wantExpire: []string{"ka"}, wantKeep: []string{"a"}, wantNext: now.Add(interval), wantWake: now.Add(grace)},
		{name: "an old request, already served",
			state:    State{CurrentID: "a", IssuedAt: now.Add(-day), RotationRequested: now.Add(-2 * day), Keys: []GatewayKey{key("ka", "a")}},
			wantKeep: []string{"a"}, wantNext: now.Add(89 * day), wantWake: now.Add(89 * day)},
		{name: "during the grace period both keys stay",
			state: State{CurrentID: "b", IssuedAt: now.Add(-time.Minute), Keys: []GatewayKey{
				expiring("ka", "a", now.Add(59*time.Minute)), key("kb", "b")}},
			wantKeep: []string{"a", "b"}, wantNext: now.Add(interval - time.Minute), wantWake: now.Add(59 * time.Minute)},
		{name: "grace over: the old key goes",
			state: State{CurrentID: "b", IssuedAt: now.Add(-grace), Keys: []GatewayKey{
				expiring("ka", "a", now), key("kb", "b")}},
			wantDelete: []string{"ka"}, wantKeep: []string{"b"}, wantNext: now.Add(interval - grace), wantWake: now.Add(interval - grace)},
		{name: "the gateway lost the consumer's key: issue again",
			state:     State{CurrentID: "a", IssuedAt: now.Add(-day)},
			wantIssue: true, wantWhy: "the gateway no longer holds the consumer's key", wantNext: now.Add(interval), wantWake: now.Add(interval)},
		{name: "a key issued by a run that stopped before the consumer got it goes at once",
			state:     State{Keys: []GatewayKey{{Name: "kx", ID: "x", Sound: true}}},
			wantIssue: true, wantWhy: "first key", wantDelete: []string{"kx"}, wantNext: now.Add(interval), wantWake: now.Add(interval)},
		{name: "a recorded key nobody holds any more goes at once",
			state:     State{Keys: []GatewayKey{key("ka", "a")}},
			wantIssue: true, wantWhy: "first key", wantDelete: []string{"ka"}, wantNext: now.Add(interval), wantWake: now.Add(interval)},
		{name: "a key the operator did not issue goes at once, without a grace period",
			state:      State{CurrentID: "a", IssuedAt: now.Add(-day), Keys: []GatewayKey{key("ka", "a"), forged}},
			wantDelete: []string{"kx"}, wantKeep: []string{"a"}, wantNext: now.Add(89 * day), wantWake: now.Add(89 * day)},
		{name: "a forged key that claims a grace period goes at once too",
			state: State{CurrentID: "a", IssuedAt: now.Add(-day), Keys: []GatewayKey{key("ka", "a"),
				{Name: "kx", ID: "x", Sound: true, ExpiresAt: now.Add(day)}}},
			wantDelete: []string{"kx"}, wantKeep: []string{"a"}, wantNext: now.Add(89 * day), wantWake: now.Add(89 * day)},
		{name: "the consumer's key, not yet recorded (a run stopped before the status): adopted",
			state:    State{CurrentID: "a", IssuedAt: now.Add(-day), Keys: []GatewayKey{{Name: "ka", ID: "a", Sound: true}}},
			wantKeep: []string{"a"}, wantNext: now.Add(89 * day), wantWake: now.Add(89 * day)},
		{name: "a recorded key beside the consumer's (a rotation that stopped): the grace",
			state:      State{CurrentID: "b", IssuedAt: now.Add(-day), Keys: []GatewayKey{key("ka", "a"), key("kb", "b")}},
			wantExpire: []string{"ka"}, wantKeep: []string{"a", "b"}, wantNext: now.Add(89 * day), wantWake: now.Add(grace)},
		{name: "the consumer's key emptied or changed at the gateway: a new key, the old goes at once",
			state:     State{CurrentID: "a", IssuedAt: now.Add(-day), Keys: []GatewayKey{{Name: "ka", ID: "a", Recorded: true}}},
			wantIssue: true, wantWhy: "the gateway no longer holds the consumer's key", wantDelete: []string{"ka"}, wantNext: now.Add(interval), wantWake: now.Add(interval)},
		{name: "too many rotated keys: those closest to their end go",
			state: State{CurrentID: "i", IssuedAt: now.Add(-time.Minute), RotationRequested: now.Add(-time.Second), Keys: []GatewayKey{
				expiring("k1", "1", now.Add(1*time.Minute)), expiring("k2", "2", now.Add(2*time.Minute)), expiring("k3", "3", now.Add(3*time.Minute)),
				expiring("k4", "4", now.Add(4*time.Minute)), expiring("k5", "5", now.Add(5*time.Minute)), expiring("k6", "6", now.Add(6*time.Minute)),
				expiring("k7", "7", now.Add(7*time.Minute)), key("ki", "i")}},
			wantIssue: true, wantWhy: "a rotation was requested", wantExpire: []string{"ki"},
			wantDelete: []string{"k1"}, wantKeep: []string{"2", "3", "4", "5", "6", "7", "i"}, wantNext: now.Add(interval), wantWake: now.Add(2 * time.Minute)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := PlanRotation(tc.state, now, interval, grace)
			slices.Sort(p.Delete)
			if p.Issue != tc.wantIssue || !strings.Contains(p.Why, tc.wantWhy) ||
				strings.Join(p.Expire, ",") != strings.Join(tc.wantExpire, ",") ||
				strings.Join(p.Delete, ",") != strings.Join(tc.wantDelete, ",") ||
				strings.Join(p.Keep, ",") != strings.Join(tc.wantKeep, ",") ||
				!p.NextRotation.Equal(tc.wantNext) || !p.Next.Equal(tc.wantWake) {
				t.Fatalf("got %+v\nwant issue=%v why~%q expire=%v delete=%v keep=%v next=%v wake=%v",
					p, tc.wantIssue, tc.wantWhy, tc.wantExpire, tc.wantDelete, tc.wantKeep, tc.wantNext, tc.wantWake)
			}
			if n := len(p.Keep) + boolInt(p.Issue); n > MaxKeys {
				t.Errorf("%d keys would stay valid, more than %d", n, MaxKeys)
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

func TestGraceEndIsRoundedUpToTheSecond(t *testing.T) {
	at := now.Add(300 * time.Millisecond)
	p := PlanRotation(State{CurrentID: "a", IssuedAt: now.Add(-91 * 24 * time.Hour), Keys: []GatewayKey{key("ka", "a")}}, at, 90*24*time.Hour, time.Hour)
	if want := now.Add(time.Hour + time.Second); !p.GraceEnd.Equal(want) || !p.Next.Equal(want) {
		t.Fatalf("grace ends %v, wake %v; want both %v", p.GraceEnd, p.Next, want)
	}
}

func TestRotationRequest(t *testing.T) {
	const k = "datashare.lgsp.vn/rotate-key"
	if at, note := RotationRequest(map[string]string{k: "2026-11-27T09:00:00Z"}, k); !at.Equal(now) || note != "" {
		t.Errorf("got %v %q", at, note)
	}
	if at, note := RotationRequest(map[string]string{k: "ngày mai"}, k); !at.IsZero() || !strings.Contains(note, "is not an RFC 3339 time") {
		t.Errorf("got %v %q", at, note)
	}
	if at, note := RotationRequest(nil, k); !at.IsZero() || note != "" {
		t.Errorf("got %v %q", at, note)
	}
}
