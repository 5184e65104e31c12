package reporting_test

import (
	"context"
	"testing"

	"github.com/imaphub/imaphub/internal/demo"
	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/reporting"
	"github.com/imaphub/imaphub/internal/platform/db"
)

// fixture is the demo account's campaigns (without metrics) and the
// services over them.
type fixture struct {
	d         *db.DB
	assets    *assets.Service
	campaigns *campaigns.Service
	reports   *reporting.Service
	trees     []campaigns.Tree // by campaign, in id order
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	as := assets.NewService(d, t.TempDir())
	cs := campaigns.NewService(d, as)
	if _, err := demo.Load(ctx, cs, as); err != nil {
		t.Fatal(err)
	}
	f := &fixture{d: d, assets: as, campaigns: cs, reports: reporting.NewService(d)}
	for id := int64(1); ; id++ {
		tree, err := cs.Tree(ctx, id)
		if err != nil {
			break
		}
		f.trees = append(f.trees, tree)
	}
	if len(f.trees) < 3 {
		t.Fatalf("demo account has %d campaigns", len(f.trees))
	}
	return f
}

// publishNames stores resource names for our entities as publishing does
// (entity keys "campaign" and "{kind}:{our id}"), as if the campaign were
// published to customer.
func publishNames(t *testing.T, d *db.DB, campaignID int64, customer string, names map[string]string) {
	t.Helper()
	err := d.InTx(context.Background(), func(tx db.Conn) error {
		for key, name := range names {
			kind := key
			if i := indexByte(key, ':'); i >= 0 {
				kind = key[:i]
			}
			if _, err := tx.Exec(context.Background(), `INSERT INTO google_ads_resources (campaign_id, entity_key, entity_kind, customer_id, resource_name, created_at)
				VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP)`, campaignID, key, kind, customer, name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func day(t testing.TB, s string) reporting.Day {
	t.Helper()
	d, err := reporting.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// sums reads the stored totals of a table straight from SQL.
type sums struct {
	Rows                            int64
	Impressions, Clicks, CostMicros int64
	Conversions, ConversionsValue   float64
}

func tableSums(t *testing.T, d *db.DB, table string) sums {
	t.Helper()
	var s sums
	err := d.Read().QueryRow(context.Background(), `SELECT count(*), COALESCE(SUM(impressions), 0), COALESCE(SUM(clicks), 0), COALESCE(SUM(cost_micros), 0),
		COALESCE(SUM(conversions), 0), COALESCE(SUM(conversions_value), 0) FROM `+table).
		Scan(&s.Rows, &s.Impressions, &s.Clicks, &s.CostMicros, &s.Conversions, &s.ConversionsValue)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
