package googleads

import (
	"context"
	"time"
)

// SetClock makes c read the time from now (token expiry, deadlines).
func SetClock(c *Client, now func() time.Time) { c.now = now }

// SetSleep replaces the wait between attempts.
func SetSleep(c *Client, sleep func(ctx context.Context, d time.Duration) error) { c.sleep = sleep }

// ConfigFrom is configFrom for tests.
var ConfigFrom = configFrom
