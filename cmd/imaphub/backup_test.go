package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// The backup and restore commands round-trip a data directory: users made
// before the backup exist after restoring it into an empty directory, the
// restore refuses a non-empty one without --force, and bad flags name
// themselves.
func TestBackupAndRestoreCommands(t *testing.T) {
	cliEnv(t)
	mustRun(t, "users", "add", "--email", "ops@example.com", "--role", "admin")
	archive := filepath.Join(t.TempDir(), "imaphub.tar.gz")
	out := mustRun(t, "backup", "--to", archive)
	if !strings.Contains(out, "backed up the database (schema version ") || !strings.Contains(out, archive) {
		t.Errorf("backup: %s", out)
	}
	if _, errOut, code := runCLI(t, "backup", "--to", archive); code != 1 || !strings.Contains(errOut, "the file exists") {
		t.Errorf("backup over an existing file: exit %d: %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "backup"); code != 2 || !strings.Contains(errOut, "--to FILE is required") {
		t.Errorf("backup without --to: exit %d: %s", code, errOut)
	}

	// The data dir still holds the database: restoring over it needs --force.
	if _, errOut, code := runCLI(t, "restore", "--from", archive); code != 1 || !strings.Contains(errOut, "is not empty") || !strings.Contains(errOut, "--force") {
		t.Errorf("restore into the live data dir: exit %d: %s", code, errOut)
	}
	t.Setenv("IMAPHUB_DATA_DIR", filepath.Join(t.TempDir(), "restored"))
	out = mustRun(t, "restore", "--from", archive)
	if !strings.Contains(out, "restored the database (schema version ") {
		t.Errorf("restore: %s", out)
	}
	if list := mustRun(t, "users", "list"); !strings.Contains(list, "ops@example.com") {
		t.Errorf("users after the restore:\n%s", list)
	}
	if _, errOut, code := runCLI(t, "restore", "--from", filepath.Join(t.TempDir(), "missing.tar.gz")); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Errorf("restore of a missing file: exit %d: %s", code, errOut)
	}

	// A backup of a data dir without a database is refused, not an empty copy.
	t.Setenv("IMAPHUB_DATA_DIR", t.TempDir())
	if _, errOut, code := runCLI(t, "backup", "--to", filepath.Join(t.TempDir(), "x.tar.gz")); code != 1 || !strings.Contains(errOut, "no database at") {
		t.Errorf("backup of nothing: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("IMAPHUB_DATA_DIR"), "imaphub.db")); err == nil {
		t.Error("backup of nothing created a database")
	}
}

// On PostgreSQL, backup copies the blob store and says how to dump the
// database; restore refuses a SQLite archive.
func TestBackupOnPostgresExplainsPgDump(t *testing.T) {
	url := dbtest.PostgresSchemaURL(t)
	cliEnv(t)
	mustRun(t, "users", "add", "--email", "ops@example.com", "--role", "admin")
	sqliteArchive := filepath.Join(t.TempDir(), "sqlite.tar.gz")
	mustRun(t, "backup", "--to", sqliteArchive)

	cliEnv(t, "IMAPHUB_DATABASE_URL", url)
	mustRun(t, "migrate")
	archive := filepath.Join(t.TempDir(), "blobs.tar.gz")
	out, errOut, code := runCLI(t, "backup", "--to", archive)
	if code != 0 || !strings.Contains(out, "backed up ") || !strings.Contains(errOut, "pg_dump --format=custom") {
		t.Errorf("backup on PostgreSQL: exit %d: %s%s", code, out, errOut)
	}
	t.Setenv("IMAPHUB_DATA_DIR", t.TempDir())
	if _, errOut, code := runCLI(t, "restore", "--from", sqliteArchive); code != 1 || !strings.Contains(errOut, "backup of a sqlite installation") {
		t.Errorf("restore of a SQLite archive on PostgreSQL: exit %d: %s", code, errOut)
	}
	out, errOut, code = runCLI(t, "restore", "--from", archive)
	if code != 0 || !strings.Contains(out, "restored ") || !strings.Contains(errOut, "pg_restore") {
		t.Errorf("restore on PostgreSQL: exit %d: %s%s", code, out, errOut)
	}
}
