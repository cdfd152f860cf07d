package testenv

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestEventually(t *testing.T) {
	calls := 0
	if err := Eventually(time.Second, func() error {
		calls++
		if calls < 3 {
			return errors.New("not yet")
		}
		return nil
	}); err != nil || calls != 3 {
		t.Errorf("a check that passes on the third call: %v after %d calls", err, calls)
	}
	err := Eventually(100*time.Millisecond, func() error { return errors.New("never") })
	if err == nil || !strings.Contains(err.Error(), "timed out after 100ms: never") {
		t.Errorf("a check that never passes: %v", err)
	}
}
