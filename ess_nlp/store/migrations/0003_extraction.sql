-- Extraction: proposals, findings (constats), initiative cards, groups of near-duplicate
-- proposals across cahiers. Every row hangs on a unit (ON DELETE CASCADE), so re-ingesting a
-- changed file or removing it cleans up what was extracted from it.

CREATE TABLE extracted_sources (
    source_id    INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
    sha256       TEXT NOT NULL,
    version      TEXT NOT NULL,               -- extraction version and spaCy model used
    extracted_at TEXT NOT NULL
);

CREATE TABLE proposals (
    id          TEXT PRIMARY KEY,             -- "<unit id>/prop1"
    unit_id     TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,  -- list item paragraph or sentence
    cahier_id   TEXT REFERENCES units(id) ON DELETE CASCADE,
    section_id  TEXT REFERENCES units(id) ON DELETE CASCADE,
    start       INTEGER NOT NULL,             -- offsets into sources.text
    end         INTEGER NOT NULL,
    text        TEXT NOT NULL,
    number      TEXT,                         -- list marker as written ("1.", "a)", "-"), NULL for prose
    parent_id   TEXT REFERENCES proposals(id) ON DELETE CASCADE,  -- sub-item or "Ou :" alternative
    alternative INTEGER NOT NULL DEFAULT 0 CHECK (alternative IN (0, 1)),
    cue         TEXT NOT NULL                 -- why it was kept: list, sub-item, alternative, infinitive, que, imperative, cue
);
CREATE INDEX proposals_unit ON proposals(unit_id);
CREATE INDEX proposals_cahier ON proposals(cahier_id);

CREATE TABLE constats (
    id         TEXT PRIMARY KEY,              -- "<unit id>/cons1"
    unit_id    TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    cahier_id  TEXT REFERENCES units(id) ON DELETE CASCADE,
    section_id TEXT REFERENCES units(id) ON DELETE CASCADE,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    cue        TEXT NOT NULL                  -- section, explicit or evidence
);
CREATE INDEX constats_unit ON constats(unit_id);
CREATE INDEX constats_cahier ON constats(cahier_id);

CREATE TABLE initiatives (
    id            TEXT PRIMARY KEY,           -- "<section or cahier id>/init1"
    unit_id       TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
    cahier_id     TEXT REFERENCES units(id) ON DELETE CASCADE,
    section_id    TEXT REFERENCES units(id) ON DELETE CASCADE,
    start         INTEGER NOT NULL,
    end           INTEGER NOT NULL,
    name          TEXT,
    text          TEXT NOT NULL,
    what          TEXT,
    since         TEXT,
    organisations TEXT NOT NULL DEFAULT '[]', -- JSON ["name", ...]
    partners      TEXT NOT NULL DEFAULT '[]', -- JSON ["name", ...]
    legal_forms   TEXT NOT NULL DEFAULT '[]', -- JSON ["SCOP", ...]
    places        TEXT NOT NULL DEFAULT '[]', -- JSON [{"name", "level", "code"}, ...]
    urls          TEXT NOT NULL DEFAULT '[]', -- JSON ["www...", ...]
    figures       TEXT NOT NULL DEFAULT '[]'  -- JSON [{"text", "value", "unit"}, ...]
);
CREATE INDEX initiatives_unit ON initiatives(unit_id);
CREATE INDEX initiatives_cahier ON initiatives(cahier_id);

-- Near-duplicate proposals across cahiers ("proposée par 7 cahiers"), rebuilt by each run.
CREATE TABLE duplicate_groups (
    id      INTEGER PRIMARY KEY,
    label   TEXT NOT NULL,                    -- text of the most central proposal
    size    INTEGER NOT NULL,                 -- proposals in the group
    cahiers INTEGER NOT NULL                  -- distinct cahiers proposing it
);

CREATE TABLE duplicate_members (
    group_id    INTEGER NOT NULL REFERENCES duplicate_groups(id) ON DELETE CASCADE,
    proposal_id TEXT NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
    similarity  REAL NOT NULL,                -- to the group's central proposal
    PRIMARY KEY (group_id, proposal_id)
);
CREATE INDEX duplicate_members_proposal ON duplicate_members(proposal_id);

-- A group left with fewer than two proposals (its sources were removed) disappears.
CREATE TRIGGER duplicate_members_prune AFTER DELETE ON duplicate_members
WHEN (SELECT count(*) FROM duplicate_members WHERE group_id = old.group_id) < 2 BEGIN
    DELETE FROM duplicate_groups WHERE id = old.group_id;
END;
