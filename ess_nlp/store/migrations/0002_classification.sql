-- Classification: model versions, their predictions per unit, and annotators' labels.

-- Every model that scored units (a folder under models/, or the zero-shot scorer of a taxonomy).
-- At most one is current: the one the app shows and the pipeline step uses by default.
CREATE TABLE model_versions (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('supervised', 'zero-shot', 'mixed')),
    path        TEXT,                          -- model folder (NULL for a zero-shot scorer)
    taxonomy    TEXT NOT NULL,                 -- taxonomy name
    fingerprint TEXT NOT NULL,                 -- taxonomy fingerprint (name + label ids)
    meta        TEXT NOT NULL DEFAULT '{}',    -- JSON: meta.json of the folder
    created_at  TEXT NOT NULL,
    is_current  INTEGER NOT NULL DEFAULT 0 CHECK (is_current IN (0, 1)),
    UNIQUE (name, version)
);
CREATE UNIQUE INDEX model_versions_one_current ON model_versions(is_current) WHERE is_current = 1;

-- One row per unit, model, facet and label: the score in [0, 1], whether the label was
-- assigned, and why (JSON {"terms": [...], "sentences": [...]}, only for assigned labels).
CREATE TABLE predictions (
    unit_id     TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    model_id    INTEGER NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
    facet       TEXT NOT NULL,
    label       TEXT NOT NULL,
    score       REAL NOT NULL CHECK (score >= 0 AND score <= 1),
    assigned    INTEGER NOT NULL DEFAULT 0 CHECK (assigned IN (0, 1)),
    explanation TEXT,
    PRIMARY KEY (unit_id, model_id, facet, label)
);
CREATE INDEX predictions_model_facet_label ON predictions(model_id, facet, label, score);

-- Labels given by people. Append-only: a change of mind is a new row; the latest row per
-- (unit, annotator, facet, label) is the annotator's current answer. value 1 = the label
-- applies, 0 = it does not.
CREATE TABLE annotations (
    id          INTEGER PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    annotator   TEXT NOT NULL,
    facet       TEXT NOT NULL,
    label       TEXT NOT NULL,
    value       INTEGER NOT NULL CHECK (value IN (0, 1)),
    created_at  TEXT NOT NULL
);
CREATE INDEX annotations_unit ON annotations(unit_id, facet, label, created_at);
CREATE INDEX annotations_annotator ON annotations(annotator, created_at);
