package publishing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

// StatusKind is the job kind that sets a published campaign's status at
// Google Ads after a pause, resume or archive.
const StatusKind = "google_ads_status"

// StatusArgs is a status job: the run says which status.
type StatusArgs struct {
	CampaignID int64 `json:"campaign_id" river:"unique"`
	RunID      int64 `json:"run_id"`
}

func (StatusArgs) Kind() string { return StatusKind }

// InsertOpts: five attempts. A campaign's status changes (and publishes)
// take turns in the order they were asked for (waitTurn), so a pause and a
// resume cannot overtake each other on their way to Google.
func (StatusArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 5} }

// statusOf is the status at Google that a lifecycle event asks for.
var statusOf = map[campaigns.Event]string{campaigns.EventPause: "PAUSED", campaigns.EventResume: "ENABLED", campaigns.EventArchive: "REMOVED"}

// onTransition joins a person's pause, resume or archive of a campaign that
// exists at Google: the status job is enqueued in the transaction that
// moves the campaign.
func (s *Service) onTransition(ctx context.Context, tx db.Conn, before, after campaigns.Campaign, ev campaigns.Event) error {
	status, ok := statusOf[ev]
	if !ok {
		return nil
	}
	live, err := liveAt(ctx, tx, after.ID)
	if err != nil || live == "" {
		return err
	}
	if s.client == nil {
		return errs.Conflictf("campaign %d exists in Google Ads account %s, but Google Ads is not connected here, so it cannot be %s there: %v",
			after.ID, live, map[string]string{"PAUSED": "paused", "ENABLED": "resumed", "REMOVED": "removed"}[status], s.notConnected).
			With("state", before.State).With("allowed_events", campaigns.AllowedEvents(before.State))
	}
	run := Run{CampaignID: after.ID, Kind: RunStatus, CustomerID: live, TargetStatus: status, Outcome: OutcomeQueued, CreatedAt: s.now()}
	var userID int64
	if p := auth.FromContext(ctx); p != nil {
		userID = p.UserID
		run.UserID = &userID
	}
	if run.ID, err = insertRun(ctx, tx, run); err != nil {
		return err
	}
	res, err := s.runner.InsertTx(ctx, tx, StatusArgs{CampaignID: after.ID, RunID: run.ID}, nil,
		jobs.Owner{Kind: StatusKind, Subject: jobs.Subject{Type: "campaign", ID: after.ID}, UserID: userID})
	if err != nil {
		return err
	}
	if err := setRunJob(ctx, tx, run.ID, res.Job.ID); err != nil {
		return err
	}
	_, err = jobs.AppendTx(ctx, tx, res.Job.ID, jobs.EventProgress, jobs.Progress{Total: 1, Message: "Queued: set the campaign " + status + " at Google Ads"})
	return err
}

type statusWorker struct {
	river.WorkerDefaults[StatusArgs]
	s *Service
}

func (w *statusWorker) Timeout(*river.Job[StatusArgs]) time.Duration { return w.s.timeout }

// Work sets the status. Setting a status twice is harmless and removing a
// removed campaign counts as done, so an attempt run again after a lost
// answer or a crash needs no lookup.
func (w *statusWorker) Work(ctx context.Context, job *river.Job[StatusArgs]) error {
	s := w.s
	run, err := getRun(ctx, s.db.Read(), job.Args.RunID)
	if errs.Is(err, errs.NotFound) {
		return river.JobCancel(err)
	}
	if err != nil || terminal(run.Outcome) {
		return err
	}
	if s.client == nil {
		return w.fail(ctx, job, run, s.notConnected)
	}
	if ok, err := s.waitTurn(ctx, run); err != nil || !ok {
		return snoozeOr(err)
	}
	q := s.db.Read()
	ns, err := names(ctx, q, job.Args.CampaignID)
	if err != nil {
		return err
	}
	var ops []googleads.MutateOperation
	if run.TargetStatus == "REMOVED" {
		// The campaign only: its budget (shared with no other campaign)
		// costs nothing once the campaign is removed, and whether Google lets
		// a budget of a removed campaign go differs between versions.
		ops = append(ops, googleads.Remove(ns["campaign"]))
	} else {
		ops = append(ops, googleads.Update(googleads.Campaign{ResourceName: ns["campaign"], Status: googleads.CampaignStatus(run.TargetStatus)}, "status"))
	}
	s.emitJob(ctx, job.ID, jobs.EventProgress, jobs.Progress{Total: 1, Message: "Setting the campaign " + run.TargetStatus + " at Google Ads"})
	res, err := s.client.Mutate(ctx, run.CustomerID, googleads.MutateRequest{Operations: ops})
	var api *googleads.APIError
	switch {
	case err == nil:
		run.RequestIDs = append(run.RequestIDs, res.RequestID)
	case run.TargetStatus == "REMOVED" && errors.As(err, &api) && api.Has("operationAccessDeniedError.OPERATION_NOT_PERMITTED_FOR_REMOVED_RESOURCE"):
		run.RequestIDs = append(run.RequestIDs, api.RequestID) // removed by an earlier attempt
	case errors.As(err, &api) && !api.Temporary() || errors.As(err, new(*googleads.QuotaExhaustedError)) || job.Attempt >= job.MaxAttempts:
		if api != nil {
			run.RequestIDs = append(run.RequestIDs, api.RequestID)
		}
		return w.fail(ctx, job, run, err)
	default:
		return err // temporary, or the answer was lost: try again
	}
	now := s.now()
	run.Outcome, run.FinishedAt, run.Operations = OutcomeSucceeded, &now, len(ops)
	err = s.db.InTx(ctx, func(tx db.Conn) error {
		base, err := snapshot(ctx, tx, job.Args.CampaignID)
		if err != nil {
			return err
		}
		c := base["campaign"]
		c.Status = run.TargetStatus
		base["campaign"] = c
		customer, err := snapshotCustomer(ctx, tx, job.Args.CampaignID, run.CustomerID)
		if err != nil {
			return err
		}
		if err := putSnapshot(ctx, tx, job.Args.CampaignID, customer, base, now); err != nil {
			return err
		}
		if err := updateRun(ctx, tx, run); err != nil {
			return err
		}
		_, err = jobs.AppendTx(ctx, tx, job.ID, jobs.EventCompleted, map[string]any{"campaign_id": job.Args.CampaignID, "status": run.TargetStatus,
			"run_id": run.ID, "request_ids": run.RequestIDs, "campaign_url": CampaignURL(run.CustomerID, ns["campaign"])})
		return err
	})
	if err != nil {
		return err
	}
	s.runner.Committed(job.ID)
	return nil
}

// fail records a status change Google refused for good; the campaign moves
// to failed (from where it can be archived, or reopened and published
// again).
func (w *statusWorker) fail(ctx context.Context, job *river.Job[StatusArgs], run Run, cause error) error {
	s := w.s
	ctx = context.WithoutCancel(ctx)
	now := s.now()
	run.Outcome, run.FinishedAt, run.Error = OutcomeFailed, &now, cause.Error()
	if advice := googleads.Advice(cause); advice != "" {
		run.Error += " — " + advice
	}
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		c, err := s.campaigns.CampaignTx(ctx, tx, job.Args.CampaignID)
		if err != nil {
			return err
		}
		if _, err := campaigns.Next(c.State, campaigns.EventStatusFailed); err == nil {
			if _, err := s.campaigns.TransitionTx(ctx, tx, c.ID, campaigns.EventStatusFailed); err != nil {
				return err
			}
		}
		if err := updateRun(ctx, tx, run); err != nil {
			return err
		}
		_, err = jobs.AppendTx(ctx, tx, job.ID, jobs.EventFailed, map[string]any{"error": run.Error, "run_id": run.ID})
		return err
	})
	if err != nil {
		return err
	}
	s.runner.Committed(job.ID)
	return river.JobCancel(fmt.Errorf("set status %s: %w", run.TargetStatus, cause))
}

func (s *Service) emitJob(ctx context.Context, jobID int64, typ string, payload any) {
	if _, err := s.runner.Append(context.WithoutCancel(ctx), jobID, typ, payload); err != nil {
		s.log.Warn("job event", "job", jobID, "type", typ, "err", err)
	}
}
