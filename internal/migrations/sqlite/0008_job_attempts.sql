-- One row per run of a background job. A job run again after a crash or a
-- shutdown has several; what it used (model calls, tokens, cost) is the sum
-- over all of them, including a run whose worker was killed mid-way, because
-- usage is added as each call answers.
CREATE TABLE job_attempts (
    job_id            INTEGER NOT NULL,
    attempt           INTEGER NOT NULL CHECK (attempt >= 1),
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP,
    outcome           TEXT    NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
    error             TEXT    NOT NULL DEFAULT '',
    calls             INTEGER NOT NULL DEFAULT 0 CHECK (calls >= 0),
    prompt_tokens     INTEGER NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
    completion_tokens INTEGER NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
    cost_usd          REAL    NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
    PRIMARY KEY (job_id, attempt)
);
