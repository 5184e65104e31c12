package db

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// epochReadTimeout bounds one shared epoch read: it runs for every caller
// that joined it, so no caller's context governs it.
const epochReadTimeout = 5 * time.Second

// An epochReader reads one epoch query (one integer that moves with every
// change, in the change's transaction) for many concurrent callers at the
// cost of few queries. A caller joins the next read that has not started
// yet, or starts one; reads of one query run one after another. So every
// caller gets a value read after it arrived — a change committed before
// the call is always seen, as if the caller had queried alone — while under
// load one read answers every request that arrived during the previous
// one, instead of one round trip per request.
//
// On SQLite a caller first reads the WAL-index header (walIndex): when it
// is the one read just before the last query began, nothing has committed
// since, and that query's value is answered without a query. On PostgreSQL
// the epoch listener plays that part: while it listens and has heard of no
// commit since the last query began, that query's value is answered.
type epochReader struct {
	db *DB
	q  string

	mu      sync.Mutex
	waiting *epochRead // joined by new callers; starts when running is false or the running read ends
	running bool

	// The last query's value, and what was read before it began: the
	// WAL-index header (SQLite) or the listener's change counter
	// (PostgreSQL, see epochListener). known: the value may be answered
	// while that is unchanged.
	known  bool
	header [walHeaderSize]byte
	gen    uint64
	value  int64

	queries atomic.Int64 // epoch queries run, for tests
}

type epochRead struct {
	done chan struct{}
	v    int64
	err  error
}

// Epoch reads the integer query q answers (see epochReader): concurrent
// callers of the same query share reads.
func (d *DB) Epoch(ctx context.Context, q string) (int64, error) {
	r, ok := d.epochs.Load(q)
	if !ok {
		r, _ = d.epochs.LoadOrStore(q, &epochReader{db: d, q: q})
	}
	return r.(*epochReader).read(ctx)
}

func (e *epochReader) read(ctx context.Context) (int64, error) {
	if w := e.db.wal; w != nil {
		if h, ok := w.header(); ok {
			e.mu.Lock()
			if e.known && h == e.header {
				v := e.value
				e.mu.Unlock()
				return v, nil
			}
			e.mu.Unlock()
		}
	}
	if l := e.db.listener(); l != nil {
		e.mu.Lock()
		if e.known && l.current(e.gen) {
			v := e.value
			e.mu.Unlock()
			return v, nil
		}
		e.mu.Unlock()
	}
	e.mu.Lock()
	r := e.waiting
	if r == nil {
		r = &epochRead{done: make(chan struct{})}
		e.waiting = r
		if !e.running {
			e.running = true
			go e.run()
		}
	}
	e.mu.Unlock()
	select {
	case <-r.done:
		return r.v, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// run performs the waiting reads one after another until none is left.
func (e *epochReader) run() {
	for {
		e.mu.Lock()
		r := e.waiting
		e.waiting = nil
		if r == nil {
			e.running = false
			e.mu.Unlock()
			return
		}
		e.mu.Unlock()
		var h [walHeaderSize]byte
		hok := false
		if w := e.db.wal; w != nil {
			h, hok = w.header()
		}
		// PostgreSQL: the change counter before the query, and whether the
		// listener was up then (only then does the counter hear every
		// commit).
		var gen uint64
		lok := false
		if l := e.db.listener(); l != nil {
			lok = l.listening.Load()
			gen = l.changes.Load()
		}
		e.queries.Add(1)
		ctx, cancel := context.WithTimeout(context.Background(), epochReadTimeout)
		r.err = e.db.Read().QueryRow(ctx, e.q).Scan(&r.v)
		cancel()
		e.mu.Lock()
		e.known = (hok || lok) && r.err == nil
		e.header, e.gen, e.value = h, gen, r.v
		e.mu.Unlock()
		close(r.done)
	}
}
