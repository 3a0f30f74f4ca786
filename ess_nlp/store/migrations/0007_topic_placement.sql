-- Topics: units added since the last fit can be placed in the existing topics without refitting
-- them (origin 'assigned'), using the embedding backend of the run that fitted the topics.

CREATE TABLE topic_assignments_new (
    run_id       INTEGER NOT NULL REFERENCES topic_runs(id) ON DELETE CASCADE,
    unit_id      TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    topic_id     INTEGER NOT NULL,             -- final topic (-1: unassigned)
    raw_topic_id INTEGER NOT NULL,             -- clusterer's topic (stable id) before edits
    probability  REAL NOT NULL,                -- membership strength (1 for a manual move)
    similarity   REAL NOT NULL,                -- cosine with the topic's mean embedding
    origin       TEXT NOT NULL
                 CHECK (origin IN ('cluster', 'outlier', 'manual', 'unassigned', 'assigned')),
    x            REAL NOT NULL,                -- 2-D document map
    y            REAL NOT NULL,
    vector       BLOB NOT NULL,                -- float32 embedding (for splits and similarities)
    PRIMARY KEY (run_id, unit_id)
);
INSERT INTO topic_assignments_new SELECT * FROM topic_assignments;
DROP TABLE topic_assignments;
ALTER TABLE topic_assignments_new RENAME TO topic_assignments;
CREATE INDEX topic_assignments_topic ON topic_assignments(run_id, topic_id);
CREATE INDEX topic_assignments_unit ON topic_assignments(unit_id);

-- The learned state of the embedding backend of a run that fitted topics (JSON + NumPy .npz
-- bytes, no pickle), to embed units placed later.
CREATE TABLE topic_backends (
    run_id  INTEGER PRIMARY KEY REFERENCES topic_runs(id) ON DELETE CASCADE,
    config  TEXT NOT NULL,
    arrays  BLOB NOT NULL
);
