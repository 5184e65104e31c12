package jobs

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/riverqueue/river/rivertype"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// stream writes a job's events after seq `after` and then follows new ones
// until the terminal event or until the client goes away.
//
// On HTTP/1.1 the connection is taken over from the HTTP server once the
// headers are known: the handler returns, and a small goroutine of the
// runner's owns the stream. Thousands of idle streams then cost a few KiB
// each instead of a request goroutine with its deep stack and buffers. Where
// the connection cannot be taken over (HTTP/2), the handler streams itself.
func (r *Runner) stream(hctx huma.Context, jobID, after int64) {
	ctx := hctx.Context()
	_, w := humago.Unwrap(hctx)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // no buffering in nginx-style proxies

	sub, err := r.Hub.Subscribe(ctx, jobID)
	if err != nil {
		r.log.Warn("subscribe to job events", "job", jobID, "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	rc := http.NewResponseController(w)
	if r.streams != nil {
		if conn, brw, err := rc.Hijack(); err == nil {
			var head strings.Builder
			head.WriteString("HTTP/1.1 200 OK\r\nConnection: close\r\n")
			_ = h.Write(&head)
			head.WriteString("\r\n")
			if brw.Reader.Buffered() > 0 { // a pipelined request: not for us
				conn.Close()
				sub.Close()
				return
			}
			c := &connSink{conn: conn, gone: make(chan struct{})}
			if _, err := io.WriteString(conn, head.String()); err != nil {
				conn.Close()
				sub.Close()
				return
			}
			go c.watch()
			go func() {
				defer conn.Close()
				defer sub.Close()
				sctx, cancel := context.WithCancel(r.streams)
				defer cancel()
				go func() {
					select {
					case <-c.gone:
						cancel()
					case <-sctx.Done():
					}
				}()
				r.follow(sctx, c, jobID, after, sub)
			}()
			return
		}
	}
	defer sub.Close()
	w.WriteHeader(http.StatusOK)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives any write timeout
	r.follow(ctx, &writerSink{w: w, rc: rc}, jobID, after, sub)
}

// sink is where a stream's bytes go.
type sink interface {
	Write(p []byte) (int, error)
	Flush() error
}

type writerSink struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (s *writerSink) Write(p []byte) (int, error) { return s.w.Write(p) }
func (s *writerSink) Flush() error                { return s.rc.Flush() }

// connSink writes to a taken-over connection, which is its own flush.
type connSink struct {
	conn net.Conn
	gone chan struct{}
}

func (s *connSink) Write(p []byte) (int, error) {
	_ = s.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	return s.conn.Write(p)
}
func (s *connSink) Flush() error { return nil }

// watch notices at once when the client closes the connection: an SSE
// client never sends anything, so a read returns only at close.
func (s *connSink) watch() {
	var b [1]byte
	_, _ = s.conn.Read(b[:])
	close(s.gone)
}

// follow replays the events after `after`, then writes new ones as they come,
// with heartbeat comments, until the terminal event, ctx's end or a write error.
//
// Every stream ends with the job's terminal event. A client resuming at or
// past it (a reconnect after the end, a stored id of a job that finished
// since) gets that event once more and the stream closes; an id beyond the
// job's newest event (no such event exists) counts as the newest, so the
// events still to come are not skipped.
func (r *Runner) follow(ctx context.Context, out sink, jobID, after int64, sub *Subscription) {
	var buf []byte
	send := func(e Event) bool {
		buf = fmt.Appendf(buf[:0], "id: %d\nevent: %s\ndata: %s\n\n", e.Seq, e.Type, e.Payload)
		_, err := out.Write(buf)
		return err == nil
	}
	write := func(e Event) bool {
		if e.Seq <= after {
			return true
		}
		if !send(e) {
			return false
		}
		after = e.Seq
		return !Terminal(e.Type)
	}
	catchUp := func() bool {
		for {
			events, err := EventsAfter(ctx, r.db.Read(), jobID, after, 500)
			if err != nil {
				return false
			}
			for _, e := range events {
				if !write(e) {
					_ = out.Flush()
					return false
				}
			}
			if err := out.Flush(); err != nil {
				return false
			}
			if len(events) < 500 {
				return true
			}
		}
	}
	// Subscribed first, so nothing appended from here on is missed.
	q := r.db.Read()
	var newest int64
	if err := q.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM job_events WHERE job_id = ?`, jobID).Scan(&newest); err != nil {
		return
	}
	term, err := lastEvent(ctx, q, jobID, EventCompleted, EventFailed, EventCancelled)
	if err != nil {
		return
	}
	if term == nil {
		// A job that ended without its terminal event gets one now, so its
		// stream closes at once rather than at the next heartbeat.
		r.settle(ctx, jobID)
	}
	after = min(after, newest)
	// Tell the client right away that the stream is open, then replay.
	if _, err := fmt.Fprintf(out, ": job %d\n\n", jobID); err != nil {
		return
	}
	if term != nil && term.Seq <= after {
		send(*term)
		_ = out.Flush()
		return
	}
	if !catchUp() {
		return
	}
	beat := time.NewTimer(r.cfg.Heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-beat.C:
			if _, err := io.WriteString(out, ": ping\n\n"); err != nil || out.Flush() != nil {
				return
			}
			// A job that ended without its terminal event (a worker that gave
			// up without reporting) must not leave its viewers waiting.
			r.settle(ctx, jobID)
			beat.Reset(r.cfg.Heartbeat)
		case <-sub.Lagged:
			if !catchUp() {
				return
			}
		case e := <-sub.C:
			if e.Seq > after+1 {
				// A gap (events delivered out of band): read them from the store.
				if !catchUp() {
					return
				}
				continue
			}
			ok := write(e)
			if err := out.Flush(); err != nil || !ok {
				return
			}
		}
	}
}

// settle records a terminal event for a job River has finalized but whose
// worker never reported an end, so every stream of it closes. The event's
// sequence number is unique per job, so two instances settling at once
// record it once.
func (r *Runner) settle(ctx context.Context, jobID int64) {
	row, err := r.River.JobGet(ctx, jobID)
	if err != nil || row.FinalizedAt == nil {
		return
	}
	typ := EventFailed
	switch row.State {
	case rivertype.JobStateCompleted:
		typ = EventCompleted
	case rivertype.JobStateCancelled:
		typ = EventCancelled
	}
	payload := map[string]any{"reason": "the job ended (" + string(row.State) + ") without reporting"}
	if len(row.Errors) > 0 {
		payload["error"] = row.Errors[len(row.Errors)-1].Error
	}
	appended := false
	err = r.db.InTx(ctx, func(tx db.Conn) error {
		term, err := lastEvent(ctx, tx, jobID, EventCompleted, EventFailed, EventCancelled)
		if err != nil || term != nil {
			return err
		}
		_, err = AppendTx(ctx, tx, jobID, typ, payload)
		appended = err == nil
		return err
	})
	if err != nil {
		r.log.Debug("settle job events", "job", jobID, "err", err)
	}
	if appended {
		r.Committed(jobID)
	}
}
