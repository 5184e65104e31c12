package db

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// epochChannel is the PostgreSQL channel on which every committed move of
// an epoch counter is announced (migration 0021: a trigger on each epoch
// table calls pg_notify at commit).
const epochChannel = "imaphub_epoch"

// listenCheckEvery is how long the listening connection may stay silent
// before it checks that it still hears (see hears): a connection cut
// without a word (a server restarted, a network dropped) must not leave the
// cache trusting epochs it can no longer hear move.
const listenCheckEvery = 15 * time.Second

// hearTimeout bounds the wait for the listener's own check notification.
const hearTimeout = 5 * time.Second

// An epochListener keeps one PostgreSQL connection LISTENing on
// epochChannel. While it listens, an epoch read after the listener began is
// known to be current until the next notification, or the next commit of
// this process (DB.inTx): epoch reads answer it without a round trip.
//
// Every notification, local commit, start and loss of the listener moves
// the DB's change counter; a remembered epoch value is answered only while
// the counter still has the value read just before its query began and
// the listener is up. A change committed through this process is therefore
// seen by its next read at once; one committed by another process (a
// worker, a second server, the CLI) as soon as its notification arrives —
// PostgreSQL sends it after the commit, normally well under a millisecond
// later. While the listener is down every epoch read queries, as before.
type epochListener struct {
	dsn       string
	changes   *atomic.Uint64
	listening atomic.Bool
	stop      context.CancelFunc
	done      chan struct{}
}

// listener returns the DB's epoch listener, starting it on first use
// (PostgreSQL only; nil on SQLite, where the WAL-index header does its job).
func (d *DB) listener() *epochListener {
	if d.Engine != Postgres || d.dsn == "" {
		return nil
	}
	d.listenOnce.Do(func() {
		d.listenMu.Lock()
		defer d.listenMu.Unlock()
		if d.listenClosed {
			return
		}
		ctx, cancel := context.WithCancel(context.Background())
		l := &epochListener{dsn: d.dsn, changes: &d.changes, stop: cancel, done: make(chan struct{})}
		d.listen = l
		go l.run(ctx)
	})
	return d.listen
}

// stopListener ends the listener, if one runs, and waits for it.
func (d *DB) stopListener() {
	d.listenMu.Lock()
	l := d.listen
	d.listenClosed = true
	d.listenMu.Unlock()
	if l != nil {
		l.stop()
		<-l.done
	}
}

// current reports whether epoch values read since the change counter was
// at gen are still current.
func (l *epochListener) current(gen uint64) bool {
	return l.listening.Load() && l.changes.Load() == gen
}

func (l *epochListener) run(ctx context.Context) {
	defer close(l.done)
	backoff := 100 * time.Millisecond
	for {
		began := time.Now()
		err := l.listen(ctx)
		l.listening.Store(false)
		l.changes.Add(1)
		if ctx.Err() != nil {
			return
		}
		if time.Since(began) > time.Minute {
			backoff = 100 * time.Millisecond
		}
		slog.Warn("epoch listener: lost the connection; cached answers are checked against the database on every request until it is back",
			"err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// listen connects, LISTENs and counts notifications until the connection
// fails or ctx ends.
func (l *epochListener) listen(ctx context.Context) error {
	cfg, err := pgx.ParseConfig(l.dsn)
	if err != nil {
		return err
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["application_name"] = "imaphub epoch listener"
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.ConnectConfig(cctx, cfg)
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	_, err = conn.Exec(lctx, "LISTEN "+epochChannel)
	cancel()
	if err != nil {
		return err
	}
	if err := hears(ctx, conn); err != nil {
		return err
	}
	// From here on every commit that moves an epoch reaches this
	// connection: values read from now on may be remembered.
	l.changes.Add(1)
	l.listening.Store(true)
	for {
		wctx, cancel := context.WithTimeout(ctx, listenCheckEvery)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		if err == nil {
			l.changes.Add(1)
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !errors.Is(err, context.DeadlineExceeded) || conn.IsClosed() {
			return err
		}
		if err := hears(ctx, conn); err != nil {
			return err
		}
		l.changes.Add(1)
	}
}

// hears checks that conn receives what is sent on epochChannel: it sends a
// notification itself and waits for one. That fails on a connection that
// is cut without a word, and behind a pooler in transaction mode, which
// runs the LISTEN and later statements on different server connections, so
// the listener never reports itself up where it would not hear commits.
func hears(ctx context.Context, conn *pgx.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, hearTimeout)
	defer cancel()
	if _, err := conn.Exec(ctx, "NOTIFY "+epochChannel+", 'check'"); err != nil {
		return err
	}
	if _, err := conn.WaitForNotification(ctx); err != nil {
		return fmt.Errorf("no notification came back on %s: %w", epochChannel, err)
	}
	return nil
}
