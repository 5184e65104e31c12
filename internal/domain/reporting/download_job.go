package reporting

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// DownloadArgs is a report download job: every level of the days from … to
// of one account.
type DownloadArgs struct {
	CustomerID string `json:"customer_id" river:"unique"`
	From       Day    `json:"from" river:"unique"`
	To         Day    `json:"to" river:"unique"`
	// Daily marks the downloads the daily schedule starts.
	Daily bool `json:"daily,omitempty"`
}

// DownloadKind is the job kind of a report download.
const DownloadKind = "report_download"

func (DownloadArgs) Kind() string { return DownloadKind }

// InsertOpts: one download of a range at a time; ten attempts, each
// continuing after the days the earlier ones finished.
func (DownloadArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled,
	}}}
}

// DailyArgs is the daily schedule's job: it starts a download of yesterday
// and the lookback window for every connected account.
type DailyArgs struct{}

// DailyKind is the job kind of the daily schedule.
const DailyKind = "report_daily"

func (DailyArgs) Kind() string { return DailyKind }

func (DailyArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

// DefaultLookbackDays is how many days before yesterday the daily download
// fetches again, for conversions Google attributes late.
const DefaultLookbackDays = 7

// MaxLookbackDays bounds the lookback: Google's longest conversion window.
const MaxLookbackDays = 90

// DownloadJobOptions configure the download jobs.
type DownloadJobOptions struct {
	// Client reaches Google Ads; nil is "not connected" (NotConnected says
	// which settings are missing).
	Client       *googleads.Client
	NotConnected error
	// LookbackDays is re-downloaded before yesterday each day, default
	// DefaultLookbackDays; negative means none.
	LookbackDays int
	// Timeout bounds one run of a download job, default 10 minutes; a
	// longer download continues in the next attempt from the days done.
	Timeout time.Duration
	Logger  *slog.Logger
}

// DownloadJobs runs report downloads in the background: on demand (a
// backfill of a range, POST /api/reports/downloads) and daily for every
// connected account.
type DownloadJobs struct {
	d      *db.DB
	s      *Service
	client *googleads.Client
	ads    Searcher
	nc     error
	opts   DownloadJobOptions
	runner *jobs.Runner
	log    *slog.Logger
}

// NewDownloadJobs registers the download workers. Call Attach with the
// runner once it exists.
func NewDownloadJobs(workers *river.Workers, d *db.DB, s *Service, opts DownloadJobOptions) *DownloadJobs {
	if opts.LookbackDays == 0 {
		opts.LookbackDays = DefaultLookbackDays
	}
	if opts.LookbackDays < 0 {
		opts.LookbackDays = 0
	}
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	j := &DownloadJobs{d: d, s: s, client: opts.Client, nc: opts.NotConnected, opts: opts, log: opts.Logger}
	if opts.Client != nil {
		j.ads = opts.Client
	}
	if j.nc == nil {
		j.nc = &googleads.NotConnectedError{Missing: []string{googleads.EnvClientID, googleads.EnvClientSecret, googleads.EnvRefreshToken}}
	}
	river.AddWorker(workers, &downloadWorker{j: j})
	river.AddWorker(workers, &dailyWorker{j: j})
	return j
}

// Attach connects the runner.
func (j *DownloadJobs) Attach(r *jobs.Runner) { j.runner = r }

// Schedule is the daily download: at 06:00 UTC, when yesterday is complete
// at Google in the time zones of Europe and the Americas' evening.
func (j *DownloadJobs) Schedule() *river.PeriodicJob {
	return river.NewPeriodicJob(dailyAt{hour: 6}, func() (river.JobArgs, *river.InsertOpts) { return DailyArgs{}, nil }, nil)
}

// dailyAt is a schedule at one hour of every day, UTC.
type dailyAt struct{ hour int }

func (s dailyAt) Next(t time.Time) time.Time {
	t = t.UTC()
	next := time.Date(t.Year(), t.Month(), t.Day(), s.hour, 0, 0, 0, time.UTC)
	if !next.After(t) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// requireGoogle refuses a download when Google Ads is not connected: 503,
// naming the settings to make.
func (j *DownloadJobs) requireGoogle() error {
	if j.ads != nil {
		return nil
	}
	return &httpapi.Problem{Status: http.StatusServiceUnavailable, Title: http.StatusText(http.StatusServiceUnavailable),
		Code: "google_ads_not_connected", Detail: j.nc.Error()}
}

// subject names an account as a job's subject.
func subject(customer int64) jobs.Subject {
	return jobs.Subject{Type: "google_ads_account", ID: customer}
}

// Start enqueues a download of from … to for an account (a backfill).
func (j *DownloadJobs) Start(ctx context.Context, args DownloadArgs, userID int64) (jobs.Job, error) {
	if err := j.requireGoogle(); err != nil {
		return jobs.Job{}, err
	}
	if err := (DownloadRequest{CustomerID: args.CustomerID, From: args.From, To: args.To}).Check(DayOf(j.s.now())); err != nil {
		return jobs.Job{}, err
	}
	cid, _ := parseCustomer(args.CustomerID)
	args.CustomerID = customerText(cid)
	var jobID int64
	err := j.d.InTx(ctx, func(tx db.Conn) error {
		res, err := j.runner.InsertTx(ctx, tx, args, nil, jobs.Owner{Kind: DownloadKind, Subject: subject(cid), UserID: userID})
		if err != nil {
			return err
		}
		if res.UniqueSkippedAsDuplicate {
			return errs.Conflictf("a download of %s … %s for customer %s is already queued or running (job %d)", args.From, args.To, args.CustomerID, res.Job.ID).With("job_id", res.Job.ID)
		}
		jobID = res.Job.ID
		_, err = jobs.AppendTx(ctx, tx, jobID, jobs.EventProgress, jobs.Progress{Total: int(args.To-args.From) + 1, Message: "Queued"})
		return err
	})
	if err != nil {
		return jobs.Job{}, err
	}
	j.runner.Committed(jobID)
	return j.runner.Get(ctx, jobID)
}

// Download runs a download in this process (the command line), with the
// client of the jobs.
func (j *DownloadJobs) Download(ctx context.Context, req DownloadRequest, progress func(DownloadProgress)) (DownloadResult, error) {
	if j.ads == nil {
		return DownloadResult{}, j.nc
	}
	return j.s.NewDownloader(j.ads).Download(ctx, req, progress)
}

// downloadProgress is a progress event; Day checkpoints a finished day.
type downloadProgress struct {
	jobs.Progress
	Level string `json:"level,omitempty"`
	Rows  int    `json:"rows"`
	Day   string `json:"day,omitempty"`
}

type downloadWorker struct {
	river.WorkerDefaults[DownloadArgs]
	j *DownloadJobs
}

// Timeout is the download's own limit per run (River's default is one
// minute).
func (w *downloadWorker) Timeout(*river.Job[DownloadArgs]) time.Duration { return w.j.opts.Timeout }

// Work runs one attempt: the days earlier attempts finished are skipped (the
// rest is upserted, so a day half done before is simply done again).
func (w *downloadWorker) Work(ctx context.Context, job *river.Job[DownloadArgs]) error {
	j := w.j
	if j.ads == nil {
		return j.fail(ctx, job, j.nc)
	}
	done, err := j.finishedDays(ctx, job.ID)
	if err != nil {
		return err
	}
	a := job.Args
	total := int(a.To-a.From) + 1
	res, err := j.s.NewDownloader(j.ads).Download(ctx, DownloadRequest{CustomerID: a.CustomerID, From: a.From, To: a.To, Skip: done}, func(p DownloadProgress) {
		ev := downloadProgress{Progress: jobs.Progress{Done: p.Done, Total: total, Message: fmt.Sprintf("Downloading %d/%d: %s (%s)", int(p.Day-a.From)+1, total, p.Day, p.Level)},
			Level: string(p.Level), Rows: p.Rows}
		if p.DayDone {
			ev.Day = p.Day.String()
		}
		j.emit(ctx, job.ID, jobs.EventProgress, ev)
	})
	if err != nil {
		if ctx.Err() != nil && !jobs.CancelledByUser(ctx) {
			return ctx.Err() // shutdown or timeout: the next attempt goes on
		}
		if jobs.CancelledByUser(ctx) {
			j.emit(ctx, job.ID, jobs.EventCancelled, map[string]any{"reason": "cancelled"})
			return ctx.Err()
		}
		var quota *googleads.QuotaExhaustedError
		if errors.As(err, &quota) && quota.RetryAfter > 0 && job.Attempt < job.MaxAttempts {
			j.emit(ctx, job.ID, jobs.EventWarning, map[string]any{"message": err.Error() + "; waiting for the quota to reset", "attempt": job.Attempt})
			return river.JobSnooze(quota.RetryAfter)
		}
		if permanent(err) || job.Attempt >= job.MaxAttempts {
			return j.fail(ctx, job, err)
		}
		j.emit(ctx, job.ID, jobs.EventWarning, map[string]any{"message": err.Error() + "; trying again", "attempt": job.Attempt})
		return err
	}
	result := map[string]any{"customer_id": res.CustomerID, "from": a.From, "to": a.To, "days": res.Days, "skipped_days": len(done),
		"rows": res.Rows, "written": res.Written, "levels": res.Levels, "totals": res.Totals, "request_ids": res.RequestIDs}
	j.emit(ctx, job.ID, jobs.EventCompleted, result)
	return nil
}

// permanent is a failure another attempt cannot cure: our request refused
// (invalid, an account not reachable) or Google not connected.
func permanent(err error) bool {
	if errs.As(err) != nil || errors.Is(err, googleads.ErrNotConnected) {
		return true
	}
	var api *googleads.APIError
	var auth *googleads.AuthError
	return (errors.As(err, &api) && !api.Temporary()) || errors.As(err, &auth)
}

// finishedDays reads the checkpoints of earlier attempts.
func (j *DownloadJobs) finishedDays(ctx context.Context, jobID int64) (map[Day]bool, error) {
	done := map[Day]bool{}
	for after := int64(0); ; {
		evs, err := jobs.EventsAfter(ctx, j.d.Read(), jobID, after, 1000)
		if err != nil {
			return nil, err
		}
		for _, e := range evs {
			after = e.Seq
			var p downloadProgress
			if e.Type == jobs.EventProgress && json.Unmarshal(e.Payload, &p) == nil && p.Day != "" {
				if d, err := ParseDay(p.Day); err == nil {
					done[d] = true
				}
			}
		}
		if len(evs) < 1000 {
			return done, nil
		}
	}
}

func (j *DownloadJobs) emit(ctx context.Context, jobID int64, typ string, payload any) {
	if _, err := j.runner.Append(context.WithoutCancel(ctx), jobID, typ, payload); err != nil {
		j.log.Warn("job event", "job", jobID, "type", typ, "err", err)
	}
}

// fail ends the job for good with its cause, and River does not retry.
func (j *DownloadJobs) fail(ctx context.Context, job *river.Job[DownloadArgs], cause error) error {
	j.log.Warn("report download failed", "job", job.ID, "customer_id", job.Args.CustomerID, "from", job.Args.From, "to", job.Args.To, "err", cause)
	payload := map[string]any{"error": cause.Error()}
	if advice := googleads.Advice(cause); advice != "" {
		payload["advice"] = advice
	}
	j.emit(ctx, job.ID, jobs.EventFailed, payload)
	return river.JobCancel(cause)
}

type dailyWorker struct {
	river.WorkerDefaults[DailyArgs]
	j *DownloadJobs
}

func (w *dailyWorker) Timeout(*river.Job[DailyArgs]) time.Duration { return 5 * time.Minute }

// Work starts the day's downloads: yesterday and the lookback window, for
// every connected account. Not connected, there is nothing to do.
func (w *dailyWorker) Work(ctx context.Context, _ *river.Job[DailyArgs]) error {
	_, err := w.j.StartDaily(ctx)
	return err
}

// StartDaily enqueues, for every connected account, the download of
// yesterday (UTC) and the LookbackDays before it; it returns the accounts.
func (j *DownloadJobs) StartDaily(ctx context.Context) ([]string, error) {
	if j.ads == nil {
		return nil, nil
	}
	accounts, err := j.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	yesterday := DayOf(j.s.now()) - 1
	from := yesterday - Day(j.opts.LookbackDays)
	var ids []int64
	err = j.d.InTx(ctx, func(tx db.Conn) error {
		for _, a := range accounts {
			cid, _ := parseCustomer(a)
			res, err := j.runner.InsertTx(ctx, tx, DownloadArgs{CustomerID: a, From: from, To: yesterday, Daily: true}, nil, jobs.Owner{Kind: DownloadKind, Subject: subject(cid)})
			if err != nil {
				return err
			}
			if res.UniqueSkippedAsDuplicate {
				continue
			}
			ids = append(ids, res.Job.ID)
			if _, err := jobs.AppendTx(ctx, tx, res.Job.ID, jobs.EventProgress, jobs.Progress{Total: int(yesterday-from) + 1, Message: "Queued"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		j.runner.Committed(id)
	}
	return accounts, nil
}

// Accounts are the accounts downloaded daily: those campaigns are published
// to (publishing's targets and resources), else the accounts the login
// customer manages (or the Google user reaches directly) that are not
// managers.
func (j *DownloadJobs) Accounts(ctx context.Context) ([]string, error) {
	rows, err := j.d.Read().Query(ctx, `SELECT customer_id FROM publish_targets UNION SELECT customer_id FROM google_ads_resources`)
	if err != nil {
		return nil, fmt.Errorf("read publish targets: %w", err)
	}
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) > 0 || j.client == nil {
		sort.Strings(out)
		return out, nil
	}
	if login := j.client.Config().LoginCustomerID; login != "" {
		tree, err := j.client.AccountTree(ctx, login, 10)
		if err != nil {
			return nil, err
		}
		for _, a := range tree.Accounts {
			if !a.Manager && (a.Status == "" || a.Status == "ENABLED") {
				out = append(out, fmt.Sprintf("%010d", int64(a.ID)))
			}
		}
	} else {
		acc, err := j.client.ListAccessibleCustomers(ctx)
		if err != nil {
			return nil, err
		}
		for _, id := range acc.CustomerIDs() {
			c, err := j.client.Customer(ctx, id)
			if err != nil {
				return nil, err
			}
			if !c.Customer.Manager {
				out = append(out, id)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// ParseLookbackDays reads IMAPHUB_REPORTS_LOOKBACK_DAYS: whole days, 0 to
// MaxLookbackDays ("" is the default).
func ParseLookbackDays(s string) (int, error) {
	if s == "" {
		return DefaultLookbackDays, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > MaxLookbackDays {
		return 0, fmt.Errorf("IMAPHUB_REPORTS_LOOKBACK_DAYS=%q: want whole days from 0 to %d (default %d)", s, MaxLookbackDays, DefaultLookbackDays)
	}
	return n, nil
}
