-- A counter bumped in the same transaction as every change that can take
-- access away (role, disabling, password, sign-out everywhere, token
-- revocation, a session ended). Servers cache who a token or session belongs
-- to and drop the cache when the counter moves.
CREATE TABLE auth_epoch (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    v  BIGINT  NOT NULL
);
INSERT INTO auth_epoch (id, v) VALUES (1, 0);
