-- Theme syntheses: the current document of each synthesis, every saved version (never
-- overwritten), the units each one cites (to flag syntheses whose cited passages changed labels
-- after a retrain or a topic edit) and those flags.
--
-- Citations copy the passage text, offsets, cahier and organisation into the document, and the
-- citation index has no foreign key on units: re-ingesting or removing a source never deletes
-- anything a working group wrote; a cited passage that disappeared is flagged instead.

CREATE TABLE syntheses (
    id          INTEGER PRIMARY KEY,
    scope_kind  TEXT NOT NULL CHECK (scope_kind IN ('theme', 'domain', 'topic')),
    scope       TEXT NOT NULL,                 -- "T4", "financer", "<model>:<topic id>"
    title       TEXT NOT NULL,
    group_id    TEXT,                          -- working group (users file); NULL: every user
    version     INTEGER NOT NULL,              -- current version (each save adds one)
    content     TEXT NOT NULL,                 -- JSON document of the current version
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    deleted_at  TEXT,                          -- soft delete (undo clears it)
    deleted_by  TEXT
);
CREATE INDEX syntheses_scope ON syntheses(scope_kind, scope);
CREATE INDEX syntheses_group ON syntheses(group_id);

CREATE TABLE synthesis_versions (
    synthesis_id INTEGER NOT NULL REFERENCES syntheses(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    content      BLOB NOT NULL,                -- zlib-compressed JSON document
    author       TEXT NOT NULL,
    saved_at     TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',     -- "création", "restauration de la version 3", ...
    PRIMARY KEY (synthesis_id, version)
);

-- Units cited by the current version, with the labels they had when first cited (JSON).
CREATE TABLE synthesis_citations (
    synthesis_id INTEGER NOT NULL REFERENCES syntheses(id) ON DELETE CASCADE,
    unit_id      TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    PRIMARY KEY (synthesis_id, unit_id)
);
CREATE INDEX synthesis_citations_unit ON synthesis_citations(unit_id);

-- A cited passage whose labels (domains, themes, topic) changed since it was cited, or that
-- disappeared; open until someone marks it as seen.
CREATE TABLE synthesis_flags (
    id              INTEGER PRIMARY KEY,
    synthesis_id    INTEGER NOT NULL REFERENCES syntheses(id) ON DELETE CASCADE,
    unit_id         TEXT NOT NULL,
    before          TEXT NOT NULL,             -- JSON fingerprint when cited
    after           TEXT NOT NULL,             -- JSON fingerprint now ({} : passage gone)
    detected_at     TEXT NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at TEXT
);
CREATE INDEX synthesis_flags_open ON synthesis_flags(synthesis_id, acknowledged_at);
