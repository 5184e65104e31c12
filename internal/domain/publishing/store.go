package publishing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// Target is the Google Ads account a campaign is published to.
type Target struct {
	CampaignID  int64     `json:"campaign_id"`
	CustomerID  string    `json:"customer_id" doc:"Ten digits, no dashes"`
	AccountName string    `json:"account_name"`
	EUPolitical bool      `json:"contains_eu_political_advertising" doc:"The campaign's declaration that it contains EU political advertising"`
	ChosenBy    *int64    `json:"chosen_by,omitempty" doc:"The user who chose the account; absent when chosen on the command line"`
	ChosenAt    time.Time `json:"chosen_at"`
	inFlight    string
}

// Run outcomes (DESIGN.md §5, publish run).
const (
	OutcomeQueued          = "queued"
	OutcomeRunning         = "running"
	OutcomeSucceeded       = "succeeded"
	OutcomePartiallyFailed = "partially_failed"
	OutcomeFailed          = "failed"
	OutcomeCancelled       = "cancelled"
)

// Run kinds.
const (
	RunPublish = "publish"
	RunDryRun  = "dry_run"
	RunStatus  = "status"
)

// Run is one entry of a campaign's change history: a publish, a dry run, or
// a status change at Google.
type Run struct {
	ID           int64            `json:"id"`
	CampaignID   int64            `json:"campaign_id"`
	Kind         string           `json:"kind" enum:"publish,dry_run,status"`
	JobID        *int64           `json:"job_id,omitempty"`
	UserID       *int64           `json:"user_id,omitempty" doc:"Who started it; absent for the command line"`
	User         string           `json:"user,omitempty" doc:"The email of who started it"`
	CustomerID   string           `json:"customer_id"`
	StartEnabled bool             `json:"start_enabled"`
	TargetStatus string           `json:"target_status,omitempty" enum:"ENABLED,PAUSED,REMOVED" doc:"For a status change: the status set at Google"`
	Outcome      string           `json:"outcome" enum:"queued,running,succeeded,partially_failed,failed,cancelled"`
	Operations   int              `json:"operations" doc:"Operations sent (for a dry run: checked)"`
	Changes      Count            `json:"changes" doc:"Changes made by action and kind, e.g. {\"create\": {\"keyword\": 12}}"`
	RequestIDs   []string         `json:"request_ids" nullable:"false" doc:"Google's request-id of every request, to quote to Google support"`
	Problems     []PublishProblem `json:"problems" nullable:"false" doc:"What Google refused, at our entity and field"`
	Error        string           `json:"error,omitempty"`
	CreatedAt    time.Time        `json:"created_at"`
	FinishedAt   *time.Time       `json:"finished_at,omitempty"`
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own plain types are marshalled
	}
	return string(b)
}

func getTarget(ctx context.Context, q db.Conn, campaignID int64) (*Target, error) {
	t := Target{CampaignID: campaignID}
	err := q.QueryRow(ctx, `SELECT customer_id, account_name, eu_political, chosen_by, chosen_at, in_flight FROM publish_targets WHERE campaign_id = ?`, campaignID).
		Scan(&t.CustomerID, &t.AccountName, &t.EUPolitical, &t.ChosenBy, &t.ChosenAt, &t.inFlight)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &t, err
}

func putTarget(ctx context.Context, tx db.Conn, t Target) error {
	_, err := tx.Exec(ctx, `INSERT INTO publish_targets (campaign_id, customer_id, account_name, eu_political, chosen_by, chosen_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (campaign_id) DO UPDATE SET customer_id = excluded.customer_id, account_name = excluded.account_name,
		eu_political = excluded.eu_political, chosen_by = excluded.chosen_by, chosen_at = excluded.chosen_at`,
		t.CampaignID, t.CustomerID, t.AccountName, t.EUPolitical, t.ChosenBy, t.ChosenAt)
	return err
}

// setInFlight records the changes of a mutate about to be sent ("" clears).
func setInFlight(ctx context.Context, tx db.Conn, campaignID int64, changes []Change) error {
	v := ""
	if len(changes) > 0 {
		v = jsonText(changes)
	}
	_, err := tx.Exec(ctx, `UPDATE publish_targets SET in_flight = ? WHERE campaign_id = ?`, v, campaignID)
	return err
}

// names returns the resource names stored for a campaign by key.
func names(ctx context.Context, q db.Conn, campaignID int64) (map[string]string, error) {
	rows, err := q.Query(ctx, `SELECT entity_key, resource_name FROM google_ads_resources WHERE campaign_id = ?`, campaignID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, n string
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

func putName(ctx context.Context, tx db.Conn, campaignID int64, customerID string, kind Kind, k, name string, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO google_ads_resources (campaign_id, entity_key, entity_kind, customer_id, resource_name, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (campaign_id, entity_key) DO UPDATE SET resource_name = excluded.resource_name, customer_id = excluded.customer_id, created_at = excluded.created_at`,
		campaignID, k, string(kind), customerID, name, now)
	return err
}

func deleteName(ctx context.Context, tx db.Conn, campaignID int64, k string) error {
	_, err := tx.Exec(ctx, `DELETE FROM google_ads_resources WHERE campaign_id = ? AND entity_key = ?`, campaignID, k)
	return err
}

// snapshot returns what Google holds of a campaign (empty before the first
// publish).
func snapshot(ctx context.Context, q db.Conn, campaignID int64) (State, error) {
	var raw []byte
	err := q.QueryRow(ctx, `SELECT snapshot FROM published_snapshots WHERE campaign_id = ?`, campaignID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return State{}, nil
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("campaign %d: published snapshot: %w", campaignID, err)
	}
	return s, nil
}

func putSnapshot(ctx context.Context, tx db.Conn, campaignID int64, customerID string, s State, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO published_snapshots (campaign_id, customer_id, snapshot, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (campaign_id) DO UPDATE SET customer_id = excluded.customer_id, snapshot = excluded.snapshot, updated_at = excluded.updated_at`,
		campaignID, customerID, jsonText(s), now)
	return err
}

const runCols = `r.id, r.campaign_id, r.kind, r.job_id, r.user_id, COALESCE(u.email, ''), r.customer_id, r.start_enabled, r.target_status, r.outcome,
	r.operations, r.changes, r.request_ids, r.problems, r.error, r.created_at, r.finished_at`

func scanRun(row interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var changes, ids, problems []byte
	err := row.Scan(&r.ID, &r.CampaignID, &r.Kind, &r.JobID, &r.UserID, &r.User, &r.CustomerID, &r.StartEnabled, &r.TargetStatus, &r.Outcome,
		&r.Operations, &changes, &ids, &problems, &r.Error, &r.CreatedAt, &r.FinishedAt)
	if err != nil {
		return r, err
	}
	for _, p := range []struct {
		raw []byte
		v   any
	}{{changes, &r.Changes}, {ids, &r.RequestIDs}, {problems, &r.Problems}} {
		if err := json.Unmarshal(p.raw, p.v); err != nil {
			return r, fmt.Errorf("publish run %d: %w", r.ID, err)
		}
	}
	if r.RequestIDs == nil {
		r.RequestIDs = []string{}
	}
	if r.Problems == nil {
		r.Problems = []PublishProblem{}
	}
	return r, nil
}

func getRun(ctx context.Context, q db.Conn, id int64) (Run, error) {
	r, err := scanRun(q.QueryRow(ctx, `SELECT `+runCols+` FROM publish_runs r LEFT JOIN users u ON u.id = r.user_id WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.NotFoundf("publish run %d not found", id)
	}
	return r, err
}

// listRuns returns a campaign's runs newest first, before the run id before
// (0: from the newest).
func listRuns(ctx context.Context, q db.Conn, campaignID, before int64, limit int) ([]Run, error) {
	query := `SELECT ` + runCols + ` FROM publish_runs r LEFT JOIN users u ON u.id = r.user_id WHERE r.campaign_id = ?`
	args := []any{campaignID}
	if before > 0 {
		query += ` AND r.id < ?`
		args = append(args, before)
	}
	rows, err := q.Query(ctx, query+` ORDER BY r.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Run{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func insertRun(ctx context.Context, tx db.Conn, r Run) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO publish_runs (campaign_id, kind, job_id, user_id, customer_id, start_enabled, target_status, outcome, operations, changes, request_ids, problems, error, created_at, finished_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.CampaignID, r.Kind, r.JobID, r.UserID, r.CustomerID, r.StartEnabled, r.TargetStatus, r.Outcome, r.Operations,
		jsonText(nonNilCount(r.Changes)), jsonText(nonNilStrings(r.RequestIDs)), jsonText(nonNilProblems(r.Problems)), r.Error, r.CreatedAt, r.FinishedAt).Scan(&id)
	return id, err
}

func setRunJob(ctx context.Context, tx db.Conn, runID, jobID int64) error {
	_, err := tx.Exec(ctx, `UPDATE publish_runs SET job_id = ? WHERE id = ?`, jobID, runID)
	return err
}

// updateRun stores a run's progress or end.
func updateRun(ctx context.Context, tx db.Conn, r Run) error {
	_, err := tx.Exec(ctx, `UPDATE publish_runs SET outcome = ?, operations = ?, changes = ?, request_ids = ?, problems = ?, error = ?, finished_at = ? WHERE id = ?`,
		r.Outcome, r.Operations, jsonText(nonNilCount(r.Changes)), jsonText(nonNilStrings(r.RequestIDs)), jsonText(nonNilProblems(r.Problems)), r.Error, r.FinishedAt, r.ID)
	return err
}

func nonNilCount(c Count) Count {
	if c == nil {
		return Count{}
	}
	return c
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilProblems(p []PublishProblem) []PublishProblem {
	if p == nil {
		return []PublishProblem{}
	}
	return p
}
