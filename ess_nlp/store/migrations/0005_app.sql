-- The app's annotations: every label an annotator saves on a unit, kept forever (append-only),
-- so two people saving the same unit at once never overwrite each other and every earlier choice
-- can be read back. An annotator's current labels on a unit are their latest row.

CREATE TABLE app_annotations (
    id         INTEGER PRIMARY KEY,            -- increasing: also the revision number
    unit_id    TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    facet      TEXT NOT NULL,                  -- "domains", "themes" (taxonomy facets) or "kind"
    annotator  TEXT NOT NULL,
    labels     TEXT NOT NULL,                  -- JSON list of label ids ([] : none applies)
    seen       INTEGER,                        -- latest revision on (unit, facet) shown when the form opened
    created_at TEXT NOT NULL
);
CREATE INDEX app_annotations_unit ON app_annotations(unit_id, facet, id);
CREATE INDEX app_annotations_annotator ON app_annotations(annotator, facet);
