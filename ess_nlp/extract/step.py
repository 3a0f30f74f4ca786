"""Pipeline step ``extract``: extract from every stored source not yet extracted, store the
records linked to their units, then rebuild the groups of near-duplicate proposals.

A source is extracted again when its bytes changed (re-ingestion replaces its units, and the
cascade removes what was extracted from them) or when the extraction version changed (the code's
``EXTRACTION_VERSION``, the spaCy model, the sentence-kind model's version).

Each proposal's demand core (:mod:`ess_nlp.extract.demand_core`) is computed with its document's
extraction (:func:`with_cores`; on the Dask workers too) and stored with the proposals
(``proposal_cores``), so that the grouping parses nothing again; it computes only the cores that
are missing or of another ``CORE_VERSION`` (a database from before migration 0014). With a
grouping that reads no core (``ESS_NLP_GROUPING=lexical``), none is computed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import cast

from ess_nlp.extract._run import DEFAULT_MODEL, Extraction, extract_units, extraction_pipeline
from ess_nlp.extract.demand_core import CORE_VERSION, Cores, core_from_row, core_to_row, demand_cores
from ess_nlp.extract.duplicates import DEFAULT_METHOD, Method, group_duplicates, reads_cores
from ess_nlp.extract.group_edits import StoredGroup, replay_edits, write_groups
from ess_nlp.extract.kinds.model import default_kind_model_path
from ess_nlp.extract.records import Constat, Initiative, Proposal
from ess_nlp.settings import settings
from ess_nlp.steps import StepReport
from ess_nlp.store import Store

logger = logging.getLogger(__name__)

EXTRACTION_VERSION = "2"  # 2: sentence kinds, document roles, porteur (issue 12)


def extract_step(store: Store, *, progress: Callable[[int, int], None] | None = None,
                 model: str = DEFAULT_MODEL) -> StepReport:
    """Run extraction over the sources that need it; return a ``StepReport``."""
    version = extraction_version(model)
    todo = sources_to_extract(store, version)
    counts = new_counts()
    territory_notes: list[str] = []
    nlp = extraction_pipeline(model) if todo else None
    method = grouping_method()
    for done, (source_id, path, sha256) in enumerate(todo, start=1):
        units = list(store.units(source=path))
        extraction = with_cores(extract_units(units, nlp=nlp), method)
        store_extraction(store, (source_id, sha256, version), [u.id for u in units], extraction, counts,
                         territory_notes)
        if progress is not None:
            progress(done, len(todo))
    counts["groups"] = refresh_duplicate_groups(store, rebuild=bool(todo))
    return StepReport("extract", extract_summary(counts, territory_notes), counts)


def with_cores(extraction: Extraction, method: Method = DEFAULT_METHOD) -> Extraction:
    """``extraction`` with the demand cores of its proposals that the grouping reads (not the
    alternatives), when the grouping's ``method`` reads cores (``"core"``, ``"sentence"``)."""
    grouped = [p for p in extraction.proposals if not p.alternative]
    if not reads_cores(method) or not grouped:
        return extraction
    features, asking = demand_cores([p.text for p in grouped])
    cores = tuple((p.id, tuple(sorted(f)), a) for p, f, a in zip(grouped, features, asking, strict=True))
    return replace(extraction, cores=cores)


def extraction_version(model: str = DEFAULT_MODEL) -> str:
    """What an extraction depends on: the code's version, the spaCy model, the kind model."""
    kinds = default_kind_model_path()
    return f"{EXTRACTION_VERSION}:{model}:{'kinds-' + kinds.name if kinds is not None else 'rules'}"


#: The sources holding a cahier without its territory (a database from before migration 0011).
#: One pass over the cahiers, not a subquery per source: correlated with ``s.id``, SQLite reads
#: every cahier for every source through the ``level`` index (hours at a million units).
_WITHOUT_TERRITORY = (
    "SELECT u.source_id FROM units u LEFT JOIN cahier_territories t ON t.cahier_id = u.id"
    " WHERE u.level = 'cahier' AND t.cahier_id IS NULL"
)


_TO_EXTRACT = (
    "SELECT s.id, s.path, s.sha256 FROM sources s LEFT JOIN extracted_sources e ON e.source_id = s.id"
    " WHERE e.source_id IS NULL OR e.sha256 != s.sha256 OR e.version != ?"
    f" OR s.id IN ({_WITHOUT_TERRITORY})"
    " ORDER BY s.path"
)


def sources_to_extract(store: Store, version: str) -> list[tuple[int, str, str]]:
    """``(id, path, sha256)`` of the sources not yet extracted at ``version``, by path."""
    return [(row["id"], row["path"], row["sha256"]) for row in store.conn.execute(_TO_EXTRACT, (version,))]


def new_counts() -> dict[str, int]:
    return {"sources": 0, "proposals": 0, "constats": 0, "initiatives": 0, "groups": 0, "notes": 0,
            "territories": 0}


def store_extraction(
    store: Store,
    source: tuple[int, str, str],
    unit_ids: list[str],
    extraction: Extraction,
    counts: dict[str, int],
    territory_notes: list[str] | None = None,
) -> None:
    """Save one source's extraction, mark the source ``(id, sha256, version)`` extracted and
    add to ``counts``; the territory's notes (metadata that is no French place) go to the log and
    to ``territory_notes``."""
    source_id, sha256, version = source
    save_extraction(store, source_id, unit_ids, extraction)
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO extracted_sources(source_id, sha256, version, extracted_at)"
            " VALUES (?, ?, ?, ?)",
            (source_id, sha256, version, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        )
    counts["sources"] += 1
    counts["proposals"] += len(extraction.proposals)
    counts["constats"] += len(extraction.constats)
    counts["initiatives"] += len(extraction.initiatives)
    counts["notes"] += len(extraction.notes)
    counts["territories"] += sum(t.filled for _, t in extraction.territories)
    for note in extraction.notes:
        logger.warning("%s", note)
    for _, territory in extraction.territories:
        if territory.note:
            logger.warning("%s", territory.note)
            if territory_notes is not None:
                territory_notes.append(territory.note)


def refresh_duplicate_groups(store: Store, *, rebuild: bool, compute: Callable[[], Grouping] | None = None) -> int:
    """Rebuild the groups of near-duplicate proposals when ``rebuild`` (something was extracted)
    or when there are none yet; return how many there are. ``compute``: see
    :func:`rebuild_duplicate_groups`."""
    if rebuild or not store.conn.execute("SELECT 1 FROM duplicate_groups LIMIT 1").fetchone():
        return rebuild_duplicate_groups(store, compute=compute)
    return int(store.conn.execute("SELECT count(*) FROM duplicate_groups").fetchone()[0])


def extract_summary(counts: dict[str, int], territory_notes: list[str] | None = None) -> str:
    """The step's French summary line."""
    return (
        f"{counts['sources']} source(s) traitée(s) : {counts['proposals']} proposition(s), "
        f"{counts['constats']} constat(s), {counts['initiatives']} initiative(s) ; "
        f"{counts['groups']} groupe(s) de propositions proches"
        + (f" ; {counts['notes']} document(s) sans contenu exploitable (table des matières seule)"
           if counts["notes"] else "")
        + (f" ; {counts['territories']} cahier(s) situé(s)" if counts["sources"] else "")
        + ("." + "".join(f" {note}" for note in territory_notes) if territory_notes else "")
    )


def _chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def save_extraction(store: Store, source_id: int, unit_ids: list[str], extraction: Extraction) -> None:
    """Replace what is stored for these units by ``extraction``, in one transaction."""
    del source_id
    with store.transaction() as conn:
        for chunk in _chunks(unit_ids):
            marks = ",".join("?" * len(chunk))
            for table in ("constats", "initiatives"):
                conn.execute(f"DELETE FROM {table} WHERE unit_id IN ({marks})", chunk)
            conn.execute(f"DELETE FROM proposals WHERE unit_id IN ({marks})", chunk)
        conn.executemany(
            "INSERT INTO proposals(id, unit_id, cahier_id, section_id, start, end, text, number, parent_id,"
            " alternative, cue, kind_score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_proposal_row(p) for p in extraction.proposals],
        )
        _insert_cores(conn, [(proposal, *core_to_row(features, asks)) for proposal, features, asks in extraction.cores])
        conn.executemany(
            "INSERT INTO constats(id, unit_id, cahier_id, section_id, start, end, text, cue, kind_score)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_constat_row(c) for c in extraction.constats],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO cahier_territories(cahier_id, commune, commune_code, departement,"
            " departement_code, region, region_code, origin, evidence, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(cahier, t.commune, t.commune_code, t.departement, t.departement_code, t.region, t.region_code,
              t.origin, t.evidence, t.note) for cahier, t in extraction.territories],
        )
        conn.executemany(
            "INSERT INTO initiatives(id, unit_id, cahier_id, section_id, start, end, name, text, what, since,"
            " organisations, partners, legal_forms, places, urls, figures, porteur)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_initiative_row(i) for i in extraction.initiatives],
        )


def _proposal_row(p: Proposal) -> tuple[object, ...]:
    return (p.id, p.unit, p.cahier, p.section, p.start, p.end, p.text, p.number, p.parent, int(p.alternative),
            p.cue, p.kind_score)


def _constat_row(c: Constat) -> tuple[object, ...]:
    return (c.id, c.unit, c.cahier, c.section, c.start, c.end, c.text, c.cue, c.kind_score)


def _initiative_row(i: Initiative) -> tuple[object, ...]:
    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    return (
        i.id, i.unit, i.cahier, i.section, i.start, i.end, i.name, i.text, i.what, i.since,
        dump(list(i.organisations)), dump(list(i.partners)), dump(list(i.legal_forms)),
        dump([p.to_json() for p in i.places]), dump(list(i.urls)), dump([f.to_json() for f in i.figures]),
        i.porteur,
    )


#: A stored demand core: ``(proposal id, features as a sorted JSON list, asks 1/0)``, of ``CORE_VERSION``.
CoreRow = tuple[str, str, int]
#: What the grouping computes (:func:`automatic_groups`): the automatic groups, and the cores it
#: had to compute (missing, or of another version) for the driver to store.
Grouping = tuple[list[StoredGroup], list[CoreRow]]


def _insert_cores(conn: sqlite3.Connection, rows: Sequence[CoreRow]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO proposal_cores(proposal_id, version, features, asks) VALUES (?, ?, ?, ?)",
        [(proposal, CORE_VERSION, features, asks) for proposal, features, asks in rows],
    )


def grouping_method() -> Method:
    """The grouping method the settings name (``ESS_NLP_GROUPING``), else ``DEFAULT_METHOD``."""
    chosen = settings().grouping
    return cast(Method, chosen) if chosen else DEFAULT_METHOD


def automatic_groups(conn: sqlite3.Connection, *, threshold: float | None = None,
                     method: Method | None = None) -> Grouping:
    """The automatic groups of every stored proposal (edits not replayed), read from ``conn``
    (which may be read-only: this runs on a Dask worker too), with the demand cores stored
    with them; those missing or of another version are computed and returned to be stored.
    ``method``: :func:`grouping_method` when None."""
    method = grouping_method() if method is None else method
    rows = conn.execute(
        "SELECT p.id, p.text, p.cahier_id, c.version, c.features, c.asks FROM proposals p"
        " LEFT JOIN proposal_cores c ON c.proposal_id = p.id WHERE p.alternative = 0 ORDER BY p.id"
    ).fetchall()
    cores: Cores | None = None
    stored: list[CoreRow] = []
    if reads_cores(method):
        missing = [r for r in rows if r["version"] != CORE_VERSION]
        if missing:
            logger.info("%d demand cores computed for the grouping (missing or of another version)", len(missing))
            computed = demand_cores([r["text"] for r in missing])
            stored = [(r["id"], *core_to_row(f, a)) for r, f, a in zip(missing, *computed, strict=True)]
        fresh = {proposal: (features, asks) for proposal, features, asks in stored}
        read = [core_from_row(*fresh.get(r["id"], (r["features"], r["asks"]))) for r in rows]
        cores = ([features for features, _ in read], [asks for _, asks in read])
    groups = group_duplicates([(r["id"], r["text"], r["cahier_id"]) for r in rows], threshold=threshold,
                              method=method, cores=cores)
    return [StoredGroup(list(g.members), list(g.similarities)) for g in groups], stored


def rebuild_duplicate_groups(store: Store, *, threshold: float | None = None, method: Method | None = None,
                             compute: Callable[[], Grouping] | None = None) -> int:
    """Recompute the groups of proposals making the same demand over every stored proposal,
    then replay people's « fusionner / séparer » edits (:mod:`ess_nlp.extract.group_edits`).

    ``compute``: what computes the automatic groups (on a Dask worker: :mod:`ess_nlp.parallel`);
    by default :func:`automatic_groups` here, by ``method`` (:func:`grouping_method` when None).
    The cores it had to compute are stored."""
    if compute is None:
        automatic, cores = automatic_groups(store.conn, threshold=threshold, method=method)
    else:
        automatic, cores = compute()
    if cores:
        with store.transaction() as conn:
            _insert_cores(conn, cores)
    edits = store.conn.execute("SELECT action, proposal_id, other_id FROM duplicate_edits ORDER BY id").fetchall()
    if edits:  # the proposals' ids only when there are edits to replay (a million-unit run has none)
        known = {r[0] for r in store.conn.execute("SELECT id FROM proposals")}
        automatic = replay_edits(automatic, edits, known)
    written = write_groups(store, automatic)
    logger.info("%d groups of proposals making the same demand (%d edits replayed)", written, len(edits))
    return written
