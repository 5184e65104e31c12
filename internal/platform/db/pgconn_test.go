package db_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// A query cancelled mid-way (its request's client went away) closes its
// PostgreSQL connection; the pool drops it at once rather than hand it to
// the next caller, and every query after it succeeds.
func TestCancelledQueriesLeaveNoClosedConnectionInThePool(t *testing.T) {
	d := dbtest.Open(t, db.Postgres)
	pool := d.WriteDB()
	n := pool.Stats().MaxOpenConnections
	if n <= 0 {
		t.Fatal("the PostgreSQL pool has no bound")
	}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			if _, err := d.Read().Exec(ctx, `SELECT pg_sleep(5)`); err == nil {
				t.Error("a cancelled query succeeded")
			}
		})
	}
	wg.Wait()
	if s := pool.Stats(); s.Idle != 0 {
		t.Fatalf("%d closed connections kept in the pool (%+v)", s.Idle, s)
	}
	errs := make(chan error, 2*n)
	for range 2 * n {
		wg.Go(func() {
			var v int
			errs <- d.Read().QueryRow(context.Background(), `SELECT 1`).Scan(&v)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("query after the cancelled ones: %v", err)
		}
	}
}
