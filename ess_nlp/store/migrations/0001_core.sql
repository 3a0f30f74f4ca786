-- Core tables: sources, their footnotes, and the units they were split into.

CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE,          -- as given at ingestion (relative paths stay relative)
    sha256      TEXT NOT NULL,
    format      TEXT NOT NULL,
    size        INTEGER NOT NULL,              -- bytes of the original file
    text        TEXT NOT NULL,                 -- the plain text all offsets index into
    pages       TEXT NOT NULL DEFAULT '[]',    -- JSON [[number, start, end], ...]
    metadata    TEXT NOT NULL DEFAULT '{}',    -- JSON
    ingested_at TEXT NOT NULL
);
CREATE INDEX sources_sha256 ON sources(sha256);

CREATE TABLE footnotes (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    marker    TEXT NOT NULL,
    anchor    INTEGER NOT NULL,
    text      TEXT NOT NULL
);
CREATE INDEX footnotes_source ON footnotes(source_id);

CREATE TABLE units (
    pk         INTEGER PRIMARY KEY,            -- stable rowid for the full-text index
    id         TEXT NOT NULL UNIQUE,           -- "<sha10>:c1.s2.p3.t1"
    source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    level      TEXT NOT NULL CHECK (level IN ('cahier', 'section', 'paragraph', 'sentence')),
    parent_id  TEXT REFERENCES units(id) ON DELETE CASCADE,
    cahier_id  TEXT,
    section_id TEXT,
    ord        INTEGER NOT NULL,               -- position in the source, pre-order
    title      TEXT,
    kind       TEXT,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    page       INTEGER,
    number     TEXT,
    text       TEXT NOT NULL,
    lemmas     TEXT NOT NULL DEFAULT '',
    metadata   TEXT NOT NULL DEFAULT '{}'      -- JSON (cahier: organisation, territory, legal_form…)
);
CREATE INDEX units_source ON units(source_id, ord);
CREATE INDEX units_level ON units(level);
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_cahier ON units(cahier_id);

-- Accent-insensitive full-text index over sentences, on their words and their lemmas.
CREATE VIRTUAL TABLE units_fts USING fts5(
    text, lemmas,
    content = 'units', content_rowid = 'pk',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER units_fts_delete AFTER DELETE ON units WHEN old.level = 'sentence' BEGIN
    INSERT INTO units_fts(units_fts, rowid, text, lemmas) VALUES ('delete', old.pk, old.text, old.lemmas);
END;
