// Package jobs runs background work — generation now, publishing and report
// downloads later — on River in the same database as the data, and makes its
// progress visible: persisted events, a fan-out hub, and the jobs API with
// server-sent events that resume from Last-Event-ID.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	"riverqueue.com/riverui"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// Config configures the job runner.
type Config struct {
	// Workers is how many jobs this process runs at once; 0 makes it an
	// insert-only client (IMAPHUB_WORKERS=0 on serve).
	Workers int
	// RescueAfter is how long a job may stay running before River assumes its
	// worker died (kill -9, lost machine) and runs it again. It must exceed
	// the longest job timeout. Default 15 minutes.
	RescueAfter time.Duration
	// Heartbeat is the interval of SSE keep-alive comments. Default 15 s.
	Heartbeat time.Duration
	// PollInterval is how often workers look for new jobs without
	// notifications (SQLite). Default 200 ms.
	PollInterval time.Duration
	// StreamPoll is how often, on SQLite, open event streams look for events
	// another process appended (one query for all watched jobs). Default 10 ms.
	StreamPoll time.Duration
	// Periodic jobs are enqueued on schedule by whichever worker process
	// leads (River elects one).
	Periodic []*river.PeriodicJob
	// Middleware runs around every insert and every run (metrics, traces).
	Middleware []rivertype.Middleware
}

// Runner owns the River client, the event hub and the hooks of job kinds.
type Runner struct {
	River   *river.Client[*sql.Tx]
	Hub     *Hub
	db      *db.DB
	log     *slog.Logger
	cfg     Config
	pool    *pgxpool.Pool
	mu      sync.Mutex
	onStop  map[string]CancelHook
	started bool
	// streams is the context of event streams that left their HTTP handler
	// (see stream); it ends with Start's context.
	streams context.Context
	ui      *riverui.Handler
	namers  map[string]SubjectNamer
}

// AdminUIPath is where River's own UI is mounted (admins only).
const AdminUIPath = "/admin/jobs"

// AdminUI returns River's web UI for the job queue, served under
// AdminUIPath. The caller puts access control in front of it.
func (r *Runner) AdminUI() (http.Handler, error) {
	if r.ui == nil {
		h, err := riverui.NewHandler(&riverui.HandlerOpts{
			Endpoints: riverui.NewEndpoints(r.River, nil),
			Logger:    r.log.With("component", "jobs-ui"),
			Prefix:    AdminUIPath,
		})
		if err != nil {
			return nil, fmt.Errorf("job queue UI: %w", err)
		}
		r.ui = h
	}
	return r.ui, nil
}

// CancelHook runs in the transaction that cancels a job which had not started,
// so the job's owner can undo what starting it did (move a campaign back out
// of generating).
type CancelHook func(ctx context.Context, tx db.Conn, job *rivertype.JobRow) error

func driverFor(d *db.DB, pool *pgxpool.Pool) riverdriver.Driver[*sql.Tx] {
	if d.Engine == db.Postgres {
		if pool != nil {
			return riverdatabasesql.NewWithPgxListener(d.WriteDB(), pool)
		}
		return riverdatabasesql.New(d.WriteDB())
	}
	return riversqlite.New(d.WriteDB())
}

// Migrate applies River's own migrations (its job tables) to d.
func Migrate(ctx context.Context, d *db.DB) error {
	m, err := rivermigrate.New(driverFor(d, nil), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return watchRiverJobs(ctx, d)
}

// watchRiverJobs has every change of River's job rows move the job epoch
// (migration 0018), as the changes of the job tables of our own do. River
// changes its rows in transactions of its own (fetching, completing,
// retrying, rescuing, cleaning up), so a trigger is the one place that sees
// them all. It is installed after River's migrations, which create the
// table, and again whenever it is missing.
func watchRiverJobs(ctx context.Context, d *db.DB) error {
	err := d.InTx(ctx, func(tx db.Conn) error {
		if d.Engine == db.SQLite {
			for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
				if _, err := tx.Exec(ctx, `CREATE TRIGGER IF NOT EXISTS job_epoch_river_job_`+strings.ToLower(op)+
					` AFTER `+op+` ON river_job BEGIN UPDATE job_epoch SET v = v + 1 WHERE id = 1; END`); err != nil {
					return err
				}
			}
			return nil
		}
		// Serialise with other instances starting at the same time.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7236515)`); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE tgrelid = 'river_job'::regclass AND tgname = 'job_epoch_river_job'`).Scan(&n); err != nil || n > 0 {
			return err
		}
		_, err := tx.Exec(ctx, `CREATE CONSTRAINT TRIGGER job_epoch_river_job AFTER INSERT OR UPDATE OR DELETE ON river_job
			DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION job_epoch_bump()`)
		return err
	})
	if err != nil {
		return fmt.Errorf("job epoch trigger on river_job: %w", err)
	}
	return nil
}

// NewWorkers returns the registry slices add their workers to before New.
func NewWorkers() *river.Workers { return river.NewWorkers() }

// New builds the runner. Workers must hold every job kind this process
// inserts or works.
func New(ctx context.Context, d *db.DB, workers *river.Workers, cfg Config, log *slog.Logger) (*Runner, error) {
	if cfg.RescueAfter == 0 {
		cfg.RescueAfter = 15 * time.Minute
	}
	if cfg.Heartbeat == 0 {
		cfg.Heartbeat = 15 * time.Second
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 200 * time.Millisecond
	}
	if cfg.StreamPoll == 0 {
		cfg.StreamPoll = 10 * time.Millisecond
	}
	r := &Runner{Hub: NewHub(d, log), db: d, log: log, cfg: cfg, onStop: map[string]CancelHook{}}
	if d.Engine == db.Postgres && cfg.Workers > 0 {
		pc, err := pgxpool.ParseConfig(d.DSN())
		if err != nil {
			return nil, err
		}
		pc.MaxConns, pc.MinConns = 2, 0
		if r.pool, err = pgxpool.NewWithConfig(ctx, pc); err != nil {
			return nil, err
		}
	}
	rc := &river.Config{
		Logger:               log.With("component", "jobs"),
		Workers:              workers,
		RescueStuckJobsAfter: cfg.RescueAfter,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        min(cfg.PollInterval, 100*time.Millisecond),
		// Each kind sets its own timeout in its worker; this covers any kind
		// that forgets, and River's 1-minute default is too short for ours.
		JobTimeout:   10 * time.Minute,
		PeriodicJobs: cfg.Periodic,
		Hooks:        []rivertype.Hook{&attemptHook{r: r}},
		Middleware:   cfg.Middleware,
	}
	if rc.RescueStuckJobsAfter < rc.JobTimeout {
		rc.JobTimeout = rc.RescueStuckJobsAfter
	}
	if cfg.Workers > 0 {
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}}
	}
	client, err := river.NewClient(driverFor(d, r.pool), rc)
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	r.River = client
	return r, nil
}

// Pool is the pgx pool River listens with on PostgreSQL, nil otherwise.
func (r *Runner) Pool() *pgxpool.Pool { return r.pool }

// QueueCount is the number of jobs of one kind in one state of one queue.
type QueueCount struct {
	Queue, Kind, State string
	Count              int64
}

// QueueCounts counts the jobs waiting or running, by queue, kind and state.
func (r *Runner) QueueCounts(ctx context.Context) ([]QueueCount, error) {
	rows, err := r.db.Read().Query(ctx, `SELECT queue, kind, state, count(*) FROM river_job
		WHERE state IN ('available', 'scheduled', 'retryable', 'running') GROUP BY queue, kind, state ORDER BY queue, kind, state`)
	if err != nil {
		return nil, fmt.Errorf("count queued jobs: %w", err)
	}
	defer rows.Close()
	var out []QueueCount
	for rows.Next() {
		var q QueueCount
		if err := rows.Scan(&q.Queue, &q.Kind, &q.State, &q.Count); err != nil {
			return nil, fmt.Errorf("count queued jobs: %w", err)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// OnCancelQueued registers what to undo when a job of kind is cancelled
// before a worker picked it up.
func (r *Runner) OnCancelQueued(kind string, hook CancelHook) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.onStop[kind] = hook
}

// Start starts working jobs (when Workers > 0) and, on PostgreSQL, listening
// for event notifications from every instance.
func (r *Runner) Start(ctx context.Context) error {
	r.streams = ctx
	if r.ui != nil {
		if err := r.ui.Start(ctx); err != nil {
			return fmt.Errorf("start job queue UI: %w", err)
		}
	}
	if r.db.Engine == db.Postgres {
		go r.Hub.Listen(ctx, r.db.DSN())
	} else {
		go r.Hub.Poll(ctx, r.cfg.StreamPoll)
	}
	if r.cfg.Workers == 0 {
		return nil
	}
	if err := r.River.Start(ctx); err != nil {
		return fmt.Errorf("start job workers: %w", err)
	}
	r.started = true
	return nil
}

// Stop stops taking new jobs and waits up to grace for running ones to
// finish; jobs still running then are cancelled and handed back to the queue
// (their workers see a cancelled context; River retries them).
func (r *Runner) Stop(grace time.Duration) error {
	defer func() {
		if r.pool != nil {
			r.pool.Close()
		}
	}()
	if !r.started {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := r.River.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		hard, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return r.River.StopAndCancel(hard)
	}
	return err
}

// Append persists an event in its own transaction and wakes local streams.
func (r *Runner) Append(ctx context.Context, jobID int64, typ string, payload any) (Event, error) {
	var e Event
	err := r.db.InTx(ctx, func(tx db.Conn) error {
		var err error
		e, err = AppendTx(ctx, tx, jobID, typ, payload)
		return err
	})
	if err == nil {
		r.Committed(jobID)
	}
	return e, err
}

// Committed wakes local streams after a transaction that appended events for
// jobID committed. On PostgreSQL the commit's NOTIFY does this, on every
// instance; on SQLite there is only this process.
func (r *Runner) Committed(jobID int64) {
	if r.db.Engine == db.SQLite {
		r.Hub.Wake(jobID)
	}
}

// Owner records who started a job and what it works on, for listing jobs by
// subject.
type Owner struct {
	Kind    string
	Subject Subject // zero: none
	UserID  int64
}

// Subject is what a job works on, named by its owner: a type ("campaign")
// and an id. The job system attaches no meaning to either; a slice that owns
// a type of subject may tell its names (NameSubjects), which job views show.
type Subject struct {
	Type string `json:"type" doc:"What kind of thing the job works on, e.g. campaign"`
	ID   int64  `json:"id"`
	Name string `json:"name,omitempty" doc:"The subject's name as it is now, when the slice that owns it tells it (e.g. the campaign's name); absent when the subject no longer exists"`
}

// SubjectNamer returns the current names of the subjects of one type with
// the given ids; ids it does not know (deleted subjects) are left out.
type SubjectNamer func(ctx context.Context, ids []int64) (map[int64]string, error)

// NameSubjects has job views name the subjects of type typ with namer. Call
// it while wiring, before serving.
func (r *Runner) NameSubjects(typ string, namer SubjectNamer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.namers == nil {
		r.namers = map[string]SubjectNamer{}
	}
	r.namers[typ] = namer
}

// nameSubjects fills in the names of the jobs' subjects, one call per type.
func (r *Runner) nameSubjects(ctx context.Context, jobs []Job) error {
	r.mu.Lock()
	namers := r.namers
	r.mu.Unlock()
	ids := map[string][]int64{}
	for _, j := range jobs {
		if j.Subject != nil && namers[j.Subject.Type] != nil {
			ids[j.Subject.Type] = append(ids[j.Subject.Type], j.Subject.ID)
		}
	}
	for typ, list := range ids {
		names, err := namers[typ](ctx, list)
		if err != nil {
			return err
		}
		for i := range jobs {
			if s := jobs[i].Subject; s != nil && s.Type == typ {
				s.Name = names[s.ID]
			}
		}
	}
	return nil
}

// InsertTx enqueues a job in the caller's transaction, so the job exists
// exactly when the data it refers to was committed.
func (r *Runner) InsertTx(ctx context.Context, tx db.Conn, args river.JobArgs, opts *river.InsertOpts, owner Owner) (*rivertype.JobInsertResult, error) {
	sqlTx := tx.SQLTx()
	if sqlTx == nil {
		return nil, errors.New("jobs: InsertTx needs a write transaction")
	}
	res, err := r.River.InsertTx(ctx, sqlTx, args, opts)
	if err != nil {
		return nil, fmt.Errorf("enqueue %s: %w", args.Kind(), err)
	}
	if res.UniqueSkippedAsDuplicate {
		return res, nil
	}
	var subjectType, subjectID, user any
	if owner.Subject != (Subject{}) {
		subjectType, subjectID = owner.Subject.Type, owner.Subject.ID
	}
	if owner.UserID != 0 {
		user = owner.UserID
	}
	_, err = tx.Exec(ctx, `INSERT INTO job_owners (job_id, kind, subject_type, subject_id, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		res.Job.ID, args.Kind(), subjectType, subjectID, user, time.Now().UTC())
	return res, err
}

// CancelledByUser reports whether a worker's context ended because someone
// cancelled the job (rather than a shutdown or a timeout, after which the job
// is handed back and retried).
func CancelledByUser(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), river.ErrJobCancelledRemotely)
}
