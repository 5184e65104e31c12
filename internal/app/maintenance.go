package app

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// MaintenanceArgs is the hourly housekeeping job.
type MaintenanceArgs struct{}

func (MaintenanceArgs) Kind() string { return "maintenance" }

// InsertOpts: one housekeeping run at a time.
func (MaintenanceArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: time.Hour}}
}

// maintenance removes what nothing needs any more: failed sign-ins older than
// a day (the rate limit looks back 15 minutes), and the progress events and
// owners and run records of jobs River has already pruned (it keeps finished jobs a day).
type maintenance struct {
	river.WorkerDefaults[MaintenanceArgs]
	db *db.DB
}

func (m *maintenance) Timeout(*river.Job[MaintenanceArgs]) time.Duration { return 5 * time.Minute }

func (m *maintenance) Work(ctx context.Context, _ *river.Job[MaintenanceArgs]) error {
	// Far past the rate limit's window (auth.LoginWindow).
	cutoff := time.Now().UTC().Add(-24 * time.Hour)
	return m.db.InTx(ctx, func(tx db.Conn) error {
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE at < ?`, cutoff); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM job_events WHERE job_id NOT IN (SELECT id FROM river_job)`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM job_attempts WHERE job_id NOT IN (SELECT id FROM river_job)`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM job_owners WHERE job_id NOT IN (SELECT id FROM river_job)`)
		return err
	})
}

// maintenanceSchedule runs housekeeping every hour.
func maintenanceSchedule(every time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return MaintenanceArgs{}, nil },
		&river.PeriodicJobOpts{ID: "maintenance"})
}
