package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// Hub fans new job events out to the streams of this process. A wake-up for a
// job loads its new events from the database once and hands them to every
// subscriber, so a thousand viewers of one job cost one query per event, not
// a thousand. On PostgreSQL, wake-ups arrive from every instance through
// LISTEN/NOTIFY; on SQLite (one process), Append wakes the hub directly.
type Hub struct {
	db  *db.DB
	log *slog.Logger

	mu   sync.Mutex
	jobs map[int64]*jobFeed
}

type jobFeed struct {
	subs    map[*Subscription]struct{}
	last    int64 // newest seq handed to subscribers
	pending bool  // a load is running; another wake-up during it reruns it
	rerun   bool
}

// Subscription receives a job's new events. When the subscriber falls behind
// and its buffer fills, Lagged is signalled and the stream reloads from the
// database, so nothing is lost.
type Subscription struct {
	C      chan Event
	Lagged chan struct{}
	hub    *Hub
	jobID  int64
}

// NewHub returns a hub reading events from d.
func NewHub(d *db.DB, log *slog.Logger) *Hub {
	return &Hub{db: d, log: log, jobs: map[int64]*jobFeed{}}
}

// Subscribe registers for a job's events appended from now on.
func (h *Hub) Subscribe(ctx context.Context, jobID int64) (*Subscription, error) {
	s := &Subscription{C: make(chan Event, 16), Lagged: make(chan struct{}, 1), hub: h, jobID: jobID}
	h.mu.Lock()
	f, ok := h.jobs[jobID]
	if ok {
		f.subs[s] = struct{}{}
		h.mu.Unlock()
		return s, nil
	}
	h.mu.Unlock()
	var last int64
	if err := h.db.Read().QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM job_events WHERE job_id = ?`, jobID).Scan(&last); err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if f, ok = h.jobs[jobID]; !ok {
		f = &jobFeed{subs: map[*Subscription]struct{}{}, last: last}
		h.jobs[jobID] = f
	}
	f.subs[s] = struct{}{}
	return s, nil
}

// Close ends the subscription at once, releasing what it holds.
func (s *Subscription) Close() {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if f, ok := h.jobs[s.jobID]; ok {
		delete(f.subs, s)
		if len(f.subs) == 0 && !f.pending {
			delete(h.jobs, s.jobID)
		}
	}
}

// Wake tells the hub that a job has new events.
func (h *Hub) Wake(jobID int64) {
	h.mu.Lock()
	f, ok := h.jobs[jobID]
	if !ok {
		h.mu.Unlock()
		return
	}
	if f.pending {
		f.rerun = true
		h.mu.Unlock()
		return
	}
	f.pending = true
	h.mu.Unlock()
	go h.deliver(jobID, f)
}

// WakeAll wakes every job with subscribers (after a missed notification).
func (h *Hub) WakeAll() {
	h.mu.Lock()
	ids := make([]int64, 0, len(h.jobs))
	for id := range h.jobs {
		ids = append(ids, id)
	}
	h.mu.Unlock()
	for _, id := range ids {
		h.Wake(id)
	}
}

func (h *Hub) deliver(jobID int64, f *jobFeed) {
	for {
		h.mu.Lock()
		after := f.last
		f.rerun = false
		h.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		events, err := EventsAfter(ctx, h.db.Read(), jobID, after, 1000)
		cancel()
		h.mu.Lock()
		if err != nil {
			h.log.Warn("load job events", "job", jobID, "err", err)
		}
		for _, e := range events {
			for s := range f.subs {
				select {
				case s.C <- e:
				default:
					select {
					case s.Lagged <- struct{}{}:
					default:
					}
				}
			}
			f.last = e.Seq
		}
		if !f.rerun && len(events) < 1000 {
			f.pending = false
			if len(f.subs) == 0 {
				delete(h.jobs, jobID)
			}
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
	}
}

// Poll wakes every job with subscribers at the given interval until ctx
// ends. On SQLite it is how streams of `serve` learn of events appended by a
// separate `imaphub worker` process (there is no LISTEN/NOTIFY); a wake-up
// with nothing new costs one indexed query per watched job.
func (h *Hub) Poll(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			h.wakeChanged(ctx)
		}
	}
}

// wakeChanged asks, in one query for every watched job, which jobs have
// events newer than those handed out, and wakes only those.
func (h *Hub) wakeChanged(ctx context.Context) {
	h.mu.Lock()
	last := make(map[int64]int64, len(h.jobs))
	args := make([]any, 0, len(h.jobs))
	for id, f := range h.jobs {
		last[id] = f.last
		args = append(args, id)
	}
	h.mu.Unlock()
	if len(args) == 0 {
		return
	}
	rows, err := h.db.Read().Query(ctx, `SELECT job_id, MAX(seq) FROM job_events WHERE job_id IN (`+db.Placeholders(len(args))+`) GROUP BY job_id`, args...)
	if err != nil {
		h.WakeAll()
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id, seq int64
		if rows.Scan(&id, &seq) == nil && seq > last[id] {
			h.Wake(id)
		}
	}
}

// Listen wakes the hub from PostgreSQL notifications until ctx ends,
// reconnecting with backoff. It returns at once on SQLite.
func (h *Hub) Listen(ctx context.Context, url string) {
	if h.db.Engine != db.Postgres {
		return
	}
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := h.listenOnce(ctx, url)
		if ctx.Err() != nil {
			return
		}
		h.log.Warn("job event listener reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

func (h *Hub) listenOnce(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	// Anything appended while we were not listening is picked up now.
	h.WakeAll()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var id int64
		for _, c := range n.Payload {
			if c < '0' || c > '9' {
				id = -1
				break
			}
			id = id*10 + int64(c-'0')
		}
		if id > 0 {
			h.Wake(id)
		}
	}
}

// Subscribers returns how many streams of this process follow a job.
func (h *Hub) Subscribers(jobID int64) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if f, ok := h.jobs[jobID]; ok {
		return len(f.subs)
	}
	return 0
}
