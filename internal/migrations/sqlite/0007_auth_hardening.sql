-- Hardened sign-in.
--
-- Microsoft Entra ID identities are linked by tenant and object id (the tid
-- and oid claims, which Entra keeps stable and unique). The issuer/subject
-- link of 0003 is only read to find accounts linked before this migration.
ALTER TABLE users ADD COLUMN entra_tid TEXT;
ALTER TABLE users ADD COLUMN entra_oid TEXT CHECK ((entra_tid IS NULL) = (entra_oid IS NULL));
CREATE UNIQUE INDEX users_entra_identity ON users (entra_tid, entra_oid);

-- A sign-in attempt is recorded before its password is checked, as pending;
-- it is deleted when it succeeds and settled (pending false) when it fails.
-- Failed sign-ins are counted per account and client address together.
ALTER TABLE login_failures ADD COLUMN pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1));
CREATE INDEX login_failures_pair ON login_failures (email, client, at);

-- API tokens expire: those made without an end get 90 days from now.
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%d %H:%M:%f+00:00', 'now', '+90 days') WHERE expires_at IS NULL;

-- Session ids are stored as their SHA-256 from now on. The plain ones stored
-- so far can no longer be found: those sessions end here.
DELETE FROM sessions;

-- Secrets the server generates on first need (the key of the OIDC sign-in
-- cookie), kept here so that every instance on this database uses the same.
CREATE TABLE server_secrets (
    name       TEXT PRIMARY KEY,
    secret     TEXT NOT NULL CHECK (length(secret) = 64),
    created_at TIMESTAMP NOT NULL
);
