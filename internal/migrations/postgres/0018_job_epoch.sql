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
