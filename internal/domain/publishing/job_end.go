package publishing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

func terminal(outcome string) bool {
	return outcome == OutcomeSucceeded || outcome == OutcomeFailed || outcome == OutcomePartiallyFailed || outcome == OutcomeCancelled
}

// waitTurn reports whether a run may start: the campaign's publishes and
// status changes go to Google one at a time, in the order they were asked
// for, so a resume cannot overtake the pause before it and a status change
// cannot race a change set over the snapshot. A run whose job River has
// finalized without the run being settled (the worker died on its last
// attempt) no longer blocks, and is recorded as failed.
func (s *Service) waitTurn(ctx context.Context, run Run) (bool, error) {
	rows, err := s.db.Read().Query(ctx, `SELECT id, job_id FROM publish_runs WHERE campaign_id = ? AND id < ? AND kind IN ('publish', 'status')
		AND outcome IN ('queued', 'running') ORDER BY id`, run.CampaignID, run.ID)
	if err != nil {
		return false, err
	}
	type older struct {
		id    int64
		jobID *int64
	}
	var list []older
	for rows.Next() {
		var o older
		if err := rows.Scan(&o.id, &o.jobID); err != nil {
			rows.Close()
			return false, err
		}
		list = append(list, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	for _, o := range list {
		if o.jobID != nil {
			j, err := s.runner.River.JobGet(ctx, *o.jobID)
			if err != nil {
				return false, err
			}
			if j.FinalizedAt == nil {
				return false, nil
			}
		}
		if err := s.abandon(ctx, o.id); err != nil {
			return false, err
		}
	}
	return true, nil
}

// abandon records a run whose job ended without settling it, and fails the
// campaign it left publishing.
func (s *Service) abandon(ctx context.Context, runID int64) error {
	return s.db.InTx(ctx, func(tx db.Conn) error {
		r, err := getRun(ctx, tx, runID)
		if err != nil || terminal(r.Outcome) {
			return err
		}
		now := s.now()
		r.Outcome, r.FinishedAt, r.Error = OutcomeFailed, &now, "its job ended without finishing (the worker stopped on its last attempt)"
		if err := updateRun(ctx, tx, r); err != nil {
			return err
		}
		c, err := s.campaigns.CampaignTx(ctx, tx, r.CampaignID)
		if err != nil {
			return err
		}
		ev := campaigns.EventStatusFailed
		if r.Kind == RunPublish {
			ev = campaigns.EventPublishFailed
		}
		if _, err := campaigns.Next(c.State, ev); err != nil {
			return nil // the campaign moved on meanwhile
		}
		_, err = s.campaigns.TransitionTx(ctx, tx, c.ID, ev)
		return err
	})
}

// snoozeOr asks River to try again shortly (a turn not yet come), or
// returns err.
func snoozeOr(err error) error {
	if err != nil {
		return err
	}
	return river.JobSnooze(500 * time.Millisecond)
}

// finish moves the campaign to published (or paused, as it is at Google)
// and records the result.
func (r *publishRun) finish(ctx context.Context) error {
	s, p := r.s, r.p
	ev := campaigns.EventPublishedPaused
	if p.base["campaign"].Status == "ENABLED" {
		ev = campaigns.EventPublished
	}
	now := s.now()
	r.run.Outcome, r.run.FinishedAt = OutcomeSucceeded, &now
	result := map[string]any{"campaign_id": p.campaign.ID, "customer_id": p.customer, "run_id": r.run.ID, "operations": r.run.Operations,
		"changes": nonNilCount(r.run.Changes), "request_ids": r.run.RequestIDs, "campaign_resource": p.names["campaign"],
		"campaign_url": CampaignURL(p.customer, p.names["campaign"]), "status": p.base["campaign"].Status}
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		if _, err := s.campaigns.TransitionTx(ctx, tx, p.campaign.ID, ev); err != nil {
			return err
		}
		if err := updateRun(ctx, tx, r.run); err != nil {
			return err
		}
		_, err := jobs.AppendTx(ctx, tx, r.job.ID, jobs.EventCompleted, result)
		return err
	})
	if err != nil {
		return err
	}
	s.runner.Committed(r.job.ID)
	return nil
}

// stopOrFail handles an error of a call: the run's context ended (a cancel
// before the first change, a shutdown, the timeout), a failure worth
// another attempt, or a final one.
func (r *publishRun) stopOrFail(ctx context.Context, err error) error {
	if ctx.Err() != nil && !r.mutated {
		return r.stopped(ctx)
	}
	var ref *refusal
	var api *googleads.APIError
	var netErr *googleads.NetworkError
	switch {
	case errors.As(err, &ref):
		return r.fail(ctx, ref.err, ref.problems)
	case errors.As(err, &netErr), errors.As(err, &api) && api.Temporary(), ctx.Err() != nil:
		return r.retry(ctx, err)
	}
	return r.fail(ctx, err, nil)
}

// retry hands the job back to River for another attempt, unless this was
// the last one, or someone cancelled the job after its first change (River
// does not run a cancelled job again, so it ends here as failed; publishing
// again settles what is left).
func (r *publishRun) retry(ctx context.Context, err error) error {
	if r.job.Attempt >= r.job.MaxAttempts || jobs.CancelledByUser(ctx) {
		return r.fail(ctx, err, nil)
	}
	r.emit(ctx, map[string]any{"message": fmt.Sprintf("%v; trying again", err), "attempt": r.job.Attempt})
	return err
}

// fail ends the publish for good: the campaign moves to failed with the
// run's problems and error stored and shown; nothing is retried.
func (r *publishRun) fail(ctx context.Context, cause error, problems []PublishProblem) error {
	s := r.s
	ctx = context.WithoutCancel(ctx)
	now := s.now()
	r.run.Outcome, r.run.FinishedAt, r.run.Problems = OutcomeFailed, &now, problems
	if r.run.Operations > 0 {
		r.run.Outcome = OutcomePartiallyFailed
	}
	r.run.Error = cause.Error()
	if advice := googleads.Advice(cause); advice != "" {
		r.run.Error += " — " + advice
	}
	s.log.Warn("publish failed", "job", r.job.ID, "campaign", r.job.Args.CampaignID, "err", cause, "problems", len(problems))
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		c, err := s.campaigns.CampaignTx(ctx, tx, r.job.Args.CampaignID)
		if err != nil {
			return err
		}
		if c.State == campaigns.Publishing {
			if _, err := s.campaigns.TransitionTx(ctx, tx, c.ID, campaigns.EventPublishFailed); err != nil {
				return err
			}
		}
		if err := updateRun(ctx, tx, r.run); err != nil {
			return err
		}
		_, err = jobs.AppendTx(ctx, tx, r.job.ID, jobs.EventFailed, map[string]any{"error": r.run.Error, "run_id": r.run.ID,
			"problems": LocalizeAll(nonNilProblems(problems), "en"), "outcome": r.run.Outcome})
		return err
	})
	if err != nil {
		return err
	}
	s.runner.Committed(r.job.ID)
	return river.JobCancel(cause)
}

// stopped handles a run whose context ended before its first change: a
// user's cancellation returns the campaign to approved; a shutdown or a
// timeout hands the job back.
func (r *publishRun) stopped(ctx context.Context) error {
	if !jobs.CancelledByUser(ctx) {
		return ctx.Err()
	}
	bg := context.WithoutCancel(ctx)
	err := r.s.cancelRun(bg, r.job.ID, r.job.Args, "cancelled before the first change at Google Ads")
	if err != nil {
		return err
	}
	return ctx.Err()
}

// cancelQueued undoes the start of a publish cancelled before a worker took
// it up.
func (s *Service) cancelQueued(ctx context.Context, tx db.Conn, job *rivertype.JobRow) error {
	var a PublishArgs
	if err := json.Unmarshal(job.EncodedArgs, &a); err != nil {
		return err
	}
	return s.cancelTx(ctx, tx, a, "cancelled before it started")
}

// cancelRun records a cancellation of a running publish.
func (s *Service) cancelRun(ctx context.Context, jobID int64, a PublishArgs, reason string) error {
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		if err := s.cancelTx(ctx, tx, a, reason); err != nil {
			return err
		}
		_, err := jobs.AppendTx(ctx, tx, jobID, jobs.EventCancelled, map[string]any{"reason": reason})
		return err
	})
	if err == nil {
		s.runner.Committed(jobID)
	}
	return err
}

// cancelTx returns the campaign to approved and records the run cancelled.
func (s *Service) cancelTx(ctx context.Context, tx db.Conn, a PublishArgs, reason string) error {
	c, err := s.campaigns.CampaignTx(ctx, tx, a.CampaignID)
	if errs.Is(err, errs.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.State == campaigns.Publishing {
		if _, err := s.campaigns.TransitionTx(ctx, tx, c.ID, campaigns.EventCancelPublish); err != nil {
			return err
		}
	}
	run, err := getRun(ctx, tx, a.RunID)
	if err != nil {
		return err
	}
	now := s.now()
	run.Outcome, run.FinishedAt, run.Error = OutcomeCancelled, &now, reason
	return updateRun(ctx, tx, run)
}

// emit appends a progress (or, for a map, warning) event in its own
// transaction.
func (r *publishRun) emit(ctx context.Context, payload any) {
	typ := jobs.EventProgress
	if _, ok := payload.(map[string]any); ok {
		typ = jobs.EventWarning
	}
	if _, err := r.s.runner.Append(context.WithoutCancel(ctx), r.job.ID, typ, payload); err != nil {
		r.s.log.Warn("job event", "job", r.job.ID, "type", typ, "err", err)
	}
}
