package main

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/domain/publishing"
	"github.com/imaphub/imaphub/internal/platform/db"
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

// checkPublishedOnce wants every entity at the fake exactly once, the
// campaign paused here, every resource name stored and one successful run.
func (f *publishFixture) checkPublishedOnce(t *testing.T, ctx context.Context) {
	t.Helper()
	want := map[string]int{"campaign_budget": 1, "campaign": 1, "campaign_criterion": 2, "ad_group": 4, "ad_group_criterion": 8, "ad_group_ad": 4}
	got := f.atGoogle(t)
	for res, n := range want {
		if got[res] != n {
			t.Errorf("%d %s at the fake, want %d (all: %v)", got[res], res, n, got)
		}
	}
	status, err := f.app.Publishing.Status(ctx, f.campaignID, "en")
	if err != nil {
		t.Fatal(err)
	}
	if len(status.Resources) != 20 || status.GoogleStatus != "PAUSED" {
		t.Errorf("%d resource names stored, status %s", len(status.Resources), status.GoogleStatus)
	}
	c, err := f.app.Campaigns.GetCampaign(ctx, f.campaignID)
	if err != nil || c.State != "paused" {
		t.Errorf("campaign %s (%v)", c.State, err)
	}
	runs, _, err := f.app.Publishing.Runs(ctx, f.campaignID, "", 10, "en")
	if err != nil || len(runs) != 1 || runs[0].Outcome != publishing.OutcomeSucceeded || runs[0].Operations != 20 {
		t.Errorf("runs %+v (%v)", runs, err)
	}
	var attempt int
	f.db.Read().QueryRow(ctx, `SELECT attempt FROM river_job WHERE id = ?`, f.jobID).Scan(&attempt)
	if attempt < 2 {
		t.Errorf("the job ran %d time(s); killing the worker should have forced a second attempt", attempt)
	}
}

// TestWorkerKilledMidPublishCreatesNothingTwice kills the worker with
// SIGKILL in the middle of a publish, twice over: once after some steps were
// stored, once while it looks up a step whose answer the fake lost after
// applying it (so the outcome is unknown to the worker). A new worker
// finishes each publish, and Google holds every entity exactly once.
func TestWorkerKilledMidPublishCreatesNothingTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and waits for River's rescuer")
	}
	bin := testBinary(t)
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		t.Run(string(engine)+"/after some steps", func(t *testing.T) {
			ctx := context.Background()
			f := preparePublish(t, ctx, engine)
			// Each mutate takes a while, so the kill lands mid-publish.
			f.fake.Inject(googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultSlow, Delay: 200 * time.Millisecond, Times: 6})
			w := f.worker(t, bin)
			f.waitFor(t, ctx, jobs.EventProgress, `"done":2`, 60*time.Second)
			w.Process.Signal(syscall.SIGKILL)
			w.Wait()
			if got := f.atGoogle(t); got["ad_group"] == 4 {
				t.Fatalf("the publish finished before the kill: %v", got)
			}
			w = f.worker(t, bin)
			defer func() { w.Process.Signal(syscall.SIGTERM); w.Wait() }()
			f.waitFor(t, ctx, jobs.EventCompleted, "", 120*time.Second)
			f.checkPublishedOnce(t, ctx)
		})
		t.Run(string(engine)+"/outcome unknown", func(t *testing.T) {
			ctx := context.Background()
			f := preparePublish(t, ctx, engine)
			searches := len(f.fake.RequestsTo("search"))
			// The worker reads the account, checks everything, then sends the
			// campaign step: applied at the fake, its answer lost. Looking it
			// up hangs until the worker is killed.
			f.fake.Inject(googleadstest.Fault{Call: "search", Kind: googleadstest.FaultSlow, Delay: time.Millisecond},
				googleadstest.Fault{Call: "search", Kind: googleadstest.FaultSlow, Delay: time.Minute},
				googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultSlow, Delay: time.Millisecond},
				googleadstest.Fault{Call: "mutate", Kind: googleadstest.FaultLoseAnswer})
			w := f.worker(t, bin)
			deadline := time.Now().Add(60 * time.Second)
			for len(f.fake.RequestsTo("search")) < searches+2 {
				if time.Now().After(deadline) {
					t.Fatal("the worker never looked up the lost step")
				}
				time.Sleep(5 * time.Millisecond)
			}
			w.Process.Signal(syscall.SIGKILL)
			w.Wait()
			if got := f.atGoogle(t); got["campaign"] != 1 || got["ad_group"] != 0 {
				t.Fatalf("at the kill the fake should hold the campaign step only: %v", got)
			}
			w = f.worker(t, bin)
			defer func() { w.Process.Signal(syscall.SIGTERM); w.Wait() }()
			f.waitFor(t, ctx, jobs.EventCompleted, "", 120*time.Second)
			f.checkPublishedOnce(t, ctx)
		})
	}
}
