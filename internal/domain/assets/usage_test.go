package assets

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/imaphub/imaphub/internal/domain/policy"
	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/db/dbtest"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// walk follows a list from its first page to the end and returns every item
// in the order received.
func walk[T any](t testing.TB, first []T, next string, page func(cursor string) (UsagePage[T], error)) []T {
	t.Helper()
	out := slices.Clone(first)
	for pages := 0; next != ""; pages++ {
		if pages > 100_000 {
			t.Fatal("paging does not end")
		}
		p, err := page(next)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) == 0 {
			t.Fatalf("an empty page has a cursor before it (%s)", next)
		}
		out = append(out, p.Items...)
		next = p.NextCursor
	}
	return out
}

// compareAds and compareKeywords are the documented orders of those lists.
func compareAds(a, b UsageAd) int {
	return cmp.Or(cmp.Compare(a.CampaignID, b.CampaignID), cmp.Compare(a.AdGroupID, b.AdGroupID), cmp.Compare(a.ID, b.ID), strings.Compare(a.FieldType, b.FieldType))
}

func compareKeywords(a, b UsageKeyword) int {
	neg := func(x bool) int {
		if x {
			return 1
		}
		return 0
	}
	return cmp.Or(cmp.Compare(a.CampaignID, b.CampaignID), cmp.Compare(a.AdGroupID, b.AdGroupID), strings.Compare(a.Text, b.Text),
		strings.Compare(a.MatchType, b.MatchType), cmp.Compare(neg(a.Negative), neg(b.Negative)))
}

// allAds reads every ad link of an asset with plain SQL, in the documented
// order (sorted in Go, not by the query under test).
func (f *fixture) allAds(assetID int64) []UsageAd {
	f.t.Helper()
	rows, err := f.d.Read().Query(f.ctx, `SELECT ad_id, campaign_id, ad_group_id, field_type, pinned_field FROM asset_links WHERE asset_id = ? AND ad_id IS NOT NULL`, assetID)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	out := []UsageAd{}
	for rows.Next() {
		var a UsageAd
		if err := rows.Scan(&a.ID, &a.CampaignID, &a.AdGroupID, &a.FieldType, &a.PinnedField); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, a)
	}
	slices.SortFunc(out, compareAds)
	return out
}

func (f *fixture) allKeywords(assetID int64) []UsageKeyword {
	f.t.Helper()
	rows, err := f.d.Read().Query(f.ctx, `SELECT k.id, g.campaign_id, k.ad_group_id, k.text, k.match_type, k.negative FROM keywords k JOIN ad_groups g ON g.id = k.ad_group_id
		WHERE k.ad_group_id IN (SELECT ad_group_id FROM asset_links WHERE asset_id = ?)`, assetID)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	out := []UsageKeyword{}
	for rows.Next() {
		var k UsageKeyword
		if err := rows.Scan(&k.ID, &k.CampaignID, &k.AdGroupID, &k.Text, &k.MatchType, &k.Negative); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, k)
	}
	slices.SortFunc(out, compareKeywords)
	return out
}

// usageGraph is a hot asset in search and Performance Max campaigns whose
// ids interleave, with ads using it once or twice and keywords whose texts
// sort differently in byte order and in a locale.
type usageGraph struct {
	hot                  Asset
	campaigns, adGroups  []int64
	assetGroups          []int64
	ads                  []int64
	adLinks, groupLinks  int
	keywords, searchCamp int
}

func buildUsageGraph(f *fixture) usageGraph {
	g := usageGraph{hot: f.text("Hot headline for paging")}
	other := f.text("Another headline")
	texts := []string{"zebra", "Zoo", "apple", "Äpfel", "_under"}
	for c := range 5 {
		if c%2 == 1 {
			camp := f.campaign("PERFORMANCE_MAX", "draft")
			g.campaigns = append(g.campaigns, camp)
			for range 5 {
				ag := f.assetGroup(camp)
				g.assetGroups = append(g.assetGroups, ag)
				f.link(linkInput{AssetID: g.hot.ID, AssetGroupID: ag, FieldType: policy.LongHeadline})
				f.link(linkInput{AssetID: g.hot.ID, AssetGroupID: ag, FieldType: policy.Headline})
				f.link(linkInput{AssetID: other.ID, AssetGroupID: ag, FieldType: policy.Description})
				g.groupLinks += 2
			}
			continue
		}
		camp := f.campaign("SEARCH", "review")
		g.campaigns = append(g.campaigns, camp)
		g.searchCamp++
		for range 4 {
			grp := f.adGroup(camp)
			g.adGroups = append(g.adGroups, grp)
			for i, text := range texts[:3+len(g.adGroups)%3] {
				f.keyword(grp, text, []string{"EXACT", "PHRASE", "BROAD"}[i%3], i == 1)
				g.keywords++
			}
			f.keyword(grp, "zebra", "EXACT", true) // same text and match type, negative
			g.keywords++
			for i := range 6 {
				ad := f.ad(grp)
				g.ads = append(g.ads, ad)
				pin := ""
				if i == 0 {
					pin = "HEADLINE_1"
				}
				f.link(linkInput{AssetID: g.hot.ID, AdID: ad, FieldType: policy.Headline, PinnedField: pin})
				g.adLinks++
				if i%2 == 0 {
					f.link(linkInput{AssetID: g.hot.ID, AdID: ad, FieldType: policy.Description})
					g.adLinks++
				}
				f.link(linkInput{AssetID: other.ID, AdID: ad, FieldType: policy.Headline})
			}
		}
	}
	// An ad group added to the first campaign after all the others: its id
	// is the highest, its place in the lists is in that campaign.
	// usedGroup adds an ad group to camp whose one ad uses the asset as a
	// headline, with keyword when it is not empty.
	usedGroup := func(camp int64, keyword string) int64 {
		grp := f.adGroup(camp)
		if keyword != "" {
			f.keyword(grp, keyword, "PHRASE", false)
			g.keywords++
		}
		ad := f.ad(grp)
		g.ads = append(g.ads, ad)
		f.link(linkInput{AssetID: g.hot.ID, AdID: ad, FieldType: policy.Headline})
		g.adLinks++
		return grp
	}
	g.adGroups = slices.Insert(g.adGroups, 4, usedGroup(g.campaigns[0], "late"))
	// A campaign whose first ad groups have no keywords, more of them than a
	// page: a page of keywords reads past batches of ad groups without any.
	camp := f.campaign("SEARCH", "review")
	g.campaigns = append(g.campaigns, camp)
	g.searchCamp++
	for i := range 12 {
		keyword := ""
		if i == 11 {
			keyword = "after the empty ones"
		}
		g.adGroups = append(g.adGroups, usedGroup(camp, keyword))
	}
	// An ad group in a used campaign whose ads do not use the asset: neither
	// it nor its keywords are places of the asset.
	idle := f.adGroup(g.campaigns[0])
	f.keyword(idle, "idle", "EXACT", false)
	return g
}

func TestWhereUsedPagesEveryListOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		g := buildUsageGraph(f)
		const limit = 4
		u, err := f.s.WhereUsedLimit(f.ctx, g.hot.ID, limit)
		if err != nil {
			t.Fatal(err)
		}
		want := UsageCounts{Links: g.adLinks + g.groupLinks, Campaigns: len(g.campaigns), AdGroups: len(g.adGroups), Ads: len(g.ads),
			AssetGroups: len(g.assetGroups), Keywords: g.keywords}
		if u.Counts != want || u.Limit != limit {
			t.Fatalf("counts %+v limit %d, want %+v and %d", u.Counts, u.Limit, want, limit)
		}
		totals := UsageTotals{Campaigns: len(g.campaigns), AdGroups: len(g.adGroups), Ads: g.adLinks, AssetGroups: g.groupLinks, Keywords: g.keywords}
		if u.Totals != totals {
			t.Fatalf("totals %+v, want %+v", u.Totals, totals)
		}
		for name, n := range map[string]int{"campaigns": len(u.Campaigns), "ad groups": len(u.AdGroups), "ads": len(u.Ads), "asset groups": len(u.AssetGroups), "keywords": len(u.Keywords)} {
			if n != limit {
				t.Errorf("first page of %s has %d items, want %d", name, n, limit)
			}
		}

		campaigns := walk(t, u.Campaigns, u.Next.Campaigns, func(c string) (UsagePage[UsageCampaign], error) {
			return f.s.UsageCampaigns(f.ctx, g.hot.ID, c, limit)
		})
		var ids []int64
		for _, c := range campaigns {
			ids = append(ids, c.ID)
		}
		if !slices.Equal(ids, g.campaigns) {
			t.Errorf("campaigns %v, want %v", ids, g.campaigns)
		}
		groups := walk(t, u.AdGroups, u.Next.AdGroups, func(c string) (UsagePage[UsageAdGroup], error) {
			return f.s.UsageAdGroups(f.ctx, g.hot.ID, c, limit)
		})
		ids = nil
		for _, x := range groups {
			ids = append(ids, x.ID)
		}
		if !slices.Equal(ids, g.adGroups) {
			t.Errorf("ad groups %v, want %v", ids, g.adGroups)
		}
		ads := walk(t, u.Ads, u.Next.Ads, func(c string) (UsagePage[UsageAd], error) { return f.s.UsageAds(f.ctx, g.hot.ID, c, limit) })
		if diff := gocmp.Diff(f.allAds(g.hot.ID), ads); diff != "" {
			t.Errorf("ads (-want +got):\n%s", diff)
		}
		if ads[1].PinnedField == nil || *ads[1].PinnedField != "HEADLINE_1" || ads[1].FieldType != "HEADLINE" {
			t.Errorf("second ad link %+v, want the first ad's pinned headline", ads[1])
		}
		sgroups := walk(t, u.AssetGroups, u.Next.AssetGroups, func(c string) (UsagePage[UsageAssetGroup], error) {
			return f.s.UsageAssetGroups(f.ctx, g.hot.ID, c, limit)
		})
		if len(sgroups) != g.groupLinks {
			t.Fatalf("%d asset group links, want %d", len(sgroups), g.groupLinks)
		}
		for i, x := range sgroups {
			w := g.assetGroups[i/2]
			ft := []string{"HEADLINE", "LONG_HEADLINE"}[i%2]
			if x.ID != w || x.FieldType != ft {
				t.Errorf("asset group link %d = %+v, want %d %s", i, x, w, ft)
			}
		}
		keywords := walk(t, u.Keywords, u.Next.Keywords, func(c string) (UsagePage[UsageKeyword], error) {
			return f.s.UsageKeywords(f.ctx, g.hot.ID, c, limit)
		})
		if diff := gocmp.Diff(f.allKeywords(g.hot.ID), keywords); diff != "" {
			t.Errorf("keywords (-want +got):\n%s", diff)
		}
		if len(keywords) != g.keywords {
			t.Errorf("%d keywords, want %d", len(keywords), g.keywords)
		}

		// A page size that holds everything has no cursors.
		all, err := f.s.WhereUsedLimit(f.ctx, g.hot.ID, MaxUsageLimit)
		if err != nil || all.Next != (UsageCursors{}) || len(all.Ads) != g.adLinks || len(all.Keywords) != g.keywords {
			t.Fatalf("one page of everything: next %+v, %d ads, %d keywords, %v", all.Next, len(all.Ads), len(all.Keywords), err)
		}
	})
}

// The keywords of an asset whose first ad groups have none: the first
// answer and every page read past batches of keyword-less ad groups, and the
// first answer of an asset whose ad groups have no keywords at all reads no
// further than the counter says.
func TestWhereUsedKeywordsBehindAdGroupsWithoutKeywords(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		hot := f.text("Used in many ad groups, few with keywords")
		bare := f.text("Used where there are no keywords")
		camp := f.campaign("SEARCH", "review")
		var want []string
		for i := range 30 {
			grp := f.adGroup(camp)
			if i == 13 || i == 29 {
				for _, text := range []string{"b keyword", "a keyword"} {
					f.keyword(grp, fmt.Sprintf("%s %d", text, i), "EXACT", false)
				}
				want = append(want, fmt.Sprintf("a keyword %d", i), fmt.Sprintf("b keyword %d", i))
			}
			ad := f.ad(grp)
			f.link(linkInput{AssetID: hot.ID, AdID: ad, FieldType: policy.Headline})
			if i != 29 {
				f.link(linkInput{AssetID: bare.ID, AdID: ad, FieldType: policy.Description})
			}
			if i == 13 {
				// The bare asset stays in keyword-less ad groups.
				bare = f.text("Used where there are no keywords, later")
			}
		}
		texts := func(ks []UsageKeyword) []string {
			var out []string
			for _, k := range ks {
				out = append(out, k.Text)
			}
			return out
		}
		for _, limit := range []int{1, 3, 4, 5} {
			u, err := f.s.WhereUsedLimit(f.ctx, hot.ID, limit)
			if err != nil {
				t.Fatal(err)
			}
			if u.Counts.Keywords != 4 || len(u.Keywords) != min(limit, 4) {
				t.Fatalf("limit %d: %d keywords counted, first page %v", limit, u.Counts.Keywords, texts(u.Keywords))
			}
			got := walk(t, u.Keywords, u.Next.Keywords, func(c string) (UsagePage[UsageKeyword], error) {
				return f.s.UsageKeywords(f.ctx, hot.ID, c, limit)
			})
			if !slices.Equal(texts(got), want) {
				t.Errorf("limit %d: keywords %v, want %v", limit, texts(got), want)
			}
		}
		u, err := f.s.WhereUsedLimit(f.ctx, bare.ID, 2)
		if err != nil || u.Counts.Keywords != 0 || len(u.Keywords) != 0 || u.Next.Keywords != "" || u.Counts.AdGroups != 15 {
			t.Fatalf("asset without keywords: %+v, keywords %v, next %q, %v", u.Counts, u.Keywords, u.Next.Keywords, err)
		}
	})
}

// The first answer's counts and lists are of one moment while the graph
// changes under it: they must never mix two states of the graph.
func TestWhereUsedFirstAnswerIsOfOneMoment(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		hot := f.text("Counted while it changes")
		camp := f.campaign("SEARCH", "review")
		for range 3 {
			grp := f.adGroup(camp)
			f.keyword(grp, "steady", "EXACT", false)
			f.link(linkInput{AssetID: hot.ID, AdID: f.ad(grp), FieldType: policy.Headline})
		}
		// Two ad groups, each with a keyword, whose ads' links come and go.
		type spare struct{ group, ad int64 }
		var spares []spare
		for range 2 {
			grp := f.adGroup(camp)
			f.keyword(grp, "coming and going", "EXACT", false)
			spares = append(spares, spare{grp, f.ad(grp)})
		}
		ctx, cancel := context.WithCancel(f.ctx)
		defer cancel()
		errc := make(chan error, 1)
		go func() {
			defer close(errc)
			for i := 0; ctx.Err() == nil; i++ {
				sp := spares[i%2]
				err := d.InTx(ctx, func(tx db.Conn) error {
					if i%4 < 2 {
						_, err := tx.Exec(ctx, `INSERT INTO asset_links (asset_id, campaign_id, ad_group_id, ad_id, field_type, position, created_at)
							VALUES (?, ?, ?, ?, 'HEADLINE', 0, ?)`, hot.ID, camp, sp.group, sp.ad, time.Now().UTC())
						return err
					}
					_, err := tx.Exec(ctx, `DELETE FROM asset_links WHERE ad_id = ?`, sp.ad)
					return err
				})
				if err != nil && ctx.Err() == nil {
					errc <- err
					return
				}
			}
		}()
		seen := map[int]bool{}
		for range 400 {
			u, err := usageFirst(f.ctx, d, hot.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			c := u.Counts
			if len(u.Campaigns) != c.Campaigns || len(u.AdGroups) != c.AdGroups || len(u.Ads) != u.Totals.Ads || len(u.Keywords) != c.Keywords ||
				c.AdGroups != 3+c.Ads-3 || c.Keywords != c.AdGroups {
				t.Fatalf("counts %+v, totals %+v, but lists of %d campaigns, %d ad groups, %d ads, %d keywords",
					c, u.Totals, len(u.Campaigns), len(u.AdGroups), len(u.Ads), len(u.Keywords))
			}
			seen[c.AdGroups] = true
		}
		cancel()
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		if len(seen) < 2 {
			t.Errorf("the graph did not change under the reads: ad groups counted %v", seen)
		}
	})
}

// Places added and removed while a client pages: each place that exists
// from the first page to the last comes exactly once and in order; one added
// behind the cursor does not come, one added ahead of it does; one removed
// ahead of the cursor does not.
func TestWhereUsedPagingSurvivesChanges(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		g := buildUsageGraph(f)
		const limit = 5
		before := f.allAds(g.hot.ID)
		u, err := f.s.WhereUsedLimit(f.ctx, g.hot.ID, limit)
		if err != nil {
			t.Fatal(err)
		}
		p2, err := f.s.UsageAds(f.ctx, g.hot.ID, u.Next.Ads, limit)
		if err != nil {
			t.Fatal(err)
		}
		seen := append(slices.Clone(u.Ads), p2.Items...)
		cursor := seen[len(seen)-1]

		linkOf := func(a UsageAd) int64 {
			return int64(f.count(`SELECT id FROM asset_links WHERE asset_id = ? AND ad_id = ? AND field_type = ?`, g.hot.ID, a.ID, a.FieldType))
		}
		f.unlink(linkOf(seen[0]))             // behind: already returned
		f.unlink(linkOf(before[len(seen)+7])) // ahead: must not come
		behind := f.ad(g.adGroups[0])         // a new ad in the first ad group sorts behind the cursor
		f.link(linkInput{AssetID: g.hot.ID, AdID: behind, FieldType: policy.Headline})
		ahead := f.ad(g.adGroups[len(g.adGroups)-1])
		f.link(linkInput{AssetID: g.hot.ID, AdID: ahead, FieldType: policy.Description})
		if compareAds(UsageAd{CampaignID: g.campaigns[0], AdGroupID: g.adGroups[0], ID: behind}, cursor) >= 0 {
			t.Fatalf("the ad added behind the cursor sorts after it: %+v", cursor)
		}

		got := walk(t, seen, p2.NextCursor, func(c string) (UsagePage[UsageAd], error) { return f.s.UsageAds(f.ctx, g.hot.ID, c, limit) })
		want := slices.Clone(seen)
		for _, a := range f.allAds(g.hot.ID) {
			if compareAds(a, cursor) > 0 {
				want = append(want, a)
			}
		}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Fatalf("ads paged across changes (-want +got):\n%s", diff)
		}
		for i := 1; i < len(got); i++ {
			if compareAds(got[i-1], got[i]) >= 0 {
				t.Fatalf("item %d (%+v) does not follow %+v", i, got[i], got[i-1])
			}
		}
		var sawAhead bool
		for _, a := range got {
			if a.ID == behind {
				t.Fatalf("the ad added behind the cursor came: %+v", a)
			}
			sawAhead = sawAhead || a.ID == ahead
		}
		if !sawAhead {
			t.Fatal("the ad added ahead of the cursor did not come")
		}
		// The first answer is read afresh after the changes.
		now := f.allAds(g.hot.ID)
		distinct := map[int64]bool{}
		for _, a := range now {
			distinct[a.ID] = true
		}
		u2, err := f.s.WhereUsedLimit(f.ctx, g.hot.ID, limit)
		if err != nil || u2.Counts.Links != len(now)+g.groupLinks || u2.Counts.Ads != len(distinct) || !gocmp.Equal(u2.Ads[0], now[0]) {
			t.Fatalf("counts after the changes %+v, %v", u2.Counts, err)
		}
	})
}

// A hot asset in 100,000 places: the first answer is bounded whatever the
// number of places, its counts are exact, and paging the ads returns every
// link exactly once. The first answer's bound does not depend on the number
// of places, so make test builds 20,000 of them (400 times the page size)
// and IMAPHUB_BENCH_SCALE=large the full 100,000: filling and paging all of
// them under the race detector took a quarter of CI's time.
func TestWhereUsedHotAssetIn100000Places(t *testing.T) {
	groups := 100
	if os.Getenv("IMAPHUB_BENCH_SCALE") == "large" {
		groups = 500
	}
	const adsPerGroup, keywordsPerGroup = 100, 2
	places := 2 * groups * adsPerGroup
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		hot := f.text("Used in a hundred thousand places")
		camp := f.campaign("SEARCH", "draft")
		off := map[string]int64{}
		for _, table := range []string{"ad_groups", "ads", "keywords", "asset_links"} {
			n, err := d.MaxID(f.ctx, table)
			if err != nil {
				t.Fatal(err)
			}
			off[table] = n
		}
		const ts = `'2026-01-01 00:00:00+00:00'`
		fill := func(n int, insert string) {
			if err := d.FillSeries(f.ctx, n, 50_000, insert, nil); err != nil {
				t.Fatal(err)
			}
		}
		err := BulkLinks(f.ctx, d, func() error {
			fill(groups, fmt.Sprintf(`INSERT INTO ad_groups (id, campaign_id, name, created_at, updated_at) SELECT %d + i, %d, 'Group ' || i, %s, %s FROM s`, off["ad_groups"], camp, ts, ts))
			fill(groups*keywordsPerGroup, fmt.Sprintf(`INSERT INTO keywords (id, ad_group_id, text, match_type, created_at, updated_at)
			SELECT %d + i, %d + 1 + (i - 1) / %d, 'keyword ' || i, 'EXACT', %s, %s FROM s`, off["keywords"], off["ad_groups"], keywordsPerGroup, ts, ts))
			fill(groups*adsPerGroup, fmt.Sprintf(`INSERT INTO ads (id, ad_group_id, final_urls, created_at, updated_at)
			SELECT %d + i, %d + 1 + (i - 1) / %d, '["https://example.com"]', %s, %s FROM s`, off["ads"], off["ad_groups"], adsPerGroup, ts, ts))
			// The links' version trigger moves the campaign's and the ad's
			// version once per row; on PostgreSQL 100,000 updates of one
			// campaign row in one transaction take minutes, and no version is
			// looked at here.
			if d.Engine == db.Postgres {
				f.exec(`ALTER TABLE asset_links DISABLE TRIGGER asset_links_version`)
				defer f.exec(`ALTER TABLE asset_links ENABLE TRIGGER asset_links_version`)
			}
			fill(2*groups*adsPerGroup, fmt.Sprintf(`INSERT INTO asset_links (id, asset_id, campaign_id, ad_group_id, ad_id, field_type, created_at)
			SELECT %d + i, %d, %d, %d + 1 + (i - 1) / %d, %d + 1 + (i - 1) / 2, CASE WHEN i %% 2 = 1 THEN 'HEADLINE' ELSE 'DESCRIPTION' END, %s FROM s`,
				off["asset_links"], hot.ID, camp, off["ad_groups"], 2*adsPerGroup, off["ads"], ts))
			return d.AfterBulkLoad(f.ctx, "ad_groups", "keywords", "ads", "asset_links")
		})
		if err != nil {
			t.Fatal(err)
		}
		checkUsageCounters(t, d, "100,000 places written")

		doc, err := f.s.WhereUsedJSON(f.ctx, hot.ID, DefaultUsageLimit)
		if err != nil {
			t.Fatal(err)
		}
		// A page of five lists, each item under 200 bytes.
		if len(doc) > 5*DefaultUsageLimit*200 {
			t.Fatalf("first answer of %d bytes for %d places", len(doc), places)
		}
		u, err := f.s.WhereUsed(f.ctx, hot.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := UsageCounts{Links: places, Campaigns: 1, AdGroups: groups, Ads: groups * adsPerGroup, Keywords: groups * keywordsPerGroup}
		if u.Counts != want || len(u.Ads) != DefaultUsageLimit || u.Next.Ads == "" || u.Next.Campaigns != "" {
			t.Fatalf("counts %+v, %d ads, next %+v; want %+v", u.Counts, len(u.Ads), u.Next, want)
		}
		big, err := f.s.WhereUsedJSON(f.ctx, hot.ID, MaxUsageLimit)
		if err != nil || len(big) > 5*MaxUsageLimit*200 {
			t.Fatalf("first answer at the largest page size: %d bytes, %v", len(big), err)
		}

		next, n := u.Next.Ads, len(u.Ads)
		last := u.Ads[len(u.Ads)-1]
		for next != "" {
			p, err := f.s.UsageAds(f.ctx, hot.ID, next, MaxUsageLimit)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range p.Items {
				if compareAds(last, a) >= 0 {
					t.Fatalf("after %d links: %+v does not follow %+v", n, a, last)
				}
				last = a
			}
			n += len(p.Items)
			next = p.NextCursor
		}
		// Strictly increasing keys over every unique link: each came once.
		if n != places {
			t.Fatalf("paged %d ad links, want %d", n, places)
		}
		kw := walk(t, u.Keywords, u.Next.Keywords, func(c string) (UsagePage[UsageKeyword], error) {
			return f.s.UsageKeywords(f.ctx, hot.ID, c, MaxUsageLimit)
		})
		if len(kw) != groups*keywordsPerGroup || !slices.IsSortedFunc(kw, compareKeywords) {
			t.Fatalf("%d keywords, want %d in order", len(kw), groups*keywordsPerGroup)
		}
	})
}

func TestWhereUsedRefusesBadCursorsAndLimits(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		a, _ := setupAPI(t, d)
		g := buildUsageGraph(a.fixture)
		base := fmt.Sprintf("/api/assets/%d/usage", g.hot.ID)

		r := a.send("GET", base+"?limit=2", "")
		var u Usage
		r.json(t, &u)
		if r.status != http.StatusOK || len(u.Ads) != 2 || u.Next.Ads == "" || u.Next.Keywords == "" || u.Limit != 2 {
			t.Fatalf("first answer: %d %s", r.status, r.body)
		}
		r = a.send("GET", base+"/ads?limit=3&cursor="+url.QueryEscape(u.Next.Ads), "")
		var p UsagePage[UsageAd]
		r.json(t, &p)
		if r.status != http.StatusOK || len(p.Items) != 3 || p.NextCursor == "" || compareAds(u.Ads[1], p.Items[0]) >= 0 {
			t.Fatalf("next page: %d %s", r.status, r.body)
		}
		// A default first answer and a page without a cursor.
		r = a.send("GET", base, "")
		u = Usage{}
		r.json(t, &u)
		if r.status != http.StatusOK || u.Limit != DefaultUsageLimit || len(u.Ads) != DefaultUsageLimit || u.Next.Ads == "" || u.Next.Campaigns != "" || len(u.Campaigns) != len(g.campaigns) {
			t.Fatalf("default first answer: %d, limit %d, %d ads, next %+v", r.status, u.Limit, len(u.Ads), u.Next)
		}
		r = a.send("GET", base+"/keywords?limit=200", "")
		var kp UsagePage[UsageKeyword]
		r.json(t, &kp)
		if r.status != http.StatusOK || len(kp.Items) != g.keywords || kp.NextCursor != "" {
			t.Fatalf("keywords from the start: %d, %d items, next %q", r.status, len(kp.Items), kp.NextCursor)
		}

		other := a.text("Unrelated asset")
		forged, _ := base64.RawURLEncoding.DecodeString(u2Cursor(t, a, base))
		for name, c := range map[string]struct {
			path   string
			status int
			where  string
		}{
			"garbage":           {base + "/ads?cursor=not*a*cursor", http.StatusBadRequest, "query.cursor"},
			"not base64 json":   {base + "/ads?cursor=" + base64.RawURLEncoding.EncodeToString([]byte("[1,2]")), http.StatusBadRequest, "query.cursor"},
			"other list":        {base + "/keywords?cursor=" + url.QueryEscape(u2Cursor(t, a, base)), http.StatusBadRequest, "query.cursor"},
			"other asset":       {fmt.Sprintf("/api/assets/%d/usage/ads?cursor=%s", other.ID, url.QueryEscape(u2Cursor(t, a, base))), http.StatusBadRequest, "query.cursor"},
			"incomplete key":    {base + "/ads?cursor=" + base64.RawURLEncoding.EncodeToString(bytes.Replace(forged, []byte(`"f":`), []byte(`"x":`), 1)), http.StatusBadRequest, "query.cursor"},
			"limit 0":           {base + "/ads?limit=0", http.StatusUnprocessableEntity, "query.limit"},
			"limit over max":    {base + fmt.Sprintf("/ads?limit=%d", MaxUsageLimit+1), http.StatusUnprocessableEntity, "query.limit"},
			"first limit large": {base + fmt.Sprintf("?limit=%d", MaxUsageLimit+1), http.StatusUnprocessableEntity, "query.limit"},
			"first limit word":  {base + "?limit=all", http.StatusUnprocessableEntity, "query.limit"},
			"unknown asset":     {"/api/assets/999999/usage/ads", http.StatusNotFound, "path.id"},
			"unknown asset 1st": {"/api/assets/999999/usage", http.StatusNotFound, "path.id"},
		} {
			r := a.send("GET", c.path, "")
			if loc, _ := r.problem(t); r.status != c.status || loc != c.where {
				t.Errorf("%s: %d at %q, want %d at %s (%.300s)", name, r.status, loc, c.status, c.where, r.body)
			}
		}
		// The service refuses the same without HTTP in front.
		_, err := a.s.UsageAds(a.ctx, g.hot.ID, "", 0)
		wantErr(t, err, errs.Invalid, "query.limit")
		_, err = a.s.WhereUsedJSON(a.ctx, g.hot.ID, MaxUsageLimit+1)
		wantErr(t, err, errs.Invalid, "query.limit")
		_, err = a.s.UsageCampaigns(a.ctx, g.hot.ID, "e30", 5) // {}
		wantErr(t, err, errs.BadRequest, "query.cursor")
	})
}

// u2Cursor returns the cursor of the second page of the ads at page size 2.
func u2Cursor(t *testing.T, a *api, base string) string {
	t.Helper()
	var u Usage
	a.send("GET", base+"?limit=2", "").json(t, &u)
	return u.Next.Ads
}
