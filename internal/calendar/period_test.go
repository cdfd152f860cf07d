package calendar

import (
	"testing"
	"time"
)

func TestAddPeriod(t *testing.T) {
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name   string
		from   time.Time
		period time.Duration
		want   time.Time
	}{
		{"a year, across a leap day", at(2027, 3, 1), 8760 * time.Hour, at(2028, 3, 1)},
		{"a year from a leap day", at(2028, 2, 29), 8760 * time.Hour, at(2029, 2, 28)},
		{"two years", at(2026, 12, 6), 2 * 8760 * time.Hour, at(2028, 12, 6)},
		{"a leap day four years on", at(2028, 2, 29), 4 * 8760 * time.Hour, at(2032, 2, 29)},
		{"the open-data refresh's 2160h are 90 days", at(2026, 1, 15), 2160 * time.Hour, at(2026, 4, 15)},
		{"90 days from the 31st of January", at(2026, 1, 31), 2160 * time.Hour, at(2026, 5, 1)},
		{"a day is a day", at(2026, 12, 6), 24 * time.Hour, at(2026, 12, 7)},
		{"45 days are 45 days", at(2026, 12, 6), 45 * 24 * time.Hour, at(2027, 1, 20)},
		{"an hour keeps its hour", time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC), time.Hour, time.Date(2026, 12, 6, 10, 30, 0, 0, time.UTC)},
	} {
		if got := AddPeriod(tc.from, tc.period); !got.Equal(tc.want) {
			t.Errorf("%s: %s + %s = %s, want %s", tc.name, tc.from.Format(time.DateOnly), tc.period, got, tc.want)
		}
	}
}
