package render

import (
	"regexp"
	"testing"

	"github.com/lgsp-vn/datashare-operator/internal/names"
)

// TestConsumerPatternMatchesOneAgency: an agency's rate-limit pattern
// matches the client ids of its own keys and of no other agency, even one
// whose name would be read as a pattern.
func TestConsumerPatternMatchesOneAgency(t *testing.T) {
	cases := []struct {
		agency, clientID string
		match            bool
	}{
		{"so-tc", "so-tc.dat-dai.1a2b3c4d", true},
		{"so-tc", "so-tc-x.dat-dai.1a2b3c4d", false},
		{"so-tc", "so-tcx.dat-dai.1a2b3c4d", false},
		{"so-tc", "so-tc", false},
		{"so-tc", "lgsp-sentinel", false},
		// Agency names are DNS labels; were a dot ever let through, it
		// would still match only itself.
		{"so-tc.x", "so-tcax.dat-dai.1a2b3c4d", false},
		{"so-tc.x", "so-tc.x.dat-dai.1a2b3c4d", true},
	}
	for _, tc := range cases {
		if got := regexp.MustCompile(names.ConsumerPattern(tc.agency)).MatchString(tc.clientID); got != tc.match {
			t.Errorf("pattern of %q on %q: %v, want %v", tc.agency, tc.clientID, got, tc.match)
		}
	}
}
