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
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/migrations"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/jobs"
	"github.com/jackc/pgx/v5/pgconn"
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
		d, err = openPostgres(t)
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { d.Close() })
	return d // a copy of a migrated template
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

// openPostgres returns a migrated, empty PostgreSQL database for the test:
// a copy of a migrated template database (CREATE DATABASE … TEMPLATE, ~70 ms)
// dropped when the test ends, or, where the user may not create databases,
// a new schema migrated for the test (~1 s of migrations each).
func openPostgres(t testing.TB) (*db.DB, error) {
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("PostgreSQL half skipped: %s is not set (.ci/run sets it)", PostgresEnv)
	}
	ctx := context.Background()
	pgTemplate.once.Do(func() { pgTemplate.name, pgTemplate.err = postgresTemplate(ctx, base, true) })
	if pgTemplate.err != nil {
		pgTemplate.warn.Do(func() {
			fmt.Fprintf(os.Stderr, "dbtest: no PostgreSQL template database (%v): every test migrates a schema of its own\n", pgTemplate.err)
		})
		d, err := db.Open(ctx, db.Config{URL: PostgresSchemaURL(t)})
		if err != nil {
			return nil, err
		}
		if err := Migrate(ctx, d); err != nil {
			d.Close()
			return nil, fmt.Errorf("migrate: %w", err)
		}
		return d, nil
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	name := "imaphub_t_" + randomHex()
	_, err = admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+pgTemplate.name)
	if missingDatabase(err) {
		// A test process of another schema version on the same server
		// dropped the template as stale: build it again, leaving theirs,
		// since both versions are in use.
		if _, err := postgresTemplate(ctx, base, false); err != nil {
			return nil, fmt.Errorf("rebuild the template database: %w", err)
		}
		_, err = admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE `+pgTemplate.name)
	}
	if err != nil {
		return nil, fmt.Errorf("copy the template database: %w", err)
	}
	// Registered before the caller's Close, so it runs after it.
	t.Cleanup(func() { dropDatabase(base, name) })
	url, err := databaseURL(base, name)
	if err != nil {
		return nil, err
	}
	return db.Open(ctx, db.Config{URL: url})
}

// pgTemplate is the migrated template database of this test process.
var pgTemplate struct {
	once, warn sync.Once
	name       string
	err        error
}

// postgresTemplate returns the name of a migrated, empty database to copy,
// making it when this version of the schema has none yet. Its name holds a
// hash of every migration (River's by its module version), so test
// processes of the same code share it and a changed migration makes a new
// one; the build runs under an advisory lock and is renamed into place when
// complete, so a half-built template is never copied. With dropStale,
// templates of other versions are dropped then (one that is being copied
// stays).
func postgresTemplate(ctx context.Context, base string, dropStale bool) (string, error) {
	sum, err := schemaVersion()
	if err != nil {
		return "", err
	}
	name := "imaphub_tpl_" + sum
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	const lock = 0x696d617068756274 // "imaphubt"
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(lock)); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(lock)) //nolint:errcheck // the session ends with conn
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := "imaphub_tplb_" + randomHex()
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+building); err != nil {
		return "", err
	}
	err = func() error {
		url, err := databaseURL(base, building)
		if err != nil {
			return err
		}
		d, err := db.Open(ctx, db.Config{URL: url})
		if err != nil {
			return err
		}
		if err := Migrate(ctx, d); err != nil {
			d.Close()
			return fmt.Errorf("migrate: %w", err)
		}
		if err := d.Close(); err != nil {
			return err
		}
		// The server ends the closed sessions' backends a moment later.
		for try := 0; ; try++ {
			_, err = conn.ExecContext(ctx, `ALTER DATABASE `+building+` RENAME TO `+name)
			if err == nil || try == 50 || !strings.Contains(err.Error(), "being accessed by other users") {
				return err
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	if err != nil {
		dropDatabase(base, building)
		return "", err
	}
	if !dropStale {
		return name, nil
	}
	rows, err := conn.QueryContext(ctx, `SELECT datname FROM pg_database WHERE (datname LIKE 'imaphub\_tpl\_%' OR datname LIKE 'imaphub\_tplb\_%') AND datname <> $1`, name)
	if err == nil {
		var stale []string
		for rows.Next() {
			var n string
			if rows.Scan(&n) == nil {
				stale = append(stale, n)
			}
		}
		rows.Close()
		for _, n := range stale {
			_, _ = conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+n) // in use: kept
		}
	}
	return name, nil
}

// schemaVersion is a hash of everything that makes the migrated schema: the
// project's migrations and the job queue's module version.
func schemaVersion() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", err
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", fmt.Errorf("no build information to version the job queue's migrations by")
	}
	for _, m := range info.Deps {
		if strings.HasPrefix(m.Path, "github.com/riverqueue/") {
			fmt.Fprintf(h, "%s %s\n", m.Path, m.Version)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// missingDatabase reports whether err is PostgreSQL's "database does not
// exist".
func missingDatabase(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "3D000"
}

// databaseURL is base with its database replaced by name.
func databaseURL(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("%s must be a postgres:// URL to name other databases by", PostgresEnv)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// dropDatabase removes a test's database, closing what is still connected.
func dropDatabase(base, name string) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return
	}
	defer admin.Close()
	_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
}

func randomHex() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// OpenAt returns a new database on engine with the project's migrations
// applied up to version (not the job queue's): for tests of an upgrade from
// an older schema. It is closed when the test ends; on PostgreSQL it is a
// schema of its own (the test is skipped without IMAPHUB_TEST_POSTGRES_URL).
func OpenAt(t testing.TB, engine db.Engine, version int) *db.DB {
	t.Helper()
	ctx := context.Background()
	url := ""
	if engine == db.Postgres {
		url = PostgresSchemaURL(t)
	}
	d, err := db.Open(ctx, db.Config{URL: url, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	ms, err := db.LoadMigrations(migrations.FS, engine)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for n < len(ms) && ms[n].Version <= version {
		n++
	}
	if _, err := d.Migrate(ctx, ms[:n]); err != nil {
		t.Fatal(err)
	}
	if v, err := d.SchemaVersion(ctx); err != nil || v != version {
		t.Fatalf("schema version %d (%v), want %d", v, err, version)
	}
	return d
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
	url, drop, err := db.TempSchema(context.Background(), base, "t")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return url
}
