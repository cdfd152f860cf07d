package testenv

import (
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// Clock is the operator's clock in tests: it runs with real time, and a
// test moves it on with Advance instead of sleeping until a window opens,
// a grace period ends or a delayed request comes due. Timers made from it
// fire when their moment comes, whichever of the two brings it.
//
// The API server keeps real time: what it stamps (creation times) does not
// move with Advance. Tests that advance set the moments of their objects by
// this clock, so that an Advance of days (a deadline in working days) moves
// every window with it.
type Clock struct {
	mu      sync.Mutex
	offset  time.Duration
	pending map[*clockTimer]struct{}
}

var _ clock.WithTicker = &Clock{}

// NewClock returns a clock that reads the real time until advanced.
func NewClock() *Clock {
	return &Clock{pending: map[*clockTimer]struct{}{}}
}

// Now is the real time plus every Advance so far.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time { return time.Now().Add(c.offset) }

// Since is the time elapsed since t on this clock.
func (c *Clock) Since(t time.Time) time.Duration { return c.Now().Sub(t) }

// Advance moves the clock on by d and fires the timers that are then due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	now := c.nowLocked()
	var due []*clockTimer
	for t := range c.pending {
		if t.at.After(now) {
			// What is left of its wait, in real time.
			t.real.Reset(t.at.Sub(now))
		} else {
			due = append(due, t)
		}
	}
	c.mu.Unlock()
	for _, t := range due {
		t.fire(now)
	}
}

// NewTimer returns a timer that fires d from now on this clock.
func (c *Clock) NewTimer(d time.Duration) clock.Timer {
	t := &clockTimer{clock: c, c: make(chan time.Time, 1)}
	t.arm(d)
	return t
}

// After is NewTimer(d).C().
func (c *Clock) After(d time.Duration) <-chan time.Time { return c.NewTimer(d).C() }

// AfterFunc is not used by the work queue or the reconcilers; it runs f
// in real time.
func (c *Clock) AfterFunc(d time.Duration, f func()) clock.Timer {
	return clock.RealClock{}.AfterFunc(d, f)
}

// Tick, NewTicker and Sleep keep real time: the work queue uses a ticker
// only as a heartbeat.
func (c *Clock) Tick(d time.Duration) <-chan time.Time { return clock.RealClock{}.Tick(d) }

// NewTicker returns a real ticker.
func (c *Clock) NewTicker(d time.Duration) clock.Ticker { return clock.RealClock{}.NewTicker(d) }

// Sleep sleeps in real time.
func (c *Clock) Sleep(d time.Duration) { time.Sleep(d) }

// clockTimer fires once, when its moment comes: in real time, or at once
// when an Advance passes it. An Advance short of it shortens the real wait
// to what is left.
type clockTimer struct {
	clock *Clock
	c     chan time.Time
	at    time.Time
	real  *time.Timer
}

func (t *clockTimer) arm(d time.Duration) {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	t.at = t.clock.nowLocked().Add(d)
	t.clock.pending[t] = struct{}{}
	t.real = time.AfterFunc(d, func() { t.fire(t.clock.Now()) })
}

// fire sends on the channel once per arming.
func (t *clockTimer) fire(now time.Time) {
	t.clock.mu.Lock()
	_, armed := t.clock.pending[t]
	delete(t.clock.pending, t)
	t.clock.mu.Unlock()
	if armed {
		select {
		case t.c <- now:
		default:
		}
	}
}

func (t *clockTimer) C() <-chan time.Time { return t.c }

// Stop reports whether the timer was still armed.
func (t *clockTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	t.real.Stop()
	_, armed := t.clock.pending[t]
	delete(t.clock.pending, t)
	return armed
}

// Reset re-arms the timer d from now.
func (t *clockTimer) Reset(d time.Duration) bool {
	armed := t.Stop()
	t.arm(d)
	return armed
}
