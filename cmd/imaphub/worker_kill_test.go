package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/generation"
	"github.com/imaphub/imaphub/internal/platform/ai/aitest"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// slowModel answers like a language model that takes its time, with the same
// copy for the same request, so two runs can be compared.
func slowModel(delay time.Duration) *aitest.Server {
	return aitest.NewServer(aitest.ResponderFunc(func(r aitest.Request) aitest.Reply {
		time.Sleep(delay)
		answer := map[string][]string{}
		for _, f := range r.Fields() {
			for i := 0; i < max(f.Count, 1); i++ {
				var item string
				switch f.Name {
				case "headlines":
					item = fmt.Sprintf("Winterreifen Angebot %d", i+1)
				case "descriptions":
					item = fmt.Sprintf("Winterreifen mit Montage vor Ort und Lieferung in %d Tagen.", i+2)
				case "paths":
					item = []string{"winterreifen", "angebote", "montage", "reifen"}[i%4]
				default:
					item = fmt.Sprintf("Winterreifen von Reifen Müller, Angebot Nummer %d", i+1)
				}
				answer[f.Name] = append(answer[f.Name], item)
			}
		}
		return aitest.Reply{Content: aitest.JSON(answer)}
	}))
}

type fixture struct {
	url        string // empty: SQLite in dir
	dir        string
	db         *db.DB
	app        *app.App // reads the job as the API shows it
	campaignID int64
	jobID      int64
}

// prepare makes a database with a campaign of four ad groups and a queued
// generation job for it.
func prepare(t *testing.T, ctx context.Context, engine db.Engine) *fixture {
	t.Helper()
	dir, url, d := migratedDatabase(t, ctx, engine)
	a, err := app.New(ctx, d, app.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Campaigns.CreateCampaign(ctx, campaigns.CampaignInput{Name: "Kill test", Type: campaigns.TypeSearch, BudgetMicros: 1, Currency: "EUR",
		Languages: []string{"de"}, FinalURL: "https://www.reifen-mueller.example/",
		Brief: &campaigns.Brief{Product: "Winterreifen", Language: "de", Keywords: []string{"winterreifen"}, BusinessName: "Reifen Müller", BrandTerms: []string{"Reifen Müller"}}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 4; i++ {
		if _, err := a.Campaigns.CreateAdGroup(ctx, campaigns.AdGroupInput{CampaignID: c.ID, Name: fmt.Sprintf("Gruppe %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if c, err = a.Campaigns.GetCampaign(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	j, _, err := a.GenerationJobs.Start(ctx, generation.GenerateArgs{CampaignID: c.ID}, 0, c.Version)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{url: url, dir: dir, db: d, app: a, campaignID: c.ID, jobID: j.ID}
}

func (f *fixture) worker(t *testing.T, bin, llm string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "worker", "--grace", "1s")
	cmd.Env = append(os.Environ(), "IMAPHUB_DATA_DIR="+f.dir, "IMAPHUB_DATABASE_URL="+f.url, "IMAPHUB_WORKERS=1", "IMAPHUB_LOG_LEVEL=warn",
		"IMAPHUB_LLM_BASE_URL="+llm+"/v1", "IMAPHUB_LLM_MODEL=scripted", "IMAPHUB_LLM_API_KEY=test-key",
		// A run's limit well above the time a whole generation takes here,
		// even on a busy machine: only the kill interrupts the job, not its
		// own timeout (whose retries River spaces out by attempt⁴ seconds).
		"IMAPHUB_JOB_RESCUE_AFTER=15s", "IMAPHUB_GENERATION_TIMEOUT=12s")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// waitFor polls the job's events until one of type typ has a payload
// containing want.
func (f *fixture) waitFor(t *testing.T, ctx context.Context, typ, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		evs, err := jobs.EventsAfter(ctx, f.db.Read(), f.jobID, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.Type == typ && strings.Contains(strings.ReplaceAll(string(e.Payload), " ", ""), want) {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	var state string
	var attempt int
	var attemptedAt, scheduledAt string
	f.db.Read().QueryRow(ctx, `SELECT state, attempt, COALESCE(CAST(attempted_at AS TEXT), ''), CAST(scheduled_at AS TEXT) FROM river_job WHERE id = ?`, f.jobID).Scan(&state, &attempt, &attemptedAt, &scheduledAt)
	evs, _ := jobs.EventsAfter(ctx, f.db.Read(), f.jobID, 0, 1000)
	var last []string
	for _, e := range evs[max(0, len(evs)-5):] {
		last = append(last, e.Type+" "+string(e.Payload))
	}
	t.Fatalf("no %s event with %s within %s (job %s, attempt %d, attempted %s, scheduled %s); last events:\n%s", typ, want, within, state, attempt, attemptedAt, scheduledAt, strings.Join(last, "\n"))
}

// stored describes what a generation left in the database.
func (f *fixture) stored(t *testing.T, ctx context.Context) string {
	t.Helper()
	var b strings.Builder
	q := f.db.Read()
	var state string
	q.QueryRow(ctx, `SELECT state FROM campaigns WHERE id = ?`, f.campaignID).Scan(&state)
	fmt.Fprintf(&b, "state=%s\n", state)
	rows, err := q.Query(ctx, `SELECT g.name, count(DISTINCT a.id), count(l.id) FROM ad_groups g
		LEFT JOIN ads a ON a.ad_group_id = g.id LEFT JOIN asset_links l ON l.ad_id = a.id
		WHERE g.campaign_id = ? GROUP BY g.name ORDER BY g.name`, f.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var ads, links int
		rows.Scan(&name, &ads, &links)
		fmt.Fprintf(&b, "%s: %d ads, %d links\n", name, ads, links)
	}
	rows.Close()
	rows, err = q.Query(ctx, `SELECT text FROM assets WHERE type = 'TEXT'`)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		texts = append(texts, s)
	}
	rows.Close()
	slices.Sort(texts)
	fmt.Fprintf(&b, "%d text assets: %s\n", len(texts), strings.Join(texts, " | "))
	return b.String()
}

// TestWorkerKilledMidGenerationCompletesAfterRestart kills a worker process
// with SIGKILL in the middle of a generation job. A new worker picks the job
// up again (River rescues it) and the result is exactly that of an
// uninterrupted run: no second ad, no duplicate link, no orphan text.
func TestWorkerKilledMidGenerationCompletesAfterRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and waits for River's rescuer (about a minute)")
	}
	t.Parallel() // mostly waiting for River's rescuer
	bin := testBinary(t)
	llm := slowModel(400 * time.Millisecond)
	t.Cleanup(llm.Close)
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			killAndRestart(t, engine, bin, llm.HTTP.URL, syscall.SIGKILL)
		})
	}
}

// TestWorkerStoppedMidGenerationHandsTheJobBack sends SIGTERM in the middle of
// a generation: the worker stops within its grace period, handing the job
// back, and the next worker finishes it with the result of one run.
func TestWorkerStoppedMidGenerationHandsTheJobBack(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs worker processes")
	}
	t.Parallel()
	bin := testBinary(t)
	llm := slowModel(400 * time.Millisecond)
	t.Cleanup(llm.Close)
	killAndRestart(t, db.SQLite, bin, llm.HTTP.URL, syscall.SIGTERM)
}

func killAndRestart(t *testing.T, engine db.Engine, bin, llm string, sig syscall.Signal) {
	ctx := context.Background()
	// Reference: one uninterrupted run, in its own database beside the
	// interrupted one.
	ref := prepare(t, ctx, engine)
	refWorker := ref.worker(t, bin, llm)
	defer func() { refWorker.Process.Signal(syscall.SIGTERM); refWorker.Wait() }()

	// Killed after the first ad group, then restarted.
	f := prepare(t, ctx, engine)
	w := f.worker(t, bin, llm)
	f.waitFor(t, ctx, jobs.EventProgress, `"target":"ad_group:`, 3*time.Minute) // the first checkpoint
	stopped := time.Now()
	if err := w.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	w.Wait()
	if sig == syscall.SIGTERM && time.Since(stopped) > 10*time.Second {
		t.Errorf("worker took %s to stop with a 1 s grace period", time.Since(stopped))
	}
	w = f.worker(t, bin, llm)
	defer func() { w.Process.Signal(syscall.SIGTERM); w.Wait() }()

	ref.waitFor(t, ctx, jobs.EventCompleted, "", 3*time.Minute)
	want := ref.stored(t, ctx)
	if !strings.Contains(want, "state=review") || !strings.Contains(want, "Gruppe 4: 1 ads") {
		t.Fatalf("reference run: %s", want)
	}
	refJob, err := ref.app.Jobs.Get(ctx, ref.jobID)
	if err != nil {
		t.Fatal(err)
	}

	f.waitFor(t, ctx, jobs.EventCompleted, "", 4*time.Minute)
	if got := f.stored(t, ctx); got != want {
		t.Errorf("after kill -9 and restart:\n%s\nuninterrupted run:\n%s", got, want)
	}
	var attempt int
	f.db.Read().QueryRow(ctx, `SELECT attempt FROM river_job WHERE id = ?`, f.jobID).Scan(&attempt)
	if attempt < 2 {
		t.Errorf("job ran %d time(s); stopping the worker should have forced a second attempt", attempt)
	}

	// The job's cost is that of every run: the stopped one wrote the first
	// ad group (and began the second) before the rerun wrote the rest.
	job, err := f.app.Jobs.Get(ctx, f.jobID)
	if err != nil {
		t.Fatal(err)
	}
	if len(job.Attempts) < 2 {
		t.Fatalf("job shows %d attempts: %+v", len(job.Attempts), job.Attempts)
	}
	first, last := job.Attempts[0], job.Attempts[len(job.Attempts)-1]
	var sum int64
	for _, a := range job.Attempts {
		sum += a.Tokens
	}
	if first.Outcome != "interrupted" || first.Calls == 0 || first.Tokens == 0 || last.Outcome != "succeeded" || last.Tokens == 0 {
		t.Errorf("attempts %+v", job.Attempts)
	}
	if job.Tokens != sum || job.Tokens <= last.Tokens || job.Tokens < refJob.Tokens {
		t.Errorf("job reports %d tokens; its attempts used %d (last %d); an uninterrupted run used %d", job.Tokens, sum, last.Tokens, refJob.Tokens)
	}
	var result struct{ Tokens int64 }
	if err := json.Unmarshal(job.Result, &result); err != nil || result.Tokens != job.Tokens {
		t.Errorf("result %s: tokens are not the job's %d", job.Result, job.Tokens)
	}
}
