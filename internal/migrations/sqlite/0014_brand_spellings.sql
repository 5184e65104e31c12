-- The account's own spellings (internal/domain/campaigns): brand names,
-- product names and codes written with inner capitals or symbols ("JobRad",
-- "ReifenDirekt"), allowed as written in every campaign's texts in addition
-- to the policy's built-in list and each brief's brand terms.

CREATE TABLE brand_spellings (
    term       TEXT   NOT NULL PRIMARY KEY,
    created_at TIMESTAMP NOT NULL
);
