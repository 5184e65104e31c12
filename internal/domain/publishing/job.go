package publishing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/googleads"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

type publishWorker struct {
	river.WorkerDefaults[PublishArgs]
	s *Service
}

// Timeout is the publish job's own limit per run (River's default is one
// minute, too short for a large campaign).
func (w *publishWorker) Timeout(*river.Job[PublishArgs]) time.Duration { return w.s.timeout }

func (w *publishWorker) Work(ctx context.Context, job *river.Job[PublishArgs]) error {
	return w.s.publish(ctx, job)
}

// publishRun is one attempt of a publish job.
type publishRun struct {
	s   *Service
	job *river.Job[PublishArgs]
	run Run
	p   *plan
	// mutated is set once the first change reached Google: from then on a
	// cancel request no longer stops the publish.
	mutated bool
}

// publish runs one attempt. Every step is idempotent: the steps a previous
// attempt finished are in the snapshot and not sent again, a request whose
// answer a killed attempt never stored is settled by looking its changes up
// at Google, and a campaign no longer publishing means an earlier attempt
// finished.
func (s *Service) publish(ctx context.Context, job *river.Job[PublishArgs]) error {
	c, err := s.campaigns.GetCampaign(ctx, job.Args.CampaignID)
	if errs.Is(err, errs.NotFound) {
		return river.JobCancel(fmt.Errorf("campaign %d no longer exists", job.Args.CampaignID))
	}
	if err != nil {
		return err
	}
	run, err := getRun(ctx, s.db.Read(), job.Args.RunID)
	if err != nil {
		return err
	}
	if c.State != campaigns.Publishing || terminal(run.Outcome) {
		return nil
	}
	if ok, err := s.waitTurn(ctx, run); err != nil || !ok {
		return snoozeOr(err)
	}
	r := &publishRun{s: s, job: job, run: run}
	r.run.Outcome = OutcomeRunning
	if err := s.db.InTx(ctx, func(tx db.Conn) error { return updateRun(ctx, tx, r.run) }); err != nil {
		return err
	}
	if s.client == nil {
		return r.fail(ctx, s.notConnected, nil)
	}
	if r.p, err = s.plan(ctx, c.ID, "", run.StartEnabled); err != nil {
		return r.retry(ctx, err)
	}
	if r.p.target != nil && r.p.target.inFlight != "" {
		// An earlier attempt sent a request and never stored its answer
		// (the worker was killed, or the answer was lost): settle it first.
		var changes []Change
		if err := json.Unmarshal([]byte(r.p.target.inFlight), &changes); err != nil {
			return r.fail(ctx, fmt.Errorf("campaign %d: in-flight changes: %w", c.ID, err), nil)
		}
		if err := r.settle(ctx, changes); err != nil {
			return r.retry(ctx, err)
		}
		r.p.steps = Diff(r.p.base, r.p.desired)
	}
	if len(r.p.problems) > 0 {
		return r.fail(ctx, errors.New("Google Ads cannot take the campaign as it is"), r.p.problems)
	}
	total := len(r.p.steps)
	_, ops := CountChanges(r.p.steps)
	r.emit(ctx, progress{Progress: jobs.Progress{Total: total, Message: fmt.Sprintf("Checking %d changes with Google Ads", ops)}})
	if total > 0 {
		// Everything is checked before the first change: what Google
		// refuses fails the publish with nothing created.
		_, accProblems, rid, err := s.checkAccount(ctx, r.p.customer, r.p.campaign)
		if err != nil {
			return r.stopOrFail(ctx, err)
		}
		r.run.RequestIDs = append(r.run.RequestIDs, rid)
		problems, ids, _, err := s.validate(ctx, r.p)
		r.run.RequestIDs = append(r.run.RequestIDs, ids...)
		if err != nil {
			return r.stopOrFail(ctx, err)
		}
		if problems = append(accProblems, problems...); len(problems) > 0 {
			return r.fail(ctx, fmt.Errorf("Google Ads refused %d of the changes; nothing was changed", len(problems)), problems)
		}
	}
	if ctx.Err() != nil {
		return r.stopped(ctx)
	}
	// From the first change on, the calls use a context that a cancel
	// request does not end (a publish cancelled halfway would leave a
	// campaign half made); the run's deadline still holds.
	work := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		work, cancel = context.WithDeadline(work, deadline)
		defer cancel()
	}
	done, warned := 0, false
	for range ops + total + 10 {
		if ctx.Err() != nil {
			if !jobs.CancelledByUser(ctx) {
				return ctx.Err() // shutdown or timeout: the job is handed back
			}
			if !warned {
				warned = true
				r.emit(ctx, map[string]any{"message": "the publish has begun changing the campaign at Google Ads and finishes; it can no longer be cancelled", "code": "cancel_too_late"})
			}
		}
		steps := Diff(r.p.base, r.p.desired)
		if len(steps) == 0 {
			return r.finish(work)
		}
		st := steps[0]
		changes := st.Changes[:min(len(st.Changes), googleads.MaxOperations)]
		sum := summaries([]Step{st})[0]
		label := fmt.Sprintf("%d/%d: %s", min(done+1, total), total, st.Label())
		r.emit(work, progress{Progress: jobs.Progress{Done: done, Total: total, Message: "Publishing " + label}, Step: &sum})
		complete := len(changes) == len(st.Changes)
		after := progress{Progress: jobs.Progress{Done: done, Total: total, Message: "Published " + label}, Step: &sum}
		if complete {
			after.Done = min(done+1, total)
		}
		err := r.send(work, changes, after)
		var unknown *googleads.UnknownOutcomeError
		switch {
		case errors.As(err, &unknown):
			// Google may or may not have made the changes: look them up,
			// adopt what exists, and let the next diff send the rest.
			if err := r.settle(work, changes); err != nil {
				return r.retry(ctx, err)
			}
			continue
		case err != nil:
			return r.stopOrFail(ctx, err)
		}
		if complete {
			done = after.Done
		}
	}
	return r.fail(ctx, errors.New("publishing did not converge: Google Ads keeps differing from the campaign"), nil)
}

// send makes one mutate. Before it is sent its changes are recorded as in
// flight; the answer's resource names, the snapshot, the run and the
// progress event are stored in one transaction with the in-flight record
// cleared. A definite refusal clears it too; an unknown outcome leaves it
// for settle (or, after a crash, the next attempt).
func (r *publishRun) send(ctx context.Context, changes []Change, after progress) error {
	s, p := r.s, r.p
	req, err := newBuilder(ctx, p.customer, p.names, s.images).build(changes)
	if err != nil {
		return err
	}
	if err := s.db.InTx(ctx, func(tx db.Conn) error { return setInFlight(ctx, tx, p.campaign.ID, changes) }); err != nil {
		return err
	}
	r.mutated = true
	res, err := s.client.Mutate(ctx, p.customer, googleads.MutateRequest{Operations: req.ops})
	var unknown *googleads.UnknownOutcomeError
	if errors.As(err, &unknown) {
		return err
	}
	if err != nil {
		// Google answered (or nothing was sent): nothing was applied.
		if cerr := s.db.InTx(ctx, func(tx db.Conn) error { return setInFlight(ctx, tx, p.campaign.ID, nil) }); cerr != nil {
			return errors.Join(err, cerr)
		}
		var api *googleads.APIError
		if errors.As(err, &api) && !api.Temporary() && refusesData(api) {
			r.run.RequestIDs = append(r.run.RequestIDs, api.RequestID)
			return &refusal{err: err, problems: mapErrors(api, req)}
		}
		return err
	}
	done := make([]found, len(req.changes))
	for i, c := range req.changes {
		done[i] = found{change: c, name: res.Results[i].ResourceName}
	}
	r.run.RequestIDs = append(r.run.RequestIDs, res.RequestID)
	return r.store(ctx, done, after)
}

// refusal is a request Google refused for its content, with the problems
// mapped to our entities.
type refusal struct {
	err      error
	problems []PublishProblem
}

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// settle looks up the changes of a request whose answer was lost and
// stores what Google made.
func (r *publishRun) settle(ctx context.Context, changes []Change) error {
	got, err := reconcile(ctx, r.s.client, r.p.customer, changes, r.p.names)
	if err != nil {
		return err
	}
	r.emit(ctx, map[string]any{"message": fmt.Sprintf("the answer of Google Ads to %d changes was lost; %d were found made there and are kept, the rest is sent again", len(changes), len(got)),
		"code": "outcome_unknown"})
	return r.store(ctx, got, progress{})
}

// store records changes done at Google: names, snapshot, in-flight cleared,
// the run, and the progress event, in one transaction.
func (r *publishRun) store(ctx context.Context, done []found, after progress) error {
	s, p := r.s, r.p
	now := s.now()
	for _, f := range done {
		if r.run.Changes == nil {
			r.run.Changes = Count{}
		}
		if r.run.Changes[f.change.Action] == nil {
			r.run.Changes[f.change.Action] = map[Kind]int{}
		}
		r.run.Changes[f.change.Action][f.change.Kind]++
		r.run.Operations++
	}
	err := s.db.InTx(ctx, func(tx db.Conn) error {
		if err := storeDone(ctx, tx, p, done, now); err != nil {
			return err
		}
		if err := updateRun(ctx, tx, r.run); err != nil {
			return err
		}
		if after.Message != "" {
			_, err := jobs.AppendTx(ctx, tx, r.job.ID, jobs.EventProgress, after)
			return err
		}
		return nil
	})
	if err == nil {
		s.runner.Committed(r.job.ID)
	}
	return err
}

// storeDone applies changes made at Google to the plan's names and base and
// stores both, clearing the in-flight record.
func storeDone(ctx context.Context, tx db.Conn, p *plan, done []found, now time.Time) error {
	for _, f := range done {
		c := f.change
		switch c.Action {
		case Create:
			p.names[c.Key] = f.name
			if err := putName(ctx, tx, p.campaign.ID, p.customer, c.Kind, c.Key, f.name, now); err != nil {
				return err
			}
		case Remove:
			gone := []string{c.Key}
			for i := 0; i < len(gone); i++ {
				gone = append(gone, p.base.children(gone[i])...)
			}
			for _, k := range gone {
				delete(p.names, k)
				if err := deleteName(ctx, tx, p.campaign.ID, k); err != nil {
					return err
				}
			}
		}
		Apply(p.base, c)
	}
	if err := putSnapshot(ctx, tx, p.campaign.ID, p.customer, p.base, now); err != nil {
		return err
	}
	return setInFlight(ctx, tx, p.campaign.ID, nil)
}

// snapshotCustomer is the account of the published snapshot, or def before
// the first publish.
func snapshotCustomer(ctx context.Context, q db.Conn, campaignID int64, def string) (string, error) {
	var customer string
	err := q.QueryRow(ctx, `SELECT customer_id FROM published_snapshots WHERE campaign_id = ?`, campaignID).Scan(&customer)
	if err != nil {
		return def, nil //nolint:nilerr // no snapshot yet
	}
	return customer, nil
}
