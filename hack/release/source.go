package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// source is the commit a release is built from: what is stamped into the
// binary and the image, and the time that every file of the image carries.
type source struct {
	Version string
	Commit  string
	// Created is the commit's time: a build of the same commit tomorrow
	// writes the same bytes.
	Created time.Time
}

// readSource asks git for the commit, its time and, unless version is
// given, a version: the nearest v* tag as git describe writes it, or
// v0.0.0-<commits>-g<hash> where there is none (both are semantic
// versions, as a chart's version must be). A tree with changes not
// committed is marked -dirty: its build is not that commit's.
func readSource(dir, version string) (source, error) {
	commit, err := git(dir, "rev-parse", "HEAD")
	if err != nil {
		return source{}, err
	}
	stamp, err := git(dir, "log", "-1", "--format=%ct")
	if err != nil {
		return source{}, err
	}
	seconds, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil {
		return source{}, fmt.Errorf("git's commit time %q: %w", stamp, err)
	}
	if version == "" {
		if version, err = describe(dir); err != nil {
			return source{}, err
		}
	}
	return source{Version: version, Commit: commit, Created: time.Unix(seconds, 0).UTC()}, nil
}

func describe(dir string) (string, error) {
	if v, err := git(dir, "describe", "--tags", "--match", "v[0-9]*", "--dirty"); err == nil {
		return v, nil
	}
	count, err := git(dir, "rev-list", "--count", "HEAD")
	if err != nil {
		return "", err
	}
	short, err := git(dir, "rev-parse", "--short=12", "HEAD")
	if err != nil {
		return "", err
	}
	v := "v0.0.0-" + count + "-g" + short
	if changes, err := git(dir, "status", "--porcelain", "--untracked-files=no"); err != nil {
		return "", err
	} else if changes != "" {
		v += "-dirty"
	}
	return v, nil
}

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}
