package auth

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// AuditEntry is one row of the append-only audit log.
type AuditEntry struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	UserID   *int64          `json:"user_id,omitempty"`
	Actor    string          `json:"actor" doc:"Email of the user, or 'system'"`
	Action   string          `json:"action" doc:"Operation id, e.g. update-campaign, or sign-in"`
	Entity   string          `json:"entity" doc:"Kind of entity, e.g. campaigns"`
	EntityID string          `json:"entity_id"`
	Status   int             `json:"status" doc:"HTTP status of the write (0 for a change made on the command line)"`
	Summary  json.RawMessage `json:"summary" doc:"What changed: the request's fields, with secrets removed"`
}

// Audit appends one entry in a transaction of its own, for events that
// change nothing else (a sign-in).
func (s *Service) Audit(ctx context.Context, e AuditEntry) error {
	return s.db.InTx(ctx, func(tx db.Conn) error { return s.insertAudit(ctx, tx, e) })
}

func (s *Service) insertAudit(ctx context.Context, tx db.Conn, e AuditEntry) error {
	if len(e.Summary) == 0 {
		e.Summary = json.RawMessage(`{}`)
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, user_id, actor, action, entity, entity_id, status, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		s.now(), e.UserID, e.Actor, e.Action, e.Entity, e.EntityID, e.Status, string(e.Summary))
	return err
}

// Audited returns a context under which the first write transaction that
// commits also appends e to the audit log, in that transaction: the entry
// commits with its change or neither does, and a request that changes
// nothing leaves no entry.
func (s *Service) Audited(ctx context.Context, e AuditEntry) context.Context {
	return db.WithCommitHook(ctx, &auditRecorder{svc: s, entry: e})
}

// AuditEntity names the entity a write concerns, for the audit entry of the
// change under way, when the request did not name it (a create has no id in
// its path; a command line names a user by email). Call it inside the
// transaction, after the write; the first entity named wins, and without an
// audited change it does nothing.
func AuditEntity(ctx context.Context, id int64) {
	if r, ok := db.CommitHookOf(ctx).(*auditRecorder); ok {
		r.mu.Lock()
		if r.entry.EntityID == "" {
			r.entry.EntityID = strconv.FormatInt(id, 10)
		}
		r.mu.Unlock()
	}
}

// auditRecorder is the commit hook behind Audited.
type auditRecorder struct {
	svc   *Service
	mu    sync.Mutex
	entry AuditEntry
	done  bool // the entry committed
}

func (r *auditRecorder) BeforeCommit(ctx context.Context, tx db.Conn) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return nil
	}
	return r.svc.insertAudit(ctx, tx, r.entry)
}

func (r *auditRecorder) AfterCommit(err error) {
	if err == nil {
		r.mu.Lock()
		r.done = true
		r.mu.Unlock()
	}
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	UserID   int64
	Entity   string
	EntityID string
	Action   string
	Since    time.Time
	Until    time.Time
	Before   int64 // cursor (the next_cursor of the previous page): entries with a smaller id
	Limit    int
}

// ListAudit returns entries newest first, and the cursor to the next page.
func (s *Service) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, string, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if f.UserID != 0 {
		add("user_id = ?", f.UserID)
	}
	if f.Entity != "" {
		add("entity = ?", f.Entity)
	}
	if f.EntityID != "" {
		add("entity_id = ?", f.EntityID)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if !f.Since.IsZero() {
		add("at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		add("at < ?", f.Until.UTC())
	}
	if f.Before > 0 {
		add("id < ?", f.Before)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := `SELECT id, at, user_id, actor, action, entity, entity_id, status, summary FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	rows, err := s.db.Read().Query(ctx, q, append(args, f.Limit+1)...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		var summary []byte
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.Status, &summary); err != nil {
			return nil, "", err
		}
		e.Summary = json.RawMessage(summary)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		next = strconv.FormatInt(out[len(out)-1].ID, 10)
	}
	return out, next, nil
}

// Summarise turns a JSON request body into an audit summary: the fields sent,
// with secrets replaced and long values cut.
func Summarise(body []byte) json.RawMessage {
	if len(body) == 0 {
		return json.RawMessage(`{}`)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return json.RawMessage(`{"body":"(not JSON, ` + strconv.Itoa(len(body)) + ` bytes)"}`)
	}
	v = redact(v, 0)
	out, _ := json.Marshal(map[string]any{"request": v})
	return out
}

func redact(v any, depth int) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if SecretField(k) {
				t[k] = "(redacted)"
				continue
			}
			t[k] = redact(x, depth+1)
		}
		return t
	case []any:
		if len(t) > 50 {
			t = append(t[:50], "…")
		}
		for i := range t {
			t[i] = redact(t[i], depth+1)
		}
		return t
	case string:
		if len(t) > 500 {
			return t[:500] + "…"
		}
	}
	return v
}
