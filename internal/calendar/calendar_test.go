package calendar

import (
	"testing"
	"time"
)

func TestDeadline(t *testing.T) {
	// The national holidays of 2026 that fall on working days, as the
	// chart's default values list them.
	c, err := New("Asia/Ho_Chi_Minh", []string{
		"2026-01-01",
		"2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", // Tết Bính Ngọ
		"2026-04-27", // Giỗ Tổ Hùng Vương, carried over from Sunday 26 April
		"2026-04-30", "2026-05-01",
		"2026-09-01", "2026-09-02", // Quốc khánh
	})
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, c.Location)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	endOf := func(day string) time.Time { return at(day + " 23:59").Add(59 * time.Second) }
	for _, tc := range []struct {
		name      string
		requested time.Time
		days      int
		want      time.Time
	}{
		{"a Friday 16:00 request is due Tuesday end of day", at("2026-11-27 16:00"), 2, endOf("2026-12-01")},
		{"a Monday 08:00 request is due Wednesday: the day of the request does not count", at("2026-11-23 08:00"), 2, endOf("2026-11-25")},
		{"a Saturday request counts from Monday", at("2026-11-28 10:00"), 2, endOf("2026-12-01")},
		{"Tết: a request on the Friday before is due after the holiday week", at("2026-02-13 09:00"), 2, endOf("2026-02-24")},
		{"National Day: 1 and 2 September are off", at("2026-08-31 09:00"), 2, endOf("2026-09-04")},
		{"30 April and 1 May are off", at("2026-04-29 09:00"), 1, endOf("2026-05-04")},
		{"Hùng Kings' day carried over to Monday", at("2026-04-24 09:00"), 1, endOf("2026-04-28")},
		{"New Year's Day", at("2025-12-31 15:00"), 2, endOf("2026-01-05")},
		// 23:30 in Hồ Chí Minh City is already the next day there, though
		// still the same day in UTC.
		{"the day is the province's, not UTC's", time.Date(2026, 11, 26, 17, 30, 0, 0, time.UTC), 2, endOf("2026-12-01")},
		{"zero working days: the end of the request's own day", at("2026-11-27 16:00"), 0, endOf("2026-11-27")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.Deadline(tc.requested, tc.days)
			if !got.Equal(tc.want) {
				t.Errorf("Deadline(%s, %d) = %s, want %s", tc.requested, tc.days, got.In(c.Location), tc.want)
			}
		})
	}
}

func TestNewNamesWhatIsWrong(t *testing.T) {
	if _, err := New("Asia/Sai_Gon", nil); err == nil || err.Error() != `time zone "Asia/Sai_Gon" is not known: use an IANA name such as Asia/Ho_Chi_Minh` {
		t.Errorf("unknown zone: %v", err)
	}
	if _, err := New("Asia/Ho_Chi_Minh", []string{"2/9/2026"}); err == nil || err.Error() != `holiday "2/9/2026" is not a date written as 2006-01-02` {
		t.Errorf("malformed holiday: %v", err)
	}
}
