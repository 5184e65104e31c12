-- Each fact of one of our assets is stored once: as its place's row of
-- running sums in report_asset_place_days (the day's own values are the
-- difference from the place's previous row in its 128-day block, the label
-- is code % 8, conversions in millionths). report_asset_facts keeps the facts
-- of assets that are not ours (asset_id NULL), to be placed when their asset
-- becomes known. Until now every fact of ours was in both tables, and the
-- rollups always equalled the facts, so the copies in report_asset_facts
-- can go.
DELETE FROM report_asset_facts WHERE asset_id IS NOT NULL;

-- Every asset fact in the shape of report_asset_facts, wherever it is
-- stored: for reading and checking (the application reads the tables).
CREATE VIEW report_asset_fact_rows AS
SELECT customer_id, google_group_id, google_ad_id, google_asset_id, field_type, day, google_campaign_id,
    campaign_id, ad_group_id, ad_id, asset_group_id, asset_id, performance_label,
    impressions, clicks, cost_micros, conversions, conversions_value, demo
FROM report_asset_facts
UNION ALL
SELECT p.customer_id, p.google_group_id, p.google_ad_id, p.google_asset_id, p.field_type, d.day, p.google_campaign_id,
    NULLIF(p.campaign_id, 0), NULLIF(p.ad_group_id, 0), NULLIF(p.ad_id, 0), NULLIF(p.asset_group_id, 0), p.asset_id, d.code % 8,
    d.impressions - COALESCE(LAG(d.impressions) OVER w, 0),
    d.clicks - COALESCE(LAG(d.clicks) OVER w, 0),
    d.cost_micros - COALESCE(LAG(d.cost_micros) OVER w, 0),
    CAST(d.conversions_micro - COALESCE(LAG(d.conversions_micro) OVER w, 0) AS REAL) / 1000000,
    CAST(d.value_micro - COALESCE(LAG(d.value_micro) OVER w, 0) AS REAL) / 1000000,
    d.demo - COALESCE(LAG(d.demo) OVER w, 0)
FROM report_asset_places p JOIN report_asset_place_days d ON d.place_id = p.id
WINDOW w AS (PARTITION BY d.place_id, d.day / 128 ORDER BY d.day);
