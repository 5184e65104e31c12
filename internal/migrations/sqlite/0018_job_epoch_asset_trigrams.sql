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

-- Substring search of the asset library (domain/assets) through a trigram
-- index of search_text (already case-folded by the application, so the
-- index compares exactly). A query of three or more characters takes the
-- candidates from the index and checks them with the same LIKE as before;
-- a shorter one scans with LIKE alone. Triggers keep the index in step with
-- the table.
CREATE VIRTUAL TABLE assets_trigrams USING fts5(search_text, content = 'assets', content_rowid = 'id', tokenize = 'trigram case_sensitive 1');
INSERT INTO assets_trigrams (assets_trigrams) VALUES ('rebuild');
CREATE TRIGGER assets_trigrams_insert AFTER INSERT ON assets BEGIN
    INSERT INTO assets_trigrams (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER assets_trigrams_delete AFTER DELETE ON assets BEGIN
    INSERT INTO assets_trigrams (assets_trigrams, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER assets_trigrams_update AFTER UPDATE OF search_text ON assets BEGIN
    INSERT INTO assets_trigrams (assets_trigrams, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO assets_trigrams (rowid, search_text) VALUES (new.id, new.search_text);
END;
