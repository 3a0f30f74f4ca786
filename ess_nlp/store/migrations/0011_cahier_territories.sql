-- Each cahier's territory (issue 16): commune, département and current région (2016 reform)
-- with their INSEE codes, from its metadata when they name a French place, else from its text
-- (ess_nlp.extract.territory). Written by the extract step; a re-ingested cahier loses its row
-- with its units and gets a new one when extracted again.

CREATE TABLE cahier_territories (
    cahier_id        TEXT PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
    commune          TEXT NOT NULL DEFAULT '',
    commune_code     TEXT NOT NULL DEFAULT '',
    departement      TEXT NOT NULL DEFAULT '',
    departement_code TEXT NOT NULL DEFAULT '',
    region           TEXT NOT NULL DEFAULT '',   -- always a current région
    region_code      TEXT NOT NULL DEFAULT '',
    origin           TEXT NOT NULL DEFAULT '' CHECK (origin IN ('metadata', 'text', '')),
    evidence         TEXT NOT NULL DEFAULT '',   -- French: where it was read
    note             TEXT NOT NULL DEFAULT ''    -- French: why the metadata was set aside
);
CREATE INDEX cahier_territories_region ON cahier_territories(region_code, departement_code);
