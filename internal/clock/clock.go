// Package clock holds the time helpers every decision uses: how a
// moment is written in a message, the earliest of several deadlines, and
// the order of objects by age.
package clock

import "time"

// Format writes a moment for people, in UTC to the second, as RFC 3339: the
// same form the API's own times take.
func Format(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}

// Earliest returns the earliest non-zero time, or zero when all are zero.
func Earliest(times ...time.Time) time.Time {
	var out time.Time
	for _, t := range times {
		if !t.IsZero() && (out.IsZero() || t.Before(out)) {
			out = t
		}
	}
	return out
}
