package reporting

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/imaphub/imaphub/internal/platform/errs"
	"github.com/imaphub/imaphub/internal/platform/googleads"
)

// Searcher streams a GAQL query's answer batch by batch
// (googleads.Client.SearchStreamBatches).
type Searcher interface {
	SearchStreamBatches(ctx context.Context, customerID, query string, fn func(googleads.StreamBatch) error) error
}

// Downloader brings Google Ads reports into the fact tables: per day and
// level one GAQL query over googleAds:searchStream, each batch of the
// stream decoded into facts and upserted by an Importer in its own
// transaction as it arrives. A stream is never held whole, a batch is
// written whole or not at all, and downloading a range again changes only
// what Google changed (late conversions).
type Downloader struct {
	s   *Service
	ads Searcher
	// plain are the levels whose optional fields Google refused: they are
	// asked without them from then on.
	plain map[Level]bool
}

// NewDownloader downloads with ads into s.
func (s *Service) NewDownloader(ads Searcher) *Downloader {
	return &Downloader{s: s, ads: ads, plain: map[Level]bool{}}
}

// DownloadRequest is what to download.
type DownloadRequest struct {
	CustomerID string // ten digits, dashes allowed
	From, To   Day    // inclusive
	// Levels to download, default all (Levels).
	Levels []Level
	// Skip lists days an earlier attempt finished (a job's checkpoints).
	Skip map[Day]bool
}

// MaxDownloadDays bounds one download: three years.
const MaxDownloadDays = 3*366 + 1

// DownloadProgress is reported after each day and level.
type DownloadProgress struct {
	Done, Total int // days
	Day         Day
	Level       Level
	Rows        int  // rows of this day and level
	DayDone     bool // the day's last level
}

// DownloadResult counts what a download did.
type DownloadResult struct {
	CustomerID string        `json:"customer_id"`
	From       Day           `json:"from"`
	To         Day           `json:"to"`
	Days       int           `json:"days"`
	Rows       int           `json:"rows" doc:"Rows Google reported"`
	Written    int           `json:"written" doc:"Rows inserted or changed; rows stored with the same values are left alone"`
	Levels     map[Level]int `json:"levels" doc:"Rows per level"`
	Totals     Metrics       `json:"totals" doc:"Sums of the campaign rows"`
	RequestIDs []string      `json:"request_ids,omitempty" doc:"Google's request ids, one per query (the last 20)"`
	Elapsed    time.Duration `json:"-"`
	Import     time.Duration `json:"-"`
}

// Check validates a request: which field, why.
func (r DownloadRequest) Check(today Day) error {
	if _, err := parseCustomer(r.CustomerID); err != nil {
		return err
	}
	if r.From == 0 {
		return errs.Field("from", "required: the first day (YYYY-MM-DD)", "")
	}
	if r.From < 0 || r.From > maxDay {
		return errs.Field("from", "outside 1970-01-02 … 2199-12-31", r.From.String())
	}
	if r.To == 0 {
		return errs.Field("to", "required: the last day (YYYY-MM-DD)", "")
	}
	if r.To < 0 || r.To > maxDay {
		return errs.Field("to", "outside 1970-01-02 … 2199-12-31", r.To.String())
	}
	if r.To < r.From {
		return errs.Field("to", fmt.Sprintf("is before from (%s)", r.From), r.To.String())
	}
	if r.To > today {
		return errs.Field("to", fmt.Sprintf("in the future: Google reports days up to today (%s)", today), r.To.String())
	}
	if n := int(r.To-r.From) + 1; n > MaxDownloadDays {
		return errs.Field("from", fmt.Sprintf("the range has %d days; download at most three years (%d days) at a time", n, MaxDownloadDays), r.From.String())
	}
	for i, l := range r.Levels {
		if _, ok := levelQueries[l]; !ok {
			return errs.Field(fmt.Sprintf("levels[%d]", i), fmt.Sprintf("unknown level (want one of %v)", Levels), string(l))
		}
	}
	return nil
}

// levelQuery is the resource and fields of one level's GAQL. optional
// fields are left out when Google refuses them (an API version without
// performance labels).
type levelQuery struct {
	from     string
	fields   []string
	optional []string
}

// The metrics of every level.
var reportMetrics = []string{"metrics.impressions", "metrics.clicks", "metrics.cost_micros", "metrics.conversions", "metrics.conversions_value"}

// levelQueries are the resources and fields each level reads (reference
// §5.6–5.7): ids to key the facts, texts and labels of assets.
var levelQueries = map[Level]levelQuery{
	LevelCampaign:   {"campaign", []string{"campaign.id"}, nil},
	LevelAdGroup:    {"ad_group", []string{"campaign.id", "ad_group.id"}, nil},
	LevelAd:         {"ad_group_ad", []string{"campaign.id", "ad_group.id", "ad_group_ad.ad.id"}, nil},
	LevelKeyword:    {"keyword_view", []string{"campaign.id", "ad_group.id", "ad_group_criterion.criterion_id"}, nil},
	LevelAssetGroup: {"asset_group", []string{"campaign.id", "asset_group.id"}, nil},
	LevelAdAsset: {"ad_group_ad_asset_view", []string{"campaign.id", "ad_group.id", "ad_group_ad.ad.id", "asset.id", "asset.text_asset.text",
		"ad_group_ad_asset_view.field_type"}, []string{"ad_group_ad_asset_view.performance_label"}},
	LevelAssetGroupAsset: {"asset_group_asset", []string{"campaign.id", "asset_group.id", "asset.id", "asset.text_asset.text",
		"asset_group_asset.field_type"}, []string{"asset_group_asset.performance_label"}},
}

// Query is the GAQL that downloads a level's rows of the days from … to;
// plain leaves out the optional fields.
func Query(l Level, from, to Day, plain bool) string {
	q := levelQueries[l]
	fields := append([]string{}, q.fields...)
	if !plain {
		fields = append(fields, q.optional...)
	}
	fields = append(append(fields, "segments.date"), reportMetrics...)
	where := fmt.Sprintf("segments.date BETWEEN '%s' AND '%s'", from, to)
	if l == LevelKeyword {
		where += " AND ad_group_criterion.negative = FALSE"
	}
	return "SELECT " + strings.Join(fields, ", ") + " FROM " + q.from + " WHERE " + where
}

// Download fetches every level of every day of req and imports it,
// reporting progress after each day and level. It stops at the first
// failure: the batches written before it stay (each is complete), and a
// download of the same range later completes it.
func (d *Downloader) Download(ctx context.Context, req DownloadRequest, progress func(DownloadProgress)) (DownloadResult, error) {
	start := time.Now()
	if err := req.Check(DayOf(d.s.now())); err != nil {
		return DownloadResult{}, err
	}
	levels := req.Levels
	if len(levels) == 0 {
		levels = Levels
	}
	im, err := d.s.NewImporter(req.CustomerID, ImportOptions{})
	if err != nil {
		return DownloadResult{}, err
	}
	res := DownloadResult{CustomerID: customerText(im.customer), From: req.From, To: req.To, Days: int(req.To-req.From) + 1, Levels: map[Level]int{}}
	done := 0
	// A download is a bulk load: rows of many entities arrive in the
	// order Google sends them, not the tables' key order.
	err = d.s.db.BulkLoad(ctx, func() error {
		for day := req.From; day <= req.To; day++ {
			if req.Skip[day] {
				done++
				continue
			}
			for i, l := range levels {
				n, err := d.downloadLevel(ctx, im, l, day, &res)
				var api *googleads.APIError
				if err != nil && n == 0 && !d.plain[l] && len(levelQueries[l].optional) > 0 && errors.As(err, &api) && refusedField(api) {
					// Google does not know an optional field (a performance
					// label in another API version): the level without it.
					d.plain[l] = true
					n, err = d.downloadLevel(ctx, im, l, day, &res)
				}
				if err != nil {
					return fmt.Errorf("download %s of %s for customer %s: %w", l, day, res.CustomerID, err)
				}
				last := i == len(levels)-1
				if last {
					done++
				}
				if progress != nil {
					progress(DownloadProgress{Done: done, Total: res.Days, Day: day, Level: l, Rows: n, DayDone: last})
				}
			}
		}
		return nil
	})
	res.Elapsed = time.Since(start)
	return res, err
}

// downloadLevel streams one level of one day into the importer, a
// transaction per batch. Batches are decoded and prepared (Importer.Prepare:
// checked, resolved, ordered) while the one before is being written (at most
// two are held), so the network, the decoding and the database work at the
// same time.
func (d *Downloader) downloadLevel(ctx context.Context, im *Importer, l Level, day Day, res *DownloadResult) (int, error) {
	type batch struct {
		facts     []Fact
		prepared  *Batch
		no        int
		requestID string
	}
	rows := 0
	queue := make(chan batch, 1)
	var writeErr error
	failed := make(chan struct{})
	written := make(chan struct{})
	go func() {
		defer close(written)
		for b := range queue {
			if writeErr != nil {
				continue
			}
			t := time.Now()
			w, err := im.Commit(ctx, b.prepared)
			res.Import += time.Since(t)
			if err != nil {
				writeErr = fmt.Errorf("batch %d (request-id %s): %w", b.no, b.requestID, err)
				close(failed)
				continue
			}
			rows += len(b.facts)
			res.Rows += len(b.facts)
			res.Written += w.Written
			res.Levels[l] += len(b.facts)
			if l == LevelCampaign {
				for _, f := range b.facts {
					res.Totals.Impressions += f.Impressions
					res.Totals.Clicks += f.Clicks
					res.Totals.CostMicros += f.CostMicros
					res.Totals.Conversions += f.Conversions
					res.Totals.ConversionsValue += f.ConversionsValue
				}
			}
		}
	}()
	batchNo := 0
	var requestID string
	errStop := errors.New("the import failed")
	err := d.ads.SearchStreamBatches(ctx, res.CustomerID, Query(l, day, day, d.plain[l]), func(b googleads.StreamBatch) error {
		requestID = b.RequestID
		facts := make([]Fact, 0, len(b.Results))
		for i, raw := range b.Results {
			f, err := decodeRow(l, raw)
			if err != nil {
				return fmt.Errorf("Google's row %d of batch %d (request-id %s) is malformed: %w", i, batchNo, b.RequestID, err)
			}
			if f.Day != day {
				return fmt.Errorf("Google's row %d of batch %d (request-id %s) is for %s, not the day asked for", i, batchNo, b.RequestID, f.Day)
			}
			facts = append(facts, f)
		}
		batchNo++
		if len(facts) == 0 {
			return nil
		}
		prepared, err := im.Prepare(ctx, facts)
		if err != nil {
			return fmt.Errorf("batch %d (request-id %s): %w", batchNo-1, b.RequestID, err)
		}
		select {
		case queue <- batch{facts: facts, prepared: prepared, no: batchNo - 1, requestID: b.RequestID}:
			return nil
		case <-failed:
			return errStop
		}
	})
	close(queue)
	<-written
	if writeErr != nil {
		err = writeErr // the stream stopped because of it (errStop)
	}
	if requestID != "" {
		res.RequestIDs = append(res.RequestIDs, requestID)
		if len(res.RequestIDs) > 20 {
			res.RequestIDs = res.RequestIDs[len(res.RequestIDs)-20:]
		}
	}
	return rows, err
}

// refusedField reports whether Google refused a query for a field it does
// not know or allow.
func refusedField(api *googleads.APIError) bool {
	for _, code := range []string{"queryError.UNRECOGNIZED_FIELD", "queryError.PROHIBITED_FIELD_IN_SELECT_CLAUSE", "queryError.INVALID_FIELD_NAME_IN_SELECT_CLAUSE"} {
		if api.Has(code) {
			return true
		}
	}
	return false
}

// gInt is an int64 as Google writes it: a JSON string ("123"), or a number
// from a lenient server. What cannot be read is kept to be named later with
// its field (a decoder's error would not say which field).
type gInt struct {
	v   int64
	bad string
}

func (n *gInt) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' {
		s = s[1 : len(s)-1]
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		*n = gInt{bad: string(b)}
		return nil
	}
	*n = gInt{v: v}
	return nil
}

// gFloat is a double as proto JSON writes it: a number or a numeric string;
// "NaN" and the infinities are kept as bad (no metric is one).
type gFloat struct {
	v   float64
	bad string
}

func (f *gFloat) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' {
		s = s[1 : len(s)-1]
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		*f = gFloat{bad: string(b)}
		return nil
	}
	*f = gFloat{v: v}
	return nil
}

type idPart struct {
	ID gInt `json:"id"`
}

// reportRow is a GoogleAdsRow as far as downloads read it; other fields
// are ignored.
type reportRow struct {
	Campaign         *idPart               `json:"campaign"`
	AdGroup          *idPart               `json:"adGroup"`
	AssetGroup       *idPart               `json:"assetGroup"`
	AdGroupAd        *struct{ Ad *idPart } `json:"adGroupAd"`
	AdGroupCriterion *struct {
		CriterionID gInt `json:"criterionId"`
	} `json:"adGroupCriterion"`
	Asset *struct {
		ID        gInt `json:"id"`
		TextAsset *struct {
			Text string `json:"text"`
		} `json:"textAsset"`
	} `json:"asset"`
	AdGroupAdAssetView *assetLink `json:"adGroupAdAssetView"`
	AssetGroupAsset    *assetLink `json:"assetGroupAsset"`
	Metrics            *struct {
		Impressions      gInt   `json:"impressions"`
		Clicks           gInt   `json:"clicks"`
		CostMicros       gInt   `json:"costMicros"`
		Conversions      gFloat `json:"conversions"`
		ConversionsValue gFloat `json:"conversionsValue"`
	} `json:"metrics"`
	Segments *struct {
		Date string `json:"date"`
	} `json:"segments"`
}

type assetLink struct {
	FieldType        string `json:"fieldType"`
	PerformanceLabel string `json:"performanceLabel"`
}

// decodeRow reads one row of a level into a fact, naming what is wrong with
// a malformed one.
func decodeRow(l Level, raw json.RawMessage) (Fact, error) {
	var r reportRow
	if err := json.Unmarshal(raw, &r); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return Fact{}, fmt.Errorf("%s: want %s, got JSON %s", ute.Field, ute.Type, ute.Value)
		}
		return Fact{}, err
	}
	f := Fact{Level: l}
	if r.Segments == nil || r.Segments.Date == "" {
		return Fact{}, errors.New("segments.date is missing")
	}
	day, err := ParseDay(r.Segments.Date)
	if err != nil {
		return Fact{}, fmt.Errorf("segments.date: %w", err)
	}
	f.Day = day
	var bad []string
	ints := func(name string, n gInt) int64 {
		if n.bad != "" {
			bad = append(bad, fmt.Sprintf("%s: %s is not an int64", name, n.bad))
		}
		return n.v
	}
	id := func(name string, p *idPart) int64 {
		if p == nil {
			return 0
		}
		return ints(name+".id", p.ID)
	}
	f.CampaignID, f.AdGroupID, f.AssetGroupID = id("campaign", r.Campaign), id("adGroup", r.AdGroup), id("assetGroup", r.AssetGroup)
	if r.AdGroupAd != nil {
		f.AdID = id("adGroupAd.ad", r.AdGroupAd.Ad)
	}
	if r.AdGroupCriterion != nil {
		f.CriterionID = ints("adGroupCriterion.criterionId", r.AdGroupCriterion.CriterionID)
	}
	if r.Asset != nil {
		f.AssetID = ints("asset.id", r.Asset.ID)
		if r.Asset.TextAsset != nil {
			f.AssetText = r.Asset.TextAsset.Text
		}
	}
	link := r.AdGroupAdAssetView
	if l == LevelAssetGroupAsset {
		link = r.AssetGroupAsset
	}
	if link != nil {
		f.FieldType, f.PerformanceLabel = link.FieldType, link.PerformanceLabel
	}
	if m := r.Metrics; m != nil {
		floats := func(name string, v gFloat) float64 {
			if v.bad != "" {
				bad = append(bad, fmt.Sprintf("%s: %s is not a finite number", name, v.bad))
			}
			return v.v
		}
		f.Metrics = Metrics{Impressions: ints("metrics.impressions", m.Impressions), Clicks: ints("metrics.clicks", m.Clicks),
			CostMicros: ints("metrics.costMicros", m.CostMicros), Conversions: floats("metrics.conversions", m.Conversions),
			ConversionsValue: floats("metrics.conversionsValue", m.ConversionsValue)}
	}
	if len(bad) > 0 {
		return Fact{}, errors.New(strings.Join(bad, "; "))
	}
	if err := f.check(0); err != nil {
		if e := errs.As(err); e != nil && len(e.Fields) == 1 {
			fe := e.Fields[0]
			return Fact{}, fmt.Errorf("%s: %s (got %v)", strings.TrimPrefix(fe.Location, "facts[0]."), fe.Message, fe.Value)
		}
		return Fact{}, err
	}
	return f, nil
}
