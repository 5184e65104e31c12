package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/domain/publishing"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

const publishHelp = `Usage: imaphub publish --campaign ID [--customer CID] [--validate-only] [--start-enabled] [--lang en|de]

Publishes an approved campaign to Google Ads: the first time it is created
(PAUSED unless --start-enabled); a published campaign that was edited,
reviewed and approved again gets its change set. The publish runs as a job
that this command works itself (a running server's workers may take it
instead) and follows: it prints each step and then the result, with the
campaign's link into the Google Ads UI and Google's request ids.

--validate-only is the dry run: everything publishing would send is checked
by Google (validateOnly) and nothing changes; the plan and every problem are
printed at our entity and field ("ad 7, headlines[3]").

--customer chooses the account first (ten digits, dashes allowed), as
PUT /api/campaigns/{id}/google-ads-account does; otherwise the account chosen
before is used.

Google Ads is configured with IMAPHUB_GOOGLEADS_* (README, "Connect Google Ads").

Exit status: 0 published (or nothing to change) or a dry run without
problems; 1 problems, a failed or cancelled publish, or an error; 2 bad usage
or Google Ads not connected.`

// runPublish is `imaphub publish`.
func runPublish(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	campaign := fs.Int64("campaign", 0, "the campaign's id (required)")
	customer := fs.String("customer", "", "choose this Google Ads account first")
	validateOnly := fs.Bool("validate-only", false, "dry run: check with Google, change nothing")
	startEnabled := fs.Bool("start-enabled", false, "create the campaign serving instead of paused")
	lang := fs.String("lang", "en", "language of the problems: en or de")
	timeout := fs.Duration("timeout", 30*time.Minute, "how long to wait for the publish")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), publishHelp+"\n\nFlags:")
		fs.PrintDefaults()
	}
	if ok, code := flags(fs, args, stderr); !ok {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "imaphub publish: "+format+"\n", a...)
		return code
	}
	if *campaign <= 0 {
		return fail(2, "--campaign: give the campaign's id")
	}
	if *lang != "en" && *lang != "de" {
		return fail(2, "--lang %q: want en or de", *lang)
	}
	cfg, err := loadConfig()
	if err != nil {
		return fail(2, "%v", err)
	}
	if !cfg.GoogleAds.Connected() {
		return fail(2, "%v", &googleads.NotConnectedError{Missing: cfg.GoogleAds.Missing()})
	}
	cfg.Jobs.Workers = 1 // this process works the publish job
	a, _, err := openAppWith(ctx, cfg)
	if err != nil {
		return fail(1, "%v", err)
	}
	defer a.DB.Close()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if *customer != "" {
		t, err := a.Publishing.SetTarget(ctx, *campaign, publishing.TargetInput{CustomerID: *customer}, 0)
		if err != nil {
			return fail(1, "--customer: %s", problemText(err))
		}
		fmt.Fprintf(stdout, "Account %s %q chosen for campaign %d.\n", formatCustomerID(mustInt(t.CustomerID)), t.AccountName, *campaign)
	}
	if *validateOnly {
		return dryRun(ctx, a, *campaign, *lang, stdout, stderr)
	}
	return publish(ctx, a, *campaign, *startEnabled, *lang, stdout, stderr)
}

func mustInt(s string) int64 {
	var n int64
	fmt.Sscan(s, &n)
	return n
}

// problemText is an error as the API would word it.
func problemText(err error) string {
	var p *httpapi.Problem
	if errors.As(err, &p) {
		if advice, ok := p.Extra["advice"].(string); ok {
			return p.Detail + "\n  fix: " + advice
		}
		return p.Detail
	}
	if e := errs.As(err); e != nil {
		return e.Error()
	}
	return err.Error()
}

func printProblems(w io.Writer, problems []publishing.PublishProblem) {
	for _, p := range problems {
		where := p.Where
		if where == "" {
			where = "request"
		}
		fmt.Fprintf(w, "  %s: %s (%s)", where, p.Message, p.Code)
		if p.Value != "" {
			fmt.Fprintf(w, " — %q", p.Value)
		}
		fmt.Fprintln(w)
	}
}

func dryRun(ctx context.Context, a *app.App, campaign int64, lang string, stdout, stderr io.Writer) int {
	d, err := a.Publishing.DryRun(ctx, campaign, publishing.DryRunInput{}, 0, lang)
	if err != nil {
		fmt.Fprintf(stderr, "imaphub publish: %s\n", problemText(err))
		return 1
	}
	fmt.Fprintf(stdout, "Dry run of campaign %d in account %s: %d operations (%s)\n", campaign, formatCustomerID(mustInt(d.CustomerID)), d.Operations, d.Changes)
	for i, s := range d.Steps {
		what := string(s.Kind)
		if s.Removal {
			what = "remove " + what
		}
		fmt.Fprintf(stdout, "  %d. %s %q: %d operations\n", i+1, strings.ReplaceAll(what, "_", " "), s.Name, s.Operations)
	}
	if d.Unchecked > 0 {
		fmt.Fprintf(stdout, "%d operations can be checked by Google only when published (beyond one request's 10,000).\n", d.Unchecked)
	}
	fmt.Fprintf(stdout, "request ids: %s\n", strings.Join(d.RequestIDs, ", "))
	if d.Valid {
		fmt.Fprintln(stdout, "Google Ads accepts every change.")
		return 0
	}
	fmt.Fprintf(stdout, "Problems (%d):\n", len(d.Problems))
	printProblems(stdout, d.Problems)
	return 1
}

func publish(ctx context.Context, a *app.App, campaign int64, startEnabled bool, lang string, stdout, stderr io.Writer) int {
	c, err := a.Campaigns.GetCampaign(ctx, campaign)
	if err != nil {
		fmt.Fprintf(stderr, "imaphub publish: %s\n", problemText(err))
		return 1
	}
	started, err := a.Publishing.StartPublish(ctx, campaign, c.Version, 0, publishing.PublishInput{StartEnabled: startEnabled})
	if err != nil {
		fmt.Fprintf(stderr, "imaphub publish: %s\n", problemText(err))
		return 1
	}
	if err := a.Jobs.Start(ctx); err != nil {
		fmt.Fprintf(stderr, "imaphub publish: %v\n", err)
		return 1
	}
	defer a.Jobs.Stop(10 * time.Second)
	fmt.Fprintf(stdout, "Publishing campaign %d %q (job %d).\n", campaign, c.Name, started.Job.ID)
	var seq int64
	for {
		evs, err := jobs.EventsAfter(ctx, a.DB.Read(), started.Job.ID, seq, 100)
		if err != nil {
			fmt.Fprintf(stderr, "imaphub publish: %v\n", err)
			return 1
		}
		for _, e := range evs {
			seq = e.Seq
			var body struct {
				Message string `json:"message"`
				Error   string `json:"error"`
			}
			_ = json.Unmarshal(e.Payload, &body)
			switch e.Type {
			case jobs.EventProgress, jobs.EventWarning:
				if body.Message != "" && body.Message != "Queued" {
					fmt.Fprintf(stdout, "  %s\n", body.Message)
				}
			case jobs.EventCompleted:
				return published(ctx, a, campaign, e.Payload, stdout)
			case jobs.EventFailed, jobs.EventCancelled:
				return publishFailed(ctx, a, campaign, e.Type, body.Error, lang, stdout)
			}
		}
		select {
		case <-ctx.Done():
			fmt.Fprintf(stderr, "imaphub publish: gave up waiting (%v); the job goes on: GET /api/jobs/%d\n", ctx.Err(), started.Job.ID)
			return 1
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func published(ctx context.Context, a *app.App, campaign int64, payload []byte, stdout io.Writer) int {
	var r struct {
		Status      string           `json:"status"`
		Operations  int              `json:"operations"`
		Changes     publishing.Count `json:"changes"`
		RequestIDs  []string         `json:"request_ids"`
		CampaignURL string           `json:"campaign_url"`
		CustomerID  string           `json:"customer_id"`
	}
	_ = json.Unmarshal(payload, &r)
	c, _ := a.Campaigns.GetCampaign(ctx, campaign)
	fmt.Fprintf(stdout, "Published: campaign %d is %s (%s at Google Ads) in account %s.\n", campaign, c.State, r.Status, formatCustomerID(mustInt(r.CustomerID)))
	fmt.Fprintf(stdout, "%d operations: %s\n", r.Operations, r.Changes)
	if r.CampaignURL != "" {
		fmt.Fprintf(stdout, "Google Ads: %s\n", r.CampaignURL)
	}
	fmt.Fprintf(stdout, "request ids: %s\n", strings.Join(r.RequestIDs, ", "))
	return 0
}

func publishFailed(ctx context.Context, a *app.App, campaign int64, typ, msg, lang string, stdout io.Writer) int {
	runs, _, err := a.Publishing.Runs(ctx, campaign, "", 1, lang)
	if typ == jobs.EventCancelled {
		fmt.Fprintf(stdout, "Cancelled: nothing was changed at Google Ads.\n")
		return 1
	}
	fmt.Fprintf(stdout, "Failed: %s\n", msg)
	if err == nil && len(runs) > 0 {
		r := runs[0]
		if len(r.Problems) > 0 {
			fmt.Fprintf(stdout, "Problems (%d):\n", len(r.Problems))
			printProblems(stdout, r.Problems)
		}
		if r.Operations > 0 {
			fmt.Fprintf(stdout, "%d operations were made before (%s); publishing again sends the rest.\n", r.Operations, r.Changes)
		}
		fmt.Fprintf(stdout, "request ids: %s\n", strings.Join(r.RequestIDs, ", "))
	}
	return 1
}
