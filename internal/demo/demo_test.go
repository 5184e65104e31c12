package demo_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/imaphub/imaphub/internal/demo"
	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// The demo account loads through the same services as the API, lifecycle
// events included: those require the version they are meant for.
func TestLoadSubmitsTheGermanCampaign(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		as := assets.NewService(d, filepath.Join(t.TempDir(), "blobs"))
		cs := campaigns.NewService(d, as)
		sum, err := demo.Load(ctx, cs, as)
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if sum.Campaigns != 3 {
			t.Errorf("loaded %d campaigns, want 3", sum.Campaigns)
		}
		var name string
		if err := d.Read().QueryRow(ctx, `SELECT name FROM campaigns WHERE state = 'review'`).Scan(&name); err != nil {
			t.Fatalf("the campaign in review: %v", err)
		}
		if name != "Winterreifen 2026 – Suche DE" {
			t.Errorf("in review: %q, want the German search campaign", name)
		}
	})
}
