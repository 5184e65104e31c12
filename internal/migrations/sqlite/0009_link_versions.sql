-- A link is part of its ad or asset group and of its campaign: adding,
-- changing (a pin) or removing one moves their versions, so an ETag taken
-- before the change no longer matches (a lifecycle event or edit sent for
-- the older version is refused with 412), whichever slice wrote the link.
CREATE TRIGGER asset_links_version_insert AFTER INSERT ON asset_links BEGIN
    UPDATE campaigns SET version = version + 1 WHERE id = NEW.campaign_id;
    UPDATE ads SET version = version + 1 WHERE id = NEW.ad_id;
    UPDATE asset_groups SET version = version + 1 WHERE id = NEW.asset_group_id;
END;
CREATE TRIGGER asset_links_version_update AFTER UPDATE ON asset_links BEGIN
    UPDATE campaigns SET version = version + 1 WHERE id = NEW.campaign_id;
    UPDATE ads SET version = version + 1 WHERE id = NEW.ad_id;
    UPDATE asset_groups SET version = version + 1 WHERE id = NEW.asset_group_id;
END;
CREATE TRIGGER asset_links_version_delete AFTER DELETE ON asset_links BEGIN
    UPDATE campaigns SET version = version + 1 WHERE id = OLD.campaign_id;
    UPDATE ads SET version = version + 1 WHERE id = OLD.ad_id;
    UPDATE asset_groups SET version = version + 1 WHERE id = OLD.asset_group_id;
END;
