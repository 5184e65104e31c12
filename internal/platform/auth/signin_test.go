package auth_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

var fast = auth.Argon2Params{Time: 1, MemoryK: 1024, Threads: 1}

const password = "correct horse battery staple"

// clock is a settable time for the service under test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func newService(t *testing.T, d *db.DB) (*auth.Service, *clock) {
	t.Helper()
	s := auth.NewService(d, fast)
	c := &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	auth.SetClock(s, c.Now)
	if _, err := s.CreateUser(context.Background(), "owner@example.com", "Owner", auth.Admin, password); err != nil {
		t.Fatal(err)
	}
	return s, c
}

// refusal returns the limit that refused err, failing the test when err is
// not a refusal by the limits.
func refusal(t *testing.T, err error) *auth.TooManyAttemptsError {
	t.Helper()
	var tm *auth.TooManyAttemptsError
	if !errors.As(err, &tm) {
		t.Fatalf("want a refusal by the sign-in limits, got %v", err)
	}
	return tm
}

func TestSignInLimitsPerAccountAndAddress(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		// Five failures a minute apart from one address.
		for i := range auth.MaxFailsPerAccountClient {
			if _, err := s.Login(ctx, "owner@example.com", fmt.Sprintf("wrong %d", i), "203.0.113.7"); !errs.Is(err, errs.Unauthorized) {
				t.Fatalf("failure %d: %v", i, err)
			}
			c.Advance(time.Minute)
		}
		// That pair is refused until the oldest failure leaves the window,
		// even with the right password.
		tm := refusal(t, func() error { _, err := s.Login(ctx, "owner@example.com", password, "203.0.113.7"); return err }())
		if want := auth.LoginWindow - auth.MaxFailsPerAccountClient*time.Minute; tm.Limit != "account and address" || tm.RetryAfter != want {
			t.Errorf("refusal = %q after %s, want account and address after %s", tm.Limit, tm.RetryAfter, want)
		}
		// The owner elsewhere is not affected.
		if _, err := s.Login(ctx, "owner@example.com", password, "198.51.100.9"); err != nil {
			t.Errorf("owner from another address: %v", err)
		}
		// Once the oldest failure left the window, one more attempt is let through.
		c.Advance(tm.RetryAfter)
		if _, err := s.Login(ctx, "owner@example.com", password, "203.0.113.7"); err != nil {
			t.Errorf("after Retry-After: %v", err)
		}
	})
}

func TestSignInLimitPerAddress(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		for i := range auth.MaxFailsPerClient {
			if _, err := s.Login(ctx, fmt.Sprintf("guess%d@example.com", i), "wrong password", "203.0.113.7"); !errs.Is(err, errs.Unauthorized) {
				t.Fatalf("failure %d: %v", i, err)
			}
			c.Advance(10 * time.Second)
		}
		tm := refusal(t, func() error { _, err := s.Login(ctx, "owner@example.com", password, "203.0.113.7"); return err }())
		if want := auth.LoginWindow - auth.MaxFailsPerClient*10*time.Second; tm.Limit != "address" || tm.RetryAfter != want {
			t.Errorf("refusal = %q after %s, want address after %s", tm.Limit, tm.RetryAfter, want)
		}
	})
}

// Guessing one account from many addresses is slowed down, with a delay that
// grows with every failure but never locks the owner out for long.
func TestSignInDelayPerAccountFromAllAddresses(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		addr := 0
		fail := func() {
			t.Helper()
			addr++
			if _, err := s.Login(ctx, "owner@example.com", "wrong password", fmt.Sprintf("10.0.0.%d", addr)); !errs.Is(err, errs.Unauthorized) {
				t.Fatalf("failure from address %d: %v", addr, err)
			}
		}
		for range auth.AccountDelayAfter {
			fail()
		}
		var waits []time.Duration
		for n := auth.AccountDelayAfter; n < auth.AccountDelayAfter+8; n++ {
			tm := refusal(t, func() error { _, err := s.Login(ctx, "owner@example.com", password, "192.0.2.1"); return err }())
			if tm.Limit != "account" || tm.RetryAfter != auth.AccountDelay(n) {
				t.Fatalf("after %d failures: %q after %s, want account after %s", n, tm.Limit, tm.RetryAfter, auth.AccountDelay(n))
			}
			waits = append(waits, tm.RetryAfter)
			c.Advance(tm.RetryAfter)
			fail()
		}
		want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second, 30 * time.Second}
		if fmt.Sprint(waits) != fmt.Sprint(want) {
			t.Errorf("delays = %v, want %v", waits, want)
		}
		// The owner, waiting out the delay, signs in.
		c.Advance(auth.AccountDelayMax)
		if _, err := s.Login(ctx, "owner@example.com", password, "192.0.2.1"); err != nil {
			t.Errorf("owner after the delay: %v", err)
		}
	})
}

// Attempts running at once are counted before any password is checked, so
// no more of them are checked than the limit allows; the others are refused
// as soon as those failed (the context ends long before an attempt would
// stop waiting for others, AttemptQueueMax).
func TestSignInLimitHoldsForParallelAttempts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithTimeout(context.Background(), auth.AttemptQueueMax/4)
		defer cancel()
		s, _ := newService(t, d)
		var wg sync.WaitGroup
		results := make(chan error, 29)
		for i := range 29 {
			wg.Go(func() {
				_, err := s.Login(ctx, "owner@example.com", fmt.Sprintf("wrong %d", i), "203.0.113.7")
				results <- err
			})
		}
		wg.Wait()
		close(results)
		checked, refused := 0, 0
		for err := range results {
			var tm *auth.TooManyAttemptsError
			switch {
			case errors.As(err, &tm):
				refused++
			case errs.Is(err, errs.Unauthorized):
				checked++
			default:
				t.Errorf("unexpected answer: %v", err)
			}
		}
		if checked != auth.MaxFailsPerAccountClient || refused != 29-auth.MaxFailsPerAccountClient {
			t.Errorf("%d checked, %d refused; want %d checked", checked, refused, auth.MaxFailsPerAccountClient)
		}
	})
}

// Sign-ins at once queue for a few hashing slots instead of each holding the
// hash's memory (32 MiB in production), and none of them fails for it.
func TestConcurrentSignInsQueueForHashing(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	s := auth.NewService(d, auth.Argon2Params{Time: 2, MemoryK: 8 * 1024, Threads: 1})
	const n = 24
	for i := range n {
		if _, err := s.CreateUser(ctx, fmt.Sprintf("user%d@example.com", i), "", auth.Viewer, password); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errc := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := s.Login(ctx, fmt.Sprintf("user%d@example.com", i), password, fmt.Sprintf("10.1.0.%d", i))
			errc <- err
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Errorf("a sign-in failed while others ran: %v", err)
		}
	}
	if peak := auth.HashPeak(s); peak > int64(auth.HashSlots(s)) || peak < 1 {
		t.Errorf("%d hashes ran at once, want at most %d", peak, auth.HashSlots(s))
	}
}

// Many sign-ins of one account from one address at once (a shared office
// address, a script) all get in: attempts held back only by others still
// being checked wait for them instead of failing.
func TestSimultaneousSignInsOfOneAccountAllGetIn(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _ := newService(t, d)
		const n = 3 * auth.MaxFailsPerAccountClient
		var wg sync.WaitGroup
		errc := make(chan error, n)
		for range n {
			wg.Go(func() {
				_, err := s.Login(ctx, "owner@example.com", password, "203.0.113.7")
				errc <- err
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Errorf("simultaneous sign-in: %v", err)
			}
		}
	})
}

// An attempt whose check never ended (its process stopped) counts as failed
// once it is a minute old, so it neither holds others back nor is forgotten.
func TestAbandonedAttemptsCountAsFailed(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, c := newService(t, d)
		err := d.InTx(ctx, func(tx db.Conn) error {
			for range auth.MaxFailsPerAccountClient {
				if _, err := tx.Exec(ctx, `INSERT INTO login_failures (at, email, client, pending) VALUES (?, 'owner@example.com', '203.0.113.7', ?)`, c.Now(), true); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		c.Advance(2 * time.Minute)
		// Refused at once: an attempt still pending would be waited for
		// (AttemptQueueMax), and this context ends long before.
		short, cancel := context.WithTimeout(ctx, auth.AttemptQueueMax/4)
		defer cancel()
		tm := refusal(t, func() error { _, err := s.Login(short, "owner@example.com", password, "203.0.113.7"); return err }())
		if tm.Limit != "account and address" || tm.RetryAfter != auth.LoginWindow-2*time.Minute {
			t.Errorf("refusal = %q after %s", tm.Limit, tm.RetryAfter)
		}
	})
}
