-- Publishing to Google Ads (internal/domain/publishing). A campaign is
-- published to one account; each of its entities gets a resource name at
-- Google as it is created; the snapshot is the campaign as Google holds it
-- after the last change, the base of the next change set; the runs are the
-- change history.

CREATE TABLE publish_targets (
    campaign_id  INTEGER PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
    customer_id  TEXT    NOT NULL CHECK (length(customer_id) = 10 AND customer_id NOT GLOB '*[^0-9]*'),
    account_name TEXT    NOT NULL DEFAULT '',
    eu_political INTEGER NOT NULL DEFAULT 0 CHECK (eu_political IN (0, 1)),
    chosen_by    INTEGER,
    chosen_at    TIMESTAMP NOT NULL,
    -- The changes of a mutate sent whose answer was not stored yet (JSON):
    -- after a crash or a lost answer they are looked up at Google first.
    in_flight    TEXT    NOT NULL DEFAULT '' CHECK (in_flight = '' OR json_valid(in_flight))
);

CREATE TABLE google_ads_resources (
    campaign_id   INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    entity_key    TEXT    NOT NULL CHECK (length(entity_key) BETWEEN 1 AND 300),
    entity_kind   TEXT    NOT NULL CHECK (entity_kind IN ('budget', 'campaign', 'language', 'location', 'ad_group', 'keyword', 'ad', 'asset', 'asset_group', 'asset_group_asset')),
    customer_id   TEXT    NOT NULL CHECK (length(customer_id) = 10),
    resource_name TEXT    NOT NULL CHECK (resource_name LIKE 'customers/%'),
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign_id, entity_key)
);
CREATE INDEX google_ads_resources_name ON google_ads_resources (customer_id, resource_name);

CREATE TABLE published_snapshots (
    campaign_id INTEGER PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
    customer_id TEXT    NOT NULL CHECK (length(customer_id) = 10),
    snapshot    TEXT    NOT NULL CHECK (json_valid(snapshot) AND json_type(snapshot) = 'array'),
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE publish_runs (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('publish', 'dry_run', 'status')),
    job_id        INTEGER,
    user_id       INTEGER,
    customer_id   TEXT    NOT NULL CHECK (length(customer_id) = 10),
    start_enabled INTEGER NOT NULL DEFAULT 0 CHECK (start_enabled IN (0, 1)),
    target_status TEXT    NOT NULL DEFAULT '' CHECK (target_status IN ('', 'ENABLED', 'PAUSED', 'REMOVED')),
    outcome       TEXT    NOT NULL DEFAULT 'queued' CHECK (outcome IN ('queued', 'running', 'succeeded', 'partially_failed', 'failed', 'cancelled')),
    operations    INTEGER NOT NULL DEFAULT 0 CHECK (operations >= 0),
    changes       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(changes)),
    request_ids   TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(request_ids) AND json_type(request_ids) = 'array'),
    problems      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(problems) AND json_type(problems) = 'array'),
    error         TEXT    NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP
);
CREATE INDEX publish_runs_campaign ON publish_runs (campaign_id, id);
