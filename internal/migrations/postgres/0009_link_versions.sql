-- A link is part of its ad or asset group and of its campaign: adding,
-- changing (a pin) or removing one moves their versions, so an ETag taken
-- before the change no longer matches (a lifecycle event or edit sent for
-- the older version is refused with 412), whichever slice wrote the link.
CREATE FUNCTION asset_links_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    l asset_links;
BEGIN
    IF TG_OP = 'DELETE' THEN l := OLD; ELSE l := NEW; END IF;
    UPDATE campaigns SET version = version + 1 WHERE id = l.campaign_id;
    IF l.ad_id IS NOT NULL THEN
        UPDATE ads SET version = version + 1 WHERE id = l.ad_id;
    END IF;
    IF l.asset_group_id IS NOT NULL THEN
        UPDATE asset_groups SET version = version + 1 WHERE id = l.asset_group_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER asset_links_version AFTER INSERT OR UPDATE OR DELETE ON asset_links
    FOR EACH ROW EXECUTE FUNCTION asset_links_version();
