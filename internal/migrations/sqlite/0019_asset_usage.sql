-- Where-used counters: per asset, the links from ads and from asset groups
-- and the distinct campaigns, ad groups, ads and asset groups that use it,
-- and the keywords of those ad groups. Triggers keep them in the transaction
-- of every change to links or keywords, whichever statement makes it (an
-- edit, a bulk edit, replace everywhere, an import, or a delete of an ad, ad
-- group or campaign cascading to its links and keywords), so the first
-- where-used answer after a change reads one row instead of counting every
-- place. An asset that was never linked has no row: every count is zero.
--
-- SQLite runs row triggers right after each row's change, one writer at a
-- time, so each trigger sees the graph as it is with that row changed: a
-- place is counted when its first link appears and uncounted when its last
-- goes. A link's update is the removal of its old row and the addition of
-- its new one.

CREATE TABLE asset_usage (
    asset_id     INTEGER PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    ad_links     INTEGER NOT NULL DEFAULT 0,
    group_links  INTEGER NOT NULL DEFAULT 0,
    campaigns    INTEGER NOT NULL DEFAULT 0,
    ad_groups    INTEGER NOT NULL DEFAULT 0,
    ads          INTEGER NOT NULL DEFAULT 0,
    asset_groups INTEGER NOT NULL DEFAULT 0,
    keywords     INTEGER NOT NULL DEFAULT 0
);

WITH k AS (SELECT ad_group_id, count(*) AS n FROM keywords GROUP BY ad_group_id),
g AS (SELECT DISTINCT asset_id, ad_group_id FROM asset_links WHERE ad_group_id IS NOT NULL),
kw AS (SELECT g.asset_id, sum(k.n) AS n FROM g JOIN k ON k.ad_group_id = g.ad_group_id GROUP BY g.asset_id),
l AS (SELECT asset_id, count(ad_id) AS ad_links, count(asset_group_id) AS group_links, count(DISTINCT campaign_id) AS campaigns,
        count(DISTINCT ad_group_id) AS ad_groups, count(DISTINCT ad_id) AS ads, count(DISTINCT asset_group_id) AS asset_groups
    FROM asset_links GROUP BY asset_id)
INSERT INTO asset_usage (asset_id, ad_links, group_links, campaigns, ad_groups, ads, asset_groups, keywords)
SELECT l.asset_id, l.ad_links, l.group_links, l.campaigns, l.ad_groups, l.ads, l.asset_groups, COALESCE(kw.n, 0)
FROM l LEFT JOIN kw ON kw.asset_id = l.asset_id;

CREATE TRIGGER asset_usage_link_insert AFTER INSERT ON asset_links BEGIN
    INSERT INTO asset_usage (asset_id) VALUES (NEW.asset_id) ON CONFLICT (asset_id) DO NOTHING;
    UPDATE asset_usage SET
        ad_links = ad_links + (NEW.ad_id IS NOT NULL),
        group_links = group_links + (NEW.asset_group_id IS NOT NULL),
        campaigns = campaigns + (NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = NEW.asset_id AND l.campaign_id = NEW.campaign_id AND l.id <> NEW.id)),
        ad_groups = ad_groups + (NEW.ad_group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = NEW.asset_id AND l.campaign_id = NEW.campaign_id AND l.ad_group_id = NEW.ad_group_id AND l.id <> NEW.id)),
        ads = ads + (NEW.ad_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = NEW.asset_id AND l.campaign_id = NEW.campaign_id AND l.ad_group_id = NEW.ad_group_id AND l.ad_id = NEW.ad_id AND l.id <> NEW.id)),
        asset_groups = asset_groups + (NEW.asset_group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_group_id = NEW.asset_group_id AND l.asset_id = NEW.asset_id AND l.id <> NEW.id)),
        keywords = keywords + CASE WHEN NEW.ad_group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = NEW.asset_id AND l.campaign_id = NEW.campaign_id AND l.ad_group_id = NEW.ad_group_id AND l.id <> NEW.id)
            THEN (SELECT count(*) FROM keywords k WHERE k.ad_group_id = NEW.ad_group_id) ELSE 0 END
    WHERE asset_id = NEW.asset_id;
END;

CREATE TRIGGER asset_usage_link_delete AFTER DELETE ON asset_links BEGIN
    UPDATE asset_usage SET
        ad_links = ad_links - (OLD.ad_id IS NOT NULL),
        group_links = group_links - (OLD.asset_group_id IS NOT NULL),
        campaigns = campaigns - (NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = OLD.asset_id AND l.campaign_id = OLD.campaign_id)),
        ad_groups = ad_groups - (OLD.ad_group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = OLD.asset_id AND l.campaign_id = OLD.campaign_id AND l.ad_group_id = OLD.ad_group_id)),
        ads = ads - (OLD.ad_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = OLD.asset_id AND l.campaign_id = OLD.campaign_id AND l.ad_group_id = OLD.ad_group_id AND l.ad_id = OLD.ad_id)),
        asset_groups = asset_groups - (OLD.asset_group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_group_id = OLD.asset_group_id AND l.asset_id = OLD.asset_id)),
        keywords = keywords - CASE WHEN OLD.ad_group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = OLD.asset_id AND l.campaign_id = OLD.campaign_id AND l.ad_group_id = OLD.ad_group_id)
            THEN (SELECT count(*) FROM keywords k WHERE k.ad_group_id = OLD.ad_group_id) ELSE 0 END
    WHERE asset_id = OLD.asset_id;
END;

-- The row itself (NEW.id) is left out of both checks: its old place loses a
-- use unless another link still has it, its new place gains one unless
-- another link already had it; a place it keeps nets to zero.
CREATE TRIGGER asset_usage_link_update AFTER UPDATE OF asset_id, campaign_id, ad_group_id, ad_id, asset_group_id ON asset_links BEGIN
    UPDATE asset_usage SET
        ad_links = ad_links - (OLD.ad_id IS NOT NULL),
        group_links = group_links - (OLD.asset_group_id IS NOT NULL),
        campaigns = campaigns - (NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = OLD.asset_id AND l.campaign_id = OLD.campaign_id AND l.id <> NEW.id)),
        ad_groups = ad_groups - (OLD.ad_group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = OLD.asset_id AND l.campaign_id = OLD.campaign_id AND l.ad_group_id = OLD.ad_group_id AND l.id <> NEW.id)),
        ads = ads - (OLD.ad_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = OLD.asset_id AND l.campaign_id = OLD.campaign_id AND l.ad_group_id = OLD.ad_group_id AND l.ad_id = OLD.ad_id AND l.id <> NEW.id)),
        asset_groups = asset_groups - (OLD.asset_group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_group_id = OLD.asset_group_id AND l.asset_id = OLD.asset_id AND l.id <> NEW.id)),
        keywords = keywords - CASE WHEN OLD.ad_group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = OLD.asset_id AND l.campaign_id = OLD.campaign_id AND l.ad_group_id = OLD.ad_group_id AND l.id <> NEW.id)
            THEN (SELECT count(*) FROM keywords k WHERE k.ad_group_id = OLD.ad_group_id) ELSE 0 END
    WHERE asset_id = OLD.asset_id;
    INSERT INTO asset_usage (asset_id) VALUES (NEW.asset_id) ON CONFLICT (asset_id) DO NOTHING;
    UPDATE asset_usage SET
        ad_links = ad_links + (NEW.ad_id IS NOT NULL),
        group_links = group_links + (NEW.asset_group_id IS NOT NULL),
        campaigns = campaigns + (NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = NEW.asset_id AND l.campaign_id = NEW.campaign_id AND l.id <> NEW.id)),
        ad_groups = ad_groups + (NEW.ad_group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = NEW.asset_id AND l.campaign_id = NEW.campaign_id AND l.ad_group_id = NEW.ad_group_id AND l.id <> NEW.id)),
        ads = ads + (NEW.ad_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = NEW.asset_id AND l.campaign_id = NEW.campaign_id AND l.ad_group_id = NEW.ad_group_id AND l.ad_id = NEW.ad_id AND l.id <> NEW.id)),
        asset_groups = asset_groups + (NEW.asset_group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_group_id = NEW.asset_group_id AND l.asset_id = NEW.asset_id AND l.id <> NEW.id)),
        keywords = keywords + CASE WHEN NEW.ad_group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM asset_links l
            WHERE l.asset_id = NEW.asset_id AND l.campaign_id = NEW.campaign_id AND l.ad_group_id = NEW.ad_group_id AND l.id <> NEW.id)
            THEN (SELECT count(*) FROM keywords k WHERE k.ad_group_id = NEW.ad_group_id) ELSE 0 END
    WHERE asset_id = NEW.asset_id;
END;

-- A keyword counts for every asset used in its ad group.
CREATE TRIGGER asset_usage_keyword_insert AFTER INSERT ON keywords BEGIN
    UPDATE asset_usage SET keywords = keywords + 1
    WHERE asset_id IN (SELECT asset_id FROM asset_links WHERE ad_group_id = NEW.ad_group_id);
END;
CREATE TRIGGER asset_usage_keyword_delete AFTER DELETE ON keywords BEGIN
    UPDATE asset_usage SET keywords = keywords - 1
    WHERE asset_id IN (SELECT asset_id FROM asset_links WHERE ad_group_id = OLD.ad_group_id);
END;
CREATE TRIGGER asset_usage_keyword_update AFTER UPDATE OF ad_group_id ON keywords WHEN OLD.ad_group_id <> NEW.ad_group_id BEGIN
    UPDATE asset_usage SET keywords = keywords - 1
    WHERE asset_id IN (SELECT asset_id FROM asset_links WHERE ad_group_id = OLD.ad_group_id);
    UPDATE asset_usage SET keywords = keywords + 1
    WHERE asset_id IN (SELECT asset_id FROM asset_links WHERE ad_group_id = NEW.ad_group_id);
END;

-- The links from asset groups of an asset in the order of their where-used
-- list, so its page is a range scan that skips the asset's links from ads.
CREATE INDEX asset_links_group_usage ON asset_links (asset_id, campaign_id, asset_group_id, field_type) WHERE asset_group_id IS NOT NULL;
