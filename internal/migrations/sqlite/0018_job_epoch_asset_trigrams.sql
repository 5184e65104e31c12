-- A counter that moves with every committed change to what a job view shows
-- (platform/jobs): its owner, its events, its runs and River's row of it.
-- Encoded pages of the jobs list are kept per process and dropped when it
-- (or the graph epoch, which the subjects' names follow) moves. River's
-- table is created by River's own migrations, after these: its trigger is
-- installed by platform/jobs when it migrates River. Writes are serialised
-- on SQLite, so plain triggers suffice.
CREATE TABLE job_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v  INTEGER NOT NULL
);
INSERT INTO job_epoch (id, v) VALUES (1, 0);
CREATE TRIGGER job_epoch_job_owners_insert AFTER INSERT ON job_owners BEGIN UPDATE job_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER job_epoch_job_owners_update AFTER UPDATE ON job_owners BEGIN UPDATE job_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER job_epoch_job_owners_delete AFTER DELETE ON job_owners BEGIN UPDATE job_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER job_epoch_job_events_insert AFTER INSERT ON job_events BEGIN UPDATE job_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER job_epoch_job_events_update AFTER UPDATE ON job_events BEGIN UPDATE job_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER job_epoch_job_events_delete AFTER DELETE ON job_events BEGIN UPDATE job_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER job_epoch_job_attempts_insert AFTER INSERT ON job_attempts BEGIN UPDATE job_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER job_epoch_job_attempts_update AFTER UPDATE ON job_attempts BEGIN UPDATE job_epoch SET v = v + 1 WHERE id = 1; END;
CREATE TRIGGER job_epoch_job_attempts_delete AFTER DELETE ON job_attempts BEGIN UPDATE job_epoch SET v = v + 1 WHERE id = 1; END;


-- The asset search's trigram index of PostgreSQL's 0018 has no counterpart
-- here: SQLite keeps scanning with LIKE, which stops at a page's end (see
-- docs/architecture.md).
