package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// cpuUse is the CPU time spent by the API server, etcd and this process
// (the operator and the harness, or the floor's client and the harness).
// Everything shares the machine: what the operator spends itself is CPU
// the API server does not get, which the floor's client barely takes.
type cpuUse struct{ apiServer, etcd, self time.Duration }

// cpuSince reads the CPU time spent since before was read.
func cpuSince(before cpuUse) (cpuUse, error) {
	now, err := cpuNow()
	return cpuUse{now.apiServer - before.apiServer, now.etcd - before.etcd, now.self - before.self}, err
}

// controlPlane is the CPU seconds of the API server and etcd together.
func (u cpuUse) controlPlane() float64 { return (u.apiServer + u.etcd).Seconds() }

func (u cpuUse) String() string {
	return fmt.Sprintf("%.1f / %.1f / %.1f", u.apiServer.Seconds(), u.etcd.Seconds(), u.self.Seconds())
}

// clockTicks is the unit of /proc's CPU times: USER_HZ, 100 on Linux.
const clockTicks = 100

// cpuNow reads from /proc the CPU time used so far by this process and by
// its child processes kube-apiserver and etcd (the test API server).
func cpuNow() (cpuUse, error) {
	var u cpuUse
	self := strconv.Itoa(os.Getpid())
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return u, err
	}
	found := 0
	for _, path := range stats {
		data, err := os.ReadFile(path)
		if err != nil {
			continue // ended since the listing
		}
		name, ppid, used, ok := parseStat(string(data))
		if !ok {
			continue
		}
		switch {
		case filepath.Base(filepath.Dir(path)) == self:
			u.self = used
		case ppid == self && name == "kube-apiserver":
			u.apiServer, found = used, found+1
		case ppid == self && name == "etcd":
			u.etcd, found = used, found+1
		}
	}
	if found != 2 {
		return u, fmt.Errorf("found %d of the API server and etcd among this process's children", found)
	}
	return u, nil
}

// parseStat reads a process's name, parent and CPU time (user and system)
// from its /proc/<pid>/stat line.
func parseStat(line string) (name, ppid string, used time.Duration, ok bool) {
	open, closing := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	if open < 0 || closing < open {
		return "", "", 0, false
	}
	name = line[open+1 : closing]
	// After the name: state, ppid, …, utime and stime are the 12th and
	// 13th fields (fields 14 and 15 of proc(5)).
	fields := strings.Fields(line[closing+1:])
	if len(fields) < 13 {
		return "", "", 0, false
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return "", "", 0, false
	}
	return name, fields[1], time.Duration(utime+stime) * time.Second / clockTicks, true
}
