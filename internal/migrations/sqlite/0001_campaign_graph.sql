-- The campaign graph: campaigns → ad groups → keywords and responsive search
-- ads, campaigns → Performance Max asset groups, and the asset library. The
-- `uses_asset` edge is asset_links. Parent keys are denormalised into
-- asset_links (ad_group_id, campaign_id) and held true by composite foreign
-- keys, so "where is this asset used" is one index range scan.

CREATE TABLE campaigns (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    type          TEXT    NOT NULL CHECK (type IN ('SEARCH', 'PERFORMANCE_MAX')),
    state         TEXT    NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'generating', 'review', 'approved', 'publishing', 'published', 'failed', 'paused', 'archived')),
    budget_micros INTEGER NOT NULL CHECK (budget_micros >= 0),
    currency      TEXT    NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
    languages     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(languages) AND json_type(languages) = 'array'),
    locations     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(locations) AND json_type(locations) = 'array'),
    final_url     TEXT    NOT NULL DEFAULT '',
    brief         TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(brief) AND json_type(brief) = 'object'),
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (name)
);
CREATE INDEX campaigns_state ON campaigns (state, id);
CREATE INDEX campaigns_created ON campaigns (created_at, id);

CREATE TABLE ad_groups (
    id             INTEGER PRIMARY KEY,
    campaign_id    INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    status         TEXT    NOT NULL DEFAULT 'ENABLED' CHECK (status IN ('ENABLED', 'PAUSED')),
    cpc_bid_micros INTEGER CHECK (cpc_bid_micros IS NULL OR cpc_bid_micros >= 0),
    version        INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (campaign_id, name),
    UNIQUE (id, campaign_id)
);

CREATE TABLE keywords (
    id          INTEGER PRIMARY KEY,
    ad_group_id INTEGER NOT NULL REFERENCES ad_groups (id) ON DELETE CASCADE,
    text        TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 80),
    match_type  TEXT    NOT NULL CHECK (match_type IN ('EXACT', 'PHRASE', 'BROAD')),
    negative    INTEGER NOT NULL DEFAULT 0 CHECK (negative IN (0, 1)),
    status      TEXT    NOT NULL DEFAULT 'ENABLED' CHECK (status IN ('ENABLED', 'PAUSED')),
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (ad_group_id, text, match_type, negative)
);

CREATE TABLE ads (
    id          INTEGER PRIMARY KEY,
    ad_group_id INTEGER NOT NULL REFERENCES ad_groups (id) ON DELETE CASCADE,
    final_urls  TEXT    NOT NULL CHECK (json_valid(final_urls) AND json_type(final_urls) = 'array' AND json_array_length(final_urls) >= 1),
    path1       TEXT    NOT NULL DEFAULT '',
    path2       TEXT    NOT NULL DEFAULT '' CHECK (path2 = '' OR path1 <> ''),
    status      TEXT    NOT NULL DEFAULT 'ENABLED' CHECK (status IN ('ENABLED', 'PAUSED')),
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (ad_group_id, id),
    UNIQUE (id, ad_group_id)
);

CREATE TABLE asset_groups (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    final_urls  TEXT    NOT NULL CHECK (json_valid(final_urls) AND json_type(final_urls) = 'array' AND json_array_length(final_urls) >= 1),
    path1       TEXT    NOT NULL DEFAULT '',
    path2       TEXT    NOT NULL DEFAULT '' CHECK (path2 = '' OR path1 <> ''),
    status      TEXT    NOT NULL DEFAULT 'ENABLED' CHECK (status IN ('ENABLED', 'PAUSED')),
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (campaign_id, name),
    UNIQUE (id, campaign_id)
);

-- An asset exists once per (type, content hash): text hashed after NFC and
-- whitespace folding, images on their bytes (stored under the data directory).
CREATE TABLE assets (
    id           INTEGER PRIMARY KEY,
    type         TEXT    NOT NULL CHECK (type IN ('TEXT', 'IMAGE')),
    content_hash TEXT    NOT NULL CHECK (length(content_hash) = 64),
    name         TEXT    NOT NULL DEFAULT '',
    text         TEXT,
    language     TEXT    NOT NULL DEFAULT '',
    mime_type    TEXT,
    width        INTEGER,
    height       INTEGER,
    size_bytes   INTEGER,
    provenance   TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(provenance) AND json_type(provenance) = 'object'),
    version      INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (type, content_hash),
    CHECK ((type = 'TEXT' AND text IS NOT NULL AND length(text) >= 1 AND mime_type IS NULL AND width IS NULL AND height IS NULL AND size_bytes IS NULL)
        OR (type = 'IMAGE' AND text IS NULL AND mime_type IN ('image/png', 'image/jpeg', 'image/gif') AND width > 0 AND height > 0 AND size_bytes > 0))
);
CREATE INDEX assets_created ON assets (created_at, id);

CREATE TABLE asset_links (
    id             INTEGER PRIMARY KEY,
    asset_id       INTEGER NOT NULL REFERENCES assets (id) ON DELETE RESTRICT,
    campaign_id    INTEGER NOT NULL,
    ad_group_id    INTEGER,
    ad_id          INTEGER,
    asset_group_id INTEGER,
    field_type     TEXT    NOT NULL CHECK (field_type IN ('HEADLINE', 'DESCRIPTION', 'LONG_HEADLINE', 'BUSINESS_NAME', 'MARKETING_IMAGE', 'SQUARE_MARKETING_IMAGE', 'PORTRAIT_MARKETING_IMAGE', 'LOGO', 'LANDSCAPE_LOGO')),
    pinned_field   TEXT,
    position       INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
    created_at     TIMESTAMP NOT NULL,
    FOREIGN KEY (ad_id, ad_group_id) REFERENCES ads (id, ad_group_id) ON DELETE CASCADE,
    FOREIGN KEY (ad_group_id, campaign_id) REFERENCES ad_groups (id, campaign_id) ON DELETE CASCADE,
    FOREIGN KEY (asset_group_id, campaign_id) REFERENCES asset_groups (id, campaign_id) ON DELETE CASCADE,
    CHECK ((ad_id IS NOT NULL AND ad_group_id IS NOT NULL AND asset_group_id IS NULL AND field_type IN ('HEADLINE', 'DESCRIPTION'))
        OR (ad_id IS NULL AND ad_group_id IS NULL AND asset_group_id IS NOT NULL)),
    CHECK (pinned_field IS NULL
        OR (ad_id IS NOT NULL AND field_type = 'HEADLINE' AND pinned_field IN ('HEADLINE_1', 'HEADLINE_2', 'HEADLINE_3'))
        OR (ad_id IS NOT NULL AND field_type = 'DESCRIPTION' AND pinned_field IN ('DESCRIPTION_1', 'DESCRIPTION_2'))),
    UNIQUE (ad_id, field_type, asset_id),
    UNIQUE (asset_group_id, field_type, asset_id)
);
-- Covering index for where-used: every column the usage query reads.
CREATE INDEX asset_links_usage ON asset_links (asset_id, campaign_id, ad_group_id, ad_id, asset_group_id, field_type, pinned_field);
CREATE INDEX asset_links_campaign ON asset_links (campaign_id, asset_id);
CREATE INDEX asset_links_ad_group ON asset_links (ad_group_id);
-- The texts of a campaign's ads in display order (campaign tree, RSA export).
CREATE INDEX asset_links_campaign_order ON asset_links (campaign_id, ad_id, field_type, position);
