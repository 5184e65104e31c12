package generation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/ai"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// GenerateArgs is the generation job: copy for a whole campaign, or for one of
// its ad groups or asset groups.
type GenerateArgs struct {
	CampaignID   int64 `json:"campaign_id" river:"unique"`
	AdGroupID    int64 `json:"ad_group_id,omitempty" river:"unique"`
	AssetGroupID int64 `json:"asset_group_id,omitempty" river:"unique"`
}

// GenerateKind is the job kind of a generation.
const GenerateKind = "generate"

func (GenerateArgs) Kind() string { return GenerateKind }

// InsertOpts: one generation per target at a time, three attempts for
// transient failures (an unreachable model, a killed worker).
func (GenerateArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled,
	}}}
}

// Jobs starts generations as background jobs and works them: the River
// worker of kind GenerateKind.
type Jobs struct {
	river.WorkerDefaults[GenerateArgs]
	db        *db.DB
	campaigns Campaigns
	service   *Service
	runner    *jobs.Runner
	log       *slog.Logger
	timeout   time.Duration // bounds one run of a generation job
}

// NewJobs registers the generation worker. Call Attach with the runner once
// it exists (the runner needs its workers first). timeout bounds one run
// (default 10 minutes).
func NewJobs(workers *river.Workers, d *db.DB, c Campaigns, s *Service, timeout time.Duration, log *slog.Logger) *Jobs {
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	g := &Jobs{db: d, campaigns: c, service: s, timeout: timeout, log: log}
	river.AddWorker(workers, g)
	return g
}

// Attach connects the runner and registers what cancelling a queued
// generation undoes.
func (g *Jobs) Attach(r *jobs.Runner) {
	g.runner = r
	r.OnCancelQueued(GenerateKind, func(ctx context.Context, tx db.Conn, job *rivertype.JobRow) error {
		c, err := g.campaigns.CampaignTx(ctx, tx, campaignOf(job))
		if err != nil || c.State != campaigns.Generating {
			return nil
		}
		_, err = g.campaigns.TransitionTx(ctx, tx, c.ID, campaigns.EventCancelGeneration)
		return err
	})
}

func campaignOf(job *rivertype.JobRow) int64 {
	var a GenerateArgs
	_ = json.Unmarshal(job.EncodedArgs, &a)
	return a.CampaignID
}

// Timeout is the per-kind limit River applies to each run.
func (g *Jobs) Timeout(*river.Job[GenerateArgs]) time.Duration { return g.timeout }

// Start moves the campaign to generating and enqueues the job in the same
// transaction: the job exists exactly when the state change was committed.
// version is the campaign's version the start is meant for (If-Match).
func (g *Jobs) Start(ctx context.Context, args GenerateArgs, userID, version int64) (jobs.Job, campaigns.Campaign, error) {
	var jobID int64
	var c campaigns.Campaign
	err := g.db.InTx(ctx, func(tx db.Conn) error {
		var err error
		if c, err = g.campaigns.CampaignTx(ctx, tx, args.CampaignID); err != nil {
			return err
		}
		// A state that does not allow generating is the answer whatever
		// version the client saw (a running job moves the version).
		if _, err := campaigns.Next(c.State, campaigns.EventGenerate); err != nil {
			return err
		}
		if c.Version != version {
			return httpapi.StaleVersion(version, c.Version)
		}
		if args.AdGroupID != 0 {
			ag, err := g.campaigns.GetAdGroup(ctx, args.AdGroupID)
			if errs.Is(err, errs.NotFound) || (err == nil && ag.CampaignID != c.ID) {
				return errs.Field("body.ad_group_id", fmt.Sprintf("campaign %d has no ad group %d", c.ID, args.AdGroupID), args.AdGroupID)
			} else if err != nil {
				return err
			}
		}
		if args.AssetGroupID != 0 {
			ag, err := g.campaigns.GetAssetGroup(ctx, args.AssetGroupID)
			if errs.Is(err, errs.NotFound) || (err == nil && ag.CampaignID != c.ID) {
				return errs.Field("body.asset_group_id", fmt.Sprintf("campaign %d has no asset group %d", c.ID, args.AssetGroupID), args.AssetGroupID)
			} else if err != nil {
				return err
			}
		}
		if c, err = g.campaigns.TransitionTx(ctx, tx, c.ID, campaigns.EventGenerate); err != nil {
			return err
		}
		res, err := g.runner.InsertTx(ctx, tx, args, nil, jobs.Owner{Kind: GenerateKind, Subject: jobs.Subject{Type: "campaign", ID: c.ID}, UserID: userID})
		if err != nil {
			return err
		}
		if res.UniqueSkippedAsDuplicate {
			return errs.Conflictf("a generation for this target is already queued or running (job %d)", res.Job.ID).With("job_id", res.Job.ID)
		}
		jobID = res.Job.ID
		_, err = jobs.AppendTx(ctx, tx, jobID, jobs.EventProgress, jobs.Queued{Unit: unitTexts, Phase: jobs.PhaseQueued, Message: "Queued: waiting for a free worker"})
		return err
	})
	if err != nil {
		return jobs.Job{}, c, err
	}
	g.runner.Committed(jobID)
	j, err := g.runner.Get(ctx, jobID)
	return j, c, err
}

// target is one ad group or asset group to write copy for.
type target struct {
	adGroupID, assetGroupID int64
	name                    string
}

// Work runs one attempt. Every step is idempotent: an ad group that already
// has an ad gets its gaps filled instead of a second ad, texts are stored
// once by content, and a campaign no longer generating means an earlier run
// finished — so a job delivered twice, or rerun after its worker was killed,
// stores exactly what one run stores.
func (g *Jobs) Work(ctx context.Context, job *river.Job[GenerateArgs]) error {
	ctx = campaigns.AsGenerationJob(ctx)
	c, err := g.campaigns.GetCampaign(ctx, job.Args.CampaignID)
	if errs.Is(err, errs.NotFound) {
		return river.JobCancel(fmt.Errorf("campaign %d no longer exists", job.Args.CampaignID))
	}
	if err != nil {
		return err
	}
	if c.State != campaigns.Generating {
		return nil
	}
	targets, err := g.targets(ctx, c, job.Args)
	if err != nil {
		return g.fail(ctx, job, c.ID, err, nil)
	}
	// Targets an earlier attempt finished are checkpoints in this job's own
	// events; a rerun skips them and starts counting at their texts.
	done, texts, err := g.finishedTargets(ctx, job.ID)
	if err != nil {
		return err
	}
	// Progress counts texts, the unit people see arrive: those already
	// written plus what each remaining target still needs.
	total := texts
	for _, t := range targets {
		if !done[t.key()] {
			total += g.textsFor(ctx, t)
		}
	}
	g.emit(ctx, job.ID, jobs.EventProgress, progress{Progress: textProgress(texts, total)})
	var written struct {
		ads    []int64
		groups []int64
	}
	for _, t := range targets {
		if done[t.key()] {
			continue
		}
		reported := texts
		onEvent := func(ev ai.Event) {
			switch ev.Kind {
			case ai.EventItemAccepted:
				texts++
				g.emit(ctx, job.ID, jobs.EventItem, map[string]any{"slot": ev.Slot, "text": ev.Value, "ad_group_id": t.adGroupID, "asset_group_id": t.assetGroupID, "source": g.service.gen.Source()})
			case ai.EventRequest, ai.EventDone, ai.EventExhausted:
				// Once per model call, after its items: not an event per
				// text, which would double the job's events.
				if texts != reported {
					reported = texts
					g.emit(ctx, job.ID, jobs.EventProgress, progress{Progress: textProgress(texts, total)})
				}
			case ai.EventResponse:
				// Counted as each call answers: a run killed later still
				// shows in the job's cost.
				u := jobs.Usage{Calls: 1, PromptTokens: int64(ev.Usage.PromptTokens), CompletionTokens: int64(ev.Usage.CompletionTokens), CostUSD: ev.Usage.CostUSD}
				if err := g.runner.AddUsage(context.WithoutCancel(ctx), job.ID, job.Attempt, u); err != nil {
					g.log.Warn("job usage", "job", job.ID, "err", err)
				}
			}
		}
		var report GenerationReport
		var err error
		if t.adGroupID != 0 {
			var res AdGeneration
			mode, complete := g.modeForAdGroup(ctx, t.adGroupID)
			if complete {
				// Written by an attempt that died before its checkpoint.
				done[t.key()] = true
				g.emit(ctx, job.ID, jobs.EventProgress, progress{Progress: textProgress(texts, total), Target: t.key()})
				continue
			}
			res, err = g.service.GenerateAd(ctx, t.adGroupID, mode, onEvent)
			report = res.Report
			if err == nil {
				written.ads = append(written.ads, res.Ad.ID)
			}
		} else {
			var res AssetGroupGeneration
			res, err = g.service.GenerateAssetGroup(ctx, t.assetGroupID, g.modeForAssetGroup(ctx, t.assetGroupID), onEvent)
			report = res.Report
			if err == nil {
				written.groups = append(written.groups, res.AssetGroup.ID)
			}
		}
		var failed *GenerationFailedError
		if errors.As(err, &failed) {
			report = failed.Report
		}
		if err != nil {
			if ctx.Err() != nil {
				return g.stopped(ctx, job, c.ID)
			}
			if errs.As(err) != nil || failed != nil || job.Attempt >= job.MaxAttempts {
				var rep *GenerationReport
				if failed != nil {
					rep = &report
				}
				return g.fail(ctx, job, c.ID, fmt.Errorf("%s: %w", t.name, err), rep)
			}
			g.emit(ctx, job.ID, jobs.EventWarning, map[string]any{"message": fmt.Sprintf("%s: %v; retrying", t.name, err), "attempt": job.Attempt})
			return err
		}
		if !report.Complete {
			// The valid part met the minimum and was stored.
			g.log.Warn("generation incomplete, valid part stored", "job", job.ID, "target", t.key(), "reason", report.Summary(), "err", report.Error)
			g.emit(ctx, job.ID, jobs.EventWarning, map[string]any{"message": fmt.Sprintf("%s: some items could not be written: %s", t.name, report.Summary()), "missing": report.Missing})
		}
		done[t.key()] = true
		g.emit(ctx, job.ID, jobs.EventProgress, progress{Progress: textProgress(texts, total), Target: t.key()})
	}
	err = g.db.InTx(context.WithoutCancel(ctx), func(tx db.Conn) error {
		if _, err := g.campaigns.TransitionTx(ctx, tx, c.ID, campaigns.EventGenerated); err != nil {
			return err
		}
		// What the whole job used, over every attempt.
		used, err := jobs.TotalUsage(ctx, tx, job.ID)
		if err != nil {
			return err
		}
		result := map[string]any{"campaign_id": c.ID, "ads": written.ads, "asset_groups": written.groups,
			"tokens": used.PromptTokens + used.CompletionTokens, "cost_usd": used.CostUSD}
		_, err = jobs.AppendTx(ctx, tx, job.ID, jobs.EventCompleted, result)
		return err
	})
	if err != nil {
		return err
	}
	g.runner.Committed(job.ID)
	return nil
}

// targets lists what to write copy for. A campaign without ad groups (or
// asset groups) gets one made from its brief, so a brief alone becomes a
// complete campaign.
func (g *Jobs) targets(ctx context.Context, c campaigns.Campaign, a GenerateArgs) ([]target, error) {
	switch {
	case a.AdGroupID != 0:
		ag, err := g.campaigns.GetAdGroup(ctx, a.AdGroupID)
		return []target{{adGroupID: ag.ID, name: ag.Name}}, err
	case a.AssetGroupID != 0:
		ag, err := g.campaigns.GetAssetGroup(ctx, a.AssetGroupID)
		return []target{{assetGroupID: ag.ID, name: ag.Name}}, err
	}
	var out []target
	if c.Type == campaigns.TypeSearch {
		page, err := g.campaigns.ListAdGroups(ctx, campaigns.AdGroupFilter{CampaignID: c.ID}, campaigns.ListParams{Sort: "created", Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, ag := range page.Items {
			out = append(out, target{adGroupID: ag.ID, name: ag.Name})
		}
		if len(out) == 0 {
			ag, err := g.adGroupFromBrief(ctx, c)
			if err != nil {
				return nil, err
			}
			out = append(out, target{adGroupID: ag.ID, name: ag.Name})
		}
		return out, nil
	}
	page, err := g.campaigns.ListAssetGroups(ctx, campaigns.AssetGroupFilter{CampaignID: c.ID}, campaigns.ListParams{Sort: "created", Limit: policy.MaxAssetGroupsPerCampaign})
	if err != nil {
		return nil, err
	}
	for _, ag := range page.Items {
		out = append(out, target{assetGroupID: ag.ID, name: ag.Name})
	}
	if len(out) == 0 {
		url := c.Brief.LandingPage
		if url == "" {
			url = c.FinalURL
		}
		if url == "" {
			return nil, errs.Field("campaign.final_url", "the asset group needs a final URL: set the campaign's final_url or its brief's landing_page", "")
		}
		ag, err := g.campaigns.CreateAssetGroup(ctx, campaigns.AssetGroupInput{CampaignID: c.ID, Name: nameFromBrief(c), FinalURLs: []string{url}})
		if err != nil && !errs.Is(err, errs.Conflict) {
			return nil, err
		}
		if errs.Is(err, errs.Conflict) { // made by an earlier attempt
			return g.targets(ctx, c, a)
		}
		out = append(out, target{assetGroupID: ag.ID, name: ag.Name})
	}
	return out, nil
}

func nameFromBrief(c campaigns.Campaign) string {
	if p := c.Brief.Product; p != "" {
		if len([]rune(p)) > 100 {
			p = string([]rune(p)[:100])
		}
		return p
	}
	return c.Name
}

// adGroupFromBrief creates the ad group of a campaign built from a brief
// alone, with the brief's keywords as phrase match.
func (g *Jobs) adGroupFromBrief(ctx context.Context, c campaigns.Campaign) (campaigns.AdGroup, error) {
	ag, err := g.campaigns.CreateAdGroup(ctx, campaigns.AdGroupInput{CampaignID: c.ID, Name: nameFromBrief(c)})
	if err != nil {
		return ag, err
	}
	for _, k := range c.Brief.Keywords {
		if _, err := g.campaigns.CreateKeyword(ctx, campaigns.KeywordInput{AdGroupID: ag.ID, Text: k, MatchType: "PHRASE"}); err != nil && !errs.Is(err, errs.Conflict) && !errs.Is(err, errs.Invalid) {
			return ag, err
		}
	}
	return ag, nil
}

// modeForAdGroup completes the ad group's first ad if it has one, else writes
// a new one; complete is true when that ad has nothing left to fill.
func (g *Jobs) modeForAdGroup(ctx context.Context, adGroupID int64) (in GenerateInput, complete bool) {
	page, err := g.campaigns.ListAds(ctx, campaigns.AdFilter{AdGroupID: adGroupID}, campaigns.ListParams{Sort: "created", Limit: 1})
	if err != nil || len(page.Items) == 0 {
		return GenerateInput{Mode: ModeNew}, false
	}
	ad := page.Items[0]
	return GenerateInput{Mode: ModeFillGaps, AdID: ad.ID}, len(gaps(FormatRSA, adSet(ad))) == 0
}

// progress is a progress event that also checkpoints the target it finished.
type progress struct {
	jobs.Progress
	Target string `json:"target,omitempty"`
}

func (t target) key() string {
	if t.adGroupID != 0 {
		return fmt.Sprintf("ad_group:%d", t.adGroupID)
	}
	return fmt.Sprintf("asset_group:%d", t.assetGroupID)
}

// finishedTargets reads the checkpoints of earlier attempts of a job: the
// targets they finished and the texts counted at the last one.
func (g *Jobs) finishedTargets(ctx context.Context, jobID int64) (map[string]bool, int, error) {
	evs, err := jobs.EventsAfter(ctx, g.db.Read(), jobID, 0, 10000)
	if err != nil {
		return nil, 0, err
	}
	done, texts := map[string]bool{}, 0
	for _, e := range evs {
		var p progress
		if e.Type == jobs.EventProgress && json.Unmarshal(e.Payload, &p) == nil && p.Target != "" {
			done[p.Target] = true
			if p.Unit == unitTexts {
				texts = p.Done
			}
		}
	}
	return done, texts, nil
}

// unitTexts is what generation progress counts.
const unitTexts = "texts"

// textProgress is a progress event of a running generation.
func textProgress(done, total int) jobs.Progress {
	return jobs.Progress{Done: done, Total: total, Unit: unitTexts, Phase: jobs.PhaseRunning, Message: fmt.Sprintf("Generating %d/%d texts", done, total)}
}

// textsFor is how many texts the job writes for t: a full set for an ad
// group without an ad or an asset group without texts, else the gaps.
func (g *Jobs) textsFor(ctx context.Context, t target) int {
	want := FullSet(FormatRSA)
	if t.adGroupID != 0 {
		page, err := g.campaigns.ListAds(ctx, campaigns.AdFilter{AdGroupID: t.adGroupID}, campaigns.ListParams{Sort: "created", Limit: 1})
		if err == nil && len(page.Items) > 0 {
			want = gaps(FormatRSA, adSet(page.Items[0]))
		}
	} else {
		want = FullSet(FormatPMax)
		if ag, err := g.campaigns.GetAssetGroup(ctx, t.assetGroupID); err == nil && len(ag.Assets) > 0 {
			want = gaps(FormatPMax, groupTexts(ag).set())
		}
	}
	n := 0
	for _, w := range want {
		n += w.Count
	}
	return n
}

func (g *Jobs) modeForAssetGroup(ctx context.Context, id int64) GenerateInput {
	ag, err := g.campaigns.GetAssetGroup(ctx, id)
	if err == nil && len(ag.Assets) > 0 {
		return GenerateInput{Mode: ModeFillGaps}
	}
	return GenerateInput{Mode: ModeNew}
}

func (g *Jobs) emit(ctx context.Context, jobID int64, typ string, payload any) {
	if _, err := g.runner.Append(context.WithoutCancel(ctx), jobID, typ, payload); err != nil {
		g.log.Warn("job event", "job", jobID, "type", typ, "err", err)
	}
}

// fail ends the job for good: the campaign moves to failed, the failure is
// recorded (with the generation's report, when there is one), logged, and
// River does not retry.
func (g *Jobs) fail(ctx context.Context, job *river.Job[GenerateArgs], campaignID int64, cause error, report *GenerationReport) error {
	ctx = context.WithoutCancel(ctx)
	payload := map[string]any{"error": cause.Error()}
	logArgs := []any{"job", job.ID, "campaign", campaignID, "reason", cause}
	if report != nil {
		payload["report"] = report
		logArgs = append(logArgs, "err", report.Error)
	}
	g.log.Warn("generation job failed", logArgs...)
	err := g.db.InTx(ctx, func(tx db.Conn) error {
		c, err := g.campaigns.CampaignTx(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		if c.State == campaigns.Generating {
			if _, err := g.campaigns.TransitionTx(ctx, tx, campaignID, campaigns.EventGenerationFailed); err != nil {
				return err
			}
		}
		_, err = jobs.AppendTx(ctx, tx, job.ID, jobs.EventFailed, payload)
		return err
	})
	if err != nil {
		return err
	}
	g.runner.Committed(job.ID)
	return river.JobCancel(cause)
}

// stopped handles a run whose context ended: a user's cancellation returns
// the campaign to draft; a shutdown or timeout hands the job back for a retry.
func (g *Jobs) stopped(ctx context.Context, job *river.Job[GenerateArgs], campaignID int64) error {
	if !jobs.CancelledByUser(ctx) {
		return ctx.Err()
	}
	bg := context.WithoutCancel(ctx)
	err := g.db.InTx(bg, func(tx db.Conn) error {
		c, err := g.campaigns.CampaignTx(bg, tx, campaignID)
		if err != nil {
			return err
		}
		if c.State == campaigns.Generating {
			if _, err := g.campaigns.TransitionTx(bg, tx, campaignID, campaigns.EventCancelGeneration); err != nil {
				return err
			}
		}
		_, err = jobs.AppendTx(bg, tx, job.ID, jobs.EventCancelled, map[string]any{"reason": "cancelled"})
		return err
	})
	if err != nil {
		return err
	}
	g.runner.Committed(job.ID)
	return ctx.Err()
}
