-- A counter that moves with every committed change to the campaign graph
-- (campaigns, ad groups, keywords, ads, asset groups, assets, links). Read
-- models built from the graph — the where-used document of an asset, the tree
-- of a campaign — are cached per process and dropped when it moves.
--
-- The counter is moved by a deferred trigger, at commit, once per
-- transaction: taking its row lock last means two writers can never wait on
-- each other through it.
CREATE TABLE graph_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v  BIGINT  NOT NULL
);
INSERT INTO graph_epoch (id, v) VALUES (1, 0);

CREATE FUNCTION graph_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('imaphub.graph_epoch_moved', true) = 'yes' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('imaphub.graph_epoch_moved', 'yes', true);
    UPDATE graph_epoch SET v = v + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER graph_epoch_campaigns AFTER INSERT OR UPDATE OR DELETE ON campaigns DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION graph_epoch_bump();
CREATE CONSTRAINT TRIGGER graph_epoch_ad_groups AFTER INSERT OR UPDATE OR DELETE ON ad_groups DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION graph_epoch_bump();
CREATE CONSTRAINT TRIGGER graph_epoch_keywords AFTER INSERT OR UPDATE OR DELETE ON keywords DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION graph_epoch_bump();
CREATE CONSTRAINT TRIGGER graph_epoch_ads AFTER INSERT OR UPDATE OR DELETE ON ads DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION graph_epoch_bump();
CREATE CONSTRAINT TRIGGER graph_epoch_asset_groups AFTER INSERT OR UPDATE OR DELETE ON asset_groups DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION graph_epoch_bump();
CREATE CONSTRAINT TRIGGER graph_epoch_assets AFTER INSERT OR UPDATE OR DELETE ON assets DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION graph_epoch_bump();
CREATE CONSTRAINT TRIGGER graph_epoch_asset_links AFTER INSERT OR UPDATE OR DELETE ON asset_links DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION graph_epoch_bump();
