-- People's annotations survive a re-ingest: when a source is replaced or removed, its
-- annotations are moved to the new units that carry the same text (re-anchored) or, when no
-- unit does, kept here, detached, with what they were attached to, for a person to review.

CREATE TABLE detached_annotations (
    id          INTEGER PRIMARY KEY,
    origin      TEXT NOT NULL CHECK (origin IN ('app_annotations', 'annotations')),
    row         TEXT NOT NULL,              -- JSON of the annotation row as it was stored
    source_path TEXT NOT NULL,              -- the file its unit came from
    unit_id     TEXT NOT NULL,
    level       TEXT NOT NULL,
    unit_title  TEXT,
    unit_text   TEXT NOT NULL,
    reason      TEXT NOT NULL,              -- French: why it could not be re-anchored
    detached_at TEXT NOT NULL,
    reviewed_at TEXT,                       -- set when a person dismissed or re-attached it
    reviewed_by TEXT
);
CREATE INDEX detached_annotations_open ON detached_annotations(reviewed_at, source_path);
