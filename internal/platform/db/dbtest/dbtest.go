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
	"os"
	"path/filepath"
	"strings"
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
		d, err = db.OpenSQLiteFile(ctx, filepath.Join(t.TempDir(), "test.db"), 0)
	case db.Postgres:
		d, err = openPostgresSchema(t)
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { d.Close() })
	if err := Migrate(ctx, d); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return d
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
