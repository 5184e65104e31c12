-- Where-used counters: per asset, the links from ads and from asset groups
-- and the distinct campaigns, ad groups, ads and asset groups that use it,
-- and the keywords of those ad groups. Triggers keep them in the transaction
-- of every change to links or keywords, whichever statement makes it (an
-- edit, a bulk edit, replace everywhere, an import, or a delete of an ad, ad
-- group or campaign cascading to its links and keywords), so the first
-- where-used answer after a change reads one row instead of counting every
-- place. An asset that was never linked has no row: every count is zero.
--
-- PostgreSQL runs the triggers once per statement with the rows it changed
-- (a cascade's rows after the statement that caused it): a place is counted
-- when the statement adds its first link and uncounted when it removes its
-- last. Two
-- writers are kept from counting the same place twice by locks taken before
-- the graph is looked at: the ad groups whose use may change (against
-- keywords changing in them), then the counter rows, in id order; each later
-- statement of the trigger sees what the writer it waited for committed.

CREATE TABLE asset_usage (
    asset_id     BIGINT PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    ad_links     BIGINT NOT NULL DEFAULT 0,
    group_links  BIGINT NOT NULL DEFAULT 0,
    campaigns    BIGINT NOT NULL DEFAULT 0,
    ad_groups    BIGINT NOT NULL DEFAULT 0,
    ads          BIGINT NOT NULL DEFAULT 0,
    asset_groups BIGINT NOT NULL DEFAULT 0,
    keywords     BIGINT NOT NULL DEFAULT 0
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

-- asset_usage_links applies the links a statement added and removed (an
-- update: the old rows whose place changed, and their new rows). For each
-- place a changed link has — (asset, campaign), (asset, ad group), (asset,
-- ad), (asset, asset group) — with n of its links added: it is used after
-- the statement if a link was added or one is left; it was used before if a
-- link was removed or more than the n added are there now.
CREATE FUNCTION asset_usage_links(added asset_links[], removed asset_links[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM ad_groups WHERE id IN (SELECT ad_group_id FROM unnest(added) UNION SELECT ad_group_id FROM unnest(removed))
        ORDER BY id FOR NO KEY UPDATE;
    INSERT INTO asset_usage (asset_id) SELECT DISTINCT asset_id FROM unnest(added) ORDER BY 1 ON CONFLICT (asset_id) DO NOTHING;
    PERFORM 1 FROM asset_usage WHERE asset_id IN (SELECT asset_id FROM unnest(added) UNION SELECT asset_id FROM unnest(removed))
        ORDER BY asset_id FOR NO KEY UPDATE;
    WITH x AS MATERIALIZED (
        SELECT 1 AS s, asset_id, campaign_id, ad_group_id, ad_id, asset_group_id FROM unnest(added)
        UNION ALL
        SELECT -1, asset_id, campaign_id, ad_group_id, ad_id, asset_group_id FROM unnest(removed)
    ), c AS (
        SELECT asset_id, campaign_id, count(*) FILTER (WHERE s > 0) AS n, bool_or(s < 0) AS gone FROM x GROUP BY 1, 2
    ), g AS (
        SELECT asset_id, campaign_id, ad_group_id, count(*) FILTER (WHERE s > 0) AS n, bool_or(s < 0) AS gone
        FROM x WHERE ad_group_id IS NOT NULL GROUP BY 1, 2, 3
    ), a AS (
        SELECT asset_id, campaign_id, ad_group_id, ad_id, count(*) FILTER (WHERE s > 0) AS n, bool_or(s < 0) AS gone
        FROM x WHERE ad_id IS NOT NULL GROUP BY 1, 2, 3, 4
    ), p AS (
        SELECT asset_id, asset_group_id, count(*) FILTER (WHERE s > 0) AS n, bool_or(s < 0) AS gone
        FROM x WHERE asset_group_id IS NOT NULL GROUP BY 1, 2
    ), gd AS (
        SELECT g.asset_id, g.ad_group_id, CASE WHEN g.n > 0
            THEN 1 - (g.gone OR (SELECT count(*) FROM (SELECT FROM asset_links l WHERE l.asset_id = g.asset_id AND l.campaign_id = g.campaign_id
                AND l.ad_group_id = g.ad_group_id LIMIT g.n + 1) t) > g.n)::int
            ELSE (EXISTS (SELECT FROM asset_links l WHERE l.asset_id = g.asset_id AND l.campaign_id = g.campaign_id
                AND l.ad_group_id = g.ad_group_id))::int - 1 END AS d
        FROM g
    ), d AS (
        SELECT asset_id, count(*) FILTER (WHERE ad_id IS NOT NULL AND s > 0) - count(*) FILTER (WHERE ad_id IS NOT NULL AND s < 0) AS ad_links,
            count(*) FILTER (WHERE asset_group_id IS NOT NULL AND s > 0) - count(*) FILTER (WHERE asset_group_id IS NOT NULL AND s < 0) AS group_links,
            0 AS campaigns, 0 AS ad_groups, 0 AS ads, 0 AS asset_groups, 0 AS keywords
        FROM x GROUP BY asset_id
        UNION ALL
        SELECT c.asset_id, 0, 0, CASE WHEN c.n > 0
            THEN 1 - (c.gone OR (SELECT count(*) FROM (SELECT FROM asset_links l WHERE l.asset_id = c.asset_id AND l.campaign_id = c.campaign_id
                LIMIT c.n + 1) t) > c.n)::int
            ELSE (EXISTS (SELECT FROM asset_links l WHERE l.asset_id = c.asset_id AND l.campaign_id = c.campaign_id))::int - 1 END,
            0, 0, 0, 0
        FROM c
        UNION ALL
        SELECT gd.asset_id, 0, 0, 0, gd.d, 0, 0, gd.d * (SELECT count(*) FROM keywords k WHERE k.ad_group_id = gd.ad_group_id)
        FROM gd WHERE gd.d <> 0
        UNION ALL
        SELECT a.asset_id, 0, 0, 0, 0, CASE WHEN a.n > 0
            THEN 1 - (a.gone OR (SELECT count(*) FROM (SELECT FROM asset_links l WHERE l.asset_id = a.asset_id AND l.campaign_id = a.campaign_id
                AND l.ad_group_id = a.ad_group_id AND l.ad_id = a.ad_id LIMIT a.n + 1) t) > a.n)::int
            ELSE (EXISTS (SELECT FROM asset_links l WHERE l.asset_id = a.asset_id AND l.campaign_id = a.campaign_id
                AND l.ad_group_id = a.ad_group_id AND l.ad_id = a.ad_id))::int - 1 END,
            0, 0
        FROM a
        UNION ALL
        SELECT p.asset_id, 0, 0, 0, 0, 0, CASE WHEN p.n > 0
            THEN 1 - (p.gone OR (SELECT count(*) FROM (SELECT FROM asset_links l WHERE l.asset_group_id = p.asset_group_id AND l.asset_id = p.asset_id
                LIMIT p.n + 1) t) > p.n)::int
            ELSE (EXISTS (SELECT FROM asset_links l WHERE l.asset_group_id = p.asset_group_id AND l.asset_id = p.asset_id))::int - 1 END,
            0
        FROM p
    ), t AS (
        SELECT asset_id, sum(ad_links) AS ad_links, sum(group_links) AS group_links, sum(campaigns) AS campaigns, sum(ad_groups) AS ad_groups,
            sum(ads) AS ads, sum(asset_groups) AS asset_groups, sum(keywords) AS keywords
        FROM d GROUP BY asset_id
    )
    UPDATE asset_usage u SET ad_links = u.ad_links + t.ad_links, group_links = u.group_links + t.group_links,
        campaigns = u.campaigns + t.campaigns, ad_groups = u.ad_groups + t.ad_groups, ads = u.ads + t.ads,
        asset_groups = u.asset_groups + t.asset_groups, keywords = u.keywords + t.keywords
    FROM t WHERE u.asset_id = t.asset_id;
END;
$$;

CREATE FUNCTION asset_usage_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM asset_usage_links(ARRAY(SELECT ROW(n.*)::asset_links FROM new_links n), '{}'::asset_links[]);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM asset_usage_links('{}'::asset_links[], ARRAY(SELECT ROW(o.*)::asset_links FROM old_links o));
    ELSE
        PERFORM asset_usage_links(
            ARRAY(SELECT ROW(n.*)::asset_links FROM new_links n WHERE NOT EXISTS (SELECT FROM old_links o WHERE o.id = n.id
                AND (o.asset_id, o.campaign_id, o.ad_group_id, o.ad_id, o.asset_group_id) IS NOT DISTINCT FROM (n.asset_id, n.campaign_id, n.ad_group_id, n.ad_id, n.asset_group_id))),
            ARRAY(SELECT ROW(o.*)::asset_links FROM old_links o WHERE NOT EXISTS (SELECT FROM new_links n WHERE n.id = o.id
                AND (o.asset_id, o.campaign_id, o.ad_group_id, o.ad_id, o.asset_group_id) IS NOT DISTINCT FROM (n.asset_id, n.campaign_id, n.ad_group_id, n.ad_id, n.asset_group_id))));
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER asset_usage_links_insert AFTER INSERT ON asset_links
    REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION asset_usage_links_changed();
CREATE TRIGGER asset_usage_links_update AFTER UPDATE ON asset_links
    REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION asset_usage_links_changed();
CREATE TRIGGER asset_usage_links_delete AFTER DELETE ON asset_links
    REFERENCING OLD TABLE AS old_links FOR EACH STATEMENT EXECUTE FUNCTION asset_usage_links_changed();

-- A keyword counts for every asset used in its ad group: groups[i] gained
-- n[i] keywords (lost, when negative).
CREATE FUNCTION asset_usage_keywords(groups bigint[], n bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM ad_groups WHERE id = ANY (groups) ORDER BY id FOR NO KEY UPDATE;
    UPDATE asset_usage u SET keywords = u.keywords + t.n
    FROM (SELECT l.asset_id, sum(k.n) AS n
        FROM unnest(groups, n) AS k (ad_group_id, n)
        JOIN LATERAL (SELECT DISTINCT asset_id FROM asset_links WHERE ad_group_id = k.ad_group_id) l ON true
        GROUP BY l.asset_id) t
    WHERE u.asset_id = t.asset_id AND t.n <> 0;
END;
$$;

CREATE FUNCTION asset_usage_keywords_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    groups bigint[];
    n bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(ad_group_id ORDER BY ad_group_id), array_agg(c ORDER BY ad_group_id) INTO groups, n
        FROM (SELECT ad_group_id, count(*) AS c FROM new_keywords GROUP BY 1) x;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(ad_group_id ORDER BY ad_group_id), array_agg(-c ORDER BY ad_group_id) INTO groups, n
        FROM (SELECT ad_group_id, count(*) AS c FROM old_keywords GROUP BY 1) x;
    ELSE
        SELECT array_agg(ad_group_id ORDER BY ad_group_id), array_agg(c ORDER BY ad_group_id) INTO groups, n
        FROM (SELECT ad_group_id, sum(c) AS c FROM (
            SELECT ad_group_id, 1 AS c FROM new_keywords UNION ALL SELECT ad_group_id, -1 FROM old_keywords) y
            GROUP BY 1 HAVING sum(c) <> 0) x;
    END IF;
    IF groups IS NOT NULL THEN
        PERFORM asset_usage_keywords(groups, n);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER asset_usage_keywords_insert AFTER INSERT ON keywords
    REFERENCING NEW TABLE AS new_keywords FOR EACH STATEMENT EXECUTE FUNCTION asset_usage_keywords_changed();
CREATE TRIGGER asset_usage_keywords_update AFTER UPDATE ON keywords
    REFERENCING OLD TABLE AS old_keywords NEW TABLE AS new_keywords FOR EACH STATEMENT EXECUTE FUNCTION asset_usage_keywords_changed();
CREATE TRIGGER asset_usage_keywords_delete AFTER DELETE ON keywords
    REFERENCING OLD TABLE AS old_keywords FOR EACH STATEMENT EXECUTE FUNCTION asset_usage_keywords_changed();

-- Deleting an ad group removes its links and keywords first, each in a
-- statement of its own whose triggers run at once. Left to the cascade, both
-- would go in one statement's cascades and their triggers would run after
-- both: the links' would find no keywords left to uncount, the keywords'
-- no asset still using the ad group.
CREATE FUNCTION asset_usage_ad_group_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM asset_links WHERE ad_group_id = OLD.id;
    DELETE FROM keywords WHERE ad_group_id = OLD.id;
    RETURN OLD;
END;
$$;
CREATE TRIGGER asset_usage_ad_group_delete BEFORE DELETE ON ad_groups
    FOR EACH ROW EXECUTE FUNCTION asset_usage_ad_group_delete();

-- The links from asset groups of an asset in the order of their where-used
-- list, so its page is a range scan that skips the asset's links from ads.
CREATE INDEX asset_links_group_usage ON asset_links (asset_id, campaign_id, asset_group_id, field_type) WHERE asset_group_id IS NOT NULL;
