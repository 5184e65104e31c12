package main

import (
	"strings"
	"testing"
	"time"
)

// A job's run limit defaults below the rescue delay, so a shorter rescue
// delay alone is a working configuration; a limit set longer than the rescue
// delay is refused naming both.
func TestJobTimeoutFollowsTheRescueDelay(t *testing.T) {
	for _, c := range []struct {
		v       string
		rescue  time.Duration
		want    time.Duration
		wantErr string
	}{
		{"", 15 * time.Minute, 10 * time.Minute, ""},
		{"", 4 * time.Second, 4 * time.Second * 2 / 3, ""},
		{"3s", 4 * time.Second, 3 * time.Second, ""},
		{"10m", 4 * time.Second, 0, "must not be longer than IMAPHUB_JOB_RESCUE_AFTER (4s)"},
		{"soon", time.Hour, 0, "want a duration"},
		{"-1m", time.Hour, 0, "want a duration"},
	} {
		got, err := jobTimeout("IMAPHUB_PUBLISH_TIMEOUT", c.v, c.rescue)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || !strings.Contains(err.Error(), "IMAPHUB_PUBLISH_TIMEOUT") {
				t.Errorf("%q with rescue %s: error %v, want one with %q", c.v, c.rescue, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q with rescue %s: %s, %v; want %s", c.v, c.rescue, got, err, c.want)
		}
	}
}
