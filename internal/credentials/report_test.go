package credentials

import (
	"strings"
	"testing"
	"time"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

func TestReport(t *testing.T) {
	at := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	issue := Plan{Issue: true, Why: "the rotation interval (2160h0m0s) has passed", NextRotation: at.Add(2160 * time.Hour)}
	keep := Plan{NextRotation: at.Add(2160 * time.Hour)}
	cases := []struct {
		name        string
		k           KeysCarriedOut
		wantAction  string // "" for no Event
		wantMessage string
	}{
		{"a first key, as the agreement becomes live", KeysCarriedOut{Plan: issue, KeyID: "k1", Valid: 1}, "", "key k1 is in Secret datashare-x, issued at 2026-12-06T08:00:00Z; the next rotation is at 2027-03-06T08:00:00Z"},
		{"a first key again, after the agreement held one", KeysCarriedOut{Plan: issue, HadKey: true, KeyID: "k2", Valid: 1}, "KeyIssued", "key k2 is in Secret datashare-x"},
		{"a rotation", KeysCarriedOut{Plan: issue, PreviousID: "k1", HadKey: true, KeyID: "k2", Valid: 2}, "KeyRotated", "; 1 older key(s) stay valid until their grace period ends"},
		{"nothing issued", KeysCarriedOut{Plan: keep, PreviousID: "k1", HadKey: true, KeyID: "k1", Valid: 1, Note: "; asked-for rotation already done"}, "", "asked-for rotation already done"},
	}
	for _, tc := range cases {
		tc.k.IssuedAt, tc.k.Secret = at, "datashare-x"
		cond, ev := Report(tc.k)
		if cond.Type != v1alpha1.ConditionCredentialIssued || cond.Reason != v1alpha1.ReasonIssued || !strings.Contains(cond.Message, tc.wantMessage) {
			t.Errorf("%s: condition %+v, want a message with %q", tc.name, cond, tc.wantMessage)
		}
		switch {
		case tc.wantAction == "" && ev != nil:
			t.Errorf("%s: an Event %+v, want none", tc.name, ev)
		case tc.wantAction != "" && (ev == nil || ev.Action != tc.wantAction || !strings.Contains(ev.Message, tc.k.Plan.Why)):
			t.Errorf("%s: Event %+v, want %s saying why", tc.name, ev, tc.wantAction)
		}
	}
	if ev := Withdrawn(2, "datashare-x"); ev.Type != "Warning" || ev.Message != "the agreement is no longer live: 2 gateway key(s) and Secret datashare-x removed" {
		t.Errorf("Withdrawn: %+v", ev)
	}
}
