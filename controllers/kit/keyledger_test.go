package kit

import (
	"reflect"
	"testing"
	"time"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// TestKeyLedgerKeepsWhatArrivesDuringAWrite: counts recorded while the
// Agency's status is being written stay pending and ask for another look;
// the next history builds on what was written, not on a cache behind it.
func TestKeyLedgerKeepsWhatArrivesDuringAWrite(t *testing.T) {
	l := NewKeyLedger(time.UTC)
	nov := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	l.Issued("so-a", nov, false)
	l.Issued("so-a", nov, true)
	if got := len(l.notify); got != 1 {
		t.Fatalf("%d looks asked for two keys of one namespace, want 1", got)
	}
	<-l.notify

	recorded := []v1alpha1.KeyMonth{{Month: "2026-10", Issued: 4}}
	history, counted := l.History("so-a", recorded)
	want := []v1alpha1.KeyMonth{{Month: "2026-10", Issued: 4}, {Month: "2026-11", Issued: 2, Rotated: 1}}
	if !reflect.DeepEqual(history, want) {
		t.Fatalf("history = %+v, want %+v", history, want)
	}
	l.Revoked("so-a", nov, 3) // while the status is written
	l.Wrote("so-a", history, counted)
	if got := len(l.notify); got != 1 {
		t.Fatalf("%d looks asked after a write that left counts pending, want 1", got)
	}
	<-l.notify

	// The cache still shows the status from before the write.
	history, counted = l.History("so-a", recorded)
	want = []v1alpha1.KeyMonth{{Month: "2026-10", Issued: 4}, {Month: "2026-11", Issued: 2, Rotated: 1, Revoked: 3}}
	if !reflect.DeepEqual(history, want) {
		t.Fatalf("history after the write = %+v, want %+v", history, want)
	}
	l.Wrote("so-a", history, counted)
	if len(l.notify) != 0 || len(l.pending) != 0 {
		t.Fatalf("after every count is written: %d looks asked, pending %+v", len(l.notify), l.pending)
	}
	if h, c := l.History("so-a", nil); !reflect.DeepEqual(h, want) || c != nil {
		t.Fatalf("with nothing pending: history %+v, counted %+v", h, c)
	}
}
