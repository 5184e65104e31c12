-- Progress of background jobs as persisted events: a stream that a reload or
-- a dropped connection can resume from (Last-Event-ID = seq). The jobs
-- themselves live in River's tables (river_job), migrated by River.
CREATE TABLE job_events (
    job_id  INTEGER NOT NULL,
    seq     INTEGER NOT NULL CHECK (seq >= 1),
    type    TEXT    NOT NULL CHECK (type IN ('progress', 'item', 'warning', 'completed', 'failed', 'cancelled')),
    payload TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    at      TIMESTAMP NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- Who started a job and for what, for listing jobs by campaign.
CREATE TABLE job_owners (
    job_id      INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    campaign_id INTEGER,
    user_id     INTEGER,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX job_owners_campaign ON job_owners (campaign_id, job_id);
