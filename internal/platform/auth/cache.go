package auth

import (
	"context"
	"sync"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// authEpochQuery reads the auth epoch (migration 0005). Every change that
// can take access away moves it in its own transaction.
const authEpochQuery = `SELECT v FROM auth_epoch WHERE id = 1`

// authCache keeps who a token or session belongs to, so a request costs no
// database round trip. It is valid while the database's auth epoch is
// unchanged.
type authCache struct {
	mu       sync.Mutex
	epoch    int64
	tokens   map[string]tokenEntry // by token hash
	users    map[int64]User
	sessions map[string]sessionEntry // scs session data by the session token's hash
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

// fresh drops the cache when the epoch moved. The epoch is read through
// db.Epoch: a change committed before the request is always seen — by this
// process at once, by another (a second instance, a worker, the CLI) on
// SQLite at once (the WAL-index header moved) and on PostgreSQL as soon as
// its notification arrives — while a request after no commit costs no
// query, and concurrent requests share one.
func (c *authCache) fresh(ctx context.Context, d *db.DB) {
	v, err := d.Epoch(ctx, authEpochQuery)
	if err != nil {
		c.clear() // unknown: trust nothing cached
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.epoch {
		c.tokens, c.users, c.sessions = nil, nil, nil
		c.epoch = v
	}
}

func (c *authCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tokens, c.users, c.sessions = nil, nil, nil
}

// bumpEpoch records, inside the caller's transaction, that access changed.
func bumpEpoch(ctx context.Context, tx db.Conn) error {
	_, err := tx.Exec(ctx, `UPDATE auth_epoch SET v = v + 1 WHERE id = 1`)
	return err
}
