package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/httpapi"
)

// Job is a background job as the API shows it.
type Job struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	State       string          `json:"state" enum:"queued,running,succeeded,failed,cancelled"`
	QueueState  string          `json:"queue_state" doc:"River's own state of the job"`
	Attempt     int             `json:"attempt"`
	MaxAttempts int             `json:"max_attempts"`
	Subject     *Subject        `json:"subject,omitempty" doc:"What the job works on, as its owner named it"`
	Progress    *Progress       `json:"progress,omitempty"`
	Result      json.RawMessage `json:"result,omitempty" doc:"Payload of the completed event"`
	Error       string          `json:"error,omitempty"`
	Tokens      int64           `json:"tokens" doc:"LLM tokens used by every attempt together"`
	CostUSD     float64         `json:"cost_usd" doc:"LLM cost in USD of every attempt together, as far as the provider reports it"`
	Attempts    []Attempt       `json:"attempts" nullable:"false" doc:"Every run of the job, oldest first, with what each used and how it ended"`
	Args        json.RawMessage `json:"args"`
	CreatedAt   time.Time       `json:"created_at"`
	FinalizedAt *time.Time      `json:"finalized_at,omitempty"`
}

var queued = map[rivertype.JobState]bool{rivertype.JobStateAvailable: true, rivertype.JobStateScheduled: true, rivertype.JobStateRetryable: true, rivertype.JobStatePending: true}

// View assembles a job from River's row and the job's own events.
func (r *Runner) View(ctx context.Context, row *rivertype.JobRow) (Job, error) {
	js, err := r.viewAll(ctx, []*rivertype.JobRow{row})
	if err != nil {
		return Job{}, err
	}
	return js[0], nil
}

// viewAll is View of many jobs, with one query per table (owners, progress,
// terminal events, attempts) rather than per job.
func (r *Runner) viewAll(ctx context.Context, rows []*rivertype.JobRow) ([]Job, error) {
	if len(rows) == 0 {
		return []Job{}, nil
	}
	q := r.db.Read()
	ids := make([]int64, len(rows))
	for i, row := range rows {
		ids[i] = row.ID
	}
	subjects, err := owners(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	progress, err := lastEvents(ctx, q, ids, EventProgress)
	if err != nil {
		return nil, err
	}
	terms, err := lastEvents(ctx, q, ids, EventCompleted, EventFailed, EventCancelled)
	if err != nil {
		return nil, err
	}
	runs, err := attemptsOf(ctx, q, rows)
	if err != nil {
		return nil, err
	}
	out := make([]Job, len(rows))
	for i, row := range rows {
		out[i] = view(row, subjects[row.ID], progress[row.ID], terms[row.ID], runs[row.ID])
	}
	return out, nil
}

// view is a job from River's row, its owner's subject, its last progress
// and terminal events and its attempts.
func view(row *rivertype.JobRow, subject *Subject, p, term *Event, runs []Attempt) Job {
	j := Job{ID: row.ID, Kind: row.Kind, QueueState: string(row.State), Attempt: row.Attempt, MaxAttempts: row.MaxAttempts,
		Args: json.RawMessage(row.EncodedArgs), CreatedAt: row.CreatedAt, FinalizedAt: row.FinalizedAt, Subject: subject}
	switch {
	case queued[row.State]:
		j.State = "queued"
	case row.State == rivertype.JobStateRunning:
		j.State = "running"
	case row.State == rivertype.JobStateCompleted:
		j.State = "succeeded"
	case row.State == rivertype.JobStateCancelled:
		j.State = "cancelled"
	default:
		j.State = "failed"
	}
	if p != nil {
		var pr Progress
		if json.Unmarshal(p.Payload, &pr) == nil {
			j.Progress = &pr
		}
	}
	if term != nil {
		// The worker's own verdict wins: a job River cancelled because the
		// worker gave up for good is a failure, not a user's cancellation.
		j.State = map[string]string{EventCompleted: "succeeded", EventFailed: "failed", EventCancelled: "cancelled"}[term.Type]
		var body struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(term.Payload, &body)
		j.Error = body.Error
		if term.Type == EventCompleted {
			j.Result = term.Payload
		}
	} else if j.State == "failed" && len(row.Errors) > 0 {
		j.Error = row.Errors[len(row.Errors)-1].Error
	}
	j.Attempts = runs
	if j.Attempts == nil {
		j.Attempts = []Attempt{}
	}
	for _, a := range j.Attempts {
		j.Tokens += a.Tokens
		j.CostUSD += a.CostUSD
	}
	return j
}

// owners are the subjects the jobs' owners named, by job id.
func owners(ctx context.Context, q db.Conn, ids []int64) (map[int64]*Subject, error) {
	rows, err := q.Query(ctx, `SELECT job_id, subject_type, subject_id FROM job_owners WHERE job_id IN (`+db.Placeholders(len(ids))+`)`, int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("job owners: %w", err)
	}
	defer rows.Close()
	out := map[int64]*Subject{}
	for rows.Next() {
		var id int64
		var typ *string
		var subjectID *int64
		if err := rows.Scan(&id, &typ, &subjectID); err != nil {
			return nil, fmt.Errorf("job owners: %w", err)
		}
		if typ != nil && subjectID != nil {
			out[id] = &Subject{Type: *typ, ID: *subjectID}
		}
	}
	return out, rows.Err()
}

func int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// Get returns one job.
func (r *Runner) Get(ctx context.Context, id int64) (Job, error) {
	row, err := r.River.JobGet(ctx, id)
	if errors.Is(err, river.ErrNotFound) {
		return Job{}, errs.NotFoundf("job %d not found", id)
	}
	if err != nil {
		return Job{}, err
	}
	return r.named(ctx, row)
}

// named is View with the subject's name.
func (r *Runner) named(ctx context.Context, row *rivertype.JobRow) (Job, error) {
	j, err := r.View(ctx, row)
	if err != nil {
		return j, err
	}
	one := []Job{j}
	err = r.nameSubjects(ctx, one)
	return one[0], err
}

// JobFilter selects jobs in a list.
type JobFilter struct {
	Subject Subject // zero: any
	Kind    string
	Before  int64 // cursor: jobs with a smaller id
	Limit   int
}

// listEpoch moves with every change a page of jobs shows: the job epoch
// with the jobs themselves (migration 0018 and watchRiverJobs), the graph
// epoch with the names of their subjects (campaigns).
const listEpoch = `SELECT g.v + j.v FROM graph_epoch g, job_epoch j WHERE g.id = 1 AND j.id = 1`

// normalized is f with the limit List applies.
func (f JobFilter) normalized() JobFilter {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	return f
}

// List returns jobs newest first.
func (r *Runner) List(ctx context.Context, f JobFilter) ([]Job, string, error) {
	f = f.normalized()
	var where []string
	var args []any
	if f.Subject != (Subject{}) {
		where, args = append(where, "subject_type = ? AND subject_id = ?"), append(args, f.Subject.Type, f.Subject.ID)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.Before > 0 {
		where, args = append(where, "job_id < ?"), append(args, f.Before)
	}
	q := `SELECT job_id FROM job_owners`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := r.db.Read().Query(ctx, q+` ORDER BY job_id DESC LIMIT ?`, append(args, f.Limit+1)...)
	if err != nil {
		return nil, "", err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, "", err
		}
		ids = append(ids, id)
	}
	rows.Close()
	next := ""
	if len(ids) > f.Limit {
		ids = ids[:f.Limit]
		next = strconv.FormatInt(ids[len(ids)-1], 10)
	}
	out := []Job{}
	if len(ids) == 0 {
		return out, "", nil
	}
	res, err := r.River.JobList(ctx, river.NewJobListParams().IDs(ids...).First(len(ids)).OrderBy(river.JobListOrderByID, river.SortOrderDesc))
	if err != nil {
		return nil, "", err
	}
	out, err = r.viewAll(ctx, res.Jobs)
	if err != nil {
		return nil, "", err
	}
	if err := r.nameSubjects(ctx, out); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// Cancel cancels a job. A queued job is cancelled at once (and its kind's
// hook undoes what starting it did); a running one is told to stop, and its
// worker records the cancellation when it does.
func (r *Runner) Cancel(ctx context.Context, id int64) (Job, error) {
	var row *rivertype.JobRow
	err := r.db.InTx(ctx, func(tx db.Conn) error {
		before, err := r.River.JobGetTx(ctx, tx.SQLTx(), id)
		if errors.Is(err, river.ErrNotFound) {
			return errs.NotFoundf("job %d not found", id)
		}
		if err != nil {
			return err
		}
		if before.FinalizedAt != nil || before.State == rivertype.JobStateCompleted || before.State == rivertype.JobStateDiscarded || before.State == rivertype.JobStateCancelled {
			return errs.Conflictf("job %d has already finished (%s)", id, before.State).With("queue_state", before.State)
		}
		if row, err = r.River.JobCancelTx(ctx, tx.SQLTx(), id); err != nil {
			return err
		}
		if row.State != rivertype.JobStateCancelled {
			return nil // running: the worker finishes the cancellation
		}
		if _, err := AppendTx(ctx, tx, id, EventCancelled, map[string]string{"reason": "cancelled before it started"}); err != nil {
			return err
		}
		r.mu.Lock()
		hook := r.onStop[row.Kind]
		r.mu.Unlock()
		if hook != nil {
			return hook(ctx, tx, row)
		}
		return nil
	})
	if err != nil {
		return Job{}, err
	}
	r.Committed(id)
	return r.named(ctx, row)
}

// RegisterRoutes publishes the jobs API.
func (r *Runner) RegisterRoutes(api *httpapi.API) {
	tags := []string{"jobs"}
	// Every viewer sees every job, so a page depends on its parameters
	// alone; it is kept until a job or a subject's name changes.
	pages := httpapi.NewEpochPageCache[JobFilter](r.db, listEpoch)
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "list-jobs", Method: http.MethodGet, Path: "/api/jobs", Summary: "List background jobs", Description: "Newest first.", Tags: tags,
		Responses: httpapi.ListResponses[Job](api)},
		func(ctx context.Context, in *struct {
			SubjectType string `query:"subject_type" maxLength:"100" doc:"Only jobs working on a subject of this type (e.g. campaign); with subject_id"`
			SubjectID   int64  `query:"subject_id" minimum:"0" doc:"Only jobs working on the subject with this id; with subject_type"`
			Kind        string `query:"kind" maxLength:"100"`
			Cursor      string `query:"cursor"`
			Limit       int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
		}) (*httpapi.JSONOutput, error) {
			if (in.SubjectType == "") != (in.SubjectID == 0) {
				return nil, errs.Field("query.subject_id", "give subject_type and subject_id together", in.SubjectID)
			}
			f := JobFilter{Subject: Subject{Type: in.SubjectType, ID: in.SubjectID}, Kind: in.Kind, Limit: in.Limit}
			if in.Cursor != "" {
				v, err := strconv.ParseInt(in.Cursor, 10, 64)
				if err != nil || v <= 0 {
					return nil, errs.Field("query.cursor", "not a cursor returned by this API", in.Cursor)
				}
				f.Before = v
			}
			return pages.Get(ctx, f.normalized(), func(ctx context.Context) (any, error) {
				items, next, err := r.List(ctx, f)
				return httpapi.NewListBody(items, next), err
			})
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "get-job", Method: http.MethodGet, Path: "/api/jobs/{id}", Summary: "Get a job: state, progress, result, cost", Tags: tags},
		func(ctx context.Context, in *httpapi.IDParam) (*struct{ Body Job }, error) {
			j, err := r.Get(ctx, in.ID)
			return &struct{ Body Job }{Body: j}, err
		})
	httpapi.Register(api, auth.Editor, huma.Operation{OperationID: "cancel-job", Method: http.MethodPost, Path: "/api/jobs/{id}/cancel", Summary: "Cancel a job", Tags: tags},
		func(ctx context.Context, in *httpapi.IDParam) (*struct{ Body Job }, error) {
			j, err := r.Cancel(ctx, in.ID)
			return &struct{ Body Job }{Body: j}, err
		})
	httpapi.Register(api, auth.Viewer, huma.Operation{OperationID: "job-events", Method: http.MethodGet, Path: "/api/jobs/{id}/events",
		Summary:     "Stream a job's progress (server-sent events)",
		Description: "Each event's id is its sequence number. Reconnect with Last-Event-ID (or ?last_event_id=N) to receive exactly what was missed. A comment line is sent every 15 s; the stream ends after the completed, failed or cancelled event.",
		Tags:        tags,
		Responses: map[string]*huma.Response{"200": {Description: "text/event-stream of progress, item, warning, completed, failed and cancelled events",
			Content: map[string]*huma.MediaType{"text/event-stream": {Schema: &huma.Schema{Type: huma.TypeString}}}}}},
		func(ctx context.Context, in *struct {
			httpapi.IDParam
			LastEventID    string `header:"Last-Event-ID" doc:"Sequence number of the last event received"`
			LastEventQuery int64  `query:"last_event_id" minimum:"0" doc:"Same as Last-Event-ID, for clients that cannot set headers"`
		}) (*huma.StreamResponse, error) {
			after := in.LastEventQuery
			if in.LastEventID != "" {
				v, err := strconv.ParseInt(strings.TrimSpace(in.LastEventID), 10, 64)
				if err != nil || v < 0 {
					return nil, errs.Field("header.Last-Event-ID", "not an event id of this stream", in.LastEventID)
				}
				after = v
			}
			if _, err := r.River.JobGet(ctx, in.ID); errors.Is(err, river.ErrNotFound) {
				return nil, errs.NotFoundf("job %d not found", in.ID)
			} else if err != nil {
				return nil, err
			}
			return &huma.StreamResponse{Body: func(hctx huma.Context) { r.stream(hctx, in.ID, after) }}, nil
		})
}
