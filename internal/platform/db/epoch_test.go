package db_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

const bumpEpoch = `UPDATE graph_epoch SET v = v + 1 WHERE id = 1`

// childDBEnv names the SQLite file TestEpochChildProcess writes to when the
// test binary is run as another process.
const childDBEnv = "IMAPHUB_EPOCH_CHILD_DB"

// TestEpochChildProcess is not a test of its own: run as a child process by
// TestEpochSeesCommitsOfOtherProcesses, it moves the graph epoch of the
// database named by childDBEnv once, as another imaphub process would.
func TestEpochChildProcess(t *testing.T) {
	path := os.Getenv(childDBEnv)
	if path == "" {
		t.Skip("runs only as the child process of TestEpochSeesCommitsOfOtherProcesses")
	}
	ctx := context.Background()
	d, err := db.OpenSQLiteFile(ctx, path, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.InTx(ctx, func(tx db.Conn) error { _, err := tx.Exec(ctx, bumpEpoch); return err }); err != nil {
		t.Fatal(err)
	}
}

// On SQLite an epoch read answers from the WAL-index header while nothing
// has committed (no query), and sees at once a commit of this process or of
// another one.
func TestEpochSeesCommitsOfOtherProcesses(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, db.SQLite)
	read := func() int64 { t.Helper(); return graphEpoch(t, d) }
	want := read()
	queries := db.EpochQueriesForTest(d, db.GraphEpoch)
	for range 100 {
		if got := read(); got != want {
			t.Fatalf("epoch %d, want %d (nothing committed)", got, want)
		}
	}
	if q := db.EpochQueriesForTest(d, db.GraphEpoch); q != queries {
		t.Errorf("%d epoch queries while nothing committed, want none (the WAL-index header unchanged)", q-queries)
	}
	for i := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestEpochChildProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), childDBEnv+"="+d.Path)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("child process: %v\n%s", err, out)
		}
		want++
		if got := read(); got != want {
			t.Fatalf("after the other process's commit %d: epoch %d, want %d", i+1, got, want)
		}
		if err := d.InTx(ctx, func(tx db.Conn) error { _, err := tx.Exec(ctx, bumpEpoch); return err }); err != nil {
			t.Fatal(err)
		}
		want++
		if got := read(); got != want {
			t.Fatalf("after this process's commit %d: epoch %d, want %d", i+1, got, want)
		}
	}
}

// Concurrent epoch reads share queries, and each still sees every change
// committed before it was called.
func TestEpochReadsSeeEveryEarlierCommit(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		base, err := d.Epoch(ctx, db.GraphEpoch)
		if err != nil {
			t.Fatal(err)
		}
		var committed atomic.Int64 // commits that have returned
		stop := make(chan struct{})
		var writer sync.WaitGroup
		writer.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := d.InTx(ctx, func(tx db.Conn) error { _, err := tx.Exec(ctx, bumpEpoch); return err }); err != nil {
					t.Error(err)
					return
				}
				committed.Add(1)
			}
		})
		var readers sync.WaitGroup
		var calls atomic.Int64
		for range 16 {
			readers.Go(func() {
				for n := 0; n < 200 || committed.Load() < 50; n++ {
					before := committed.Load()
					v, err := d.Epoch(ctx, db.GraphEpoch)
					if err != nil {
						t.Error(err)
						return
					}
					calls.Add(1)
					if v-base < before {
						t.Errorf("epoch %d misses commits: %d had returned before the call (base %d)", v, before, base)
						return
					}
				}
			})
		}
		readers.Wait()
		close(stop)
		writer.Wait()
		t.Logf("%d calls, %d queries, %d commits", calls.Load(), db.EpochQueriesForTest(d, db.GraphEpoch), committed.Load())
	})
}

// On PostgreSQL, while the epoch listener listens, epoch reads answer
// without a query until a commit moves an epoch: one of this process, seen
// by the very next read, or one of another process, seen once its
// notification arrives. When the listener's connection is cut, reads query
// again until it is back, and then stop querying again.
func TestEpochListenerAnswersUntilACommitIsAnnounced(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, db.Postgres)
	other, err := db.Open(ctx, db.Config{URL: d.DSN()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	read := func() int64 { t.Helper(); return graphEpoch(t, d) }
	queries := func() int64 { return db.EpochQueriesForTest(d, db.GraphEpoch) }
	// eventually polls until cond holds, for at most ten seconds.
	eventually := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 10 s", what)
			}
		}
	}
	// quiet checks that reads answer want without a query.
	quiet := func(want int64) {
		t.Helper()
		eventually("the listener listens", func() bool { return db.ListeningForTest(d) })
		read()
		q := queries()
		for range 100 {
			if got := read(); got != want {
				t.Fatalf("epoch %d, want %d", got, want)
			}
		}
		if n := queries() - q; n != 0 {
			t.Fatalf("%d epoch queries while nothing committed, want none", n)
		}
	}
	bump := func(on *db.DB) {
		t.Helper()
		if err := on.InTx(ctx, func(tx db.Conn) error { _, err := tx.Exec(ctx, bumpEpoch); return err }); err != nil {
			t.Fatal(err)
		}
	}

	want := read()
	quiet(want)
	for i := range 3 {
		bump(d)
		want++
		if got := read(); got != want {
			t.Fatalf("after this process's commit %d: epoch %d, want %d", i+1, got, want)
		}
		quiet(want)
		bump(other)
		want++
		eventually("another process's commit", func() bool { return read() == want })
		quiet(want)
	}
	// A transaction that rolls back announces nothing and moves nothing.
	_ = other.InTx(ctx, func(tx db.Conn) error {
		if _, err := tx.Exec(ctx, bumpEpoch); err != nil {
			return err
		}
		return errors.New("roll back")
	})
	quiet(want)

	// Cut the listener's connection from the server's side.
	var cut int
	if err := other.Read().QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = 'imaphub epoch listener' AND datname = current_database()`).Scan(&cut); err != nil || cut != 1 {
		t.Fatalf("terminated %d listener connections (%v), want 1", cut, err)
	}
	eventually("the listener notices its loss", func() bool {
		q := queries()
		read()
		return queries() > q || db.ListeningForTest(d)
	})
	bump(other)
	want++
	eventually("a commit during or after the loss", func() bool { return read() == want })
	quiet(want)
	bump(other)
	want++
	eventually("a commit after the listener is back", func() bool { return read() == want })
}

// graphEpoch reads d's graph epoch through DB.Epoch.
func graphEpoch(t *testing.T, d *db.DB) int64 {
	t.Helper()
	v, err := d.Epoch(context.Background(), db.GraphEpoch)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
