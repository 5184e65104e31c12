package publishing

import (
	"context"
	"fmt"

	"github.com/riverqueue/river"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// StepSummary is one step of a plan: what it is and how many operations.
type StepSummary struct {
	Kind       Kind   `json:"kind" enum:"campaign,ad_group,asset_group"`
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Removal    bool   `json:"removal,omitempty"`
	Operations int    `json:"operations"`
}

func summaries(steps []Step) []StepSummary {
	out := make([]StepSummary, len(steps))
	for i, s := range steps {
		out[i] = StepSummary{Kind: s.Kind, ID: s.ID, Name: s.Name, Removal: s.Removal, Operations: len(s.Changes)}
	}
	return out
}

// DryRun is what Google Ads says about publishing a campaign now; nothing
// is changed (validateOnly).
type DryRun struct {
	CampaignID int64            `json:"campaign_id"`
	CustomerID string           `json:"customer_id"`
	Valid      bool             `json:"valid" doc:"Google Ads accepts every change"`
	Operations int              `json:"operations" doc:"Operations publishing would send"`
	Unchecked  int              `json:"unchecked,omitempty" doc:"Operations beyond one request's 10,000 that refer to resources the first request creates, so Google can check them only when published"`
	Changes    Count            `json:"changes" doc:"Changes by action and kind"`
	Steps      []StepSummary    `json:"steps" nullable:"false"`
	Problems   []PublishProblem `json:"problems" nullable:"false" doc:"Every problem at our entity and field"`
	RequestIDs []string         `json:"request_ids" nullable:"false"`
	RunID      int64            `json:"run_id" doc:"The dry run's entry in the change history"`
}

// DryRunInput optionally checks against another account than the chosen one.
type DryRunInput struct {
	CustomerID string `json:"customer_id,omitempty" maxLength:"12" pattern:"^([0-9]{3}-?[0-9]{3}-?[0-9]{4})?$" doc:"Check against this account instead of the chosen one"`
}

// DryRun asks Google Ads to check everything publishing would send now,
// with validateOnly, and maps each refusal to our entity and field in lang.
// It is recorded in the change history.
func (s *Service) DryRun(ctx context.Context, campaignID int64, in DryRunInput, userID int64, lang string) (DryRun, error) {
	if err := s.requireGoogle(); err != nil {
		return DryRun{}, err
	}
	customer := ""
	if in.CustomerID != "" {
		id, err := googleads.NormalizeCustomerID(in.CustomerID)
		if err != nil {
			return DryRun{}, errs.Field("body.customer_id", err.Error(), in.CustomerID)
		}
		customer = id
	}
	p, err := s.plan(ctx, campaignID, customer, false)
	if err != nil {
		return DryRun{}, err
	}
	if p.customer == "" {
		return DryRun{}, noTarget(campaignID)
	}
	out := DryRun{CampaignID: campaignID, CustomerID: p.customer, Steps: summaries(p.steps), RequestIDs: []string{}}
	out.Changes, out.Operations = CountChanges(p.steps)
	_, accProblems, rid, err := s.checkAccount(ctx, p.customer, p.campaign)
	if err != nil {
		return DryRun{}, googleProblem(err)
	}
	out.RequestIDs = append(out.RequestIDs, rid)
	problems := append(append([]PublishProblem{}, p.problems...), accProblems...)
	gp, ids, unchecked, err := s.validate(ctx, p)
	if err != nil {
		return DryRun{}, googleProblem(err)
	}
	out.RequestIDs = append(out.RequestIDs, ids...)
	out.Unchecked = unchecked
	problems = append(problems, gp...)
	out.Valid = len(problems) == 0
	run := Run{CampaignID: campaignID, Kind: RunDryRun, CustomerID: p.customer, Outcome: OutcomeSucceeded, Operations: out.Operations,
		Changes: out.Changes, RequestIDs: out.RequestIDs, Problems: problems, CreatedAt: s.now()}
	if !out.Valid {
		run.Outcome = OutcomeFailed
	}
	if userID != 0 {
		run.UserID = &userID
	}
	finished := s.now()
	run.FinishedAt = &finished
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		var err error
		out.RunID, err = insertRun(ctx, tx, run)
		return err
	})
	out.Problems = LocalizeAll(problems, lang)
	if out.Problems == nil {
		out.Problems = []PublishProblem{}
	}
	return out, err
}

// ChangeSet is what publishing would change at Google now: everything for a
// campaign never published, the difference for one that was.
type ChangeSet struct {
	CampaignID int64            `json:"campaign_id"`
	CustomerID string           `json:"customer_id,omitempty" doc:"The chosen account, if any"`
	Published  bool             `json:"published" doc:"The campaign exists at Google: these are the changes to it"`
	Operations int              `json:"operations"`
	Changes    Count            `json:"changes"`
	Steps      []Step           `json:"steps" nullable:"false" doc:"The changes in the order and requests they are sent"`
	Problems   []PublishProblem `json:"problems" nullable:"false" doc:"What Google Ads cannot take, found without asking it (a dry run asks)"`
}

// ChangeSet computes what publishing would send now, without calling Google.
func (s *Service) ChangeSet(ctx context.Context, campaignID int64, lang string) (ChangeSet, error) {
	p, err := s.plan(ctx, campaignID, "", false)
	if err != nil {
		return ChangeSet{}, err
	}
	out := ChangeSet{CampaignID: campaignID, CustomerID: p.customer, Published: hasKey(p.base, "campaign"), Steps: p.steps,
		Problems: LocalizeAll(p.problems, lang)}
	if out.Steps == nil {
		out.Steps = []Step{}
	}
	out.Changes, out.Operations = CountChanges(p.steps)
	return out, nil
}

// PublishKind is the job kind of a publish.
const PublishKind = "publish"

// PublishArgs is the publish job: one run of one campaign.
type PublishArgs struct {
	CampaignID int64 `json:"campaign_id" river:"unique"`
	RunID      int64 `json:"run_id"`
}

func (PublishArgs) Kind() string { return PublishKind }

// InsertOpts: five attempts for a worker that died or a Google that stayed
// unavailable. One publish per campaign at a time is the lifecycle's doing
// (approved → publishing), and a campaign's runs take turns (waitTurn).
func (PublishArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 5} }

// PublishInput starts a publish.
type PublishInput struct {
	StartEnabled bool `json:"start_enabled,omitempty" doc:"Create the campaign serving (ENABLED); by default it is created PAUSED. Only the first publish creates the campaign; later ones keep its status"`
}

// Started is the answer to starting a publish.
type Started struct {
	Job      jobs.Job           `json:"job"`
	Run      Run                `json:"run"`
	Campaign campaigns.Campaign `json:"campaign"`
	Events   string             `json:"events" doc:"Server-sent events of the job's progress"`
}

// StartPublish moves an approved campaign to publishing and enqueues the
// publish job in the same transaction. version is the campaign version the
// publish is meant for (If-Match). What Google Ads cannot take and we can
// tell without asking (a language it does not target) is refused at once.
func (s *Service) StartPublish(ctx context.Context, campaignID, version, userID int64, in PublishInput) (Started, error) {
	if err := s.requireGoogle(); err != nil {
		return Started{}, err
	}
	p, err := s.plan(ctx, campaignID, "", in.StartEnabled)
	if err != nil {
		return Started{}, err
	}
	if len(p.problems) > 0 {
		e := errs.E(errs.Invalid, "Google Ads cannot take the campaign as it is: %s", p.problems[0].Localize("en").Message)
		for _, pr := range LocalizeAll(p.problems, "en") {
			e.Fields = append(e.Fields, errs.FieldError{Location: "campaign." + pr.Field, Message: pr.Message, Value: pr.Value, Code: pr.Code})
		}
		return Started{}, e
	}
	var out Started
	var jobID int64
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		c, err := s.campaigns.CampaignTx(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		if c.Version != version {
			return httpapi.StaleVersion(version, c.Version)
		}
		t, err := getTarget(ctx, tx, campaignID)
		if err != nil {
			return err
		}
		if t == nil {
			return noTarget(campaignID)
		}
		if out.Campaign, err = s.campaigns.TransitionTx(ctx, tx, campaignID, campaigns.EventPublish); err != nil {
			return err
		}
		run := Run{CampaignID: campaignID, Kind: RunPublish, CustomerID: t.CustomerID, StartEnabled: in.StartEnabled, Outcome: OutcomeQueued, CreatedAt: s.now()}
		if userID != 0 {
			run.UserID = &userID
		}
		if run.ID, err = insertRun(ctx, tx, run); err != nil {
			return err
		}
		res, err := s.runner.InsertTx(ctx, tx, PublishArgs{CampaignID: campaignID, RunID: run.ID}, nil,
			jobs.Owner{Kind: PublishKind, Subject: jobs.Subject{Type: "campaign", ID: campaignID}, UserID: userID})
		if err != nil {
			return err
		}
		jobID = res.Job.ID
		if err := setRunJob(ctx, tx, run.ID, jobID); err != nil {
			return err
		}
		_, err = jobs.AppendTx(ctx, tx, jobID, jobs.EventProgress, progress{Progress: jobs.Progress{Total: len(p.steps), Message: "Queued"}})
		if err != nil {
			return err
		}
		out.Run, err = getRun(ctx, tx, run.ID)
		return err
	})
	if err != nil {
		return Started{}, err
	}
	s.runner.Committed(jobID)
	if out.Job, err = s.runner.Get(ctx, jobID); err != nil {
		return Started{}, err
	}
	out.Events = fmt.Sprintf("/api/jobs/%d/events", jobID)
	return out, nil
}

// progress is a publish job's progress event: the step it is at, so the
// web app can word it in its language.
type progress struct {
	jobs.Progress
	Step *StepSummary `json:"step,omitempty"`
}
