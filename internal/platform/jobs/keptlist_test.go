package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

type gatedArgs struct{}

func (gatedArgs) Kind() string { return "test_gated" }

// gatedWorker takes one step each time the test asks for it, so the test
// can look at the jobs list between any two changes of a job.
type gatedWorker struct {
	river.WorkerDefaults[gatedArgs]
	r    *jobs.Runner
	step chan string
	done chan error
}

func (w *gatedWorker) NextRetry(*river.Job[gatedArgs]) time.Time { return time.Now() }

func (w *gatedWorker) Work(ctx context.Context, job *river.Job[gatedArgs]) error {
	for {
		var step string
		select {
		case <-ctx.Done():
			if jobs.CancelledByUser(ctx) {
				_, err := w.r.Append(context.WithoutCancel(ctx), job.ID, jobs.EventCancelled, map[string]any{"reason": "cancelled"})
				w.done <- err
			}
			return ctx.Err()
		case step = <-w.step:
		}
		var err error
		switch step {
		case "progress":
			_, err = w.r.Append(ctx, job.ID, jobs.EventProgress, jobs.Progress{Done: 1, Total: 2, Message: "half"})
		case "usage":
			err = w.r.AddUsage(ctx, job.ID, job.Attempt, jobs.Usage{Calls: 1, PromptTokens: 30, CompletionTokens: 3, CostUSD: 0.001})
		case "retry":
			w.done <- nil
			return errors.New("the model is overloaded")
		case "complete":
			_, err = w.r.Append(ctx, job.ID, jobs.EventCompleted, map[string]any{"ok": true})
			w.done <- err
			return err
		case "fail":
			_, err = w.r.Append(ctx, job.ID, jobs.EventFailed, map[string]any{"error": "no usable answer"})
			w.done <- err
			return river.JobCancel(errors.New("no usable answer"))
		}
		w.done <- err
	}
}

// The jobs list is kept between requests; after every kind of change of a
// job — insert, start, progress, usage, a failed run and its retry,
// completion, failure, cancellation of a queued and of a running job, and
// River's own changes (its UI cancels and deletes) — and of a subject's
// name, each kept page is the page built now.
func TestKeptJobListFollowsEveryChange(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		w := &gatedWorker{step: make(chan string), done: make(chan error, 1)}
		ws := jobs.NewWorkers()
		river.AddWorker(ws, w)
		r, err := jobs.New(ctx, d, ws, jobs.Config{Workers: 2, PollInterval: 20 * time.Millisecond}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		w.r = r
		r.NameSubjects("campaign", func(ctx context.Context, ids []int64) (map[int64]string, error) {
			rows, err := d.Read().Query(ctx, `SELECT id, name FROM campaigns WHERE id IN (`+db.Placeholders(len(ids))+`)`, anys(ids)...)
			if err != nil {
				return nil, err
			}
			defer rows.Close()
			out := map[int64]string{}
			for rows.Next() {
				var id int64
				var name string
				if err := rows.Scan(&id, &name); err != nil {
					return nil, err
				}
				out[id] = name
			}
			return out, rows.Err()
		})
		srv := serveRunner(t, ctx, r)
		now := time.Now().UTC()
		if err := d.InTx(ctx, func(tx db.Conn) error {
			_, err := tx.Exec(ctx, `INSERT INTO campaigns (id, name, type, budget_micros, currency, created_at, updated_at) VALUES (7, 'Winterreifen', 'SEARCH', 1000000, 'EUR', ?, ?)`, now, now)
			return err
		}); err != nil {
			t.Fatal(err)
		}

		lists := map[string]jobs.JobFilter{
			"/api/jobs?limit=200":                                  {Limit: 200},
			"/api/jobs?limit=1":                                    {Limit: 1},
			"/api/jobs?kind=test_gated&limit=200":                  {Kind: "test_gated", Limit: 200},
			"/api/jobs?subject_type=campaign&subject_id=7&limit=5": {Subject: jobs.Subject{Type: "campaign", ID: 7}, Limit: 5},
		}
		built := func(f jobs.JobFilter) []byte {
			items, next, err := r.List(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			b, err := httpapi.EncodeJSON(httpapi.NewListBody(items, next))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		served := func(path string) []byte {
			res, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
			}
			return b
		}
		// check compares every served page with the page built now, at a
		// moment the jobs are not changing (the page built just before and
		// just after the request are the same). On PostgreSQL a change River
		// commits on connections of its own is seen once its notification
		// arrives (the epoch listener; changes made through db.InTx are seen
		// at once): there the served page may catch up, for at most ten
		// seconds.
		check := func(step string) {
			t.Helper()
			for path, f := range lists {
				catchUp := time.Now().Add(10 * time.Second)
				for tries := 0; ; tries++ {
					before := built(f)
					got := served(path)
					if after := built(f); !bytes.Equal(before, after) {
						if tries == 200 {
							t.Fatalf("%s: %s never stood still", step, path)
						}
						time.Sleep(10 * time.Millisecond)
						continue
					}
					if !bytes.Equal(got, before) {
						if d.Engine == db.Postgres && time.Now().Before(catchUp) {
							time.Sleep(5 * time.Millisecond)
							continue
						}
						t.Fatalf("%s: %s served %s\nbuilt now: %s", step, path, got, before)
					}
					break
				}
			}
		}
		// waitFor waits until the job's view satisfies ok.
		waitFor := func(what string, id int64, ok func(jobs.Job) bool) {
			t.Helper()
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				j, err := r.Get(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if ok(j) {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: job %d is %+v", what, id, j)
				}
			}
		}
		insert := func(args river.JobArgs, opts *river.InsertOpts, subject jobs.Subject) int64 {
			var id int64
			if err := d.InTx(ctx, func(tx db.Conn) error {
				res, err := r.InsertTx(ctx, tx, args, opts, jobs.Owner{Kind: args.Kind(), Subject: subject})
				if err == nil {
					id = res.Job.ID
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return id
		}
		do := func(step string) {
			t.Helper()
			w.step <- step
			if err := <-w.done; err != nil {
				t.Fatalf("%s: %v", step, err)
			}
		}
		cancelJob := func(id int64) {
			t.Helper()
			res, err := http.Post(fmt.Sprintf("%s/api/jobs/%d/cancel", srv.URL, id), "application/json", nil)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("cancel job %d: %d", id, res.StatusCode)
			}
		}
		running := func(attempt int) func(jobs.Job) bool {
			return func(j jobs.Job) bool { return j.QueueState == "running" && j.Attempt == attempt }
		}

		check("no jobs")
		// A queue no worker takes: the job stays queued until cancelled.
		held := insert(gatedArgs{}, &river.InsertOpts{Queue: "held"}, jobs.Subject{Type: "campaign", ID: 7})
		check("queued job inserted")

		a := insert(gatedArgs{}, nil, jobs.Subject{Type: "campaign", ID: 7})
		waitFor("start", a, running(1))
		check("job started")
		do("progress")
		check("progress")
		do("usage")
		check("usage")
		do("retry")
		waitFor("retry", a, running(2))
		check("failed run retried")
		do("complete")
		waitFor("complete", a, func(j jobs.Job) bool { return j.QueueState == "completed" })
		check("completed")

		b := insert(gatedArgs{}, nil, jobs.Subject{})
		waitFor("start", b, running(1))
		check("second job started")
		do("fail")
		waitFor("fail", b, func(j jobs.Job) bool { return j.QueueState == "cancelled" && j.State == "failed" })
		check("failed")

		cancelJob(held)
		check("queued job cancelled")
		// River's own UI (admins) changes River's rows alone.
		heldToo := insert(gatedArgs{}, &river.InsertOpts{Queue: "held"}, jobs.Subject{})
		check("another queued job inserted")
		if _, err := r.River.JobCancel(ctx, heldToo); err != nil {
			t.Fatal(err)
		}
		check("queued job cancelled in River's UI")
		if _, err := r.River.JobDelete(ctx, b); err != nil {
			t.Fatal(err)
		}
		check("finished job deleted in River's UI")

		c := insert(gatedArgs{}, nil, jobs.Subject{Type: "campaign", ID: 7})
		waitFor("start", c, running(1))
		check("third job started")
		cancelJob(c)
		if err := <-w.done; err != nil {
			t.Fatal(err)
		}
		waitFor("cancel", c, func(j jobs.Job) bool { return j.QueueState == "cancelled" && j.State == "cancelled" })
		check("running job cancelled")

		if err := d.InTx(ctx, func(tx db.Conn) error {
			_, err := tx.Exec(ctx, `UPDATE campaigns SET name = 'Sommerreifen' WHERE id = 7`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		check("subject renamed")
		if got := served("/api/jobs?limit=1"); !bytes.Contains(got, []byte("Sommerreifen")) {
			t.Fatalf("the newest job's subject is not named as it is now: %s", got)
		}
	})
}

func anys(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
