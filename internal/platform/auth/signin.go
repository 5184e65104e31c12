package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// Limits of password sign-in. Every attempt is recorded before its password
// is checked, as pending, and counts against the limits until it succeeds,
// so attempts running at the same time cannot all pass them.
//
//   - Per account and client address: MaxFailsPerAccountClient failures in
//     LoginWindow. This is the limit a guesser at one address meets; the owner
//     signing in from another address is not affected by it.
//   - Per client address, over every account: MaxFailsPerClient in LoginWindow.
//   - Per account, from every address: after AccountDelayAfter failures in
//     LoginWindow each further attempt waits, 1 s after the newest failure,
//     doubling with every failure up to AccountDelayMax. Guessing from many
//     addresses is slowed to a few attempts a minute; the owner is never
//     locked out for longer than AccountDelayMax.
//
// An attempt that failures alone refuse is refused at once (429). One that
// only pending attempts hold back waits for them to end (a success frees
// its place), as long as its request lasts and AttemptQueueMax at most:
// many people signing in at once all get in, however long hashing their
// passwords in turn takes, and parallel guesses are still checked no more
// than the limits allow.
const (
	LoginWindow              = 15 * time.Minute
	MaxFailsPerAccountClient = 5
	MaxFailsPerClient        = 30
	AccountDelayAfter        = 2 * MaxFailsPerAccountClient
	AccountDelayMax          = 30 * time.Second
	// AttemptQueueMax is as long as an attempt may be pending: the attempts
	// in the way have ended by then, or count as failed.
	AttemptQueueMax = pendingStale
	// pendingStale is when a pending attempt counts as failed: its check
	// never ended (the process stopped).
	pendingStale = time.Minute
)

// TooManyAttemptsError refuses a sign-in attempt without checking it.
type TooManyAttemptsError struct {
	// RetryAfter is when the refusing limit admits an attempt again.
	RetryAfter time.Duration
	// Limit names the limit: "account and address", "address" or "account".
	Limit string
}

func (e *TooManyAttemptsError) Error() string {
	return fmt.Sprintf("too many failed sign-in attempts (per %s); retry after %s", e.Limit, e.RetryAfter)
}

// RetryAfterSeconds is RetryAfter in whole seconds, rounded up, at least 1.
func (e *TooManyAttemptsError) RetryAfterSeconds() int {
	return max(1, int(math.Ceil(e.RetryAfter.Seconds())))
}

// Login checks a local password for a sign-in from client (an address).
func (s *Service) Login(ctx context.Context, email, password, client string) (User, error) {
	email = normEmail(email)
	attempt, err := s.reserveAttempt(ctx, email, client)
	if err != nil {
		return User{}, err
	}
	// From here on the attempt counts as failed unless it succeeds.
	succeeded := false
	defer func() {
		if !succeeded {
			s.settleFailed(context.WithoutCancel(ctx), attempt)
		}
	}()
	r := s.db.Read()
	var hash sql.NullString
	u, err := scanUser(r.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, email))
	if err == nil {
		err = r.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&hash)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return User{}, err
	}
	ok := false
	if hash.Valid {
		err = s.hashing(ctx, func() (err error) { ok, err = VerifyPassword(password, hash.String); return err })
		if err != nil {
			return User{}, fmt.Errorf("user %d: %w", u.ID, err)
		}
	} else {
		// As long as a wrong password, so the answer's timing does not tell
		// whether the account exists.
		dummy := s.dummy()
		if err := s.hashing(ctx, func() error { _, err := VerifyPassword(password, dummy); return err }); err != nil {
			return User{}, err
		}
	}
	if !ok || u.Disabled {
		return User{}, ErrBadCredentials
	}
	var out User
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE id = ?`, attempt); err != nil {
			return err
		}
		var err error
		out, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET last_login_at = ?, updated_at = ? WHERE id = ? RETURNING `+userCols, s.now(), s.now(), u.ID))
		return err
	})
	if err != nil {
		return User{}, err
	}
	succeeded = true
	s.attemptEnded.broadcast()
	return out, nil
}

// settleFailed records that a pending attempt failed.
func (s *Service) settleFailed(ctx context.Context, attempt int64) {
	_ = s.db.InTx(ctx, func(tx db.Conn) error {
		_, err := tx.Exec(ctx, `UPDATE login_failures SET pending = ? WHERE id = ?`, false, attempt)
		return err
	})
	s.attemptEnded.broadcast()
}

// reserveAttempt records an attempt as pending once the limits admit it,
// waiting while only other pending attempts hold it back.
func (s *Service) reserveAttempt(ctx context.Context, email, client string) (int64, error) {
	giveUp := time.Now().Add(AttemptQueueMax)
	for waited := false; ; waited = true {
		// Taken before the check, so an attempt ending during it wakes us.
		ended := s.attemptEnded.wait()
		var refused, held *TooManyAttemptsError
		var err error
		if waited {
			// Every waiter wakes when any attempt ends; a read tells most of
			// them to wait on without taking the write lock.
			if refused, held, err = s.limits(ctx, s.db.Read(), email, client, s.now()); err != nil {
				return 0, err
			}
		}
		if refused != nil || held == nil {
			var id int64
			id, held, err = s.tryReserve(ctx, email, client)
			if err != nil || held == nil {
				return id, err
			}
		}
		if time.Now().After(giveUp) {
			// The attempts in the way are still being checked: soon over.
			return 0, &TooManyAttemptsError{RetryAfter: time.Second, Limit: held.Limit}
		}
		// Attempts ending in this process wake us at once; those of other
		// instances (PostgreSQL) are seen at the next look.
		t := time.NewTimer(100 * time.Millisecond)
		select {
		case <-ended:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return 0, ctx.Err()
		}
		t.Stop()
	}
}

// tryReserve checks the limits and records the attempt as pending in one
// write transaction. Refused: a *TooManyAttemptsError. Held back by pending
// attempts only: held names the limit, and nothing is recorded.
func (s *Service) tryReserve(ctx context.Context, email, client string) (id int64, held *TooManyAttemptsError, err error) {
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		if tx.Engine() == db.Postgres {
			// SQLite serialises every write transaction; PostgreSQL takes an
			// advisory lock per account (class 7301) and per address (7302),
			// always the account first, so no two attempts wait for each
			// other's lock in opposite order.
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7301, hashtext(?))`, email); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7302, hashtext(?))`, client); err != nil {
				return err
			}
		}
		now := s.now()
		refused, h, err := s.limits(ctx, tx, email, client, now)
		if err != nil {
			return err
		}
		if refused != nil {
			return refused
		}
		if held = h; held != nil {
			return nil
		}
		return tx.QueryRow(ctx, `INSERT INTO login_failures (at, email, client, pending) VALUES (?, ?, ?, ?) RETURNING id`, now, email, client, true).Scan(&id)
	})
	return id, held, err
}

// limits returns the limit that refuses an attempt now (failed attempts
// alone reach it) or, when none does, the limit that holds it back until
// attempts still being checked end.
func (s *Service) limits(ctx context.Context, q db.Conn, email, client string, now time.Time) (refused, held *TooManyAttemptsError, err error) {
	if refused, err = s.checkLimits(ctx, q, email, client, now, false); err != nil || refused != nil {
		return refused, nil, err
	}
	held, err = s.checkLimits(ctx, q, email, client, now, true)
	return nil, held, err
}

// checkLimits returns the limit that refuses an attempt now, counting failed
// attempts and, with pending, attempts whose check has not ended.
func (s *Service) checkLimits(ctx context.Context, tx db.Conn, email, client string, now time.Time, pending bool) (*TooManyAttemptsError, error) {
	since := now.Add(-LoginWindow)
	counted := ` AND at > ?`
	args := []any{since}
	if !pending {
		counted += ` AND (pending = ? OR at <= ?)`
		args = append(args, false, now.Add(-pendingStale))
	}
	var refused *TooManyAttemptsError
	refuse := func(until time.Time, limit string) {
		if wait := until.Sub(now); wait > 0 && (refused == nil || wait > refused.RetryAfter) {
			refused = &TooManyAttemptsError{RetryAfter: wait, Limit: limit}
		}
	}
	// A count limit admits the next attempt when the limit-th newest counted
	// attempt leaves the window.
	nth := func(where string, n int, keys ...any) (time.Time, bool, error) {
		var at time.Time
		err := tx.QueryRow(ctx, `SELECT at FROM login_failures WHERE `+where+counted+` ORDER BY at DESC LIMIT 1 OFFSET ?`,
			append(append(keys, args...), n-1)...).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			return at, false, nil
		}
		return at, err == nil, err
	}
	at, found, err := nth(`email = ? AND client = ?`, MaxFailsPerAccountClient, email, client)
	if err != nil {
		return nil, err
	}
	if found {
		refuse(at.Add(LoginWindow), "account and address")
	}
	if at, found, err = nth(`client = ?`, MaxFailsPerClient, client); err != nil {
		return nil, err
	}
	if found {
		refuse(at.Add(LoginWindow), "address")
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE email = ?`+counted, append([]any{email}, args...)...).Scan(&n); err != nil {
		return nil, err
	}
	if n >= AccountDelayAfter {
		if at, _, err = nth(`email = ?`, 1, email); err != nil {
			return nil, err
		}
		refuse(at.Add(AccountDelay(n)), "account")
	}
	return refused, nil
}

// AccountDelay is how long after the newest failure an account with n
// failures in the window (from all addresses) admits the next attempt.
func AccountDelay(n int) time.Duration {
	if n < AccountDelayAfter {
		return 0
	}
	if shift := n - AccountDelayAfter; shift < 16 {
		return min(time.Second<<shift, AccountDelayMax)
	}
	return AccountDelayMax
}

// broadcast wakes every goroutine waiting for something to happen once.
type broadcast struct {
	mu sync.Mutex
	ch chan struct{}
}

// wait returns a channel closed at the next broadcast.
func (b *broadcast) wait() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch == nil {
		b.ch = make(chan struct{})
	}
	return b.ch
}

func (b *broadcast) broadcast() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch != nil {
		close(b.ch)
		b.ch = nil
	}
}

// hashSlots bounds how many argon2id computations run at once: each holds
// its memory cost (32 MiB by default) while it runs, and more of them than
// cores only share the same CPUs. Further sign-ins wait for a slot.
func newHashSlots() chan struct{} { return make(chan struct{}, max(2, runtime.GOMAXPROCS(0))) }

// hashing runs fn, a password hash or verification, in a hashing slot,
// waiting for one as long as ctx allows.
func (s *Service) hashing(ctx context.Context, fn func() error) error {
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.hashSlots }()
	n := s.hashBusy.Add(1)
	defer s.hashBusy.Add(-1)
	for p := s.hashPeak.Load(); n > p && !s.hashPeak.CompareAndSwap(p, n); p = s.hashPeak.Load() {
	}
	return fn()
}

// PruneSignInAttempts deletes recorded sign-in attempts far past every limit's
// window (the limits look back LoginWindow); housekeeping calls it.
func (s *Service) PruneSignInAttempts(ctx context.Context) error {
	cutoff := s.now().Add(-24 * time.Hour)
	return s.db.InTx(ctx, func(tx db.Conn) error {
		_, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE at < ?`, cutoff)
		return err
	})
}
