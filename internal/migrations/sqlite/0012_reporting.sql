-- Reporting (internal/domain/reporting): what Google Ads reports, one row per
-- day and entity. Rows are keyed by Google's ids, so a download upserts them
-- (downloading a range twice changes nothing), and carry our ids where the
-- entity is ours: resolved at import from google_ads_resources, texts by
-- content hash. NULL where Google reports something we did not publish.
--
-- day is the date Google reports (segments.date, the account's time zone)
-- as days since 1970-01-01: an integer is a third of a date text in every
-- key, compares as fast as anything, and weeks are arithmetic. Counts and
-- micros are integers; conversions are fractional (Google attributes parts
-- of conversions) and may be corrected downwards later, so they carry no
-- sign check.
--
-- The fact tables are clustered (WITHOUT ROWID) on customer, Google
-- campaign, then day: everything a dashboard asks about one campaign over a
-- date range is one contiguous range of the table itself, and an import
-- maintains one index fewer.

-- Which of our campaigns each Google campaign is (the importer records it as
-- it resolves facts; the demo loader for its own campaigns).
CREATE TABLE report_campaigns (
    customer_id        INTEGER NOT NULL CHECK (customer_id BETWEEN 1 AND 9999999999),
    google_campaign_id INTEGER NOT NULL CHECK (google_campaign_id > 0),
    campaign_id        INTEGER NOT NULL,
    PRIMARY KEY (customer_id, google_campaign_id)
) WITHOUT ROWID;
CREATE INDEX report_campaigns_ours ON report_campaigns (campaign_id);

-- Campaigns, ad groups, ads, keywords and asset groups. google_id is the
-- entity's own id (an ad's ad id, a keyword's criterion id),
-- google_parent_id the ad group of an ad or keyword and the campaign of
-- everything else (of a campaign: itself); with the level they name the
-- entity at Google. entity_id is our id of the entity at its level.
CREATE TABLE report_facts (
    customer_id        INTEGER NOT NULL CHECK (customer_id BETWEEN 1 AND 9999999999),
    google_campaign_id INTEGER NOT NULL CHECK (google_campaign_id > 0),
    level              TEXT    NOT NULL CHECK (level IN ('campaign', 'ad_group', 'ad', 'keyword', 'asset_group')),
    day                INTEGER NOT NULL CHECK (day >= 0),
    google_parent_id   INTEGER NOT NULL CHECK (google_parent_id > 0),
    google_id          INTEGER NOT NULL CHECK (google_id > 0),
    campaign_id        INTEGER,
    ad_group_id        INTEGER,
    entity_id          INTEGER,
    impressions        INTEGER NOT NULL CHECK (impressions >= 0),
    clicks             INTEGER NOT NULL CHECK (clicks >= 0),
    cost_micros        INTEGER NOT NULL CHECK (cost_micros >= 0),
    conversions        REAL    NOT NULL,
    conversions_value  REAL    NOT NULL,
    demo               INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    PRIMARY KEY (customer_id, google_campaign_id, level, day, google_parent_id, google_id)
) WITHOUT ROWID;
-- One ad group's, ad's, keyword's or asset group's series: a range of
-- (level, entity, day), then the rows by key (90 for a quarter). Not
-- covering: every import writes this index, and metrics in it made it as
-- wide as the table.
CREATE INDEX report_facts_entity ON report_facts (level, entity_id, day) WHERE entity_id IS NOT NULL;

-- Assets in responsive search ads (ad_group_ad_asset_view: google_group_id
-- is the ad group, google_ad_id the ad) and in Performance Max asset groups
-- (asset_group_asset: google_group_id is the asset group, google_ad_id 0).
-- performance_label is Google's label as of that day: 0 none, 1 UNKNOWN,
-- 2 PENDING, 3 LEARNING, 4 LOW, 5 GOOD, 6 BEST (ordered, so the latest and
-- best of several is one MAX over day * 8 + label).
CREATE TABLE report_asset_facts (
    customer_id        INTEGER NOT NULL CHECK (customer_id BETWEEN 1 AND 9999999999),
    google_campaign_id INTEGER NOT NULL CHECK (google_campaign_id > 0),
    day                INTEGER NOT NULL CHECK (day >= 0),
    google_group_id    INTEGER NOT NULL CHECK (google_group_id > 0),
    google_ad_id       INTEGER NOT NULL CHECK (google_ad_id >= 0),
    google_asset_id    INTEGER NOT NULL CHECK (google_asset_id > 0),
    field_type         TEXT    NOT NULL CHECK (length(field_type) BETWEEN 1 AND 64),
    campaign_id        INTEGER,
    ad_group_id        INTEGER,
    ad_id              INTEGER,
    asset_group_id     INTEGER,
    asset_id           INTEGER,
    performance_label  INTEGER NOT NULL DEFAULT 0 CHECK (performance_label BETWEEN 0 AND 6),
    impressions        INTEGER NOT NULL CHECK (impressions >= 0),
    clicks             INTEGER NOT NULL CHECK (clicks >= 0),
    cost_micros        INTEGER NOT NULL CHECK (cost_micros >= 0),
    conversions        REAL    NOT NULL,
    conversions_value  REAL    NOT NULL,
    demo               INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
    PRIMARY KEY (customer_id, google_campaign_id, day, google_group_id, google_ad_id, google_asset_id, field_type)
) WITHOUT ROWID;
-- One asset in every place it is used: covering, as an asset in many ads
-- has thousands of rows a quarter.
CREATE INDEX report_asset_facts_asset ON report_asset_facts (asset_id, day, campaign_id, ad_group_id, ad_id, asset_group_id, field_type,
    impressions, clicks, cost_micros, conversions, conversions_value, performance_label, demo) WHERE asset_id IS NOT NULL;
