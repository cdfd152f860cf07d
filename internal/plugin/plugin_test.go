package plugin

import (
	"bytes"
	"strings"
	"testing"
)

func TestPaintColoursOnlyForATerminal(t *testing.T) {
	plain, colour := &options{}, &options{color: true}
	if got := plain.paint("Active", true); got != "Active" {
		t.Errorf("plain output painted: %q", got)
	}
	if got := colour.paint("Active", true); got != "\x1b[32mActive\x1b[0m" {
		t.Errorf("good news not green: %q", got)
	}
	if got := colour.paint("Missing", false); got != "\x1b[31mMissing\x1b[0m" {
		t.Errorf("bad news not red: %q", got)
	}
	var out bytes.Buffer
	if isTerminal(&out) {
		t.Error("a buffer is not a terminal")
	}
}

// Command lines that cannot run exit 2 with a message, before any request.
func TestUsageErrorsExit2(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"why"}, "accepts 1 arg(s), received 0"},
		{[]string{"status", "extra"}, `unknown command "extra"`},
		{[]string{"--no-such-flag"}, "unknown flag: --no-such-flag"},
		{[]string{"request", "dat-dai", "-n", "so-tnmt"}, "is required"},
		{[]string{"status", "-o", "xml"}, "-o xml is not a format: use json or yaml"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Main(tc.args, &stdout, &stderr); code != ExitUsage || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, stderr.String(), ExitUsage, tc.want)
		}
	}
}
