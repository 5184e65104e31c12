-- A counter that moves with every committed change to the campaign graph
-- (campaigns, ad groups, keywords, ads, asset groups, assets, links). Read
-- models built from the graph — the where-used document of an asset, the tree
-- of a campaign — are cached per process and dropped when it moves. Writes
-- are serialised on SQLite, so plain triggers suffice.
CREATE TABLE graph_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v  INTEGER NOT NULL
);
INSERT INTO graph_epoch (id, v) VALUES (1, 0);
CREATE TRIGGER graph_epoch_campaigns_insert AFTER INSERT ON campaigns BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_campaigns_update AFTER UPDATE ON campaigns BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_campaigns_delete AFTER DELETE ON campaigns BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_ad_groups_insert AFTER INSERT ON ad_groups BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_ad_groups_update AFTER UPDATE ON ad_groups BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_ad_groups_delete AFTER DELETE ON ad_groups BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_keywords_insert AFTER INSERT ON keywords BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_keywords_update AFTER UPDATE ON keywords BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_keywords_delete AFTER DELETE ON keywords BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_ads_insert AFTER INSERT ON ads BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_ads_update AFTER UPDATE ON ads BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_ads_delete AFTER DELETE ON ads BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_asset_groups_insert AFTER INSERT ON asset_groups BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_asset_groups_update AFTER UPDATE ON asset_groups BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_asset_groups_delete AFTER DELETE ON asset_groups BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_assets_insert AFTER INSERT ON assets BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_assets_update AFTER UPDATE ON assets BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_assets_delete AFTER DELETE ON assets BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_asset_links_insert AFTER INSERT ON asset_links BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_asset_links_update AFTER UPDATE ON asset_links BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER graph_epoch_asset_links_delete AFTER DELETE ON asset_links BEGIN UPDATE graph_epoch SET v = v + 1 WHERE id = 1; END;
