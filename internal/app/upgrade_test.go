package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/app"
	"github.com/imaphub/imaphub/internal/app/apptest"
	"github.com/imaphub/imaphub/internal/domain/assets"
	"github.com/imaphub/imaphub/internal/migrations"
	"github.com/imaphub/imaphub/internal/platform/auth"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
)

// upgradeToken is the API token seeded from schema version 3 on, stored as
// the product stores tokens: its SHA-256.
const upgradeToken = "imh_upgrade-test-token-0123456789"

// seeded is what seedAt wrote, for the checks after the upgrade.
type seeded struct {
	campaign, adGroup, ad, asset, user int64
	withUser, withJobs, withTarget     bool
}

// seedAt writes representative rows valid at schema version k: the campaign
// graph (1), a user with an API token and an audit entry (3), a job's owner
// and events (4; campaign_id until 9, subjects from 10), a job attempt (8),
// a publish target and a Google Ads resource (11), report facts (12).
func seedAt(t *testing.T, d *db.DB, k int) seeded {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.WriteDB().ExecContext(ctx, d.Q(q), args...); err != nil {
			t.Fatalf("seed at version %d: %s: %v", k, strings.Fields(q)[2], err)
		}
	}
	insert := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := d.WriteDB().QueryRowContext(ctx, d.Q(q+" RETURNING id"), args...).Scan(&id); err != nil {
			t.Fatalf("seed at version %d: %s: %v", k, strings.Fields(q)[2], err)
		}
		return id
	}
	var s seeded
	s.campaign = insert(`INSERT INTO campaigns (name, type, budget_micros, currency, languages, locations, final_url, brief, created_at, updated_at)
		VALUES ('Winter aus Version', 'SEARCH', 50000000, 'EUR', '["de"]', '["DE"]', 'https://reifen-mueller.example/winter', '{"product":"Winterreifen"}', ?, ?)`, now, now)
	s.adGroup = insert(`INSERT INTO ad_groups (campaign_id, name, created_at, updated_at) VALUES (?, 'Winterreifen', ?, ?)`, s.campaign, now, now)
	insert(`INSERT INTO keywords (ad_group_id, text, match_type, created_at, updated_at) VALUES (?, 'winterreifen kaufen', 'PHRASE', ?, ?)`, s.adGroup, now, now)
	s.ad = insert(`INSERT INTO ads (ad_group_id, final_urls, path1, created_at, updated_at) VALUES (?, '["https://reifen-mueller.example/winter"]', 'winter', ?, ?)`, s.adGroup, now, now)
	sum := sha256.Sum256([]byte("Winterreifen vom Fachmann"))
	if k < 2 {
		s.asset = insert(`INSERT INTO assets (type, content_hash, text, language, created_at, updated_at) VALUES ('TEXT', ?, 'Winterreifen vom Fachmann', 'de', ?, ?)`, hex.EncodeToString(sum[:]), now, now)
	} else {
		s.asset = insert(`INSERT INTO assets (type, content_hash, text, search_text, language, created_at, updated_at) VALUES ('TEXT', ?, 'Winterreifen vom Fachmann', ?, 'de', ?, ?)`,
			hex.EncodeToString(sum[:]), assets.FoldedText("Winterreifen vom Fachmann"), now, now)
	}
	insert(`INSERT INTO asset_links (asset_id, campaign_id, ad_group_id, ad_id, field_type, pinned_field, position, created_at) VALUES (?, ?, ?, ?, 'HEADLINE', 'HEADLINE_1', 0, ?)`,
		s.asset, s.campaign, s.adGroup, s.ad, now)
	if k >= 3 {
		s.withUser = true
		s.user = insert(`INSERT INTO users (email, name, role, sessions_valid_after, created_at, updated_at) VALUES ('ops@example.com', 'Ops', 'admin', ?, ?, ?)`, now, now, now)
		tsum := sha256.Sum256([]byte(upgradeToken))
		if k < 7 {
			insert(`INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) VALUES (?, 'deploy', ?, 'imh_upgr', ?)`, s.user, hex.EncodeToString(tsum[:]), now)
		} else {
			insert(`INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at, expires_at) VALUES (?, 'deploy', ?, 'imh_upgr', ?, ?)`,
				s.user, hex.EncodeToString(tsum[:]), now, now.Add(90*24*time.Hour))
		}
		exec(`INSERT INTO audit_log (at, actor, action, entity, entity_id) VALUES (?, 'ops@example.com', 'campaign.create', 'campaign', ?)`, now, fmt.Sprint(s.campaign))
	}
	if k >= 4 {
		s.withJobs = true
		if k < 10 {
			exec(`INSERT INTO job_owners (job_id, kind, campaign_id, created_at) VALUES (9001, 'generate', ?, ?)`, s.campaign, now)
		} else {
			exec(`INSERT INTO job_owners (job_id, kind, subject_type, subject_id, created_at) VALUES (9001, 'generate', 'campaign', ?, ?)`, s.campaign, now)
		}
		exec(`INSERT INTO job_events (job_id, seq, type, payload, at) VALUES (9001, 1, 'progress', '{"message":"Writing"}', ?), (9001, 2, 'completed', '{}', ?)`, now, now)
	}
	if k >= 8 {
		exec(`INSERT INTO job_attempts (job_id, attempt, started_at, outcome, calls) VALUES (9001, 1, ?, 'succeeded', 2)`, now)
	}
	if k >= 11 {
		s.withTarget = true
		exec(`INSERT INTO publish_targets (campaign_id, customer_id, account_name, chosen_at) VALUES (?, '1234567890', 'Reifen Müller', ?)`, s.campaign, now)
		exec(`INSERT INTO google_ads_resources (campaign_id, entity_key, entity_kind, customer_id, resource_name, created_at) VALUES (?, 'campaign', 'campaign', '1234567890', 'customers/1234567890/campaigns/77', ?)`, s.campaign, now)
	}
	if k >= 12 {
		exec(`INSERT INTO report_campaigns (customer_id, google_campaign_id, campaign_id) VALUES (1234567890, 77, ?)`, s.campaign)
	}
	return s
}

// A database at every earlier schema version, holding rows written as that
// version allowed, migrates to the latest on both engines; its rows survive
// (converted where a migration changed their shape) and the product serves
// them: the campaign with its ad and pinned headline, the asset found by
// search and its where-used counts, the API token of a user made before
// tokens expired, the job's events under its subject.
func TestUpgradeFromEveryEarlierSchemaVersion(t *testing.T) {
	for _, engine := range []db.Engine{db.SQLite, db.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			if engine == db.Postgres && os.Getenv(dbtest.PostgresEnv) == "" {
				t.Skipf("%s is not set", dbtest.PostgresEnv)
			}
			probe, err := db.LoadMigrations(migrations.FS, engine)
			if err != nil {
				t.Fatal(err)
			}
			latest := probe[len(probe)-1].Version
			if latest < 2 {
				t.Fatalf("only %d migrations", latest)
			}
			// Every version a migration leaves (numbers may have gaps
			// where branches reserved one).
			for _, m := range probe[:len(probe)-1] {
				k := m.Version
				t.Run(fmt.Sprintf("from_%d", k), func(t *testing.T) { upgradeFrom(t, engine, k, latest) })
			}
		})
	}
}

func upgradeFrom(t *testing.T, engine db.Engine, k, latest int) {
	ctx := context.Background()
	d := dbtest.OpenAt(t, engine, k)
	ms, err := db.LoadMigrations(migrations.FS, engine)
	if err != nil {
		t.Fatal(err)
	}
	n := 0 // the migrations up to version k
	for n < len(ms) && ms[n].Version <= k {
		n++
	}
	s := seedAt(t, d, k)

	applied, err := app.Migrate(ctx, d)
	if err != nil {
		t.Fatalf("upgrade from %d: %v", k, err)
	}
	if len(applied) != len(ms)-n {
		t.Errorf("upgrade from %d applied %v", k, applied)
	}
	if v, _ := d.SchemaVersion(ctx); v != latest {
		t.Fatalf("after the upgrade at version %d, want %d", v, latest)
	}

	e := apptest.StartOpts(t, d, apptest.Options{Workers: 0})
	token := e.Tokens[auth.Admin]
	if s.withUser {
		// The user's token from before expiry dates existed got one, and works.
		var expires *time.Time
		if err := d.Read().QueryRow(ctx, `SELECT expires_at FROM api_tokens WHERE user_id = ?`, s.user).Scan(&expires); err != nil || expires == nil {
			t.Errorf("the seeded token has no expiry after the upgrade: %v %v", expires, err)
		}
		token = upgradeToken
	}
	get := func(path string) *apptest.Response {
		t.Helper()
		r := e.Send(t, e.Server.Client(), "GET", path, nil, "Authorization", "Bearer "+token)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s after upgrading from %d: %d %s", path, k, r.Status, r.Body)
		}
		return r
	}
	var c struct {
		Name, State string
		Brief       map[string]any
	}
	get(fmt.Sprintf("/api/campaigns/%d", s.campaign)).JSON(t, &c)
	if c.Name != "Winter aus Version" || c.State != "draft" || c.Brief["product"] != "Winterreifen" {
		t.Errorf("campaign after the upgrade: %+v", c)
	}
	var ad struct {
		Headlines []struct {
			Text   string
			Pinned string `json:"pinned_field"`
		}
	}
	get(fmt.Sprintf("/api/ads/%d", s.ad)).JSON(t, &ad)
	if len(ad.Headlines) != 1 || ad.Headlines[0].Text != "Winterreifen vom Fachmann" {
		t.Errorf("ad after the upgrade: %+v", ad)
	}
	var found struct{ Items []struct{ ID int64 } }
	get("/api/assets?q=fachmann").JSON(t, &found)
	if len(found.Items) != 1 || found.Items[0].ID != s.asset {
		t.Errorf("asset search after the upgrade (search text filled by version 2): %+v", found)
	}
	var used assets.Usage
	get(fmt.Sprintf("/api/assets/%d/usage", s.asset)).JSON(t, &used)
	if want := (assets.UsageCounts{Links: 1, Campaigns: 1, AdGroups: 1, Ads: 1, Keywords: 1}); used.Counts != want || len(used.Keywords) != 1 {
		t.Errorf("where-used after the upgrade (counters filled by version 19): %+v, %d keywords; want %+v", used.Counts, len(used.Keywords), want)
	}
	if s.withJobs {
		var typ string
		var id int64
		if err := d.Read().QueryRow(ctx, `SELECT subject_type, subject_id FROM job_owners WHERE job_id = 9001`).Scan(&typ, &id); err != nil || typ != "campaign" || id != s.campaign {
			t.Errorf("job owner after the upgrade: %q %d %v", typ, id, err)
		}
		var events int
		if err := d.Read().QueryRow(ctx, `SELECT count(*) FROM job_events WHERE job_id = 9001`).Scan(&events); err != nil || events != 2 {
			t.Errorf("job events after the upgrade: %d %v", events, err)
		}
	}
	if s.withTarget {
		r := get(fmt.Sprintf("/api/campaigns/%d/google-ads", s.campaign))
		if !strings.Contains(string(r.Body), `"1234567890"`) || !strings.Contains(string(r.Body), "customers/1234567890/campaigns/77") {
			t.Errorf("Google Ads state after the upgrade: %s", r.Body)
		}
	}
	// The upgraded database takes new writes next to the old rows.
	e.Must(t, http.StatusCreated, "POST", "/api/campaigns", map[string]any{"name": "Nach dem Upgrade", "type": "SEARCH", "budget_micros": 1_000_000,
		"currency": "EUR", "languages": []string{"de"}, "locations": []string{"DE"}, "final_url": "https://reifen-mueller.example/"})
}
