-- Reporting's epoch (internal/domain/reporting): one row whose number every
-- change of the fact tables moves in its own transaction. A process keeps
-- encoded report answers under the epoch they were made at and serves one
-- only while the epoch is still that number, so an import by any process
-- (a worker, another server) makes every cached answer stale at once.

CREATE TABLE report_epoch (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    epoch BIGINT  NOT NULL
);

INSERT INTO report_epoch (id, epoch) VALUES (1, 0);
