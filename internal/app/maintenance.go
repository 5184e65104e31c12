package app

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
)

// MaintenanceArgs is the hourly housekeeping job.
type MaintenanceArgs struct{}

func (MaintenanceArgs) Kind() string { return "maintenance" }

// InsertOpts: one housekeeping run at a time.
func (MaintenanceArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: time.Hour}}
}

// maintenance runs the housekeeping of every package that keeps rows
// nothing needs after a while; each package prunes its own tables.
type maintenance struct {
	river.WorkerDefaults[MaintenanceArgs]
	prune []func(context.Context) error
}

func (m *maintenance) Timeout(*river.Job[MaintenanceArgs]) time.Duration { return 5 * time.Minute }

func (m *maintenance) Work(ctx context.Context, _ *river.Job[MaintenanceArgs]) error {
	var errs []error
	for _, p := range m.prune {
		errs = append(errs, p(ctx))
	}
	return errors.Join(errs...)
}

// maintenanceSchedule runs housekeeping every hour.
func maintenanceSchedule(every time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return MaintenanceArgs{}, nil },
		&river.PeriodicJobOpts{ID: "maintenance"})
}
