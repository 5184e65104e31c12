package jobs_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/jobs"
	"github.com/imaphub/imaphub/internal/platform/server"
)

type stepsArgs struct {
	Steps int    `json:"steps"`
	Delay int    `json:"delay_ms"`
	Fail  string `json:"fail,omitempty"` // after the steps, fail for good with this error
}

func (stepsArgs) Kind() string { return "test_steps" }

// stepsWorker reports progress step by step, as a generation job does.
type stepsWorker struct {
	river.WorkerDefaults[stepsArgs]
	r *jobs.Runner
}

func (w *stepsWorker) Work(ctx context.Context, job *river.Job[stepsArgs]) error {
	for i := 1; i <= job.Args.Steps; i++ {
		select {
		case <-ctx.Done():
			if jobs.CancelledByUser(ctx) {
				_, _ = w.r.Append(context.WithoutCancel(ctx), job.ID, jobs.EventCancelled, map[string]any{"reason": "cancelled", "done": i - 1})
			}
			return ctx.Err()
		case <-time.After(time.Duration(job.Args.Delay) * time.Millisecond):
		}
		if _, err := w.r.Append(context.WithoutCancel(ctx), job.ID, jobs.EventProgress, jobs.Progress{Done: i, Total: job.Args.Steps, Message: fmt.Sprintf("Step %d/%d", i, job.Args.Steps)}); err != nil {
			return err
		}
	}
	if err := w.r.AddUsage(ctx, job.ID, job.Attempt, jobs.Usage{Calls: 1, PromptTokens: 40, CompletionTokens: 2}); err != nil {
		return err
	}
	if job.Args.Fail != "" {
		if _, err := w.r.Append(ctx, job.ID, jobs.EventFailed, map[string]any{"error": job.Args.Fail}); err != nil {
			return err
		}
		return river.JobCancel(errors.New(job.Args.Fail))
	}
	_, err := w.r.Append(ctx, job.ID, jobs.EventCompleted, map[string]any{"steps": job.Args.Steps, "tokens": 42})
	return err
}

type env struct {
	r   *jobs.Runner
	d   *db.DB
	srv *httptest.Server
}

func start(t *testing.T, d *db.DB, workers int) *env {
	t.Helper()
	return startHeartbeat(t, d, workers, 100*time.Millisecond)
}

func startHeartbeat(t *testing.T, d *db.DB, workers int, heartbeat time.Duration) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &stepsWorker{}
	ws := jobs.NewWorkers()
	river.AddWorker(ws, w)
	r, err := jobs.New(ctx, d, ws, jobs.Config{Workers: workers, PollInterval: 50 * time.Millisecond, Heartbeat: heartbeat}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	w.r = r
	t.Cleanup(cancel) // after the runner has stopped
	srv := serveRunner(t, ctx, r)
	return &env{r: r, d: d, srv: srv}
}

func (e *env) insert(t *testing.T, args stepsArgs) int64 {
	t.Helper()
	var id int64
	err := e.d.InTx(context.Background(), func(tx db.Conn) error {
		res, err := e.r.InsertTx(context.Background(), tx, args, nil, jobs.Owner{Kind: args.Kind()})
		if err == nil {
			id = res.Job.ID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

type sse struct {
	id      int64
	event   string
	data    string
	comment string
}

// readEvents reads up to n events (n < 0: until the stream ends), returning
// them and whether the server closed the stream.
func readEvents(t *testing.T, body io.Reader, n int) ([]sse, bool) {
	t.Helper()
	sc := bufio.NewScanner(body)
	var out []sse
	var cur sse
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if cur.event != "" {
				out = append(out, cur)
				if n >= 0 && len(out) == n {
					return out, false
				}
			}
			cur = sse{}
		case strings.HasPrefix(line, ":"):
			cur.comment = line
		case strings.HasPrefix(line, "id: "):
			cur.id, _ = strconv.ParseInt(line[4:], 10, 64)
		case strings.HasPrefix(line, "event: "):
			cur.event = line[7:]
		case strings.HasPrefix(line, "data: "):
			cur.data = line[6:]
		}
	}
	return out, true
}

func (e *env) open(t *testing.T, jobID int64, lastID string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/jobs/%d/events", e.srv.URL, jobID), nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" || res.Header.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("stream: %d %v", res.StatusCode, res.Header)
	}
	return res
}

func TestSSEResumesWithoutGapOrDuplicate(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 2)
		id := e.insert(t, stepsArgs{Steps: 8, Delay: 40})
		res := e.open(t, id, "")
		first, closed := readEvents(t, res.Body, 3)
		res.Body.Close() // the client goes away mid-job
		if closed || len(first) != 3 {
			t.Fatalf("first connection: %v closed=%v", first, closed)
		}
		res = e.open(t, id, strconv.FormatInt(first[2].id, 10))
		rest, closed := readEvents(t, res.Body, -1)
		res.Body.Close()
		if !closed {
			t.Fatal("stream did not end after the terminal event")
		}
		all := append(first, rest...)
		for i, ev := range all {
			if ev.id != int64(i+1) {
				t.Fatalf("event %d has id %d: gap or duplicate in %v", i, ev.id, all)
			}
		}
		var last jobs.Progress
		if len(all) != 9 || all[8].event != jobs.EventCompleted || json.Unmarshal([]byte(all[7].data), &last) != nil || last != (jobs.Progress{Done: 8, Total: 8, Message: "Step 8/8"}) {
			t.Fatalf("events = %+v", all)
		}
		var j jobs.Job
		getJSON(t, e.srv.URL+fmt.Sprintf("/api/jobs/%d", id), &j)
		if j.State != "succeeded" || j.Progress == nil || j.Progress.Done != 8 || j.Tokens != 42 {
			t.Errorf("job after completion = %+v", j)
		}
		// A late viewer gets the whole history and the end.
		res = e.open(t, id, "")
		again, closed := readEvents(t, res.Body, -1)
		res.Body.Close()
		if len(again) != 9 || !closed {
			t.Errorf("replay for a late viewer: %d events, closed=%v", len(again), closed)
		}
	})
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func post(t *testing.T, url string) (int, []byte) {
	t.Helper()
	res, err := http.Post(url, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func TestCancelRunningJob(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 2)
		id := e.insert(t, stepsArgs{Steps: 1000, Delay: 20})
		res := e.open(t, id, "")
		defer res.Body.Close()
		if evs, _ := readEvents(t, res.Body, 1); len(evs) != 1 || evs[0].event != jobs.EventProgress {
			t.Fatalf("job did not start: %v", evs)
		}
		if status, body := post(t, fmt.Sprintf("%s/api/jobs/%d/cancel", e.srv.URL, id)); status != 200 {
			t.Fatalf("cancel: %d %s", status, body)
		}
		rest, closed := readEvents(t, res.Body, -1)
		if !closed || len(rest) == 0 || rest[len(rest)-1].event != jobs.EventCancelled {
			t.Fatalf("stream after cancel: closed=%v last=%v", closed, rest[len(rest)-1:])
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			var j jobs.Job
			getJSON(t, fmt.Sprintf("%s/api/jobs/%d", e.srv.URL, id), &j)
			if j.State == "cancelled" && j.QueueState == string(rivertype.JobStateCancelled) {
				if j.Progress == nil || j.Progress.Done >= 1000 {
					t.Errorf("cancelled job ran to the end: %+v", j.Progress)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("job not cancelled: %+v", j)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if status, _ := post(t, fmt.Sprintf("%s/api/jobs/%d/cancel", e.srv.URL, id)); status != 409 {
			t.Errorf("cancelling a finished job: %d, want 409", status)
		}
	})
}

func TestCancelQueuedJobRunsTheOwnersHook(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 0) // insert-only: the job stays queued
		undone := 0
		e.r.OnCancelQueued("test_steps", func(ctx context.Context, tx db.Conn, job *rivertype.JobRow) error {
			undone++
			return nil
		})
		id := e.insert(t, stepsArgs{Steps: 3, Delay: 1})
		var j jobs.Job
		getJSON(t, fmt.Sprintf("%s/api/jobs/%d", e.srv.URL, id), &j)
		if j.State != "queued" {
			t.Fatalf("state = %s, want queued", j.State)
		}
		status, body := post(t, fmt.Sprintf("%s/api/jobs/%d/cancel", e.srv.URL, id))
		if status != 200 || !strings.Contains(string(body), `"state":"cancelled"`) || undone != 1 {
			t.Fatalf("cancel queued: %d %s (hook ran %d times)", status, body, undone)
		}
		res := e.open(t, id, "")
		evs, closed := readEvents(t, res.Body, -1)
		res.Body.Close()
		if !closed || len(evs) != 1 || evs[0].event != jobs.EventCancelled {
			t.Errorf("events of a job cancelled while queued: %v", evs)
		}
		if status, _ := post(t, fmt.Sprintf("%s/api/jobs/%d/cancel", e.srv.URL, 987654)); status != 404 {
			t.Errorf("cancel unknown job: %d", status)
		}
	})
}

func TestHeartbeatAndListing(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	e := start(t, d, 0)
	id := e.insert(t, stepsArgs{Steps: 1, Delay: 1})
	res := e.open(t, id, "")
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	pings := 0
	for sc.Scan() && pings < 2 {
		if sc.Text() == ": ping" {
			pings++
		}
	}
	if pings < 2 {
		t.Fatal("no heartbeat comments on an idle stream")
	}
	var list struct{ Items []jobs.Job }
	getJSON(t, e.srv.URL+"/api/jobs", &list)
	if len(list.Items) != 1 || list.Items[0].ID != id || list.Items[0].Kind != "test_steps" {
		t.Errorf("list = %+v", list.Items)
	}
}

type tickArgs struct{}

func (tickArgs) Kind() string { return "test_tick" }

type tickWorker struct {
	river.WorkerDefaults[tickArgs]
	ran chan struct{}
}

func (w *tickWorker) Work(context.Context, *river.Job[tickArgs]) error {
	select {
	case w.ran <- struct{}{}:
	default:
	}
	return nil
}

// Periodic jobs are enqueued on schedule and worked like any other.
func TestPeriodicJobRuns(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &tickWorker{ran: make(chan struct{}, 1)}
	ws := jobs.NewWorkers()
	river.AddWorker(ws, w)
	r, err := jobs.New(ctx, d, ws, jobs.Config{Workers: 1, PollInterval: 50 * time.Millisecond,
		Periodic: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return tickArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})}},
		slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Stop(5 * time.Second)
	select {
	case <-w.ran:
	case <-time.After(30 * time.Second):
		t.Fatal("the periodic job was not enqueued and worked")
	}
}

// A client that goes away frees its stream at once, without waiting for the
// next event or heartbeat (a minute away here).
func TestClientGoneFreesTheStream(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	e := startHeartbeat(t, d, 0, time.Minute)
	id := e.insert(t, stepsArgs{Steps: 1, Delay: 1})
	res := e.open(t, id, "")
	sc := bufio.NewScanner(res.Body)
	sc.Scan() // ": job N"
	if n := e.r.Hub.Subscribers(id); n != 1 {
		t.Fatalf("%d subscribers while the stream is open, want 1", n)
	}
	res.Body.Close()
	deadline := time.Now().Add(2 * time.Second)
	for e.r.Hub.Subscribers(id) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the stream still holds its subscription after the client left")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type silentArgs struct{}

func (silentArgs) Kind() string { return "test_silent" }

// silentWorker fails for good without reporting anything.
type silentWorker struct {
	river.WorkerDefaults[silentArgs]
}

func (silentWorker) Work(context.Context, *river.Job[silentArgs]) error {
	return river.JobCancel(errors.New("gave up"))
}

// A job whose worker ended without a terminal event still ends its streams.
func TestStreamOfAJobThatEndedSilentlyCloses(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ws := jobs.NewWorkers()
	river.AddWorker(ws, silentWorker{})
	r, err := jobs.New(ctx, d, ws, jobs.Config{Workers: 1, PollInterval: 50 * time.Millisecond, Heartbeat: 100 * time.Millisecond}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	srv := serveRunner(t, ctx, r)
	e := &env{r: r, d: d, srv: srv}
	var id int64
	if err := d.InTx(ctx, func(tx db.Conn) error {
		res, err := r.InsertTx(ctx, tx, silentArgs{}, nil, jobs.Owner{Kind: "test_silent"})
		if err == nil {
			id = res.Job.ID
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	res := e.open(t, id, "")
	defer res.Body.Close()
	done := make(chan []sse, 1)
	go func() { evs, _ := readEvents(t, res.Body, -1); done <- evs }()
	select {
	case evs := <-done:
		if len(evs) != 1 || evs[0].event != jobs.EventCancelled || !strings.Contains(evs[0].data, "gave up") {
			t.Errorf("events = %+v", evs)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the stream of a finished job stayed open")
	}
}

// streamWithin opens a job's stream, resuming after lastID given as the
// Last-Event-ID header or as ?last_event_id=, and reads it until the server
// closes it. ended is false when the stream was still open after within.
func (e *env) streamWithin(t *testing.T, jobID int64, lastID string, asQuery bool, within time.Duration) (evs []sse, ended bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	url := fmt.Sprintf("%s/api/jobs/%d/events", e.srv.URL, jobID)
	if asQuery {
		url += "?last_event_id=" + lastID
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	if !asQuery {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("stream %s: %d %s", url, res.StatusCode, b)
	}
	evs, _ = readEvents(t, res.Body, -1)
	return evs, ctx.Err() == nil
}

// waitTerminal follows a job from the start to its terminal event.
func (e *env) waitTerminal(t *testing.T, jobID int64) sse {
	t.Helper()
	evs, ended := e.streamWithin(t, jobID, "0", true, 30*time.Second)
	if !ended || len(evs) == 0 || !jobs.Terminal(evs[len(evs)-1].event) {
		t.Fatalf("job %d did not end: %+v", jobID, evs)
	}
	return evs[len(evs)-1]
}

// A client resuming a finished job at or past its last event gets the
// terminal event again and the stream closes at once; heartbeats are a
// minute apart here, so a stream left open would only ever ping.
func TestResumingAFinishedJobAtOrPastItsEndCloses(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := startHeartbeat(t, d, 2, time.Minute)
		completed := e.insert(t, stepsArgs{Steps: 2, Delay: 1})
		failed := e.insert(t, stepsArgs{Steps: 1, Delay: 1, Fail: "the model is unreachable"})
		cancelled := e.insert(t, stepsArgs{Steps: 1000, Delay: 20})
		res := e.open(t, cancelled, "")
		if evs, _ := readEvents(t, res.Body, 1); len(evs) != 1 {
			t.Fatal("the long job did not start")
		}
		res.Body.Close()
		if status, body := post(t, fmt.Sprintf("%s/api/jobs/%d/cancel", e.srv.URL, cancelled)); status != 200 {
			t.Fatalf("cancel: %d %s", status, body)
		}
		for _, tc := range []struct {
			job  int64
			want string
		}{{completed, jobs.EventCompleted}, {failed, jobs.EventFailed}, {cancelled, jobs.EventCancelled}} {
			end := e.waitTerminal(t, tc.job)
			if end.event != tc.want {
				t.Fatalf("job %d ended with %s, want %s", tc.job, end.event, tc.want)
			}
			for _, last := range []int64{end.id, end.id + 7, 1 << 40} {
				for _, asQuery := range []bool{false, true} {
					evs, ended := e.streamWithin(t, tc.job, strconv.FormatInt(last, 10), asQuery, 3*time.Second)
					if !ended || len(evs) != 1 || evs[0] != end {
						t.Errorf("%s job resumed after %d (query %v): ended=%v events %+v, want only %+v", tc.want, last, asQuery, ended, evs, end)
					}
				}
			}
		}
	})
}

// An id beyond the newest event of a running job is taken as the newest: the
// events still to come, and the end, are not skipped.
func TestResumingARunningJobPastItsNewestEventGetsTheRest(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := startHeartbeat(t, d, 2, time.Minute)
		id := e.insert(t, stepsArgs{Steps: 6, Delay: 50})
		evs, ended := e.streamWithin(t, id, "1000", false, 20*time.Second)
		if !ended || len(evs) == 0 || evs[len(evs)-1].event != jobs.EventCompleted {
			t.Fatalf("ended=%v events %+v", ended, evs)
		}
		for i := 1; i < len(evs); i++ {
			if evs[i].id != evs[i-1].id+1 {
				t.Errorf("gap or duplicate: %+v", evs)
			}
		}
	})
}

// Ids this stream never sent are refused with the field named, instead of a
// stream that waits for an event that cannot come.
func TestResumingWithAnIDThatIsNoEventIsRefused(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	e := startHeartbeat(t, d, 0, time.Minute)
	id := e.insert(t, stepsArgs{Steps: 1, Delay: 1})
	for _, tc := range []struct {
		header, query, location string
	}{
		{"abc", "", "header.Last-Event-ID"},
		{"-1", "", "header.Last-Event-ID"},
		{"", "abc", "query.last_event_id"},
		{"", "-3", "query.last_event_id"},
	} {
		url := fmt.Sprintf("%s/api/jobs/%d/events", e.srv.URL, id)
		if tc.query != "" {
			url += "?last_event_id=" + tc.query
		}
		req, _ := http.NewRequest("GET", url, nil)
		if tc.header != "" {
			req.Header.Set("Last-Event-ID", tc.header)
		}
		res, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), tc.location) {
			t.Errorf("header %q query %q: %d %s", tc.header, tc.query, res.StatusCode, b)
		}
	}
}

// A stream opened after a job ended silently (no terminal event) closes at
// once with the end settled from River's state, not at the next heartbeat a
// minute later.
func TestStreamOpenedAfterASilentEndClosesAtOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ws := jobs.NewWorkers()
		river.AddWorker(ws, silentWorker{})
		r, err := jobs.New(ctx, d, ws, jobs.Config{Workers: 1, PollInterval: 50 * time.Millisecond, Heartbeat: time.Minute}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		srv := serveRunner(t, ctx, r)
		e := &env{r: r, d: d, srv: srv}
		var id int64
		if err := d.InTx(ctx, func(tx db.Conn) error {
			res, err := r.InsertTx(ctx, tx, silentArgs{}, nil, jobs.Owner{Kind: "test_silent"})
			if err == nil {
				id = res.Job.ID
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			row, err := r.River.JobGet(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if row.FinalizedAt != nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the silent job was not finalized")
			}
		}
		evs, ended := e.streamWithin(t, id, "0", true, 3*time.Second)
		if !ended || len(evs) != 1 || evs[0].event != jobs.EventCancelled || !strings.Contains(evs[0].data, "gave up") {
			t.Errorf("ended=%v events %+v", ended, evs)
		}
	})
}

type flakyArgs struct{}

func (flakyArgs) Kind() string { return "test_flaky" }

// flakyWorker spends tokens and fails its first run, then succeeds.
type flakyWorker struct {
	river.WorkerDefaults[flakyArgs]
	r *jobs.Runner
}

func (w *flakyWorker) Work(ctx context.Context, job *river.Job[flakyArgs]) error {
	if job.Attempt == 1 {
		if err := w.r.AddUsage(ctx, job.ID, job.Attempt, jobs.Usage{Calls: 2, PromptTokens: 90, CompletionTokens: 10, CostUSD: 0.01}); err != nil {
			return err
		}
		return errors.New("the model is overloaded")
	}
	if err := w.r.AddUsage(ctx, job.ID, job.Attempt, jobs.Usage{Calls: 1, PromptTokens: 25, CompletionTokens: 5, CostUSD: 0.002}); err != nil {
		return err
	}
	_, err := w.r.Append(ctx, job.ID, jobs.EventCompleted, map[string]any{})
	return err
}

// A job run again after a failure reports what every run used, and each run
// with its outcome.
func TestJobCostSumsEveryAttempt(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		w := &flakyWorker{}
		ws := jobs.NewWorkers()
		river.AddWorker(ws, w)
		r, err := jobs.New(ctx, d, ws, jobs.Config{Workers: 1, PollInterval: 50 * time.Millisecond}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		w.r = r
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer r.Stop(5 * time.Second)
		var id int64
		if err := d.InTx(ctx, func(tx db.Conn) error {
			res, err := r.InsertTx(ctx, tx, flakyArgs{}, nil, jobs.Owner{Kind: "test_flaky"})
			if err == nil {
				id = res.Job.ID
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var j jobs.Job
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if j, err = r.Get(ctx, id); err != nil {
				t.Fatal(err)
			}
			if j.State == "succeeded" && len(j.Attempts) == 2 && j.Attempts[1].Outcome == "succeeded" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("job did not succeed on its second run: %+v", j)
			}
		}
		if j.Tokens != 130 || j.CostUSD < 0.0119 || j.CostUSD > 0.0121 {
			t.Errorf("job tokens %d cost %f, want 130 and 0.012 (both runs)", j.Tokens, j.CostUSD)
		}
		a1, a2 := j.Attempts[0], j.Attempts[1]
		if a1.Number != 1 || a1.Outcome != "failed" || a1.Error != "the model is overloaded" || a1.Calls != 2 || a1.Tokens != 100 || a1.FinishedAt == nil {
			t.Errorf("first attempt %+v", a1)
		}
		if a2.Number != 2 || a2.Tokens != 30 || a2.Calls != 1 || a2.Error != "" || a2.FinishedAt == nil || a2.StartedAt.Before(a1.StartedAt) {
			t.Errorf("second attempt %+v", a2)
		}
	})
}

type lingerArgs struct{}

func (lingerArgs) Kind() string { return "test_linger" }

// lingerWorker fails its job and then lingers before returning, as a worker
// does while River finishes the job after the terminal event.
type lingerWorker struct {
	river.WorkerDefaults[lingerArgs]
	r       *jobs.Runner
	ended   chan struct{}
	release chan struct{}
}

func (w *lingerWorker) Work(ctx context.Context, job *river.Job[lingerArgs]) error {
	if _, err := w.r.Append(ctx, job.ID, jobs.EventFailed, map[string]any{"error": "the brief names no product"}); err != nil {
		return err
	}
	close(w.ended)
	<-w.release
	return river.JobCancel(errors.New("the brief names no product"))
}

// Whoever sees a job's end sees the run that ended it as ended too, even
// before River has finished with it.
func TestTheRunEndsWithTheJobsTerminalEvent(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		w := &lingerWorker{ended: make(chan struct{}), release: make(chan struct{})}
		ws := jobs.NewWorkers()
		river.AddWorker(ws, w)
		r, err := jobs.New(ctx, d, ws, jobs.Config{Workers: 1, PollInterval: 50 * time.Millisecond}, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		w.r = r
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer r.Stop(5 * time.Second)
		var id int64
		if err := d.InTx(ctx, func(tx db.Conn) error {
			res, err := r.InsertTx(ctx, tx, lingerArgs{}, nil, jobs.Owner{Kind: "test_linger"})
			if err == nil {
				id = res.Job.ID
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-w.ended:
		case <-time.After(30 * time.Second):
			t.Fatal("the job never ran")
		}
		j, err := r.Get(ctx, id)
		close(w.release)
		if err != nil {
			t.Fatal(err)
		}
		if j.State != "failed" || len(j.Attempts) != 1 || j.Attempts[0].Outcome != "failed" || j.Attempts[0].Error != "the brief names no product" || j.Attempts[0].FinishedAt == nil {
			t.Errorf("job %s with runs %+v, want failed with its run failed", j.State, j.Attempts)
		}
	})
}

// Jobs are listed by the subject their owner named, whatever it is.
func TestJobsAreListedBySubject(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := start(t, d, 0)
		ctx := context.Background()
		ids := map[jobs.Subject]int64{}
		for _, s := range []jobs.Subject{{Type: "campaign", ID: 3}, {Type: "campaign", ID: 4}, {Type: "account", ID: 3}, {}} {
			if err := d.InTx(ctx, func(tx db.Conn) error {
				res, err := e.r.InsertTx(ctx, tx, stepsArgs{Steps: 1}, nil, jobs.Owner{Kind: "test_steps", Subject: s})
				if err == nil {
					ids[s] = res.Job.ID
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		var list struct{ Items []jobs.Job }
		getJSON(t, e.srv.URL+"/api/jobs?subject_type=campaign&subject_id=3", &list)
		if len(list.Items) != 1 || list.Items[0].ID != ids[jobs.Subject{Type: "campaign", ID: 3}] || *list.Items[0].Subject != (jobs.Subject{Type: "campaign", ID: 3}) {
			t.Errorf("campaign 3's jobs: %+v", list.Items)
		}
		var all struct{ Items []jobs.Job }
		getJSON(t, e.srv.URL+"/api/jobs", &all)
		if len(all.Items) != 4 || all.Items[0].Subject != nil {
			t.Errorf("all jobs: %+v", all.Items)
		}
		res, err := http.Get(e.srv.URL + "/api/jobs?subject_type=campaign")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("subject_type alone: %d, want 422", res.StatusCode)
		}
	})
}

// serveRunner starts r and serves its routes over HTTP until the test ends,
// when the server closes and then the runner stops.
func serveRunner(t *testing.T, ctx context.Context, r *jobs.Runner) *httptest.Server {
	t.Helper()
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Stop(5 * time.Second) })
	s := server.New(server.Config{})
	r.RegisterRoutes(s.API)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}
