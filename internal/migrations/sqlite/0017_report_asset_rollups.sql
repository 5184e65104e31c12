-- Rollups of report_asset_facts (internal/domain/reporting, rollup.go), so
-- the first read of an asset's report or a campaign's asset ranking after
-- an import reads a few rows per place instead of every fact of the range.
-- They are derived data: every write of asset facts refreshes them in the
-- same transaction, for the customer and the days it wrote; only facts of
-- our assets (asset_id set) are rolled up.
--
-- A place is what one row of facts a day is about: the Google ids and the
-- field type, with our ids as the facts carry them (0 where unknown), so
-- every fact is in exactly one place.
CREATE TABLE report_asset_places (
    id                 INTEGER PRIMARY KEY,
    customer_id        INTEGER NOT NULL,
    google_campaign_id INTEGER NOT NULL,
    google_group_id    INTEGER NOT NULL,
    google_ad_id       INTEGER NOT NULL,
    google_asset_id    INTEGER NOT NULL,
    field_type         TEXT    NOT NULL,
    campaign_id        INTEGER NOT NULL,
    ad_group_id        INTEGER NOT NULL,
    ad_id              INTEGER NOT NULL,
    asset_group_id     INTEGER NOT NULL,
    asset_id           INTEGER NOT NULL,
    UNIQUE (customer_id, google_campaign_id, google_group_id, google_ad_id, google_asset_id, field_type,
        campaign_id, ad_group_id, ad_id, asset_group_id, asset_id)
);
CREATE INDEX report_asset_places_asset ON report_asset_places (asset_id);

-- Running sums of a place's facts within blocks of 128 days (block = day
-- / 128), one row per place and day with facts: the sums of the place's facts
-- from the block's first day to this day. A range's totals in a place are
-- a few rows found by key: the last row before the range in its first
-- block (subtracted), the last row of each block the range covers up to
-- its last block, and the last row of the range in its last block. Blocks
-- bound what a late import rewrites: its days up to the end of their
-- block. n counts the facts, demo the demo facts; code is day * 8 + label
-- of this day's fact (see labelSQL). Conversions are summed in millionths
-- (Google's precision), so the differences of running sums are exact.
CREATE TABLE report_asset_place_days (
    place_id          INTEGER NOT NULL,
    day               INTEGER NOT NULL,
    code              INTEGER NOT NULL,
    n                 INTEGER NOT NULL,
    demo              INTEGER NOT NULL,
    impressions       INTEGER NOT NULL,
    clicks            INTEGER NOT NULL,
    cost_micros       INTEGER NOT NULL,
    conversions_micro INTEGER NOT NULL,
    value_micro       INTEGER NOT NULL,
    PRIMARY KEY (place_id, day)
) WITHOUT ROWID;

-- Each asset's sums per day and customer: an asset's series over every
-- place is a range of this table's key.
CREATE TABLE report_asset_days (
    asset_id          INTEGER NOT NULL,
    day               INTEGER NOT NULL,
    customer_id       INTEGER NOT NULL,
    impressions       INTEGER NOT NULL,
    clicks            INTEGER NOT NULL,
    cost_micros       INTEGER NOT NULL,
    conversions_micro INTEGER NOT NULL,
    value_micro       INTEGER NOT NULL,
    PRIMARY KEY (asset_id, day, customer_id)
) WITHOUT ROWID;
CREATE INDEX report_asset_days_customer ON report_asset_days (customer_id, day);

-- The facts stored so far.
INSERT INTO report_asset_places (customer_id, google_campaign_id, google_group_id, google_ad_id, google_asset_id, field_type,
    campaign_id, ad_group_id, ad_id, asset_group_id, asset_id)
SELECT DISTINCT customer_id, google_campaign_id, google_group_id, google_ad_id, google_asset_id, field_type,
    COALESCE(campaign_id, 0), COALESCE(ad_group_id, 0), COALESCE(ad_id, 0), COALESCE(asset_group_id, 0), asset_id
FROM report_asset_facts WHERE asset_id IS NOT NULL;

INSERT INTO report_asset_place_days (place_id, day, code, n, demo, impressions, clicks, cost_micros, conversions_micro, value_micro)
SELECT p.id, f.day, f.day * 8 + f.performance_label,
    COUNT(*) OVER w, SUM(f.demo) OVER w, SUM(f.impressions) OVER w, SUM(f.clicks) OVER w, SUM(f.cost_micros) OVER w,
    SUM(CAST(ROUND(f.conversions * 1000000) AS INTEGER)) OVER w, SUM(CAST(ROUND(f.conversions_value * 1000000) AS INTEGER)) OVER w
FROM report_asset_facts f JOIN report_asset_places p ON p.customer_id = f.customer_id AND p.google_campaign_id = f.google_campaign_id
    AND p.google_group_id = f.google_group_id AND p.google_ad_id = f.google_ad_id AND p.google_asset_id = f.google_asset_id
    AND p.field_type = f.field_type AND p.campaign_id = COALESCE(f.campaign_id, 0) AND p.ad_group_id = COALESCE(f.ad_group_id, 0)
    AND p.ad_id = COALESCE(f.ad_id, 0) AND p.asset_group_id = COALESCE(f.asset_group_id, 0) AND p.asset_id = f.asset_id
WHERE f.asset_id IS NOT NULL
WINDOW w AS (PARTITION BY p.id, f.day / 128 ORDER BY f.day ROWS UNBOUNDED PRECEDING);

INSERT INTO report_asset_days (asset_id, day, customer_id, impressions, clicks, cost_micros, conversions_micro, value_micro)
SELECT asset_id, day, customer_id, SUM(impressions), SUM(clicks), SUM(cost_micros),
    SUM(CAST(ROUND(conversions * 1000000) AS INTEGER)), SUM(CAST(ROUND(conversions_value * 1000000) AS INTEGER))
FROM report_asset_facts WHERE asset_id IS NOT NULL GROUP BY asset_id, day, customer_id;
