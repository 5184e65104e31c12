package app

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/jobs"
)

func TestMaintenanceRemovesOnlyWhatNothingNeeds(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, err := New(ctx, d, Options{DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		var live int64
		err = d.InTx(ctx, func(tx db.Conn) error {
			res, err := a.Jobs.InsertTx(ctx, tx, MaintenanceArgs{}, &river.InsertOpts{ScheduledAt: time.Now().Add(time.Hour)}, jobs.Owner{Kind: "maintenance"})
			if err != nil {
				return err
			}
			live = res.Job.ID
			for _, id := range []int64{live, 987654} { // 987654: a job River already pruned
				if _, err := jobs.AppendTx(ctx, tx, id, jobs.EventProgress, jobs.Progress{Done: 1, Total: 2}); err != nil {
					return err
				}
			}
			_, err = tx.Exec(ctx, `INSERT INTO job_owners (job_id, kind, created_at) VALUES (987654, 'generate', ?)`, time.Now().UTC())
			if err != nil {
				return err
			}
			for _, id := range []int64{live, 987654} {
				if _, err := tx.Exec(ctx, `INSERT INTO job_attempts (job_id, attempt, started_at) VALUES (?, 1, ?)`, id, time.Now().UTC()); err != nil {
					return err
				}
			}
			_, err = tx.Exec(ctx, `INSERT INTO login_failures (at, email, client) VALUES (?, 'old@example.com', '10.0.0.1'), (?, 'new@example.com', '10.0.0.1')`,
				time.Now().UTC().Add(-48*time.Hour), time.Now().UTC().Add(-time.Minute))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.maintenance.Work(ctx, &river.Job[MaintenanceArgs]{}); err != nil {
			t.Fatal(err)
		}
		counts := map[string]string{
			`SELECT count(*) FROM login_failures WHERE email = 'old@example.com'`:             "0",
			`SELECT count(*) FROM login_failures WHERE email = 'new@example.com'`:             "1",
			`SELECT count(*) FROM job_events WHERE job_id = 987654`:                           "0",
			`SELECT count(*) FROM job_owners WHERE job_id = 987654`:                           "0",
			`SELECT count(*) FROM job_attempts WHERE job_id = 987654`:                         "0",
			`SELECT count(*) FROM job_attempts WHERE job_id = ` + strconv.FormatInt(live, 10): "1",
		}
		for q, want := range counts {
			var got string
			if err := d.Read().QueryRow(ctx, q).Scan(&got); err != nil || got != want {
				t.Errorf("%s = %s (%v), want %s", q, got, err, want)
			}
		}
		var kept int
		d.Read().QueryRow(ctx, `SELECT count(*) FROM job_events WHERE job_id = ?`, live).Scan(&kept)
		if kept != 1 {
			t.Errorf("events of a live job: %d, want 1", kept)
		}
	})
}
