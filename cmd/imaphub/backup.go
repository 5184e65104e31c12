package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/imaphub/imaphub/internal/migrations"
	"github.com/imaphub/imaphub/internal/platform/backup"
	"github.com/imaphub/imaphub/internal/platform/db"
)

// pgDumpHint is what a PostgreSQL operator runs besides imaphub backup.
const pgDumpHint = `PostgreSQL: this archive holds the blob store only. Back up the database with
  pg_dump --format=custom --file=imaphub.dump "$IMAPHUB_DATABASE_URL"
and restore it with pg_restore (docs/operations.md).`

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	to := fs.String("to", "", "the archive to write (tar.gz); it must not exist yet")
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	fail := func(err error) int { fmt.Fprintln(stderr, "imaphub backup:", err); return 1 }
	if *to == "" {
		fmt.Fprintln(stderr, "imaphub backup: --to FILE is required: where to write the archive")
		return 2
	}
	cfg, err := loadConfig()
	if err != nil {
		return fail(err)
	}
	if cfg.DatabaseURL == "" {
		// Opening would create an empty database: a backup of nothing.
		if _, err := os.Stat(filepath.Join(cfg.DataDir, "imaphub.db")); err != nil {
			return fail(fmt.Errorf("no database at %s (IMAPHUB_DATA_DIR): %w", filepath.Join(cfg.DataDir, "imaphub.db"), err))
		}
	}
	if _, err := os.Stat(*to); err == nil {
		return fail(fmt.Errorf("--to %s: the file exists; name a new one", *to))
	}
	d, err := openDB(ctx, cfg)
	if err != nil {
		return fail(err)
	}
	defer d.Close()
	// Written beside the target and renamed at the end: an interrupted
	// backup leaves no archive that looks whole.
	tmp, err := os.CreateTemp(filepath.Dir(*to), ".imaphub-backup-*.tar.gz")
	if err != nil {
		return fail(fmt.Errorf("--to %s: %w", *to, err))
	}
	defer os.Remove(tmp.Name())
	m, err := backup.Create(ctx, tmp, backup.Source{DB: d, DataDir: cfg.DataDir, Version: version}, filepath.Dir(*to))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), *to); err != nil {
		return fail(err)
	}
	blobs, dbBytes := 0, int64(0)
	for _, f := range m.Files {
		if f.Path == backup.DatabaseName {
			dbBytes = f.Size
		} else {
			blobs++
		}
	}
	if d.Engine == db.Postgres {
		fmt.Fprintf(stdout, "backed up %d blobs to %s\n", blobs, *to)
		fmt.Fprintln(stderr, pgDumpHint)
		return 0
	}
	fmt.Fprintf(stdout, "backed up the database (schema version %d, %d bytes) and %d blobs to %s\n", m.SchemaVersion, dbBytes, blobs, *to)
	return 0
}

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("restore", flag.ContinueOnError)
	from := fset.String("from", "", "the archive written by imaphub backup")
	force := fset.Bool("force", false, "replace the database and blobs of a data dir that is not empty (the old ones are kept in .replaced-<time>/)")
	if ok, code := flags(fset, args, stderr); !ok {
		return code
	}
	fail := func(err error) int { fmt.Fprintln(stderr, "imaphub restore:", err); return 1 }
	if *from == "" {
		fmt.Fprintln(stderr, "imaphub restore: --from FILE is required: the archive to restore")
		return 2
	}
	cfg, err := loadConfig()
	if err != nil {
		return fail(err)
	}
	engine := db.SQLite
	if cfg.DatabaseURL != "" {
		engine = db.Postgres
	}
	ms, err := db.LoadMigrations(migrations.FS, engine)
	if err != nil {
		return fail(err)
	}
	f, err := os.Open(*from)
	if errors.Is(err, fs.ErrNotExist) {
		return fail(fmt.Errorf("--from %s: no such file", *from))
	} else if err != nil {
		return fail(err)
	}
	defer f.Close()
	m, err := backup.Restore(ctx, f, cfg.DataDir, backup.RestoreOptions{Force: *force, MaxSchemaVersion: ms[len(ms)-1].Version, Engine: engine})
	if err != nil {
		return fail(err)
	}
	blobs := len(m.Files)
	if engine == db.SQLite {
		blobs--
		fmt.Fprintf(stdout, "restored the database (schema version %d, backed up %s by imaphub %s) and %d blobs into %s\n",
			m.SchemaVersion, m.CreatedAt.Format("2006-01-02 15:04:05Z"), m.Version, blobs, cfg.DataDir)
		return 0
	}
	fmt.Fprintf(stdout, "restored %d blobs into %s\n", blobs, cfg.DataDir)
	fmt.Fprintln(stderr, "PostgreSQL: restore the database from its pg_dump with pg_restore (docs/operations.md).")
	return 0
}
