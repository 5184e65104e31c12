package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// The crash campaigns (publish_kill_test.go, audit_kill_test.go) kill the
// real binary with SIGKILL again and again. Their size comes from the
// environment, so that `make reliability` runs the full campaigns and every
// other run (CI included) a short one:
const (
	// envPublishRounds is how many publishing workers are killed, per engine.
	envPublishRounds = "IMAPHUB_CRASH_ROUNDS"
	// envServeRounds is how many servers are killed under writes, per engine.
	envServeRounds = "IMAPHUB_SERVE_CRASH_ROUNDS"
	// envCrashSeed makes the random kill moments of a run repeatable.
	envCrashSeed = "IMAPHUB_CRASH_SEED"
	// envReliabilityOut is a directory each campaign writes its figures to
	// as JSON (cmd/reliability turns them into docs/reliability.md).
	envReliabilityOut = "IMAPHUB_RELIABILITY_OUT"
)

// crashRounds reads a round count from the environment: def when unset.
func crashRounds(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100000 {
		t.Fatalf("%s=%q: want a whole number of rounds from 1 to 100000", name, v)
	}
	return n
}

// crashRand is the source of a campaign's kill moments; the seed is logged
// (and written to the result) so that a failing run can be repeated.
func crashRand(t *testing.T) (*rand.Rand, uint64) {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(envCrashSeed); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: want a whole number", envCrashSeed, v)
		}
		seed = s
	}
	t.Logf("%s=%d", envCrashSeed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seed
}

// crashResult is what one campaign on one engine found. cmd/reliability
// reads it (its own copy of these fields).
type crashResult struct {
	Campaign string    `json:"campaign"` // publish or serve
	Engine   string    `json:"engine"`
	Version  string    `json:"engine_version"`
	Seed     uint64    `json:"seed"`
	Started  time.Time `json:"started"`
	Seconds  float64   `json:"seconds"`
	Settings []string  `json:"settings"` // what the killed processes ran with

	Rounds       int            `json:"rounds"`
	KillsMidWork int            `json:"kills_mid_work"`
	NotMidWork   []string       `json:"not_mid_work,omitempty"` // the rounds whose kill came after the work
	Modes        map[string]int `json:"modes,omitempty"`        // kill moments by kind

	// Publishing: entities at the local Google Ads server beyond one each,
	// and jobs that reached completed after the restart.
	Duplicates    int `json:"duplicates"`
	Jobs          int `json:"jobs"`
	JobsCompleted int `json:"jobs_completed"`

	// Every round checks the database after the kill.
	IntegrityChecks   int      `json:"integrity_checks"`
	IntegrityProblems []string `json:"integrity_problems,omitempty"`

	// Serving: writes the clients got a 2xx for, and those of them missing
	// afterwards (the row, or its audit entry).
	Acknowledged int `json:"acknowledged"`
	Missing      int `json:"missing"`
	MissingAudit int `json:"missing_audit"`

	// Recovery after the restart, one figure per round, in milliseconds:
	// publishing from the new worker's start to the job's completion,
	// serving from the new server's start to its first ready answer.
	RecoveryMillis []float64 `json:"recovery_ms"`

	FailedRounds int      `json:"failed_rounds"`
	Failures     []string `json:"failures,omitempty"`
	mu           sync.Mutex
}

func newCrashResult(campaign string, engine db.Engine, seed uint64, rounds int, settings ...string) *crashResult {
	return &crashResult{Campaign: campaign, Engine: string(engine), Seed: seed, Started: time.Now().UTC(), Rounds: rounds,
		Settings: settings, Modes: map[string]int{}}
}

// setVersion records the database server's version (SQLite's library).
func (r *crashResult) setVersion(t *testing.T, ctx context.Context, d *db.DB) {
	t.Helper()
	q := `SELECT sqlite_version()`
	if d.Engine == db.Postgres {
		q = `SHOW server_version`
	}
	var v string
	if err := d.Read().QueryRow(ctx, q).Scan(&v); err != nil {
		t.Fatal(err)
	}
	r.update(func(r *crashResult) { r.Version = v })
}

// update changes the result under its lock (rounds may run in parallel).
func (r *crashResult) update(f func(r *crashResult)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r)
}

// failf records a failed check in the result and fails the test.
func (r *crashResult) failf(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	r.update(func(r *crashResult) { r.Failures = append(r.Failures, t.Name()+": "+msg) })
	t.Error(msg)
}

// write stores the result as JSON in IMAPHUB_RELIABILITY_OUT, if set.
func (r *crashResult) write(t *testing.T) {
	t.Helper()
	dir := os.Getenv(envReliabilityOut)
	if dir == "" {
		return
	}
	r.mu.Lock()
	r.Seconds = time.Since(r.Started).Seconds()
	b, err := json.MarshalIndent(r, "", "  ")
	r.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("%s: %v", envReliabilityOut, err)
	}
	file := filepath.Join(dir, r.Campaign+"-"+r.Engine+".json")
	if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
		t.Fatalf("%s: %v", envReliabilityOut, err)
	}
}

// integrityProblems checks a database a killed process left behind. SQLite:
// PRAGMA integrity_check (pages, indexes, constraints) and PRAGMA
// foreign_key_check. PostgreSQL (which has no integrity_check of its own for
// tables; its write-ahead log makes a crash atomic): every foreign key's
// rows have their parent. Empty means sound.
func integrityProblems(ctx context.Context, d *db.DB) ([]string, error) {
	q := d.Read()
	var problems []string
	if d.Engine == db.SQLite {
		rows, err := q.Query(ctx, `PRAGMA integrity_check`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return nil, err
			}
			if s != "ok" {
				problems = append(problems, "integrity_check: "+s)
			}
		}
		rows.Close()
		rows, err = q.Query(ctx, `PRAGMA foreign_key_check`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var table, parent string
			var rowid, fk any
			if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
				return nil, err
			}
			problems = append(problems, fmt.Sprintf("foreign_key_check: %s row %v has no %s", table, rowid, parent))
		}
		return problems, rows.Err()
	}
	rows, err := q.Query(ctx, `SELECT con.conname, cl.relname, fcl.relname,
		array_to_string(ARRAY(SELECT quote_ident(a.attname) FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
			JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i), ','),
		array_to_string(ARRAY(SELECT quote_ident(a.attname) FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
			JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i), ',')
		FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid JOIN pg_class fcl ON fcl.oid = con.confrelid
		JOIN pg_namespace ns ON ns.oid = cl.relnamespace
		WHERE con.contype = 'f' AND ns.nspname = current_schema() ORDER BY con.conname`)
	if err != nil {
		return nil, err
	}
	type fk struct{ name, table, parent, cols, refs string }
	var fks []fk
	for rows.Next() {
		var f fk
		if err := rows.Scan(&f.name, &f.table, &f.parent, &f.cols, &f.refs); err != nil {
			rows.Close()
			return nil, err
		}
		fks = append(fks, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(fks) == 0 {
		return []string{"no foreign keys found in the schema: nothing was checked"}, nil
	}
	for _, f := range fks {
		cols, refs := strings.Split(f.cols, ","), strings.Split(f.refs, ",")
		var notNull, match []string
		for i := range cols {
			notNull = append(notNull, "c."+cols[i]+" IS NOT NULL")
			match = append(match, "p."+refs[i]+" = c."+cols[i])
		}
		var n int
		query := fmt.Sprintf(`SELECT count(*) FROM %q c WHERE %s AND NOT EXISTS (SELECT 1 FROM %q p WHERE %s)`,
			f.table, strings.Join(notNull, " AND "), f.parent, strings.Join(match, " AND "))
		if err := q.QueryRow(ctx, query).Scan(&n); err != nil {
			return nil, fmt.Errorf("foreign key %s: %w", f.name, err)
		}
		if n > 0 {
			problems = append(problems, fmt.Sprintf("foreign key %s: %d %s rows without their %s", f.name, n, f.table, f.parent))
		}
	}
	return problems, nil
}

// checkIntegrity runs integrityProblems and records the outcome.
func (r *crashResult) checkIntegrity(t *testing.T, ctx context.Context, d *db.DB) {
	t.Helper()
	problems, err := integrityProblems(ctx, d)
	if err != nil {
		r.failf(t, "integrity check: %v", err)
		return
	}
	r.update(func(r *crashResult) {
		r.IntegrityChecks++
		r.IntegrityProblems = append(r.IntegrityProblems, problems...)
	})
	for _, p := range problems {
		r.failf(t, "integrity: %s", p)
	}
}

// The crash campaigns' integrity check passes on a migrated database and
// finds a row whose parent is missing: on SQLite one written with foreign
// keys off, on PostgreSQL one under a foreign key added NOT VALID (neither
// engine would let it in otherwise, as after a crash).
func TestIntegrityCheckFindsRowsWithoutParent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if p, err := integrityProblems(ctx, d); err != nil || len(p) != 0 {
			t.Fatalf("a migrated database: %v (%v)", p, err)
		}
		conn, err := d.WriteDB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		stmts := []string{`PRAGMA foreign_keys = OFF`, `CREATE TABLE crash_parent (id INTEGER PRIMARY KEY)`,
			`CREATE TABLE crash_child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES crash_parent (id))`,
			`INSERT INTO crash_child VALUES (1, 42)`, `PRAGMA foreign_keys = ON`}
		if d.Engine == db.Postgres {
			stmts = []string{`CREATE TABLE crash_parent (id bigint PRIMARY KEY)`, `CREATE TABLE crash_child (id bigint PRIMARY KEY, parent_id bigint)`,
				`INSERT INTO crash_child VALUES (1, 42)`,
				`ALTER TABLE crash_child ADD CONSTRAINT crash_child_parent FOREIGN KEY (parent_id) REFERENCES crash_parent (id) NOT VALID`}
		}
		for _, s := range stmts {
			if _, err := conn.ExecContext(ctx, s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		conn.Close()
		p, err := integrityProblems(ctx, d)
		if err != nil || len(p) != 1 || !strings.Contains(p[0], "crash_child") || !strings.Contains(p[0], "crash_parent") {
			t.Fatalf("problems %q (%v), want the crash_child row without its crash_parent", p, err)
		}
	})
}
