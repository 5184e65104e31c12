package app

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/migrations"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// Jobs started before subjects existed keep their campaign as their subject.
func TestJobOwnersMigrateToSubjects(t *testing.T) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		t.Run(string(engine), func(t *testing.T) { migrateJobOwners(t, engine) })
	}
}

func migrateJobOwners(t *testing.T, engine db.Engine) {
	ctx := context.Background()
	d := dbtest.OpenAt(t, engine, 9)
	ms, err := db.LoadMigrations(migrations.FS, d.Engine)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.WriteDB().ExecContext(ctx, d.Q(`INSERT INTO job_owners (job_id, kind, campaign_id, created_at) VALUES (1, 'generate', 7, ?), (2, 'maintenance', NULL, ?)`), time.Now().UTC(), time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx, ms); err != nil {
		t.Fatal(err)
	}
	for job, want := range map[int64]string{1: "campaign 7", 2: " 0"} {
		var typ *string
		var id *int64
		if err := d.Read().QueryRow(ctx, `SELECT subject_type, subject_id FROM job_owners WHERE job_id = ?`, job).Scan(&typ, &id); err != nil {
			t.Fatal(err)
		}
		got := ""
		if typ != nil {
			got = *typ
		}
		n := int64(0)
		if id != nil {
			n = *id
		}
		if g := got + " " + strconv.FormatInt(n, 10); g != want {
			t.Errorf("job %d: subject %q, want %q", job, g, want)
		}
	}
}
