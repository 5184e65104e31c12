package reporting

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// Day is a calendar date as Google reports it (segments.date, in the
// account's time zone), counted in days since 1970-01-01. It is stored as
// that integer and written as YYYY-MM-DD.
type Day int

const dayLayout = "2006-01-02"

// ParseDay reads a YYYY-MM-DD date.
func ParseDay(s string) (Day, error) {
	t, err := time.Parse(dayLayout, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return DayOf(t), nil
}

// DayOf is the calendar date of t in t's location.
func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	return Day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Time is midnight UTC of the day.
func (d Day) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

func (d Day) String() string { return d.Time().Format(dayLayout) }

// MarshalText writes YYYY-MM-DD.
func (d Day) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD.
func (d *Day) UnmarshalText(b []byte) error {
	v, err := ParseDay(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Schema describes a Day in the API document.
func (Day) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: "string", Format: "date", Examples: []any{"2026-03-01"}}
}

// Level is what a fact reports on.
type Level string

const (
	LevelCampaign   Level = "campaign"
	LevelAdGroup    Level = "ad_group"
	LevelAd         Level = "ad"
	LevelKeyword    Level = "keyword"
	LevelAssetGroup Level = "asset_group"
	// LevelAdAsset is an asset in a responsive search ad
	// (ad_group_ad_asset_view).
	LevelAdAsset Level = "ad_asset"
	// LevelAssetGroupAsset is an asset in a Performance Max asset group
	// (asset_group_asset).
	LevelAssetGroupAsset Level = "asset_group_asset"
)

// Levels lists every level, entity levels first.
var Levels = []Level{LevelCampaign, LevelAdGroup, LevelAd, LevelKeyword, LevelAssetGroup, LevelAdAsset, LevelAssetGroupAsset}

func (l Level) isAsset() bool { return l == LevelAdAsset || l == LevelAssetGroupAsset }

// Metrics are the measures Google reports for a day and entity. Counts and
// money (micros of the account currency) are integers; conversions are
// fractional.
type Metrics struct {
	Impressions      int64   `json:"impressions"`
	Clicks           int64   `json:"clicks"`
	CostMicros       int64   `json:"cost_micros"`
	Conversions      float64 `json:"conversions"`
	ConversionsValue float64 `json:"conversions_value"`
}

// Performance labels Google gives an asset (AssetPerformanceLabel), in the
// order stored: 0 is none.
var performanceLabels = []string{"", "UNKNOWN", "PENDING", "LEARNING", "LOW", "GOOD", "BEST"}

// labelCode is the stored code of a label; labels Google adds later count
// as UNKNOWN, UNSPECIFIED as none.
func labelCode(s string) int {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" || s == "UNSPECIFIED" {
		return 0
	}
	for i, l := range performanceLabels {
		if l == s {
			return i
		}
	}
	return 1
}

// labelName is the label of a stored code.
func labelName(code int) string {
	if code < 0 || code >= len(performanceLabels) {
		return ""
	}
	return performanceLabels[code]
}

// Fact is one row of a Google Ads report: a day's metrics of one entity of
// one account. Which Google ids must be set depends on the level:
//
//	campaign            CampaignID
//	ad_group            CampaignID, AdGroupID
//	ad                  CampaignID, AdGroupID, AdID
//	keyword             CampaignID, AdGroupID, CriterionID
//	asset_group         CampaignID, AssetGroupID
//	ad_asset            CampaignID, AdGroupID, AdID, AssetID, FieldType
//	asset_group_asset   CampaignID, AssetGroupID, AssetID, FieldType
type Fact struct {
	Level Level
	Day   Day
	// Google's ids (customer.id, campaign.id, ad_group.id, ad_group_ad.ad.id,
	// ad_group_criterion.criterion_id, asset_group.id, asset.id).
	CampaignID, AdGroupID, AdID, CriterionID, AssetGroupID, AssetID int64
	// FieldType is Google's AssetFieldType of an asset fact (HEADLINE,
	// DESCRIPTION, LONG_HEADLINE, BUSINESS_NAME, MARKETING_IMAGE, …).
	FieldType string
	// AssetText is a text asset's text (asset.text_asset.text): responsive
	// search ads hold their texts inline, so Google's asset is matched to
	// ours by content.
	AssetText string
	// PerformanceLabel is Google's label of an asset fact (BEST, GOOD, LOW,
	// LEARNING, PENDING, UNKNOWN), "" when not reported.
	PerformanceLabel string
	Metrics
	// Ours are our ids of the entity. The importer resolves them; a loader
	// of data about our own entities (the demo account) may set them.
	Ours Ours
}

// Ours are our ids behind a fact; zero where unknown.
type Ours struct {
	CampaignID, AdGroupID, AdID, KeywordID, AssetGroupID, AssetID int64
}

// check refuses a fact that cannot be stored, naming the field.
func (f Fact) check(i int) error {
	at := func(field string) string { return fmt.Sprintf("facts[%d].%s", i, field) }
	need := func(field string, v int64) error {
		if v <= 0 {
			return errFact(at(field), fmt.Sprintf("required for level %s (a Google id > 0)", f.Level), v)
		}
		return nil
	}
	var required []struct {
		name string
		v    int64
	}
	add := func(name string, v int64) {
		required = append(required, struct {
			name string
			v    int64
		}{name, v})
	}
	add("campaign_id", f.CampaignID)
	switch f.Level {
	case LevelCampaign:
	case LevelAdGroup:
		add("ad_group_id", f.AdGroupID)
	case LevelAd:
		add("ad_group_id", f.AdGroupID)
		add("ad_id", f.AdID)
	case LevelKeyword:
		add("ad_group_id", f.AdGroupID)
		add("criterion_id", f.CriterionID)
	case LevelAssetGroup:
		add("asset_group_id", f.AssetGroupID)
	case LevelAdAsset:
		add("ad_group_id", f.AdGroupID)
		add("ad_id", f.AdID)
		add("asset_id", f.AssetID)
	case LevelAssetGroupAsset:
		add("asset_group_id", f.AssetGroupID)
		add("asset_id", f.AssetID)
	default:
		return errFact(at("level"), fmt.Sprintf("unknown level (want one of %v)", Levels), string(f.Level))
	}
	for _, r := range required {
		if err := need(r.name, r.v); err != nil {
			return err
		}
	}
	if f.Level.isAsset() && !validFieldType(f.FieldType) {
		return errFact(at("field_type"), "required for an asset: Google's field type, e.g. HEADLINE", f.FieldType)
	}
	if f.Day <= 0 || f.Day > maxDay {
		return errFact(at("day"), "outside 1970-01-02 … 2199-12-31", int(f.Day))
	}
	for _, m := range []struct {
		name string
		v    int64
	}{{"impressions", f.Impressions}, {"clicks", f.Clicks}, {"cost_micros", f.CostMicros}} {
		if m.v < 0 {
			return errFact(at(m.name), "must not be negative", m.v)
		}
	}
	for _, m := range []struct {
		name string
		v    float64
	}{{"conversions", f.Conversions}, {"conversions_value", f.ConversionsValue}} {
		if math.IsNaN(m.v) || math.IsInf(m.v, 0) {
			return errFact(at(m.name), "must be a finite number", fmt.Sprint(m.v))
		}
	}
	return nil
}

// maxDay is 2199-12-31.
var maxDay = DayOf(time.Date(2199, 12, 31, 0, 0, 0, 0, time.UTC))

func validFieldType(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}
