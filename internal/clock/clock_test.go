package clock

import (
	"testing"
	"time"
)

func TestEarliest(t *testing.T) {
	a := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	b := a.Add(time.Hour)
	cases := []struct {
		name string
		in   []time.Time
		want time.Time
	}{
		{"none", nil, time.Time{}},
		{"all zero", []time.Time{{}, {}}, time.Time{}},
		{"zero is skipped", []time.Time{{}, b, a}, a},
		{"one", []time.Time{b}, b},
	}
	for _, tc := range cases {
		if got := Earliest(tc.in...); !got.Equal(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestFormat(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	if got := Format(time.Date(2026, 11, 27, 16, 0, 0, 0, ict)); got != "2026-11-27T09:00:00Z" {
		t.Fatalf("got %s", got)
	}
}
