package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// Event types. A stream ends after completed, failed or cancelled.
const (
	EventProgress  = "progress"  // {done, total, message}
	EventItem      = "item"      // one accepted asset as it arrives
	EventWarning   = "warning"   // {message, ...}
	EventCompleted = "completed" // the job's result
	EventFailed    = "failed"    // {error}
	EventCancelled = "cancelled" // {reason}
)

// Terminal reports whether an event type ends a job's stream.
func Terminal(typ string) bool {
	return typ == EventCompleted || typ == EventFailed || typ == EventCancelled
}

// Event is one persisted step of a job's progress.
type Event struct {
	JobID   int64           `json:"job_id"`
	Seq     int64           `json:"seq" doc:"Sequence number within the job, from 1; the SSE id"`
	Type    string          `json:"type" enum:"progress,item,warning,completed,failed,cancelled"`
	Payload json.RawMessage `json:"payload"`
	At      time.Time       `json:"at"`
}

// Progress is the payload of a progress event. Done and Total count Unit;
// a client shows them in its own language and keeps Message, the server's
// English line, for logs and API users. While the job waits for a worker
// Phase is "queued" and nothing is counted yet: Done and Total are 0 and
// say nothing.
type Progress struct {
	Done    int    `json:"done"`
	Total   int    `json:"total"`
	Unit    string `json:"unit,omitempty" doc:"What done and total count, e.g. texts; empty for steps"`
	Phase   string `json:"phase,omitempty" enum:"queued,running" doc:"queued: waiting for a free worker, no count yet; running: counting"`
	Message string `json:"message"`
}

// Queued is the payload of the progress event a job starts with. It waits
// for a free worker and has counted nothing, so it carries no done or
// total for a client to show as 0/0.
type Queued struct {
	Unit    string `json:"unit,omitempty"`
	Phase   string `json:"phase"`
	Message string `json:"message"`
}

// Progress phases.
const (
	PhaseQueued  = "queued"
	PhaseRunning = "running"
)

// notifyChannel is the PostgreSQL channel that wakes streams on every
// instance when an event is appended.
const notifyChannel = "imaphub_job_events"

// AppendTx persists an event inside the caller's transaction. On PostgreSQL
// the notification is sent by the commit itself (NOTIFY is transactional);
// on SQLite the caller wakes local streams after commit (Events.Append does).
func AppendTx(ctx context.Context, tx db.Conn, jobID int64, typ string, payload any) (Event, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return Event{}, fmt.Errorf("event payload: %w", err)
	}
	e := Event{JobID: jobID, Type: typ, Payload: raw, At: time.Now().UTC()}
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM job_events WHERE job_id = ?`, jobID).Scan(&e.Seq); err != nil {
		return e, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO job_events (job_id, seq, type, payload, at) VALUES (?, ?, ?, ?, ?)`, jobID, e.Seq, typ, string(raw), e.At); err != nil {
		return e, fmt.Errorf("append job event: %w", err)
	}
	if Terminal(typ) {
		// The run that ends the job is settled with its end, so nobody who
		// saw the end reads the run as still going.
		if err := settleRun(ctx, tx, jobID, typ, raw, e.At); err != nil {
			return e, err
		}
	}
	if tx.Engine() == db.Postgres {
		if _, err := tx.Exec(ctx, `SELECT pg_notify('`+notifyChannel+`', ?)`, strconv.FormatInt(jobID, 10)); err != nil {
			return e, err
		}
	}
	return e, nil
}

// EventsAfter returns a job's events with seq > after, in order.
func EventsAfter(ctx context.Context, q db.Conn, jobID, after int64, limit int) ([]Event, error) {
	rows, err := q.Query(ctx, `SELECT seq, type, payload, at FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?`, jobID, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e := Event{JobID: jobID}
		var payload []byte
		if err := rows.Scan(&e.Seq, &e.Type, &payload, &e.At); err != nil {
			return nil, err
		}
		e.Payload = json.RawMessage(payload)
		out = append(out, e)
	}
	return out, rows.Err()
}

// lastEvent returns a job's newest event of the given types, if any.
func lastEvent(ctx context.Context, q db.Conn, jobID int64, types ...string) (*Event, error) {
	query := `SELECT seq, type, payload, at FROM job_events WHERE job_id = ? AND type IN (` + db.Placeholders(len(types)) + `) ORDER BY seq DESC LIMIT 1`
	args := []any{jobID}
	for _, t := range types {
		args = append(args, t)
	}
	e := Event{JobID: jobID}
	var payload []byte
	err := q.QueryRow(ctx, query, args...).Scan(&e.Seq, &e.Type, &payload, &e.At)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, err
	}
	e.Payload = json.RawMessage(payload)
	return &e, nil
}

// lastEvents is lastEvent of many jobs in one query, by job id.
func lastEvents(ctx context.Context, q db.Conn, jobIDs []int64, types ...string) (map[int64]*Event, error) {
	in := db.Placeholders(len(types))
	query := `SELECT e.job_id, e.seq, e.type, e.payload, e.at FROM job_events e
		JOIN (SELECT job_id, MAX(seq) AS seq FROM job_events WHERE job_id IN (` + db.Placeholders(len(jobIDs)) + `) AND type IN (` + in + `) GROUP BY job_id) l
		ON l.job_id = e.job_id AND l.seq = e.seq`
	args := int64Args(jobIDs)
	for _, t := range types {
		args = append(args, t)
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("last job events: %w", err)
	}
	defer rows.Close()
	out := map[int64]*Event{}
	for rows.Next() {
		var e Event
		var payload []byte
		if err := rows.Scan(&e.JobID, &e.Seq, &e.Type, &payload, &e.At); err != nil {
			return nil, fmt.Errorf("last job events: %w", err)
		}
		e.Payload = json.RawMessage(payload)
		out[e.JobID] = &e
	}
	return out, rows.Err()
}
