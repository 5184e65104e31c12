-- Substring search and text-ordered lists of the asset library.
--
-- search_text is the text case-folded by the application (Unicode full case
-- folding): SQLite's lower() and LIKE fold ASCII only, so folding in SQL would
-- make "GRÖSSE" miss "Größe" on one engine and not the other. Rows written
-- before this version get an ASCII-lowered approximation.
ALTER TABLE assets ADD COLUMN search_text TEXT;
UPDATE assets SET search_text = lower(text) WHERE text IS NOT NULL;

-- Keyset pagination sorted by text; images (no text) sort as ''.
CREATE INDEX assets_text ON assets (COALESCE(text, ''), id);
