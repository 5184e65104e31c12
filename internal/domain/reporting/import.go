package reporting

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/imaphub/imaphub/internal/platform/db"
	"github.com/imaphub/imaphub/internal/platform/errs"
)

// ImportOptions adjust an import.
type ImportOptions struct {
	// Demo marks every row as demo data (shown as such by the API).
	Demo bool
}

// Importer writes one account's report rows. Each Write is one transaction
// that upserts its facts by day and entity: writing the same rows twice
// changes nothing, and a changed row (late conversions) replaces the old.
// Our ids are resolved once per importer from the resource names publishing
// stored for the account, and for texts from the asset library by content.
// An Importer is not safe for concurrent use.
type Importer struct {
	s        *Service
	customer int64
	opts     ImportOptions

	names     map[resourceKey]resolved // loaded on the first Write
	textAsset map[string]int64         // content hash → our asset id (0: none)
	byGoogle  map[int64]int64          // Google asset id → our asset id after a text lookup (0: not ours)
	recorded  map[int64]int64          // Google campaign id → ours, in report_campaigns
	rollups   rollupCache              // what this importer knows of the account's rollups
}

// ImportResult counts what a Write did.
type ImportResult struct {
	// Rows is the facts given, after dropping repeats of one key within the
	// batch (the last one counts).
	Rows int
	// Written is the rows inserted or changed; rows already stored with the
	// same values are left alone.
	Written int
}

// NewImporter prepares the import of rows of the account customerID (ten
// digits; dashes are ignored).
func (s *Service) NewImporter(customerID string, opts ImportOptions) (*Importer, error) {
	id, err := parseCustomer(customerID)
	if err != nil {
		return nil, err
	}
	return &Importer{s: s, customer: id, opts: opts, textAsset: map[string]int64{}, byGoogle: map[int64]int64{}, recorded: map[int64]int64{}}, nil
}

// parseCustomer reads a Google Ads customer id: ten digits, dashes allowed.
func parseCustomer(s string) (int64, error) {
	digits := strings.ReplaceAll(strings.TrimSpace(s), "-", "")
	id, err := strconv.ParseInt(digits, 10, 64)
	if len(digits) != 10 || err != nil || id <= 0 {
		return 0, errs.Field("customer_id", "a Google Ads customer id is ten digits, e.g. 123-456-7890", s)
	}
	return id, nil
}

// customerText is the ten-digit form publishing stores.
func customerText(id int64) string { return fmt.Sprintf("%010d", id) }

// Write validates, resolves and upserts facts in one transaction. A fact
// that cannot be stored refuses the whole batch with an error naming it
// (facts[i].field).
func (im *Importer) Write(ctx context.Context, facts []Fact) (ImportResult, error) {
	b, err := im.Prepare(ctx, facts)
	if err != nil {
		return ImportResult{}, err
	}
	return im.Commit(ctx, b)
}

// Batch is a batch of facts checked, resolved and in key order, ready to
// be written (Importer.Prepare, Importer.Commit).
type Batch struct {
	entity                  []factRow
	asset                   []assetFactRow
	entityOrder, assetOrder []int32
	campaigns               map[int64]int64 // Google campaign → ours, as the facts name them
}

// Rows is the facts of b, after dropping repeats of one key.
func (b *Batch) Rows() int { return len(b.entityOrder) + len(b.assetOrder) }

// Prepare is the part of Write that needs no transaction: it validates
// facts, resolves our ids and orders the rows. One goroutine may prepare the
// next batch while another commits the one before (the downloader does), so
// the database and the rest of the work run at the same time; Prepare is
// not safe for concurrent use with itself, nor Commit with itself.
func (im *Importer) Prepare(ctx context.Context, facts []Fact) (*Batch, error) {
	for i, f := range facts {
		if err := f.check(i); err != nil {
			return nil, err
		}
	}
	if err := im.resolve(ctx, facts); err != nil {
		return nil, err
	}
	b := &Batch{campaigns: map[int64]int64{}}
	b.entity, b.asset = im.rows(facts)
	b.entityOrder = keyOrder(len(b.entity), func(i, j int) int { return b.entity[i].compare(&b.entity[j].factKey) })
	b.assetOrder = keyOrder(len(b.asset), func(i, j int) int { return b.asset[i].compare(&b.asset[j].assetFactKey) })
	for _, f := range facts {
		if id := f.Ours.CampaignID; id != 0 {
			b.campaigns[f.CampaignID] = id
		}
	}
	return b, nil
}

// Commit writes a prepared batch in one transaction (see Write).
func (im *Importer) Commit(ctx context.Context, b *Batch) (ImportResult, error) {
	entity, asset, entityOrder, assetOrder := b.entity, b.asset, b.entityOrder, b.assetOrder
	res := ImportResult{Rows: b.Rows()}
	campaigns := im.newCampaigns(b.campaigns)
	restore, err := im.s.importSettings(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	defer restore()
	var epoch int64
	err = im.s.db.InTxRaw(ctx, func(tx db.Conn) error {
		if tx.Engine() == db.Postgres {
			// The commit does not wait for its write-ahead log to reach the
			// disk (a wait per batch). A crash can lose the last batches'
			// rows, never part of a batch: the download job's progress is
			// committed synchronously after its batches, which flushes the
			// log up to them, so a retry downloads again every day whose
			// rows may be lost (imports are idempotent).
			if _, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
				return fmt.Errorf("import settings: %w", err)
			}
		}
		if err := recordCampaigns(ctx, tx, im.customer, campaigns); err != nil {
			return fmt.Errorf("record report campaigns: %w", err)
		}
		n, err := writeRows(ctx, tx, im.customer, entity, entityOrder, asset, assetOrder, &im.rollups)
		if err != nil {
			return err
		}
		res.Written = n
		epoch, err = bumpEpochTo(ctx, tx)
		return err
	})
	if err != nil {
		im.rollups.reset() // it may hold what the transaction rolled back
		return ImportResult{}, err
	}
	im.rollups.committed(epoch)
	for gid, id := range campaigns {
		im.recorded[gid] = id
	}
	return res, nil
}

// newCampaigns are the Google campaigns of a batch (Google's id → ours)
// not recorded by this importer yet.
func (im *Importer) newCampaigns(campaigns map[int64]int64) map[int64]int64 {
	out := map[int64]int64{}
	for gid, id := range campaigns {
		if im.recorded[gid] != id {
			out[gid] = id
		}
	}
	return out
}

// rows turns facts into stored rows, repeats of a key included (see
// keyOrder).
func (im *Importer) rows(facts []Fact) ([]factRow, []assetFactRow) {
	demo := 0
	if im.opts.Demo {
		demo = 1
	}
	var entity []factRow
	var asset []assetFactRow
	for _, f := range facts {
		o := f.Ours
		if f.Level.isAsset() {
			r := assetFactRow{
				assetFactKey: assetFactKey{campaignGID: f.CampaignID, group: f.AdGroupID, ad: f.AdID, asset: f.AssetID, fieldType: f.FieldType, day: f.Day},
				ours:         Ours{CampaignID: o.CampaignID, AdGroupID: o.AdGroupID, AdID: o.AdID, AssetID: o.AssetID},
				label:        labelCode(f.PerformanceLabel), m: f.Metrics, demo: demo,
			}
			if f.Level == LevelAssetGroupAsset {
				r.group, r.ad = f.AssetGroupID, 0
				r.ours.AdGroupID, r.ours.AdID, r.ours.AssetGroupID = 0, 0, o.AssetGroupID
			}
			asset = append(asset, r)
			continue
		}
		r := factRow{factKey: factKey{campaignGID: f.CampaignID, level: f.Level, day: f.Day}, campaign: o.CampaignID, m: f.Metrics, demo: demo}
		switch f.Level {
		case LevelCampaign:
			r.gid, r.parent, r.entity = f.CampaignID, f.CampaignID, o.CampaignID
		case LevelAdGroup:
			r.gid, r.parent, r.adGroup, r.entity = f.AdGroupID, f.CampaignID, o.AdGroupID, o.AdGroupID
		case LevelAd:
			r.gid, r.parent, r.adGroup, r.entity = f.AdID, f.AdGroupID, o.AdGroupID, o.AdID
		case LevelKeyword:
			r.gid, r.parent, r.adGroup, r.entity = f.CriterionID, f.AdGroupID, o.AdGroupID, o.KeywordID
		case LevelAssetGroup:
			r.gid, r.parent, r.entity = f.AssetGroupID, f.CampaignID, o.AssetGroupID
		}
		entity = append(entity, r)
	}
	for i := range entity {
		entity[i].customer = im.customer
	}
	for i := range asset {
		asset[i].customer = im.customer
	}
	return entity, asset
}
