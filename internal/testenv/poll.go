package testenv

import (
	"fmt"
	"time"
)

// pollInterval is how often Eventually asks again.
const pollInterval = 50 * time.Millisecond

// Eventually asks check until it returns nil or timeout passes, and then
// returns check's last error. The tests' one polling loop: a test waits
// for a condition, never for a span of time.
func Eventually(timeout time.Duration, check func() error) error {
	return EventuallyEvery(timeout, pollInterval, check)
}

// EventuallyEvery is Eventually asking every interval: for a check that
// reads much (every object of a test), or that counts its looks.
func EventuallyEvery(timeout, interval time.Duration, check func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s: %w", timeout, err)
		}
		time.Sleep(interval)
	}
}
