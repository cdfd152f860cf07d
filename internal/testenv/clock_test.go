package testenv

import (
	"testing"
	"time"

	"k8s.io/client-go/util/workqueue"
)

func TestAdvanceFiresTheTimersThatAreDue(t *testing.T) {
	c := NewClock()
	soon, later := c.NewTimer(time.Hour), c.NewTimer(3*time.Hour)
	before := c.Now()
	c.Advance(2 * time.Hour)
	if got := c.Now().Sub(before); got < 2*time.Hour || got > 2*time.Hour+time.Minute {
		t.Fatalf("Now moved by %s after Advance(2h)", got)
	}
	select {
	case <-soon.C():
	case <-time.After(5 * time.Second):
		t.Fatal("the timer due in 1h did not fire when the clock moved 2h on")
	}
	select {
	case <-later.C():
		t.Fatal("the timer due in 3h fired when the clock moved 2h on")
	default:
	}
	if !later.Stop() {
		t.Fatal("Stop says the armed timer was not armed")
	}
	c.Advance(2 * time.Hour)
	select {
	case <-later.C():
		t.Fatal("a stopped timer fired")
	default:
	}
}

// An Advance that stops short of a timer leaves it what is left of its
// wait, in real time.
func TestAdvanceShortensTheRealWait(t *testing.T) {
	c := NewClock()
	timer := c.NewTimer(time.Hour + 20*time.Millisecond)
	c.Advance(time.Hour)
	select {
	case <-timer.C():
	case <-time.After(5 * time.Second):
		t.Fatal("20ms were left of the timer's wait after Advance(1h); it did not fire in 5s")
	}
}

func TestTimersStillFireInRealTime(t *testing.T) {
	c := NewClock()
	select {
	case <-c.After(10 * time.Millisecond):
	case <-time.After(5 * time.Second):
		t.Fatal("a 10ms timer did not fire in real time")
	}
}

// The work queue the tests give the controllers wakes a delayed request
// when the clock is advanced past it.
func TestAdvanceWakesADelayedRequest(t *testing.T) {
	c := NewClock()
	q := workqueue.NewTypedDelayingQueueWithConfig(workqueue.TypedDelayingQueueConfig[string]{Clock: c})
	defer q.ShutDown()
	q.AddAfter("x", time.Hour)
	if n := q.Len(); n != 0 {
		t.Fatalf("queue holds %d items before the hour", n)
	}
	c.Advance(time.Hour)
	got := make(chan string, 1)
	go func() { item, _ := q.Get(); got <- item }()
	select {
	case item := <-got:
		if item != "x" {
			t.Fatalf("got %q", item)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the request delayed an hour was not handed out after Advance(1h)")
	}
}
