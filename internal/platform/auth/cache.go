package auth

import (
	"context"
	"sync"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// epochCheckEvery bounds how stale another instance's (or CLI's) change to
// access can look here: the cache compares the database's auth epoch at most
// this often. Changes made through this process clear its cache at once.
const epochCheckEvery = 250 * time.Millisecond

// authCache keeps who a token or session belongs to, so a request costs no
// database round trip. It is valid while the database's auth epoch is
// unchanged (see migration 0005).
type authCache struct {
	mu        sync.Mutex
	epoch     int64
	checkedAt time.Time
	tokens    map[string]tokenEntry // by token hash
	users     map[int64]User
	sessions  map[string]sessionEntry // scs session data by the session token's hash
}

type tokenEntry struct {
	tokenID, userID int64
	email           string
	userRole, cap   Role
	hasCap          bool
	expires         time.Time // zero: never
	lastUsed        time.Time
	disabled        bool
}

func newAuthCache() *authCache { return &authCache{} }

// fresh drops the cache when the epoch moved. It reads the epoch at most
// every epochCheckEvery.
func (c *authCache) fresh(ctx context.Context, d *db.DB) {
	c.mu.Lock()
	due := time.Since(c.checkedAt) >= epochCheckEvery
	c.mu.Unlock()
	if !due {
		return
	}
	var v int64
	if err := d.Read().QueryRow(ctx, `SELECT v FROM auth_epoch WHERE id = 1`).Scan(&v); err != nil {
		c.clear() // unknown: trust nothing cached
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.epoch {
		c.tokens, c.users, c.sessions = nil, nil, nil
		c.epoch = v
	}
	c.checkedAt = time.Now()
}

func (c *authCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tokens, c.users, c.sessions = nil, nil, nil
	c.checkedAt = time.Time{}
}

// bumpEpoch records, inside the caller's transaction, that access changed.
func bumpEpoch(ctx context.Context, tx db.Conn) error {
	_, err := tx.Exec(ctx, `UPDATE auth_epoch SET v = v + 1 WHERE id = 1`)
	return err
}
