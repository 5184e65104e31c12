-- A campaign's bidding strategy and its run (internal/domain/campaigns): the
-- strategy from Google Ads' list, with its target where it has one (a target
-- cost per action in micros for TARGET_CPA, a target return on ad spend for
-- TARGET_ROAS), and the first and last day it runs (YYYY-MM-DD in the
-- account's time zone; none: from publishing on, without end). Existing
-- campaigns keep what publishing gave them so far: maximize clicks for
-- search, maximize conversions for Performance Max.

ALTER TABLE campaigns ADD COLUMN bidding_strategy TEXT NOT NULL DEFAULT 'MAXIMIZE_CLICKS'
    CHECK (bidding_strategy IN ('MAXIMIZE_CONVERSIONS', 'MAXIMIZE_CONVERSION_VALUE', 'TARGET_CPA', 'TARGET_ROAS', 'MAXIMIZE_CLICKS', 'MANUAL_CPC'));
ALTER TABLE campaigns ADD COLUMN target_cpa_micros INTEGER CHECK (target_cpa_micros > 0);
ALTER TABLE campaigns ADD COLUMN target_roas REAL CHECK (target_roas > 0);
ALTER TABLE campaigns ADD COLUMN start_date TEXT CHECK (start_date IS NULL OR date(start_date) = start_date);
ALTER TABLE campaigns ADD COLUMN end_date TEXT CHECK (end_date IS NULL OR (date(end_date) = end_date AND (start_date IS NULL OR end_date >= start_date)));
UPDATE campaigns SET bidding_strategy = 'MAXIMIZE_CONVERSIONS' WHERE type = 'PERFORMANCE_MAX';
