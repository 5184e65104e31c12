package db

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one versioned schema change, read from NNNN_name.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// LoadMigrations reads the migrations for engine from fsys, which holds one
// folder per engine ("sqlite/", "postgres/") of files named NNNN_name.sql.
func LoadMigrations(fsys fs.FS, engine Engine) ([]Migration, error) {
	dir := string(engine)
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations for %s: %w", engine, err)
	}
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s/%s: name must be NNNN_name.sql", dir, e.Name())
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migration version %d used twice (%s, %s)", v, prev, e.Name())
		}
		seen[v] = e.Name()
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies every migration newer than the database's version, each in
// its own transaction together with its bookkeeping row, and returns the
// versions it applied. A database newer than the binary is an error: running
// old code against a newer schema could lose data.
func (d *DB) Migrate(ctx context.Context, migrations []Migration) ([]int, error) {
	if _, err := d.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	if d.Engine == Postgres {
		// Serialise concurrent starts of several instances on one database.
		conn, err := d.write.Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(7236514)`); err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(7236514)`)
	}
	current, err := d.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if n := len(migrations); n > 0 && current > migrations[n-1].Version {
		return nil, fmt.Errorf("database schema version %d is newer than this binary knows (%d): upgrade imaphub", current, migrations[n-1].Version)
	}
	var applied []int
	for _, m := range migrations {
		if m.Version <= current {
			continue
		}
		err := d.InTx(ctx, func(tx Conn) error {
			if _, err := tx.q.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name)
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

// SchemaVersion returns the newest applied migration, 0 for an empty database.
func (d *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := d.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}
