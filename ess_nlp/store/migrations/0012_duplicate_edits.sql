-- People's corrections of the groups of proposals ("fusionner / séparer", issue 16), kept
-- through re-runs: each rebuild of the groups replays them in order. They name proposals by id
-- (stable while a source's text does not change) and have no foreign key, so an edit whose
-- proposals are gone is simply skipped, and comes back into force if they come back.
CREATE TABLE duplicate_edits (
    id          INTEGER PRIMARY KEY,
    action      TEXT NOT NULL CHECK (action IN ('merge', 'split')),
    proposal_id TEXT NOT NULL,                -- merge: joins other_id's group; split: leaves its group
    other_id    TEXT,                         -- merge only
    author      TEXT,
    created_at  TEXT NOT NULL,
    CHECK ((action = 'merge') = (other_id IS NOT NULL))
);

-- Distinct organisations carrying a group (cahiers without a named organisation count as one
-- each), and whether people edited it.
ALTER TABLE duplicate_groups ADD COLUMN organisations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE duplicate_groups ADD COLUMN edited INTEGER NOT NULL DEFAULT 0;
