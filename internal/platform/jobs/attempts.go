package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// Attempt is one run of a job: River runs a job again after a failure, a
// timeout, a shutdown or a killed worker, and each run costs what its model
// calls cost.
type Attempt struct {
	Number           int        `json:"number"`
	Outcome          string     `json:"outcome" enum:"running,succeeded,failed,cancelled,interrupted" doc:"interrupted: the run stopped without finishing (its worker was killed, shut down or timed out) and the job was handed back"`
	Error            string     `json:"error,omitempty"`
	Calls            int        `json:"calls" doc:"Model calls that answered in this run"`
	PromptTokens     int64      `json:"prompt_tokens"`
	CompletionTokens int64      `json:"completion_tokens"`
	Tokens           int64      `json:"tokens"`
	CostUSD          float64    `json:"cost_usd" doc:"Cost in USD of the calls whose provider reported one"`
	StartedAt        time.Time  `json:"started_at"`
	FinishedAt       *time.Time `json:"finished_at,omitempty"`
}

// Usage is what one or more model calls of a run used.
type Usage struct {
	Calls            int
	PromptTokens     int64
	CompletionTokens int64
	CostUSD          float64
}

// AddUsage adds what a run's model calls used to attempt `attempt` of a job.
// Workers call it as each call answers, so a run whose worker is killed
// afterwards still counts.
func (r *Runner) AddUsage(ctx context.Context, jobID int64, attempt int, u Usage) error {
	return r.db.InTx(ctx, func(tx db.Conn) error {
		_, err := tx.Exec(ctx, `INSERT INTO job_attempts (job_id, attempt, started_at, calls, prompt_tokens, completion_tokens, cost_usd)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (job_id, attempt) DO UPDATE SET calls = job_attempts.calls + excluded.calls,
				prompt_tokens = job_attempts.prompt_tokens + excluded.prompt_tokens,
				completion_tokens = job_attempts.completion_tokens + excluded.completion_tokens,
				cost_usd = job_attempts.cost_usd + excluded.cost_usd`,
			jobID, attempt, time.Now().UTC(), u.Calls, u.PromptTokens, u.CompletionTokens, u.CostUSD)
		if err != nil {
			return fmt.Errorf("job %d attempt %d usage: %w", jobID, attempt, err)
		}
		return nil
	})
}

// TotalUsage is what every attempt of a job used so far.
func TotalUsage(ctx context.Context, q db.Conn, jobID int64) (Usage, error) {
	var u Usage
	err := q.QueryRow(ctx, `SELECT COALESCE(SUM(calls), 0), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), COALESCE(SUM(cost_usd), 0)
		FROM job_attempts WHERE job_id = ?`, jobID).Scan(&u.Calls, &u.PromptTokens, &u.CompletionTokens, &u.CostUSD)
	if err != nil {
		return u, fmt.Errorf("job %d usage: %w", jobID, err)
	}
	return u, nil
}

// attemptsOf is attempts of many jobs in one query, by job id.
func attemptsOf(ctx context.Context, q db.Conn, jobs []*rivertype.JobRow) (map[int64][]Attempt, error) {
	byID := make(map[int64]*rivertype.JobRow, len(jobs))
	ids := make([]int64, len(jobs))
	for i, j := range jobs {
		byID[j.ID], ids[i] = j, j.ID
	}
	rows, err := q.Query(ctx, `SELECT job_id, attempt, outcome, error, calls, prompt_tokens, completion_tokens, cost_usd, started_at, finished_at
		FROM job_attempts WHERE job_id IN (`+db.Placeholders(len(ids))+`) ORDER BY job_id, attempt`, int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("job attempts: %w", err)
	}
	defer rows.Close()
	out := map[int64][]Attempt{}
	for rows.Next() {
		var id int64
		var a Attempt
		var finished *time.Time
		if err := rows.Scan(&id, &a.Number, &a.Outcome, &a.Error, &a.Calls, &a.PromptTokens, &a.CompletionTokens, &a.CostUSD, &a.StartedAt, &finished); err != nil {
			return nil, fmt.Errorf("job %d attempts: %w", id, err)
		}
		row := byID[id]
		a.FinishedAt = finished
		a.Tokens = a.PromptTokens + a.CompletionTokens
		if a.Outcome == "running" && (a.Number < row.Attempt || row.FinalizedAt != nil || row.State != rivertype.JobStateRunning) {
			a.Outcome = "interrupted"
			a.Error = "the worker stopped without reporting (killed, or its machine was lost)"
		}
		out[id] = append(out[id], a)
	}
	return out, rows.Err()
}

// settleRun records the outcome of a job's newest run, if it is still marked
// running, as its terminal event is appended (in that event's transaction).
// The hook's WorkEnd records the same outcome again once River is done.
func settleRun(ctx context.Context, tx db.Conn, jobID int64, terminal string, payload json.RawMessage, at time.Time) error {
	outcome := map[string]string{EventCompleted: "succeeded", EventFailed: "failed", EventCancelled: "cancelled"}[terminal]
	var p struct {
		Error  string `json:"error"`
		Reason string `json:"reason"`
	}
	_ = json.Unmarshal(payload, &p)
	msg := p.Error
	if msg == "" {
		msg = p.Reason
	}
	if r := []rune(msg); len(r) > maxAttemptError {
		msg = string(r[:maxAttemptError]) + "…"
	}
	_, err := tx.Exec(ctx, `UPDATE job_attempts SET outcome = ?, error = ?, finished_at = ?
		WHERE job_id = ? AND outcome = 'running' AND attempt = (SELECT MAX(attempt) FROM job_attempts WHERE job_id = ?)`,
		outcome, msg, at, jobID, jobID)
	if err != nil {
		return fmt.Errorf("settle job %d run: %w", jobID, err)
	}
	return nil
}

// attemptHook records every run of every job kind: its start, and how it
// ended. Usage is added by the workers themselves (AddUsage).
type attemptHook struct {
	river.HookDefaults
	r *Runner
}

func (h *attemptHook) WorkBegin(ctx context.Context, job *rivertype.JobRow) error {
	err := h.r.db.InTx(ctx, func(tx db.Conn) error {
		_, err := tx.Exec(ctx, `INSERT INTO job_attempts (job_id, attempt, started_at) VALUES (?, ?, ?) ON CONFLICT (job_id, attempt) DO NOTHING`,
			job.ID, job.Attempt, time.Now().UTC())
		return err
	})
	if err != nil {
		// Bookkeeping must not stop the work; the run's usage still creates
		// its row.
		h.r.log.Warn("record job attempt", "job", job.ID, "attempt", job.Attempt, "err", err)
	}
	return nil
}

// maxAttemptError bounds the error text kept per attempt.
const maxAttemptError = 2000

func (h *attemptHook) WorkEnd(ctx context.Context, job *rivertype.JobRow, workErr error) error {
	outcome, msg := "failed", ""
	var snooze *rivertype.JobSnoozeError
	switch {
	case workErr == nil:
		outcome = "succeeded"
	case CancelledByUser(ctx):
		outcome, msg = "cancelled", "cancelled by a user"
	case errors.As(workErr, &snooze):
		outcome, msg = "interrupted", fmt.Sprintf("snoozed for %s", snooze.Duration)
	case errors.Is(workErr, context.DeadlineExceeded):
		outcome, msg = "interrupted", "the run reached its time limit: "+workErr.Error()
	case errors.Is(workErr, context.Canceled):
		outcome, msg = "interrupted", "the worker shut down and handed the job back"
	default:
		msg = workErr.Error()
		var given *rivertype.JobCancelError
		if errors.As(workErr, &given) && given.Unwrap() != nil {
			msg = given.Unwrap().Error() // River's own prefix says nothing to a reader
		}
	}
	if r := []rune(msg); len(r) > maxAttemptError {
		msg = string(r[:maxAttemptError]) + "…"
	}
	bg := context.WithoutCancel(ctx)
	err := h.r.db.InTx(bg, func(tx db.Conn) error {
		_, err := tx.Exec(bg, `INSERT INTO job_attempts (job_id, attempt, started_at, finished_at, outcome, error) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (job_id, attempt) DO UPDATE SET finished_at = excluded.finished_at, outcome = excluded.outcome, error = excluded.error`,
			job.ID, job.Attempt, time.Now().UTC(), time.Now().UTC(), outcome, msg)
		return err
	})
	if err != nil {
		h.r.log.Warn("record job attempt end", "job", job.ID, "attempt", job.Attempt, "err", err)
	}
	return workErr
}

// PruneFinished deletes the events, owners and run records of jobs River has
// pruned (it keeps finished jobs a day); housekeeping calls it.
func (r *Runner) PruneFinished(ctx context.Context) error {
	return r.db.InTx(ctx, func(tx db.Conn) error {
		for _, q := range []string{
			`DELETE FROM job_events WHERE job_id NOT IN (SELECT id FROM river_job)`,
			`DELETE FROM job_attempts WHERE job_id NOT IN (SELECT id FROM river_job)`,
			`DELETE FROM job_owners WHERE job_id NOT IN (SELECT id FROM river_job)`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return fmt.Errorf("prune finished jobs: %w", err)
			}
		}
		return nil
	})
}
