package auth

import (
	"context"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// CachedSessions wraps a session store so that session ids are stored hashed
// and loading a session usually costs no database round trip.
//
// The store sees only the SHA-256 of a session id (as API tokens are kept),
// so whoever reads the sessions table or a backup of it cannot use what they
// read as a cookie.
//
// Found sessions are kept in memory, by the hash too, until the auth epoch
// moves. Saving or ending a session moves the epoch, so every instance drops
// what it cached (sessions are saved at sign-in, sign-out and a few times an
// hour while in use, not on every request).
func (s *Service) CachedSessions(inner scs.Store) scs.Store {
	return &cachedSessions{inner: inner, svc: s}
}

type cachedSessions struct {
	inner scs.Store
	svc   *Service
}

type sessionEntry struct {
	data     []byte
	deadline time.Time
}

func (c *cachedSessions) Find(token string) ([]byte, bool, error) {
	token = hashToken(token)
	ctx := context.Background()
	cache := c.svc.cache
	cache.fresh(ctx, c.svc.db)
	cache.mu.Lock()
	e, ok := cache.sessions[token]
	cache.mu.Unlock()
	if ok && time.Now().Before(e.deadline) {
		return e.data, true, nil
	}
	b, found, err := c.inner.Find(token)
	if err != nil || !found {
		return b, found, err
	}
	deadline, _, err := (scs.GobCodec{}).Decode(b)
	if err != nil {
		return b, found, nil // let the session manager report it
	}
	cache.mu.Lock()
	if cache.sessions == nil {
		cache.sessions = map[string]sessionEntry{}
	}
	cache.sessions[token] = sessionEntry{data: b, deadline: deadline}
	cache.mu.Unlock()
	return b, true, nil
}

func (c *cachedSessions) Commit(token string, b []byte, expiry time.Time) error {
	if err := c.inner.Commit(hashToken(token), b, expiry); err != nil {
		return err
	}
	return c.svc.moveEpoch()
}

func (c *cachedSessions) Delete(token string) error {
	if token == "" {
		return nil // a session never stored (ended before anything was saved)
	}
	if err := c.inner.Delete(hashToken(token)); err != nil {
		return err
	}
	return c.svc.moveEpoch()
}

// moveEpoch tells every instance to drop cached sessions and callers.
func (s *Service) moveEpoch() error {
	ctx := context.Background()
	err := s.db.InTx(ctx, func(tx db.Conn) error { return bumpEpoch(ctx, tx) })
	s.cache.clear()
	return err
}
