-- Each proposal's demand core (issue 20): the "verb>argument" features of its parse and whether it
-- asks something (ess_nlp.extract.demand_core), computed where the proposals are extracted (on the
-- Dask workers too) and stored with them, so that the grouping of near-duplicate proposals parses
-- nothing again. `version` is demand_core.CORE_VERSION: a core of another version is computed again.
CREATE TABLE proposal_cores (
    proposal_id TEXT PRIMARY KEY REFERENCES proposals(id) ON DELETE CASCADE,
    version     TEXT NOT NULL,
    features    TEXT NOT NULL,              -- JSON list of the features, sorted
    asks        INTEGER NOT NULL            -- 1: asks something; 0: a question, a web address
);
