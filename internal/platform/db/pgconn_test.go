package db_test

import (
	"context"
	"database/sql"
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
	watch, err := sql.Open("pgx", d.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()
	// Every connection of the pool runs a query when they are cancelled.
	const sleep = `SELECT pg_sleep(?) AS cancelled_mid_way`
	if _, err := d.Read().Exec(context.Background(), sleep, 0); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, err := d.Read().Exec(ctx, sleep, 30); err == nil {
				t.Error("a cancelled query succeeded")
			} else if ctx.Err() == nil {
				t.Errorf("query failed before it was cancelled: %v", err)
			}
		})
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var running int
		if err := watch.QueryRow(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query = $1`, d.Q(sleep)).Scan(&running); err != nil {
			t.Fatal(err)
		}
		if running >= n {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("%d of %d queries started", running, n)
		}
	}
	cancel()
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
