// Package calendar counts working days in the province: Monday to
// Friday, less the public holidays the province lists, in its time zone.
// Deadlines in working days (an answer to a request for data within two
// working days, say) are computed here.
package calendar

import (
	"fmt"
	"time"
	// The operator's image has no zone database of its own.
	_ "time/tzdata"
)

// Calendar is the province's working week.
type Calendar struct {
	// Location is the province's time zone: days begin and end there.
	Location *time.Location
	// Holidays are the days off besides weekends, as "2006-01-02" in
	// Location.
	Holidays map[string]bool
}

// New builds a calendar from a time zone name and holidays written as
// 2006-01-02. An unknown zone or a malformed date is an error that names
// it.
func New(zone string, holidays []string) (Calendar, error) {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return Calendar{}, fmt.Errorf("time zone %q is not known: use an IANA name such as Asia/Ho_Chi_Minh", zone)
	}
	c := Calendar{Location: loc, Holidays: map[string]bool{}}
	for _, h := range holidays {
		d, err := time.ParseInLocation(time.DateOnly, h, loc)
		if err != nil {
			return Calendar{}, fmt.Errorf("holiday %q is not a date written as 2006-01-02", h)
		}
		c.Holidays[d.Format(time.DateOnly)] = true
	}
	return c, nil
}

// WorkingDay says whether the day of t, in the province, is a working day.
func (c Calendar) WorkingDay(t time.Time) bool {
	t = t.In(c.Location)
	switch t.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	default:
		return !c.Holidays[t.Format(time.DateOnly)]
	}
}

// Deadline is the end of the n-th working day after the day of t: the day
// of the request does not count, whatever its hour. It is the last second
// of that day in the province's time zone (the API keeps whole seconds).
func (c Calendar) Deadline(t time.Time, n int) time.Time {
	local := t.In(c.Location)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, c.Location)
	for counted := 0; counted < n; {
		day = day.AddDate(0, 0, 1)
		if c.WorkingDay(day) {
			counted++
		}
	}
	return day.AddDate(0, 0, 1).Add(-time.Second)
}
