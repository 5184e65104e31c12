package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/migrations"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ms, err := db.LoadMigrations(migrations.FS, d.Engine)
		if err != nil {
			t.Fatal(err)
		}
		applied, err := d.Migrate(ctx, ms)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second migrate applied %v, want nothing", applied)
		}
		v, err := d.SchemaVersion(ctx)
		if err != nil || v != ms[len(ms)-1].Version {
			t.Fatalf("schema version = %d, %v; want %d", v, err, ms[len(ms)-1].Version)
		}
	})
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ms, _ := db.LoadMigrations(migrations.FS, d.Engine)
		older := ms[:len(ms)-1]
		if len(older) == 0 {
			older = []db.Migration{}
			if err := d.InTx(ctx, func(tx db.Conn) error {
				_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, 9999, "future")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			older = ms
		}
		if _, err := d.Migrate(ctx, older); err == nil {
			t.Fatal("migrate with a binary older than the database succeeded; want an error")
		}
	})
}

func TestInTxRollsBackOnError(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		boom := errors.New("boom")
		err := d.InTx(ctx, func(tx db.Conn) error {
			if _, err := tx.Exec(ctx, `INSERT INTO campaigns (name, type, budget_micros, currency, created_at, updated_at) VALUES (?, 'SEARCH', 1, 'EUR', ?, ?)`, "kept?", now, now); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx error = %v, want boom", err)
		}
		var n int
		if err := d.Read().QueryRow(ctx, `SELECT count(*) FROM campaigns`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("%d campaigns after rolled-back transaction, want 0", n)
		}
	})
}

func TestConstraintViolationsAreClassified(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		insert := func(name, typ string, budget int64) error {
			return d.InTx(ctx, func(tx db.Conn) error {
				_, err := tx.Exec(ctx, `INSERT INTO campaigns (name, type, budget_micros, currency, created_at, updated_at) VALUES (?, ?, ?, 'EUR', ?, ?)`, name, typ, budget, now, now)
				return err
			})
		}
		if err := insert("a", "SEARCH", 1); err != nil {
			t.Fatal(err)
		}
		if kind, _ := db.Violation(insert("a", "SEARCH", 1)); kind != db.Unique {
			t.Errorf("duplicate name: kind %v, want Unique", kind)
		}
		if kind, _ := db.Violation(insert("b", "DISPLAY", 1)); kind != db.Check {
			t.Errorf("bad type: kind %v, want Check", kind)
		}
		err := d.InTx(ctx, func(tx db.Conn) error {
			_, err := tx.Exec(ctx, `INSERT INTO ad_groups (campaign_id, name, created_at, updated_at) VALUES (?, 'g', ?, ?)`, 424242, now, now)
			return err
		})
		if kind, _ := db.Violation(err); kind != db.ForeignKey {
			t.Errorf("unknown campaign: kind %v (%v), want ForeignKey", kind, err)
		}
	})
}

func TestRebindLeavesQuotedQuestionMarks(t *testing.T) {
	got := db.RebindForTest(`SELECT '?' , ? WHERE a = ?`)
	if want := `SELECT '?' , $1 WHERE a = $2`; got != want {
		t.Fatalf("rebind = %q, want %q", got, want)
	}
}

// TestTransactionsReuseStatementsCorrectly runs many write transactions,
// some rolled back, with read transactions alongside: every statement runs
// on its own transaction's connection and sees that transaction's state,
// and on SQLite the write transactions' statements come from the cache.
func TestTransactionsReuseStatementsCorrectly(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.InTx(ctx, func(tx db.Conn) error {
			_, err := tx.Exec(ctx, `CREATE TABLE stmt_cache_t (id BIGINT PRIMARY KEY, v TEXT NOT NULL)`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		readErr := make(chan error, 4)
		for range 4 {
			go func() {
				for {
					select {
					case <-stop:
						readErr <- nil
						return
					default:
					}
					err := d.InReadTx(ctx, func(tx db.Conn) error {
						var a, b int
						if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM stmt_cache_t`).Scan(&a); err != nil {
							return err
						}
						if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM stmt_cache_t WHERE v <> ''`).Scan(&b); err != nil {
							return err
						}
						if a != b {
							return errors.New("a read transaction saw two states")
						}
						return nil
					})
					if err != nil {
						readErr <- err
						return
					}
				}
			}()
		}
		want := 0
		for i := range 40 {
			rollBack := i%5 == 4
			err := d.InTx(ctx, func(tx db.Conn) error {
				if _, err := tx.Exec(ctx, `INSERT INTO stmt_cache_t (id, v) VALUES (?, ?)`, i, "v"); err != nil {
					return err
				}
				var n int
				if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM stmt_cache_t`).Scan(&n); err != nil {
					return err
				}
				if n != want+1 {
					t.Errorf("transaction %d sees %d rows, want %d", i, n, want+1)
				}
				if rollBack {
					return errors.New("roll back")
				}
				return nil
			})
			if rollBack != (err != nil) {
				t.Fatalf("transaction %d: %v", i, err)
			}
			if !rollBack {
				want++
			}
		}
		close(stop)
		for range 4 {
			if err := <-readErr; err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := d.Read().QueryRow(ctx, `SELECT COUNT(*) FROM stmt_cache_t`).Scan(&n); err != nil || n != want {
			t.Fatalf("%d rows, %v; want %d", n, err, want)
		}
		if d.Engine == db.SQLite {
			// Statements are prepared for the cache in the background,
			// after the first transaction that ran them.
			got := 0
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				if got = db.CachedTxStatementsForTest(d, "INSERT INTO stmt_cache_t"); got == 1 {
					break
				}
			}
			if got != 1 {
				t.Errorf("%d cached statements for the insert on the write pool, want 1", got)
			}
		}
	})
}

// A panic inside Conn.Raw reaches the caller of InTxRaw, after the
// transaction is rolled back, and the writer is usable afterwards (it hung:
// database/sql released the connection as bad while the transaction held
// it).
func TestPanicInRawRollsBackAndSurfaces(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.InTx(ctx, func(tx db.Conn) error {
			_, err := tx.Exec(ctx, `CREATE TABLE raw_panic (v INTEGER NOT NULL)`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		done := make(chan any, 1)
		go func() {
			defer func() { done <- recover() }()
			_ = d.InTxRaw(ctx, func(tx db.Conn) error {
				if _, err := tx.Exec(ctx, `INSERT INTO raw_panic (v) VALUES (1)`); err != nil {
					return err
				}
				return tx.Raw(func(any) error { panic("bug in a bulk writer") })
			})
		}()
		select {
		case p := <-done:
			if p != "bug in a bulk writer" {
				t.Fatalf("InTxRaw ended with %v, want the panic", p)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("InTxRaw still running 20 s after a panic inside Raw")
		}
		if err := d.InTx(ctx, func(tx db.Conn) error {
			_, err := tx.Exec(ctx, `INSERT INTO raw_panic (v) VALUES (2)`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var n, sum int
		if err := d.Read().QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(v), 0) FROM raw_panic`).Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		if n != 1 || sum != 2 {
			t.Fatalf("%d rows summing to %d, want the second transaction's row only", n, sum)
		}
	})
}
