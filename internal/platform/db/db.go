// Package db opens the embedded SQLite database or a PostgreSQL server, applies
// versioned migrations, and runs transactions. It knows nothing about the
// business tables: the schema lives in internal/migrations.
//
// Queries are written once with `?` placeholders; on PostgreSQL they are
// rewritten to `$n` (cached per query text). Both engines support RETURNING,
// ON CONFLICT and recursive CTEs, so the stores need no per-engine SQL beyond
// the few helpers here.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Engine names the database engine behind a DB.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Config says which database to open.
type Config struct {
	// URL is empty for SQLite in DataDir, or a postgres:// / postgresql:// URL.
	URL string
	// DataDir holds the SQLite file (imaphub.db). Default "./data".
	DataDir string
	// ReadConns is the size of the SQLite read pool. Default: 2 × GOMAXPROCS, at least 4.
	ReadConns int
}

// DB is an open database: one writer and a pool of readers on SQLite, one pool
// on PostgreSQL (where Write and Read are the same *sql.DB).
type DB struct {
	Engine Engine
	write  *sql.DB
	read   *sql.DB
	// Path is the SQLite file, empty on PostgreSQL.
	Path string
	// Location names the database for logs: the SQLite path, or the
	// PostgreSQL URL without its password.
	Location string
	// dsn is the PostgreSQL URL with its secrets; see DSN.
	dsn string

	rebound sync.Map  // query text → rewritten text (PostgreSQL only)
	epochs  sync.Map  // epoch query text → *epochReader
	wal     *walIndex // SQLite: the WAL-index header, read by epoch reads

	// PostgreSQL: the epoch listener (listen.go), started by the first
	// epoch read, and the counter of changes it and this process's commits
	// move.
	listenOnce   sync.Once
	listenMu     sync.Mutex
	listen       *epochListener
	listenClosed bool
	changes      atomic.Uint64

	// Prepared statements by pool and query text: parsing and planning a
	// query costs more than running a small one. The read pool's serve reads
	// outside transactions; on SQLite both pools' also serve the statements
	// of transactions (bound to the transaction's connection, where
	// database/sql keeps them prepared).
	stmtMu    sync.Mutex
	stmts     map[stmtKey]*sql.Stmt
	preparing map[stmtKey]bool // being prepared for the cache
	closed    bool
}

// stmtKey names a cached statement: its pool and its query text.
type stmtKey struct {
	pool  *sql.DB
	query string
}

// maxCachedStmts bounds the statement cache; queries built with a varying
// number of placeholders beyond it are prepared per call.
const maxCachedStmts = 1024

// poolStmt returns the cached prepared statement for query on pool (the
// read or the write pool). When the cache is full it returns a statement
// of the call's own and errStmtNotCached: the caller closes it after use.
func (d *DB) poolStmt(ctx context.Context, pool *sql.DB, query string) (*sql.Stmt, error) {
	key := stmtKey{pool, query}
	d.stmtMu.Lock()
	st, ok := d.stmts[key]
	d.stmtMu.Unlock()
	if ok {
		return st, nil
	}
	st, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	d.stmtMu.Lock()
	defer d.stmtMu.Unlock()
	if prev, ok := d.stmts[key]; ok {
		st.Close()
		return prev, nil
	}
	if d.stmts == nil {
		d.stmts = map[stmtKey]*sql.Stmt{}
	}
	if len(d.stmts) >= maxCachedStmts {
		return st, errStmtNotCached
	}
	d.stmts[key] = st
	return st, nil
}

var errStmtNotCached = errors.New("statement not cached")

// Open opens the database described by cfg and checks that it answers.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.URL == "" {
		return openSQLite(ctx, cfg)
	}
	if strings.HasPrefix(cfg.URL, "postgres://") || strings.HasPrefix(cfg.URL, "postgresql://") {
		return openPostgres(ctx, cfg.URL)
	}
	return nil, fmt.Errorf("database url: unsupported scheme in %q (want postgres:// or empty for SQLite)", redactURL(cfg.URL))
}

func openSQLite(ctx context.Context, cfg Config) (*DB, error) {
	dir := cfg.DataDir
	if dir == "" {
		dir = "data"
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(dir, "imaphub.db")
	return OpenSQLiteFile(ctx, path, cfg.ReadConns)
}

// OpenSQLiteFile opens (creating if needed) the SQLite database at path.
func OpenSQLiteFile(ctx context.Context, path string, readConns int) (*DB, error) {
	// busy_timeout first, then WAL: switching to WAL needs a lock that another
	// process may hold for a moment.
	common := "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
	u := "file:" + (&url.URL{Path: path}).EscapedPath()
	write, err := sql.Open("sqlite", u+"?"+common+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// One writer: SQLite serialises writes anyway, and a single connection turns
	// lock contention into queueing inside database/sql instead of SQLITE_BUSY.
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", u+"?"+common+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite %s (read pool): %w", path, err)
	}
	if readConns <= 0 {
		readConns = max(4, 2*runtime.GOMAXPROCS(0))
	}
	read.SetMaxOpenConns(readConns)
	read.SetMaxIdleConns(readConns)
	read.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{Engine: SQLite, write: write, read: read, Path: path, Location: path, wal: newWALIndex(path)}, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	connector, err := newValidatedConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres %s: %w", redactURL(dsn), err)
	}
	pool := sql.OpenDB(connector)
	pool.SetMaxOpenConns(max(8, 4*runtime.GOMAXPROCS(0)))
	pool.SetMaxIdleConns(max(8, 4*runtime.GOMAXPROCS(0)))
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.PingContext(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect postgres %s: %w", redactURL(dsn), err)
	}
	return &DB{Engine: Postgres, write: pool, read: pool, Location: redactURL(dsn), dsn: dsn}, nil
}

// Close closes every pool.
func (d *DB) Close() error {
	d.stopListener()
	d.stmtMu.Lock()
	for _, st := range d.stmts {
		st.Close()
	}
	d.stmts, d.closed = nil, true
	d.stmtMu.Unlock()
	if d.wal != nil {
		d.wal.close()
	}
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Ping checks that the database answers (readiness).
func (d *DB) Ping(ctx context.Context) error {
	if err := d.read.PingContext(ctx); err != nil {
		return err
	}
	return nil
}

// WriteDB exposes the writer pool for libraries that need a *sql.DB of their own
// (session stores, the job queue). Business code uses InTx / Read.
func (d *DB) WriteDB() *sql.DB { return d.write }

// ReadDB is the pool of readers: on PostgreSQL the same as WriteDB.
func (d *DB) ReadDB() *sql.DB { return d.read }

// Q rewrites `?` placeholders for the engine. Literal question marks inside
// quoted strings are left alone.
func (d *DB) Q(query string) string {
	if d.Engine != Postgres {
		return query
	}
	if v, ok := d.rebound.Load(query); ok {
		return v.(string)
	}
	out := rebind(query)
	d.rebound.Store(query, out)
	return out
}

func rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	inQuote := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Querier is what both a transaction and the read pool offer.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Conn runs queries with engine-correct placeholders. Stores use it for both
// transactions (Tx) and reads outside a transaction (Read).
type Conn struct {
	db *DB
	q  Querier
	sc *sql.Conn // the connection of an InTxRaw transaction
	// pool is the pool a transaction runs on, for its cached statements
	// (SQLite only: pgx keeps its own per connection), and missed the
	// statements it ran uncached.
	pool   *sql.DB
	missed *[]string
}

// Engine returns the engine the connection talks to.
func (c Conn) Engine() Engine { return c.db.Engine }

func (c Conn) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st, done := c.stmt(ctx, query); st != nil {
		defer done()
		return st.ExecContext(ctx, args...)
	}
	return c.q.ExecContext(ctx, c.db.Q(query), args...)
}

// ExecOnce is Exec for a statement that is not run again (values written
// into its text): it is neither taken from nor kept for the statement
// cache.
func (c Conn) ExecOnce(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.q.ExecContext(ctx, c.db.Q(query), args...)
}

// QueryOnce is Query for a statement that is not run again (see ExecOnce).
func (c Conn) QueryOnce(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.q.QueryContext(ctx, c.db.Q(query), args...)
}

func (c Conn) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st, done := c.stmt(ctx, query); st != nil {
		// Rows keep what they need of a statement closed under them:
		// database/sql closes it once they are.
		defer done()
		return st.QueryContext(ctx, args...)
	}
	return c.q.QueryContext(ctx, c.db.Q(query), args...)
}

func (c Conn) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st, done := c.stmt(ctx, query); st != nil {
		defer done()
		return st.QueryRowContext(ctx, args...)
	}
	return c.q.QueryRowContext(ctx, c.db.Q(query), args...)
}

// stmt returns a prepared statement for query on c, from the cache, and
// what to call once the call is done with it; nil when c prepares per call
// (a statement that failed to prepare is prepared again by the plain call,
// which reports the error).
func (c Conn) stmt(ctx context.Context, query string) (*sql.Stmt, func()) {
	nothing := func() {}
	switch {
	case c.pooled():
		st, err := c.db.poolStmt(ctx, c.db.read, c.db.Q(query))
		switch {
		case err == nil:
			return st, nothing
		case errors.Is(err, errStmtNotCached):
			return st, func() { st.Close() }
		}
	case c.pool != nil:
		tx, ok := c.q.(*sql.Tx)
		if !ok {
			return nil, nil
		}
		// A transaction holds its connection: preparing on the pool now
		// could wait for that very connection (the write pool has one).
		// A statement not cached yet runs plainly and is prepared for
		// the next transactions once this one has ended.
		q := c.db.Q(query)
		c.db.stmtMu.Lock()
		st := c.db.stmts[stmtKey{c.pool, q}]
		c.db.stmtMu.Unlock()
		if st != nil {
			return tx.StmtContext(ctx, st), nothing
		}
		if c.missed != nil && cacheable(q) {
			*c.missed = append(*c.missed, q)
		}
	}
	return nil, nil
}

// cacheable says whether a statement of a transaction is worth preparing
// for the next ones: queries and row changes, not schema changes.
func cacheable(query string) bool {
	q := strings.TrimSpace(query)
	if len(q) < 6 {
		return false
	}
	switch strings.ToUpper(q[:6]) {
	case "SELECT", "INSERT", "UPDATE", "DELETE":
		return true
	}
	return strings.HasPrefix(strings.ToUpper(q), "WITH")
}

// prepareLater prepares on pool, in the background, the statements a
// transaction ran uncached, so that the next transactions find them.
func (d *DB) prepareLater(pool *sql.DB, queries []string) {
	if len(queries) == 0 {
		return
	}
	var todo []string
	d.stmtMu.Lock()
	if d.preparing == nil {
		d.preparing = map[stmtKey]bool{}
	}
	for _, q := range queries {
		k := stmtKey{pool, q}
		if d.stmts[k] == nil && !d.preparing[k] && !d.closed && len(d.stmts)+len(d.preparing) < maxCachedStmts {
			d.preparing[k] = true
			todo = append(todo, q)
		}
	}
	d.stmtMu.Unlock()
	if len(todo) == 0 {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, q := range todo {
			st, err := pool.PrepareContext(ctx, q)
			d.stmtMu.Lock()
			delete(d.preparing, stmtKey{pool, q})
			if err == nil && !d.closed && d.stmts[stmtKey{pool, q}] == nil {
				if d.stmts == nil {
					d.stmts = map[stmtKey]*sql.Stmt{}
				}
				d.stmts[stmtKey{pool, q}] = st
				st = nil
			}
			d.stmtMu.Unlock()
			if st != nil {
				st.Close()
			}
		}
	}()
}

// pooled reports whether c runs on the read pool (not in a transaction),
// where statements are prepared once and reused.
func (c Conn) pooled() bool {
	db, ok := c.q.(*sql.DB)
	return ok && db == c.db.read
}

// Read returns a connection on the read pool. On SQLite it sees every committed
// write (WAL), never a write in progress.
func (d *DB) Read() Conn { return Conn{db: d, q: d.read} }

// InTx runs fn in one write transaction: committed when fn returns nil, rolled
// back (writing nothing) when it returns an error or panics.
func (d *DB) InTx(ctx context.Context, fn func(tx Conn) error) (err error) {
	return d.inTx(ctx, nil, fn)
}

// InTxRaw is InTx for bulk writers that also talk to the driver of the
// transaction's connection (Conn.Raw): PostgreSQL's COPY, SQLite statements
// run without database/sql's per-call work.
func (d *DB) InTxRaw(ctx context.Context, fn func(tx Conn) error) error {
	sc, err := d.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer sc.Close()
	return d.inTx(ctx, sc, fn)
}

// Raw runs fn with the driver connection of a transaction of InTxRaw (a
// *stdlib.Conn of pgx, or modernc.org/sqlite's connection), inside that
// transaction. A panic in fn goes on once database/sql has the connection
// back: panicking inside sql.Conn.Raw makes it release the connection as
// bad while the transaction still holds it, and the rollback then waited
// for it forever.
func (c Conn) Raw(fn func(driverConn any) error) error {
	if c.sc == nil {
		return errors.New("db: Raw needs a transaction of InTxRaw")
	}
	var panicked any
	err := c.sc.Raw(func(dc any) (err error) {
		defer func() {
			if p := recover(); p != nil {
				panicked, err = p, errRawPanicked
			}
		}()
		return fn(unwrapDriverConn(dc))
	})
	if panicked != nil {
		panic(panicked)
	}
	return err
}

// errRawPanicked is what Raw's function returns to database/sql when it
// panicked (the panic itself goes on to the caller).
var errRawPanicked = errors.New("db: the function given to Raw panicked")

func (d *DB) inTx(ctx context.Context, sc *sql.Conn, fn func(tx Conn) error) (err error) {
	var tx *sql.Tx
	if sc != nil {
		tx, err = sc.BeginTx(ctx, nil)
	} else {
		tx, err = d.write.BeginTx(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	conn := Conn{db: d, q: tx, sc: sc}
	if d.Engine == SQLite {
		var missed []string
		conn.pool, conn.missed = d.write, &missed
		// In the background: the connection is free once the transaction ends.
		defer func() { d.prepareLater(d.write, missed) }()
	}
	if err = fn(conn); err != nil {
		return err
	}
	hook, _ := ctx.Value(commitHookKey{}).(CommitHook)
	if hook != nil {
		if err = hook.BeforeCommit(ctx, conn); err != nil {
			return err
		}
	}
	if err = tx.Commit(); err != nil {
		err = fmt.Errorf("commit: %w", err)
	} else if d.Engine == Postgres {
		// Epochs this process remembers may have moved: its next epoch
		// read asks the database (see epochListener).
		d.changes.Add(1)
	}
	if hook != nil {
		hook.AfterCommit(err)
	}
	return err
}

// CommitHook joins every write transaction run under a context: what
// BeforeCommit writes commits with the transaction's own work, or neither
// does. The audit log uses it, so an entry exists exactly when its change
// does.
type CommitHook interface {
	// BeforeCommit runs inside the transaction after its work; an error
	// rolls the whole transaction back.
	BeforeCommit(ctx context.Context, tx Conn) error
	// AfterCommit reports the commit's outcome (nil: committed).
	AfterCommit(err error)
}

type commitHookKey struct{}

// WithCommitHook returns ctx under which every InTx also runs h.
func WithCommitHook(ctx context.Context, h CommitHook) context.Context {
	return context.WithValue(ctx, commitHookKey{}, h)
}

// CommitHookOf returns the hook installed on ctx, or nil.
func CommitHookOf(ctx context.Context) CommitHook {
	h, _ := ctx.Value(commitHookKey{}).(CommitHook)
	return h
}

// InReadTx runs fn in a read-only snapshot: every query inside sees the same
// state, which a multi-query read (a campaign tree) needs.
func (d *DB) InReadTx(ctx context.Context, fn func(tx Conn) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if d.Engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := d.read.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	conn := Conn{db: d, q: tx}
	if d.Engine == SQLite {
		var missed []string
		conn.pool, conn.missed = d.read, &missed
		defer func() { d.prepareLater(d.read, missed) }()
	}
	return fn(conn)
}

// redactURL drops the password from a database URL so it can be logged.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable url)"
	}
	return u.Redacted()
}

// SQLTx returns the database/sql transaction behind a Conn made by InTx, for
// libraries that join it (River inserts a job in the same transaction as the
// state change it belongs to). It is nil for a read connection.
func (c Conn) SQLTx() *sql.Tx {
	tx, _ := c.q.(*sql.Tx)
	return tx
}

// DSN returns the PostgreSQL URL, password included, for libraries that open
// connections of their own (the job queue's listener). Never log it.
func (d *DB) DSN() string { return d.dsn }

// Placeholders returns n comma-separated `?` placeholders for an IN list.
func Placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// EscapeLike escapes LIKE's wildcards in user text; use it with ESCAPE '\'.
func EscapeLike(s string) string { return likeEscaper.Replace(s) }
