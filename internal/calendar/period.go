package calendar

import "time"

// year is the length a period is counted in calendar years for.
const year = 365 * 24 * time.Hour

// AddPeriod adds a period the rules set to t on the calendar: a whole
// number of 365-day years is that many calendar years, so that a yearly
// review recorded on 1 March 2027 falls due on 1 March 2028, not on 29
// February 2028 (a leap year), as 8,760 hours would; from 29 February, on
// 28 February. Any other period, the open-data refresh's 2160h (90 days)
// among them, is added as it is: a duration cannot say "three months".
func AddPeriod(t time.Time, period time.Duration) time.Time {
	if period > 0 && period%year == 0 {
		return addYears(t, int(period/year))
	}
	return t.Add(period)
}

// addYears moves t on by n calendar years, keeping its time of day, and
// its day unless it is 29 February and the target year has none.
func addYears(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	if m == time.February && d == 29 && !leap(y+n) {
		d = 28
	}
	return time.Date(y+n, m, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }
