-- Topics: runs of the topic model, stable topic identities, assignments, and the edit log.
--
-- A "model" is a named topic model over one set of units (by default named after the level,
-- e.g. "section"). Each run clusters the units again; its topics are matched to the previous
-- run's by member overlap, so they keep their stable ids and names, and every edit of the
-- log is replayed on it.

CREATE TABLE topic_runs (
    id            INTEGER PRIMARY KEY,
    model         TEXT NOT NULL,
    level         TEXT,                        -- units clustered (cahier, section…)
    kinds         TEXT NOT NULL DEFAULT '[]',  -- JSON list of section kinds kept ([] = all)
    created_at    TEXT NOT NULL,
    backend       TEXT NOT NULL,
    seed          INTEGER NOT NULL,
    params        TEXT NOT NULL DEFAULT '{}',  -- JSON TopicConfig
    data_hash     TEXT NOT NULL,               -- sha256 of the clustered (id, text) pairs
    n_units       INTEGER NOT NULL,
    n_topics      INTEGER NOT NULL,
    outlier_share REAL NOT NULL,
    metrics       TEXT NOT NULL DEFAULT '{}',  -- JSON
    notes         TEXT NOT NULL DEFAULT '[]',  -- JSON list of French notes
    replay        TEXT NOT NULL DEFAULT '[]',  -- JSON: outcome of each replayed edit
    model_path    TEXT                         -- folder of the saved model, when saved
);
CREATE INDEX topic_runs_model ON topic_runs(model, id);

-- Every topic id ever given in a model, with its current name (kept across runs).
CREATE TABLE topic_identities (
    model       TEXT NOT NULL,
    topic_id    INTEGER NOT NULL CHECK (topic_id >= 0),
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    created_run INTEGER REFERENCES topic_runs(id) ON DELETE SET NULL,
    PRIMARY KEY (model, topic_id)
);

-- The topics of one run (after edits): their name, automatic label, keywords and size.
CREATE TABLE topics (
    run_id   INTEGER NOT NULL REFERENCES topic_runs(id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL,
    name     TEXT NOT NULL,
    label    TEXT NOT NULL,
    keywords TEXT NOT NULL DEFAULT '[]',       -- JSON [[keyword, c-TF-IDF score], ...]
    size     INTEGER NOT NULL,
    PRIMARY KEY (run_id, topic_id)
);

-- One row per clustered unit and run.
CREATE TABLE topic_assignments (
    run_id       INTEGER NOT NULL REFERENCES topic_runs(id) ON DELETE CASCADE,
    unit_id      TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    topic_id     INTEGER NOT NULL,             -- final topic (-1: unassigned)
    raw_topic_id INTEGER NOT NULL,             -- clusterer's topic (stable id) before edits
    probability  REAL NOT NULL,                -- HDBSCAN membership (1 for a manual move)
    similarity   REAL NOT NULL,                -- cosine with the topic's mean embedding
    origin       TEXT NOT NULL CHECK (origin IN ('cluster', 'outlier', 'manual', 'unassigned')),
    x            REAL NOT NULL,                -- 2-D document map
    y            REAL NOT NULL,
    vector       BLOB NOT NULL,                -- float32 embedding (for splits and similarities)
    PRIMARY KEY (run_id, unit_id)
);
CREATE INDEX topic_assignments_topic ON topic_assignments(run_id, topic_id);
CREATE INDEX topic_assignments_unit ON topic_assignments(unit_id);

-- Edits people made, replayed in order on every later run.
CREATE TABLE topic_edits (
    id      INTEGER PRIMARY KEY,
    model   TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('merge', 'split', 'move', 'rename')),
    payload TEXT NOT NULL,                     -- JSON, see ess_nlp/topics/_edits.py
    who     TEXT NOT NULL,
    at      TEXT NOT NULL,                     -- ISO 8601 UTC
    why     TEXT NOT NULL DEFAULT '',
    run_id  INTEGER REFERENCES topic_runs(id) ON DELETE SET NULL  -- run it was made on
);
CREATE INDEX topic_edits_model ON topic_edits(model, id);
