package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"time"

	"github.com/imaphub/imaphub/internal/domain/campaigns"
	"github.com/imaphub/imaphub/internal/domain/reporting"
)

// Demo metrics: what Google Ads would have reported for the demo account over
// the MetricsDays days up to yesterday, so the dashboards of `make run` show
// something. The numbers follow a tyre retailer's year (winter tyres peak in
// October and November, a smaller spring peak when summer tyres go on),
// weekdays outsell weekends, and every value carries noise. A few headlines
// clearly win or lose, so the asset ranking shows something, with the labels
// Google would give them.
//
// Every value is a function of the entity and the day only (no random state
// and no clock except the window), so loading the metrics again on the same
// day writes nothing, and on a later day adds the new days and leaves the
// old ones as they were.
//
// The demo campaigns were never published, so publishing holds no Google
// resource names for them and the importer has nothing to resolve Google ids
// with. The demo invents Google ids instead (a fixed base per kind plus our
// id, see googleID) in an account of its own (MetricsCustomer), and sets our
// ids on every fact itself (Fact.Ours), which the importer takes as they are
// and from which it records the Google campaign of each of our campaigns in
// report_campaigns: the dashboards find the demo facts exactly as they find
// downloaded ones. Should a demo campaign be published later, its real
// metrics arrive under the real account with Google's real ids and are
// stored next to the demo rows, which stay marked as demo data.

// MetricsCustomer is the made-up Google Ads account the demo metrics are
// filed under (555 is the prefix of fictional numbers).
const MetricsCustomer = "555-000-2026"

// MetricsDays is how many days of demo metrics are loaded, ending yesterday.
const MetricsDays = 120

// MetricsSummary says what LoadMetrics found and wrote.
type MetricsSummary struct {
	Campaigns int
	From, To  reporting.Day
	// Rows is the facts given to the importer, Written those it inserted or
	// changed (0 when the same days were loaded before).
	Rows, Written int
}

// Google id bases of the demo's made-up ids, one per kind, far apart so the
// kinds never meet (Google's ids are unique per kind only, but distinct
// ranges make the demo's rows easy to read).
const (
	gCampaign   int64 = 21_000_000_000
	gAdGroup    int64 = 152_000_000_000
	gAd         int64 = 703_000_000_000
	gCriterion  int64 = 400_000_000_000
	gAssetGroup int64 = 6_000_000_000
	gAsset      int64 = 181_000_000_000
)

func googleID(base, ours int64) int64 { return base + ours }

// LoadMetrics writes the demo metrics of the demo account's campaigns (found
// by their names; a database without them gets none) for the MetricsDays
// days before today's date. It is idempotent: the importer upserts by day
// and entity.
func LoadMetrics(ctx context.Context, cs *campaigns.Service, rs *reporting.Service, today time.Time) (MetricsSummary, error) {
	to := reporting.DayOf(today) - 1
	sum := MetricsSummary{From: to - MetricsDays + 1, To: to}
	var facts []reporting.Fact
	for _, c := range []campaigns.CampaignInput{german, english, pmax} {
		id, err := findCampaign(ctx, cs, c.Name)
		if err != nil {
			return sum, err
		}
		if id == 0 {
			continue
		}
		tree, err := cs.Tree(ctx, id)
		if err != nil {
			return sum, fmt.Errorf("demo metrics: campaign %q: %w", c.Name, err)
		}
		sum.Campaigns++
		m := demoModels[c.Name]
		for d := sum.From; d <= sum.To; d++ {
			facts = append(facts, campaignFacts(tree, m, d, to)...)
		}
	}
	if len(facts) == 0 {
		return sum, nil
	}
	im, err := rs.NewImporter(MetricsCustomer, reporting.ImportOptions{Demo: true})
	if err != nil {
		return sum, err
	}
	res, err := im.Write(ctx, facts)
	if err != nil {
		return sum, fmt.Errorf("demo metrics: %w", err)
	}
	sum.Rows, sum.Written = res.Rows, res.Written
	return sum, nil
}

// findCampaign is the id of the oldest campaign named name, 0 when none is.
func findCampaign(ctx context.Context, cs *campaigns.Service, name string) (int64, error) {
	p, err := campaigns.NewListParams("created", "", 500)
	if err != nil {
		return 0, err
	}
	page, err := cs.ListCampaigns(ctx, campaigns.CampaignFilter{Query: name}, p)
	if err != nil {
		return 0, fmt.Errorf("demo metrics: find campaign %q: %w", name, err)
	}
	for _, c := range page.Items {
		if c.Name == name {
			return c.ID, nil
		}
	}
	return 0, nil
}

// campaignModel is how one demo campaign performs on an average day.
type campaignModel struct {
	impressions float64   // a day's impressions at the yearly average, on an average weekday
	groupShare  []float64 // share of each ad group (by position), the rest evenly
	cpcMicros   float64   // average cost per click
	convRate    float64   // conversions per click
	orderValue  float64   // conversion value per conversion
	ctr         float64   // of a Performance Max campaign (search campaigns: per keyword)
}

var demoModels = map[string]campaignModel{
	german.Name:  {impressions: 1900, groupShare: []float64{0.55, 0.25, 0.20}, cpcMicros: 720_000, convRate: 0.052, orderValue: 236},
	english.Name: {impressions: 760, groupShare: []float64{0.7, 0.3}, cpcMicros: 810_000, convRate: 0.041, orderValue: 214},
	pmax.Name:    {impressions: 5200, cpcMicros: 390_000, convRate: 0.031, orderValue: 198, ctr: 0.0165},
}

// Click-through rates of a keyword by match type: exact matches the
// searcher's intent best.
var matchCTR = map[string]float64{"EXACT": 0.089, "PHRASE": 0.057, "BROAD": 0.031}
var matchShare = map[string]float64{"EXACT": 0.22, "PHRASE": 0.46, "BROAD": 0.32}

// Texts that clearly win or lose against the others of their ad: their
// factor scales how often Google shows them and how often they are clicked.
// The rest get a factor between 0.85 and 1.15 from their text.
var textQuality = map[string]float64{
	"Kostenlose Lieferung":          1.65,
	"Top-Marken ab 49 € je Reifen":  1.45,
	"Winterreifen ab 49 €":          1.6,
	"Winter Tyres Delivered Free":   1.55,
	"Kein Reifenwechsel mehr nötig": 1.4,
	"Reifen Müller seit 1982":       0.42,
	"Sicher durch den Winter":       0.5,
	"One Tyre for Every Season":     0.48,
	"Einlagerung ab 39 € je Saison": 0.55,
}

// learningText is a headline Google is still learning about: it was added
// to its ad learningDays ago, so it has data only since then.
const (
	learningText = "Drive Safely All Winter"
	learningDays = 9
)

func quality(text string) float64 {
	if q, ok := textQuality[text]; ok {
		return q
	}
	if text == "" {
		return 1
	}
	return 0.85 + 0.3*unit(hashString(text), 0)
}

// label is Google's performance label of an asset of quality q.
func label(q float64) string {
	switch {
	case q >= 1.3:
		return "BEST"
	case q < 0.7:
		return "LOW"
	}
	return "GOOD"
}

// metrics are a day's figures before they are rounded for storage.
type metrics struct{ imp, clicks, cost, conv, value float64 }

func (m metrics) add(o metrics) metrics {
	return metrics{m.imp + o.imp, m.clicks + o.clicks, m.cost + o.cost, m.conv + o.conv, m.value + o.value}
}

func (m metrics) scale(f float64) metrics {
	return metrics{m.imp * f, m.clicks * f, m.cost * f, m.conv * f, m.value * f}
}

// stored rounds m as Google reports it: whole impressions and clicks, cost
// in whole cents, conversions and their value to two decimals. Clicks never
// exceed impressions, nor conversions clicks.
func (m metrics) stored() reporting.Metrics {
	imp := int64(math.Round(m.imp))
	clicks := min(int64(math.Round(m.clicks)), imp)
	cost := int64(math.Round(m.cost/10_000)) * 10_000
	if clicks == 0 {
		cost = 0
	}
	conv := math.Min(math.Round(m.conv*100)/100, float64(clicks))
	value := math.Round(m.value*100) / 100
	if conv == 0 {
		value = 0
	}
	return reporting.Metrics{Impressions: imp, Clicks: clicks, CostMicros: cost, Conversions: conv, ConversionsValue: value}
}

// campaignFacts are the facts of one campaign on day d: keywords, ads, ad
// groups and the campaign of a search campaign, each level the sum of the
// one below; asset groups and the campaign of Performance Max; and the
// assets of every ad and asset group.
func campaignFacts(tree campaigns.Tree, m campaignModel, d, last reporting.Day) []reporting.Fact {
	c := tree.Campaign
	gc := googleID(gCampaign, c.ID)
	season := seasonal(d) * weekday(d)
	var out []reporting.Fact
	var total metrics
	for gi, g := range tree.AdGroups {
		share := groupShare(m.groupShare, gi, len(tree.AdGroups))
		var group metrics
		var weights float64
		for _, k := range g.Keywords {
			if !k.Negative {
				weights += matchShare[k.MatchType]
			}
		}
		for _, k := range g.Keywords {
			if k.Negative || weights == 0 {
				continue
			}
			key := uint64(k.ID)<<20 ^ 0x6b
			kq := 0.8 + 0.4*unit(key, 0) // the keyword's own relevance
			imp := m.impressions * share * matchShare[k.MatchType] / weights * season * kq * noise(key, d, 1, 0.16)
			clicks := imp * matchCTR[k.MatchType] * kq * noise(key, d, 2, 0.12)
			cpc := m.cpcMicros * (0.7 + 0.6*unit(key, 1)) * noise(key, d, 3, 0.08)
			conv := clicks * m.convRate * noise(key, d, 4, 0.3)
			km := metrics{imp, clicks, clicks * cpc, conv, conv * m.orderValue * noise(key, d, 5, 0.1)}
			group = group.add(km)
			out = append(out, reporting.Fact{Level: reporting.LevelKeyword, Day: d, CampaignID: gc,
				AdGroupID: googleID(gAdGroup, g.ID), CriterionID: googleID(gCriterion, k.ID), Metrics: km.stored(),
				Ours: reporting.Ours{CampaignID: c.ID, AdGroupID: g.ID, KeywordID: k.ID}})
		}
		total = total.add(group)
		out = append(out, reporting.Fact{Level: reporting.LevelAdGroup, Day: d, CampaignID: gc, AdGroupID: googleID(gAdGroup, g.ID),
			Metrics: group.stored(), Ours: reporting.Ours{CampaignID: c.ID, AdGroupID: g.ID}})
		for _, ad := range g.Ads {
			am := group.scale(1 / float64(len(g.Ads)))
			ours := reporting.Ours{CampaignID: c.ID, AdGroupID: g.ID, AdID: ad.ID}
			base := reporting.Fact{Day: d, CampaignID: gc, AdGroupID: googleID(gAdGroup, g.ID), AdID: googleID(gAd, ad.ID), Ours: ours}
			f := base
			f.Level, f.Metrics = reporting.LevelAd, am.stored()
			out = append(out, f)
			base.Level = reporting.LevelAdAsset
			out = append(out, assetFacts(base, am, d, last, "HEADLINE", 3, adTexts(ad.Headlines))...)
			out = append(out, assetFacts(base, am, d, last, "DESCRIPTION", 2, adTexts(ad.Descriptions))...)
		}
	}
	for _, ag := range tree.AssetGroups {
		key := uint64(ag.ID)<<20 ^ 0x9a
		imp := m.impressions / float64(len(tree.AssetGroups)) * season * noise(key, d, 1, 0.14)
		clicks := imp * m.ctr * noise(key, d, 2, 0.1)
		conv := clicks * m.convRate * noise(key, d, 4, 0.25)
		gm := metrics{imp, clicks, clicks * m.cpcMicros * noise(key, d, 3, 0.07), conv, conv * m.orderValue * noise(key, d, 5, 0.1)}
		total = total.add(gm)
		ours := reporting.Ours{CampaignID: c.ID, AssetGroupID: ag.ID}
		out = append(out, reporting.Fact{Level: reporting.LevelAssetGroup, Day: d, CampaignID: gc, AssetGroupID: googleID(gAssetGroup, ag.ID),
			Metrics: gm.stored(), Ours: ours})
		byField := map[string][]text{}
		var fields []string
		for _, a := range ag.Assets {
			if _, seen := byField[a.FieldType]; !seen {
				fields = append(fields, a.FieldType)
			}
			byField[a.FieldType] = append(byField[a.FieldType], text{a.AssetID, a.Text})
		}
		base := reporting.Fact{Level: reporting.LevelAssetGroupAsset, Day: d, CampaignID: gc, AssetGroupID: googleID(gAssetGroup, ag.ID), Ours: ours}
		for _, field := range fields {
			out = append(out, assetFacts(base, gm, d, last, field, 1, byField[field])...)
		}
	}
	out = append(out, reporting.Fact{Level: reporting.LevelCampaign, Day: d, CampaignID: gc, Metrics: total.stored(),
		Ours: reporting.Ours{CampaignID: c.ID}})
	return out
}

func groupShare(shares []float64, i, n int) float64 {
	if i < len(shares) {
		return shares[i]
	}
	return 1 / float64(n)
}

type text struct {
	assetID int64
	text    string
}

func adTexts(ts []campaigns.AdText) []text {
	out := make([]text, len(ts))
	for i, t := range ts {
		out[i] = text{t.AssetID, t.Text}
	}
	return out
}

// assetFacts are the facts of the assets of one field of an ad or asset
// group on day d: each impression of the owner shows `shown` of them, the
// better ones more often; an asset's clicks and conversions follow its
// quality. A text still learning has data only for the last learningDays
// days up to last.
func assetFacts(base reporting.Fact, owner metrics, d, last reporting.Day, field string, shown int, texts []text) []reporting.Fact {
	// The shares do not depend on the window (a text still learning counts
	// on its days without data too), so the other texts' rows of a day stay
	// the same whenever the day is loaded.
	var weights, served, sharesSum float64
	for _, t := range texts {
		weights += quality(t.text)
	}
	shares := make([]float64, len(texts))
	for i, t := range texts {
		shares[i] = math.Min(0.97, float64(shown)*quality(t.text)/weights)
		served += shares[i] * quality(t.text)
		sharesSum += shares[i]
	}
	mean := served / sharesSum // the quality of an average impression
	var out []reporting.Fact
	for i, t := range texts {
		if t.text == learningText && d <= last-learningDays {
			continue
		}
		q := quality(t.text)
		key := uint64(t.assetID)<<24 ^ uint64(base.AdID+base.AssetGroupID)
		seen := owner.imp * shares[i] * noise(key, d, 6, 0.05)
		rel := q / mean // the asset's click-through against the owner's
		clicks := owner.clicks * shares[i] * rel * noise(key, d, 7, 0.08)
		conv := owner.conv * shares[i] * rel * noise(key, d, 8, 0.15)
		cpc := 0.0
		if owner.clicks > 0 {
			cpc = owner.cost / owner.clicks
		}
		am := metrics{seen, clicks, clicks * cpc, conv, conv * valuePer(owner)}
		f := base
		f.FieldType, f.AssetID, f.AssetText = field, googleID(gAsset, t.assetID), t.text
		f.Ours.AssetID = t.assetID
		f.PerformanceLabel = label(q)
		if t.text == learningText {
			f.PerformanceLabel = "LEARNING"
		}
		f.Metrics = am.stored()
		out = append(out, f)
	}
	return out
}

func valuePer(m metrics) float64 {
	if m.conv == 0 {
		return 0
	}
	return m.value / m.conv
}

// seasonal is the yearly curve of tyre searches: a winter peak at the end
// of October, a smaller spring peak in early April, a quiet summer.
func seasonal(d reporting.Day) float64 {
	doy := float64(d.Time().YearDay())
	bump := func(center, width float64) float64 {
		dist := math.Abs(doy - center)
		dist = math.Min(dist, 365-dist)
		return math.Exp(-(dist / width) * (dist / width))
	}
	return 0.55 + 1.5*bump(300, 38) + 0.45*bump(95, 22)
}

// weekday: people shop for tyres on weekdays, least on Saturdays.
func weekday(d reporting.Day) float64 {
	return [...]float64{time.Sunday: 0.78, time.Monday: 1.09, time.Tuesday: 1.07, time.Wednesday: 1.04,
		time.Thursday: 1.02, time.Friday: 0.93, time.Saturday: 0.7}[d.Time().Weekday()]
}

// noise is a factor around 1 (log-normal, sigma spread) that depends only
// on the entity key, the day and which figure it is for.
func noise(key uint64, d reporting.Day, figure uint64, spread float64) float64 {
	u1 := unit(key^uint64(d)<<8, figure*2+1)
	u2 := unit(key^uint64(d)<<8, figure*2+2)
	g := math.Sqrt(-2*math.Log(1-u1)) * math.Cos(2*math.Pi*u2)
	return math.Exp(spread*g - spread*spread/2)
}

// unit is a number in [0, 1) that depends only on key and salt.
func unit(key, salt uint64) float64 {
	x := key + salt*0x9e3779b97f4a7c15
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
