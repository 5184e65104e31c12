-- PostgreSQL announces every move of an epoch counter to the processes
-- that keep pages (migration 0021 there). SQLite needs no such thing: every
-- process sees a commit in the WAL-index header it reads before a kept
-- page is answered (platform/db, walIndex). Nothing changes here; the
-- version keeps both engines' schemas numbered alike.
SELECT 1;
