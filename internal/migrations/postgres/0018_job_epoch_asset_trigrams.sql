-- A counter that moves with every committed change to what a job view shows
-- (platform/jobs): its owner, its events, its runs and River's row of it.
-- Encoded pages of the jobs list are kept per process and dropped when it
-- (or the graph epoch, which the subjects' names follow) moves. River's
-- table is created by River's own migrations, after these: its trigger is
-- installed by platform/jobs when it migrates River.
--
-- As the graph epoch (0006), the counter is moved by a deferred trigger, at
-- commit, once per transaction: its row lock is taken last, so writers never
-- wait on each other through it.
CREATE TABLE job_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v  BIGINT  NOT NULL
);
INSERT INTO job_epoch (id, v) VALUES (1, 0);

CREATE FUNCTION job_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('imaphub.job_epoch_moved', true) = 'yes' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('imaphub.job_epoch_moved', 'yes', true);
    UPDATE job_epoch SET v = v + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER job_epoch_job_owners AFTER INSERT OR UPDATE OR DELETE ON job_owners DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION job_epoch_bump();
CREATE CONSTRAINT TRIGGER job_epoch_job_events AFTER INSERT OR UPDATE OR DELETE ON job_events DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION job_epoch_bump();
CREATE CONSTRAINT TRIGGER job_epoch_job_attempts AFTER INSERT OR UPDATE OR DELETE ON job_attempts DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION job_epoch_bump();

-- Substring search of the asset library (domain/assets): a trigram index
-- (pg_trgm) serves the LIKE '%…%' on search_text, which the application
-- case-folds. pg_trgm is a trusted extension: a role with CREATE on the
-- database may create it. Where it cannot (an older server, a role without
-- that right, no contrib package), the index is left out and search scans as
-- before; creating the extension later and running
--   CREATE INDEX assets_search_trigrams ON assets USING gin (search_text gin_trgm_ops);
-- adds it.
DO $$
DECLARE
    ext_schema text;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    EXCEPTION
        WHEN unique_violation THEN
            NULL; -- created at this moment by another database's migration
        WHEN insufficient_privilege OR undefined_file OR invalid_schema_name OR feature_not_supported THEN
            RAISE NOTICE 'asset search without a trigram index: %', SQLERRM;
            RETURN;
    END;
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    IF ext_schema IS NULL THEN
        RAISE NOTICE 'asset search without a trigram index: pg_trgm is not installed';
        RETURN;
    END IF;
    EXECUTE format('CREATE INDEX assets_search_trigrams ON assets USING gin (search_text %I.gin_trgm_ops)', ext_schema);
END;
$$;
