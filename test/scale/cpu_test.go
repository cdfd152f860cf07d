package main

import (
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	for _, c := range []struct {
		line       string
		name, ppid string
		used       time.Duration
		ok         bool
	}{
		{"4242 (kube-apiserver) S 4200 4242 4200 0 -1 4194560 1 0 0 0 1234 166 0 0 20 0 12 0 1 0", "kube-apiserver", "4200", 14 * time.Second, true},
		// A name may hold spaces and parentheses: it ends at the last ')'.
		{"7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 5 5 0 0 20 0 1 0 1 0", "a (b) c", "1", 100 * time.Millisecond, true},
		{"7 (etcd) S 1 7 7", "", "", 0, false},
		{"7 etcd S 1 7 7 0 -1 0 0 0 0 0 5 5", "", "", 0, false},
		{"7 (etcd) S 1 7 7 0 -1 0 0 0 0 0 x 5 0", "", "", 0, false},
	} {
		name, ppid, used, ok := parseStat(c.line)
		if name != c.name || ppid != c.ppid || used != c.used || ok != c.ok {
			t.Errorf("parseStat(%q) = %q, %q, %s, %t; want %q, %q, %s, %t", c.line, name, ppid, used, ok, c.name, c.ppid, c.used, c.ok)
		}
	}
}
