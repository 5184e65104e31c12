// Package dbtest gives tests a fresh, migrated database on each engine.
//
// Run executes one test body against SQLite (a new file per test) and against
// PostgreSQL (a new schema per test, dropped afterwards) when
// IMAPHUB_TEST_POSTGRES_URL is set. Without it the PostgreSQL half is skipped
// with a message saying so, never passed silently.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/imaphub/imaphub/internal/migrations"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// PostgresEnv names the variable holding the PostgreSQL server for tests.
const PostgresEnv = "IMAPHUB_TEST_POSTGRES_URL"

// Run runs body once per engine as subtests "sqlite" and "postgres".
func Run(t *testing.T, body func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		body(t, Open(t, db.SQLite))
	})
	t.Run("postgres", func(t *testing.T) {
		body(t, Open(t, db.Postgres))
	})
}

// Open returns a migrated, empty database of the given engine that is removed
// when the test ends. For PostgreSQL without IMAPHUB_TEST_POSTGRES_URL the
// test is skipped.
func Open(t testing.TB, engine db.Engine) *db.DB {
	t.Helper()
	ctx := context.Background()
	var d *db.DB
	var err error
	switch engine {
	case db.SQLite:
		d, err = openSQLiteCopy(ctx, t)
	case db.Postgres:
		d, err = openPostgresSchema(t)
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { d.Close() })
	if engine == db.SQLite {
		return d // a copy of the migrated template
	}
	if err := Migrate(ctx, d); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return d
}

// sqliteTemplate is a migrated, empty SQLite database file (with its WAL
// file when one is left), made once per test process: most tests open a
// fresh database, and running every migration for each of them cost a fifth
// of the CPU of the store tests. A byte copy of a closed SQLite database is
// the same database.
var sqliteTemplate struct {
	once    sync.Once
	db, wal []byte
	err     error
}

func openSQLiteCopy(ctx context.Context, t testing.TB) (*db.DB, error) {
	sqliteTemplate.once.Do(func() {
		sqliteTemplate.db, sqliteTemplate.wal, sqliteTemplate.err = migratedSQLite(ctx)
	})
	if sqliteTemplate.err != nil {
		return nil, fmt.Errorf("migrate the template: %w", sqliteTemplate.err)
	}
	path := filepath.Join(t.TempDir(), "test.db")
	if err := os.WriteFile(path, sqliteTemplate.db, 0o600); err != nil {
		return nil, err
	}
	if sqliteTemplate.wal != nil {
		if err := os.WriteFile(path+"-wal", sqliteTemplate.wal, 0o600); err != nil {
			return nil, err
		}
	}
	return db.OpenSQLiteFile(ctx, path, 0)
}

func migratedSQLite(ctx context.Context) (file, wal []byte, err error) {
	dir, err := os.MkdirTemp("", "imaphub-dbtest-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	d, err := db.OpenSQLiteFile(ctx, path, 1)
	if err != nil {
		return nil, nil, err
	}
	if err := Migrate(ctx, d); err != nil {
		d.Close()
		return nil, nil, err
	}
	if err := d.Close(); err != nil {
		return nil, nil, err
	}
	if file, err = os.ReadFile(path); err != nil {
		return nil, nil, err
	}
	if wal, err = os.ReadFile(path + "-wal"); err != nil {
		if !os.IsNotExist(err) {
			return nil, nil, err
		}
		wal = nil
	}
	return file, wal, nil
}

// Migrate applies the project's migrations to d, the job queue's included.
func Migrate(ctx context.Context, d *db.DB) error {
	ms, err := db.LoadMigrations(migrations.FS, d.Engine)
	if err != nil {
		return err
	}
	if _, err = d.Migrate(ctx, ms); err != nil {
		return err
	}
	return jobs.Migrate(ctx, d)
}

func openPostgresSchema(t testing.TB) (*db.DB, error) {
	return db.Open(context.Background(), db.Config{URL: PostgresSchemaURL(t)})
}

// PostgresSchemaURL creates an empty schema for the test (dropped when it
// ends) and returns a database URL whose search_path selects it, for tests
// that start server or worker processes. Without IMAPHUB_TEST_POSTGRES_URL the
// test is skipped.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("PostgreSQL half skipped: %s is not set (.ci/run sets it)", PostgresEnv)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}
