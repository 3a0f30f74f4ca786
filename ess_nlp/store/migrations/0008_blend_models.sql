-- Classification: a model version may be of kind 'blend' (supervised and zero-shot scores
-- combined and calibrated, issue 13). SQLite cannot change a CHECK constraint in place, and
-- dropping model_versions would cascade to predictions, so both tables are rebuilt: copied
-- into new tables, the old ones dropped (predictions first), the new ones renamed (the rename
-- of model_versions_new rewrites the reference of predictions_new).

CREATE TABLE model_versions_new (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('supervised', 'zero-shot', 'mixed', 'blend')),
    path        TEXT,                          -- model folder (NULL for a zero-shot scorer)
    taxonomy    TEXT NOT NULL,                 -- taxonomy name
    fingerprint TEXT NOT NULL,                 -- taxonomy fingerprint (name + label ids)
    meta        TEXT NOT NULL DEFAULT '{}',    -- JSON: meta.json of the folder
    created_at  TEXT NOT NULL,
    is_current  INTEGER NOT NULL DEFAULT 0 CHECK (is_current IN (0, 1)),
    UNIQUE (name, version)
);
INSERT INTO model_versions_new SELECT * FROM model_versions;

CREATE TABLE predictions_new (
    unit_id     TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    model_id    INTEGER NOT NULL REFERENCES model_versions_new(id) ON DELETE CASCADE,
    facet       TEXT NOT NULL,
    label       TEXT NOT NULL,
    score       REAL NOT NULL CHECK (score >= 0 AND score <= 1),
    assigned    INTEGER NOT NULL DEFAULT 0 CHECK (assigned IN (0, 1)),
    explanation TEXT,
    PRIMARY KEY (unit_id, model_id, facet, label)
);
INSERT INTO predictions_new SELECT * FROM predictions;

DROP TABLE predictions;
DROP TABLE model_versions;
ALTER TABLE model_versions_new RENAME TO model_versions;
ALTER TABLE predictions_new RENAME TO predictions;
CREATE UNIQUE INDEX model_versions_one_current ON model_versions(is_current) WHERE is_current = 1;
CREATE INDEX predictions_model_facet_label ON predictions(model_id, facet, label, score);
