package reporting

import (
	"context"

	"github.com/imaphub/imaphub/internal/platform/db"
)

// DropPlaces removes every fact of customer's places of asset with the ad
// and asset group given (0: none) and field type, as facts leaving their
// place do (applyPlaceOps): their days are deleted, the running sums and
// the asset's day sums follow.
func DropPlaces(ctx context.Context, tx db.Conn, customer string, asset, ad, assetGroup int64, field string) error {
	id, err := parseCustomer(customer)
	if err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT p.id, p.google_campaign_id, p.google_group_id, p.google_ad_id, p.google_asset_id, p.field_type,
		p.campaign_id, p.ad_group_id, p.ad_id, p.asset_group_id, p.asset_id,
		d.day, d.code, d.n, d.demo, d.impressions, d.clicks, d.cost_micros, d.conversions_micro, d.value_micro
		FROM report_asset_places p JOIN report_asset_place_days d ON d.place_id = p.id
		WHERE p.customer_id = ? AND p.asset_id = ? AND p.ad_id = ? AND p.asset_group_id = ? AND p.field_type = ?
		ORDER BY p.id, d.day`, id, asset, ad, assetGroup, field)
	if err != nil {
		return err
	}
	var ops []placeFact
	var prev runningRow
	for rows.Next() {
		var f placeFact
		k := &f.key
		if err := rows.Scan(&f.place, &k.campaignGID, &k.group, &k.ad, &k.googleAsset, &k.fieldType, &k.campaign, &k.adGroup, &k.adID,
			&k.assetGroup, &k.asset, &f.day, &f.code, &f.n, &f.demo, &f.imp, &f.clk, &f.cost, &f.conv, &f.val); err != nil {
			rows.Close()
			return err
		}
		before := prev
		prev = f.runningRow
		prev.place = f.place
		if before.place != f.place || before.day/rollupBlock != f.day/rollupBlock {
			before = runningRow{}
		}
		f.kind, f.sums = opDelete, before.sums.minus(&f.sums)
		ops = append(ops, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return applyPlaceOps(ctx, tx, id, ops, &rollupCache{})
}

// RollupBlock is the days of a block of running sums.
const RollupBlock = rollupBlock
