package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/domain/publishing"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/googleads/googleadstest"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// publishFixture is a database with an approved campaign of four ad groups
// whose publish job is queued, and the fake Google Ads it goes to.
type publishFixture struct {
	fixture
	fake *googleadstest.Server
}

func fakeAdsConfig(srv *googleadstest.Server) googleads.Config {
	env := srv.Env()
	return googleads.Config{APIURL: env[googleads.EnvAPIURL], APIVersion: env[googleads.EnvAPIVersion], TokenURL: env[googleads.EnvTokenURL],
		ClientID: env[googleads.EnvClientID], ClientSecret: env[googleads.EnvClientSecret], RefreshToken: env[googleads.EnvRefreshToken],
		LoginCustomerID: env[googleads.EnvLoginCustomerID], DeveloperToken: env[googleads.EnvDeveloperToken]}
}

func preparePublish(t *testing.T, ctx context.Context, engine db.Engine) *publishFixture {
	t.Helper()
	fake := googleadstest.NewServer()
	t.Cleanup(fake.Close)
	dir, url, d := migratedDatabase(t, ctx, engine)
	a, err := app.New(ctx, d, app.Options{DataDir: dir, GoogleAds: fakeAdsConfig(fake), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := approvedCampaign(t, ctx, a, "Kill Publish", 4, "")
	if _, err := a.Publishing.SetTarget(ctx, id, publishing.TargetInput{CustomerID: googleadstest.ClientAccountID}, 0); err != nil {
		t.Fatal(err)
	}
	s, err := a.Publishing.StartPublish(ctx, id, versionOf(t, ctx, a, id), 0, publishing.PublishInput{})
	if err != nil {
		t.Fatal(err)
	}
	return &publishFixture{fixture: fixture{url: url, dir: dir, db: d, app: a, campaignID: id, jobID: s.Job.ID}, fake: fake}
}

func (f *publishFixture) worker(t *testing.T, bin string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "worker", "--grace", "1s")
	cmd.Env = append(os.Environ(), "IMAPHUB_DATA_DIR="+f.dir, "IMAPHUB_DATABASE_URL="+f.url, "IMAPHUB_WORKERS=1", "IMAPHUB_LOG_LEVEL=warn",
		"IMAPHUB_JOB_RESCUE_AFTER=4s", "IMAPHUB_PUBLISH_TIMEOUT=3s", "IMAPHUB_GENERATION_TIMEOUT=3s")
	for k, v := range f.fake.Env() {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// atGoogle counts what the fake holds that is not removed, by resource.
func (f *publishFixture) atGoogle(t *testing.T) map[string]int {
	t.Helper()
	client, err := googleads.New(fakeAdsConfig(f.fake), googleads.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, res := range []string{"campaign_budget", "campaign", "campaign_criterion", "ad_group", "ad_group_criterion", "ad_group_ad"} {
		rows, err := client.Search(context.Background(), googleadstest.ClientAccountID, "SELECT "+res+".resource_name, "+res+".status FROM "+res)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows.Rows {
			if !strings.Contains(string(r.Raw), `"REMOVED"`) {
				out[res]++
			}
		}
	}
	return out
}

// publishedOnce is what one publish of the fixture's campaign leaves at
// Google: one budget, one campaign with a language and a location, four ad
// groups with two keywords and one ad each.
var publishedOnce = map[string]int{"campaign_budget": 1, "campaign": 1, "campaign_criterion": 2, "ad_group": 4, "ad_group_criterion": 8, "ad_group_ad": 4}

// duplicateNames lists the names the fake holds more than once among what is
// not removed: budgets, campaigns, ad groups (per campaign) and keywords (per
// ad group, with their match type).
func (f *publishFixture) duplicateNames(t *testing.T) []string {
	t.Helper()
	client, err := googleads.New(fakeAdsConfig(f.fake), googleads.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, q := range []string{
		"SELECT campaign_budget.resource_name, campaign_budget.name, campaign_budget.status FROM campaign_budget",
		"SELECT campaign.resource_name, campaign.name, campaign.status FROM campaign",
		"SELECT ad_group.resource_name, ad_group.campaign, ad_group.name, ad_group.status FROM ad_group",
		"SELECT ad_group_criterion.resource_name, ad_group_criterion.ad_group, ad_group_criterion.keyword.text, ad_group_criterion.keyword.match_type, ad_group_criterion.status FROM ad_group_criterion",
	} {
		rows, err := client.Search(context.Background(), googleadstest.ClientAccountID, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows.Rows {
			switch {
			case r.CampaignBudget != nil && r.CampaignBudget.Status != "REMOVED":
				seen["budget "+r.CampaignBudget.Name]++
			case r.Campaign != nil && r.Campaign.Status != "REMOVED":
				seen["campaign "+r.Campaign.Name]++
			case r.AdGroup != nil && r.AdGroup.Status != "REMOVED":
				seen["ad group "+r.AdGroup.Campaign+" "+r.AdGroup.Name]++
			case r.AdGroupCriterion != nil && r.AdGroupCriterion.Status != "REMOVED" && r.AdGroupCriterion.Keyword != nil:
				k := r.AdGroupCriterion.Keyword
				seen["keyword "+r.AdGroupCriterion.AdGroup+" "+k.Text+" "+string(k.MatchType)]++
			}
		}
	}
	var out []string
	for name, n := range seen {
		if n > 1 {
			out = append(out, fmt.Sprintf("%s (%d times)", name, n))
		}
	}
	slices.Sort(out)
	return out
}

// checkPublishedOnce wants every entity at the fake exactly once (by
// resource and by name), the campaign paused here, every resource name
// stored and one successful run; after a kill mid-publish, a second attempt
// of the job. It returns the entities the fake holds beyond one each.
func (f *publishFixture) checkPublishedOnce(t *testing.T, ctx context.Context, res *crashResult, killed bool) (surplus int) {
	t.Helper()
	got := f.atGoogle(t)
	for kind, n := range publishedOnce {
		if got[kind] > n {
			surplus += got[kind] - n
		}
		if got[kind] != n {
			res.failf(t, "%d %s at the fake, want %d (all: %v)", got[kind], kind, n, got)
		}
	}
	if dup := f.duplicateNames(t); len(dup) > 0 {
		res.failf(t, "names at the fake more than once: %s", strings.Join(dup, "; "))
	}
	status, err := f.app.Publishing.Status(ctx, f.campaignID, "en")
	if err != nil {
		t.Fatal(err)
	}
	if len(status.Resources) != 20 || status.GoogleStatus != "PAUSED" {
		res.failf(t, "%d resource names stored, status %s", len(status.Resources), status.GoogleStatus)
	}
	c, err := f.app.Campaigns.GetCampaign(ctx, f.campaignID)
	if err != nil || c.State != "paused" {
		res.failf(t, "campaign %s (%v)", c.State, err)
	}
	runs, _, err := f.app.Publishing.Runs(ctx, f.campaignID, "", 10, "en")
	if err != nil || len(runs) != 1 || runs[0].Outcome != publishing.OutcomeSucceeded || runs[0].Operations != 20 {
		res.failf(t, "runs %+v (%v)", runs, err)
	}
	var attempt int
	f.db.Read().QueryRow(ctx, `SELECT attempt FROM river_job WHERE id = ?`, f.jobID).Scan(&attempt)
	if killed && attempt < 2 {
		res.failf(t, "the job ran %d time(s); killing the worker should have forced a second attempt", attempt)
	}
	return surplus
}

// Kill moments of the publishing campaign, taken in turn.
const (
	// killInFlight: every mutate from the chosen one on takes 100 ms; the
	// kill comes 0–150 ms after the chosen one reached Google, so during
	// the call (Google never applies it) or just after its answer (while
	// the worker stores it or sends the next).
	killInFlight = "in flight or just answered"
	// killAnswerLost: Google applies the chosen mutate (not the last) and
	// the answer is lost; the kill comes 0–150 ms later, while the worker
	// reacts (the mutates after it take 200 ms each).
	killAnswerLost = "answer lost"
	// killLookup: as killAnswerLost, but the kill comes while the worker
	// looks the lost change up at Google (its outcome unknown to it), or
	// half a second after the loss if it searches nothing by then.
	killLookup = "answer lost, during the look-up"
)

var killMoments = []string{killInFlight, killAnswerLost, killLookup}

type publishKill struct {
	moment  string
	mutate  int           // the kill follows the arrival of this mutate (1-based)
	mutates int           // of this many in a publish
	after   time.Duration // this long after it arrived
}

// TestWorkerKilledMidPublishCreatesNothingTwice is the publishing crash
// campaign: IMAPHUB_CRASH_ROUNDS times (default 3, `make reliability` 100)
// per engine, a worker publishing a campaign to the local Google Ads server
// is killed with SIGKILL at a random moment between, during or right after
// its mutate calls (an answer lost, the look-up of a lost answer). A new
// worker finishes each publish: the job completes, Google holds every entity
// exactly once, and the database passes the integrity check.
func TestWorkerKilledMidPublishCreatesNothingTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and waits for River's rescuer")
	}
	t.Parallel() // mostly waiting for River's rescuer
	bin := testBinary(t)
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			if engine == db.Postgres && os.Getenv(dbtest.PostgresEnv) == "" {
				t.Skipf("%s is not set", dbtest.PostgresEnv)
			}
			publishCampaign(t, engine, bin)
		})
	}
}

func publishCampaign(t *testing.T, engine db.Engine, bin string) {
	ctx := context.Background()
	rounds := crashRounds(t, envPublishRounds, 3)
	rng, seed := crashRand(t)
	res := newCrashResult("publish", engine, seed, rounds, publishWorkerEnv...)
	defer res.write(t)

	// One uninterrupted publish counts the mutate calls a publish makes.
	ref := preparePublish(t, ctx, engine)
	res.setVersion(t, ctx, ref.db)
	before := len(ref.fake.RequestsTo("mutate"))
	w := ref.worker(t, bin)
	ref.waitFor(t, ctx, jobs.EventCompleted, "", 3*time.Minute)
	w.Process.Signal(syscall.SIGTERM)
	w.Wait()
	ref.checkPublishedOnce(t, ctx, res, false)
	mutates := len(ref.fake.RequestsTo("mutate")) - before
	if mutates < 2 {
		t.Fatalf("an uninterrupted publish made %d mutate calls", mutates)
	}
	t.Logf("a publish makes %d mutate calls", mutates)

	kills := make([]publishKill, rounds)
	for i := range kills {
		k := publishKill{moment: killMoments[i%len(killMoments)], mutate: 1 + rng.IntN(mutates), mutates: mutates}
		// After the last mutate's answer the publish is all but done: the
		// kill comes during that call, and a lost answer to it is looked up
		// and stored within milliseconds (killLookup catches that).
		window := 150 * time.Millisecond
		switch {
		case k.moment == killInFlight && k.mutate == mutates:
			window = 90 * time.Millisecond
		case k.moment == killAnswerLost:
			k.mutate = 1 + rng.IntN(mutates-1)
		}
		k.after = time.Duration(rng.Int64N(int64(window)))
		kills[i] = k
	}
	// The rounds run side by side (go test -parallel): each waits mostly
	// for River to rescue its job.
	t.Run("rounds", func(t *testing.T) {
		for i, k := range kills {
			t.Run(fmt.Sprintf("%d %s mutate %d +%s", i+1, k.moment, k.mutate, k.after.Round(time.Millisecond)), func(t *testing.T) {
				t.Parallel()
				publishRound(t, ctx, engine, bin, k, res)
			})
		}
	})
}

// publishWorkerEnv is what publishFixture.worker runs the killed workers
// with, for the report.
var publishWorkerEnv = []string{"IMAPHUB_WORKERS=1", "IMAPHUB_JOB_RESCUE_AFTER=4s", "IMAPHUB_PUBLISH_TIMEOUT=3s"}

func publishRound(t *testing.T, ctx context.Context, engine db.Engine, bin string, k publishKill, res *crashResult) {
	defer func() {
		if t.Failed() {
			res.update(func(r *crashResult) { r.FailedRounds++ })
		}
	}()
	f := preparePublish(t, ctx, engine)
	res.update(func(r *crashResult) { r.Jobs++; r.Modes[k.moment]++ })
	base := len(f.fake.RequestsTo("mutate"))
	// Every mutate from the chosen one on is slow, so that the kill lands
	// before the publish ends.
	slow := func(d time.Duration, n int) {
		if n > 0 {
			f.fake.Inject(googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultSlow, Delay: d, Times: n})
		}
	}
	switch k.moment {
	case killInFlight:
		slow(20*time.Millisecond, k.mutate-1)
		slow(100*time.Millisecond, k.mutates-k.mutate+1)
	default:
		slow(20*time.Millisecond, k.mutate-1)
		f.fake.Inject(googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultLoseAnswer})
		slow(200*time.Millisecond, k.mutates-k.mutate)
	}
	w := f.worker(t, bin)
	defer func() { w.Process.Kill(); w.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for len(f.fake.RequestsTo("mutate")) < base+k.mutate {
		if time.Now().After(deadline) {
			t.Fatalf("the worker never sent mutate %d", k.mutate)
		}
		time.Sleep(time.Millisecond)
	}
	if k.moment == killLookup {
		// The next search (the look-up) hangs until the kill; if the
		// worker searched before this fault was queued, a later one does.
		// A lost validation is not looked up but sent again after a
		// pause: without a search for half a second, the kill comes then.
		searches := len(f.fake.RequestsTo("search"))
		f.fake.Inject(googleadstest.Fault{Call: "search", Kind: googleadstest.FaultSlow, Delay: time.Second})
		for end := time.Now().Add(500 * time.Millisecond); len(f.fake.RequestsTo("search")) <= searches && time.Now().Before(end); {
			time.Sleep(time.Millisecond)
		}
	} else {
		time.Sleep(k.after)
	}
	if err := w.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	w.Wait()

	// The kill landed mid-work unless the publish had finished: its
	// completed event stored (River may not have marked the job yet).
	midWork := !f.hasEvent(t, ctx, jobs.EventCompleted)
	if midWork {
		res.update(func(r *crashResult) { r.KillsMidWork++ })
	} else {
		t.Logf("the publish had finished before the kill")
		res.update(func(r *crashResult) { r.NotMidWork = append(r.NotMidWork, t.Name()) })
	}
	res.checkIntegrity(t, ctx, f.db)

	restarted := time.Now()
	w2 := f.worker(t, bin)
	defer func() { w2.Process.Signal(syscall.SIGTERM); w2.Wait() }()
	var state string
	for deadline := restarted.Add(120 * time.Second); state != "completed"; time.Sleep(20 * time.Millisecond) {
		if err := f.db.Read().QueryRow(ctx, `SELECT state FROM river_job WHERE id = ?`, f.jobID).Scan(&state); err != nil {
			t.Fatal(err)
		}
		if state == "cancelled" || state == "discarded" || time.Now().After(deadline) {
			res.failf(t, "the job is %s %s after the restart", state, time.Since(restarted).Round(time.Second))
			break
		}
	}
	recovery := time.Since(restarted)
	if !f.hasEvent(t, ctx, jobs.EventCompleted) {
		res.failf(t, "the job has no completed event")
	}
	surplus := f.checkPublishedOnce(t, ctx, res, midWork)
	res.update(func(r *crashResult) {
		r.Duplicates += surplus
		if state == "completed" {
			r.JobsCompleted++
		}
		r.RecoveryMillis = append(r.RecoveryMillis, float64(recovery.Microseconds())/1000)
	})
	res.checkIntegrity(t, ctx, f.db)
}

// hasEvent reports whether the job has an event of type typ.
func (f *fixture) hasEvent(t *testing.T, ctx context.Context, typ string) bool {
	t.Helper()
	evs, err := jobs.EventsAfter(ctx, f.db.Read(), f.jobID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.Type == typ {
			return true
		}
	}
	return false
}
