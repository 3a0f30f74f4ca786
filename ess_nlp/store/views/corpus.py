"""The corpus as the app's pages, a notebook or a benchmark read it: sizes, files, cahiers with
their places, units, the current model's scores, and the domain x theme coverage.

Plain functions over an open :class:`~ess_nlp.store.Store`, returning pandas frames or small
records (no streamlit); every label goes through the one rule of
:mod:`ess_nlp.store.views.labels`.
"""

from __future__ import annotations

import json
import posixpath
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import pandas as pd

from ess_nlp.records import Unit
from ess_nlp.store import Store
from ess_nlp.store.views import labels as label_rule
from ess_nlp.store.views.territories import territories_frame

__all__ = [
    "CorpusSize",
    "Coverage",
    "cahier_page_range",
    "cahier_units",
    "cahiers_frame",
    "cahiers_in_cell",
    "classification_available",
    "corpus_size",
    "coverage",
    "current_model_info",
    "display_paths",
    "extraction_available",
    "labels_wide",
    "query_frame",
    "sources_frame",
    "unit_labels",
    "unit_metadata",
    "unit_scores",
]


def query_frame(conn: sqlite3.Connection, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """The rows of ``sql`` as a frame whose columns are the query's."""
    cursor = conn.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return pd.DataFrame([tuple(r) for r in cursor.fetchall()], columns=columns)


@dataclass(frozen=True)
class CorpusSize:
    sources: int
    cahiers: int
    sections: int
    paragraphs: int
    sentences: int

    @property
    def empty(self) -> bool:
        return self.cahiers == 0


def corpus_size(store: Store) -> CorpusSize:
    counts = store.count_units()
    sources = store.conn.execute("SELECT count(*) FROM sources").fetchone()[0]
    return CorpusSize(
        sources=int(sources),
        cahiers=counts.get("cahier", 0),
        sections=counts.get("section", 0),
        paragraphs=counts.get("paragraph", 0),
        sentences=counts.get("sentence", 0),
    )


def sources_frame(store: Store) -> pd.DataFrame:
    """One row per stored file: path, format, size, cahiers, date.

    (Not ``Store.sources()``: its per-source count runs in quadratic time on large databases,
    the planner searching the ``level`` index for each source.)
    """
    frame = query_frame(
        store.conn,
        'SELECT id, path AS fichier, format, size AS taille, ingested_at AS "ingéré le" FROM sources ORDER BY path',
    )
    counts = query_frame(
        store.conn,
        "SELECT source_id AS id, count(*) AS cahiers FROM units WHERE level = 'cahier' GROUP BY source_id",
    )
    frame = frame.merge(counts, on="id", how="left")
    frame["cahiers"] = frame["cahiers"].fillna(0).astype(int)
    return frame[["fichier", "format", "taille", "cahiers", "ingéré le"]]


def display_paths(paths: Iterable[str]) -> dict[str, str]:
    """Each stored file path as people read it: an absolute path relative to the folder all the
    absolute paths share (« /srv/corpus/sample/csv/f.csv » -> « csv/f.csv »; a lone file: its
    name), a relative one (an upload, « import/… ») as stored. A path that would then read like
    another keeps its full form. The stored path stays the key (filters, links, exports)."""
    absolute = {p: PurePosixPath(p) for p in set(paths) if PurePosixPath(p).is_absolute()}
    shown = {p: p for p in set(paths)}
    if absolute:
        root = posixpath.commonpath([str(q.parent) for q in absolute.values()])
        if root != "/":  # « / » alone is no shared folder
            shown.update({p: str(q.relative_to(root)) for p, q in absolute.items()})
    seen = Counter(shown.values())
    return {p: name if seen[name] == 1 else p for p, name in sorted(shown.items())}


def cahiers_frame(store: Store) -> pd.DataFrame:
    """One row per cahier: id, title, source, format, page, organisation, legal form, the domain
    written in the cahier (form field), its territory (the columns of
    :data:`~ess_nlp.store.views.territories.TERRITORY_COLUMNS`: commune, département and current
    région with their INSEE codes), sections, sentences, words."""
    frame = query_frame(
        store.conn,
        "SELECT u.id, coalesce(u.title, '') AS title, s.path AS source, s.format, u.page,"
        " coalesce(json_extract(u.metadata, '$.organisation'), '') AS organisation,"
        " coalesce(json_extract(u.metadata, '$.legal_form'), '') AS legal_form,"
        " coalesce(json_extract(u.metadata, '$.domain'), '') AS domain_field,"
        " u.end - u.start AS chars"
        " FROM units u JOIN sources s ON s.id = u.source_id"
        " WHERE u.level = 'cahier' ORDER BY s.path, u.ord",
    )
    counts = query_frame(
        store.conn,
        "SELECT cahier_id AS id, sum(level = 'section') AS sections, sum(level = 'sentence') AS sentences"
        " FROM units WHERE level IN ('section', 'sentence') GROUP BY cahier_id",
    )
    frame = frame.merge(counts, on="id", how="left")
    for column in ("sections", "sentences"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["title"] = [t or f"(sans titre) {i}" for t, i in zip(frame["title"], frame["id"], strict=True)]
    places = territories_frame(store).rename(columns={"cahier": "id"})
    return frame.merge(places, on="id", how="left")


def cahier_units(store: Store, cahier: str) -> list[Unit]:
    """The cahier unit then every unit below it, in source order."""
    head = store.unit(cahier)
    if head is None:
        return []
    return [head, *store.units(cahier=cahier)]


def cahier_page_range(store: Store, cahier: str) -> tuple[int | None, int | None]:
    row = store.conn.execute(
        "SELECT min(page), max(page) FROM units WHERE id = ? OR cahier_id = ?", (cahier, cahier)
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


_CURRENT = "JOIN model_versions m ON m.id = p.model_id AND m.is_current = 1"


LEVEL_PREDICTIONS = (
    "FROM units u CROSS JOIN predictions p ON p.unit_id = u.id"
    " AND p.model_id = (SELECT id FROM model_versions WHERE is_current = 1)"
)


def classification_available(store: Store) -> bool:
    """Whether the current classification model scored units (migration 0002)."""
    return store.conn.execute(f"SELECT 1 FROM predictions p {_CURRENT} LIMIT 1").fetchone() is not None


def extraction_available(store: Store) -> bool:
    """Whether the extraction step ran on this database (migration 0003, at least one source)."""
    return store.conn.execute("SELECT 1 FROM extracted_sources LIMIT 1").fetchone() is not None


def unit_labels(store: Store, level: str = "cahier") -> pd.DataFrame:
    """``unit, facet, label, score`` for every label kept on units of ``level``, by the one
    rule of :mod:`ess_nlp.store.views.labels` (a person's annotation replaces the model's labels;
    without a classifier, cahiers take the domain their form names)."""
    rows = label_rule.unit_labels(store.conn, level=level)
    return pd.DataFrame(
        [(x.unit, x.facet, x.label, x.score) for x in rows], columns=["unit", "facet", "label", "score"]
    )


def unit_scores(store: Store, unit_id: str) -> pd.DataFrame:
    """Every score of the current model on one unit: ``facet, label, score, assigned, terms,
    sentences`` (``terms``: the words that carried the label; ``sentences``: ``(start, end,
    score)`` offsets into the unit's text), best first."""
    columns = ["facet", "label", "score", "assigned", "terms", "sentences"]
    if not classification_available(store):
        return pd.DataFrame(columns=columns)
    rows = []
    for facet, label, score, assigned, explanation in store.conn.execute(
        f"SELECT p.facet, p.label, p.score, p.assigned, p.explanation FROM predictions p {_CURRENT}"
        " WHERE p.unit_id = ? ORDER BY p.facet, p.score DESC",
        (unit_id,),
    ):
        terms: list[str] = []
        sentences: list[tuple[int, int, float]] = []
        if explanation:
            try:
                data = json.loads(explanation)
            except ValueError:
                data = {}
            for term in data.get("terms", []):
                word = str(term.get("term", ""))
                terms.append(f"{word} (via {term['via']})" if term.get("via") else word)
            sentences = [
                (int(x["start"]), int(x["end"]), float(x.get("score", 0))) for x in data.get("sentences", [])
            ]
        rows.append((facet, label, float(score), bool(assigned), terms, sentences))
    return pd.DataFrame(rows, columns=columns)


def current_model_info(store: Store) -> dict[str, Any] | None:
    """The current classification model: name, version, kind, created_at, meta (dict)."""
    row = store.conn.execute(
        "SELECT id, name, version, kind, path, created_at, meta FROM model_versions WHERE is_current = 1"
    ).fetchone()
    if row is None:
        return None
    return {**dict(row), "meta": json.loads(row["meta"] or "{}")}


def labels_wide(labels: pd.DataFrame, facet: str) -> dict[str, list[str]]:
    """``{unit: [label, ...]}`` for one facet."""
    part = labels[labels["facet"] == facet]
    out: dict[str, list[str]] = {}
    for unit, label in zip(part["unit"], part["label"], strict=True):
        out.setdefault(unit, []).append(label)
    return out


def unit_metadata(store: Store, unit_id: str) -> dict[str, str]:
    row = store.conn.execute("SELECT metadata FROM units WHERE id = ?", (unit_id,)).fetchone()
    return dict(json.loads(row[0])) if row else {}


@dataclass(frozen=True)
class Coverage:
    """Cahiers and proposals per (domain, theme) cell, and the blind spots among themes."""

    cells: pd.DataFrame  # domain, theme, cahiers, proposals
    themes: pd.DataFrame  # theme, cahiers, proposals, blind_spot (reason in French or "")
    domains: pd.DataFrame  # domain, cahiers, proposals


def coverage(
    labels: pd.DataFrame,
    proposals_per_cahier: pd.Series,
    *,
    domains: Sequence[str],
    themes: Sequence[str],
    min_cahiers: int = 2,
    min_proposals: int = 5,
) -> Coverage:
    """Count cahiers (and their proposals) labelled with each domain and theme.

    A theme is a blind spot when fewer than ``min_cahiers`` cahiers or fewer than
    ``min_proposals`` proposals carry it.
    """
    by_domain = labels_wide(labels, "domains")
    by_theme = labels_wide(labels, "themes")
    cells = {(d, t): [0, 0] for d in domains for t in themes}
    domain_totals = {d: [0, 0] for d in domains}
    theme_totals = {t: [0, 0] for t in themes}
    for cahier in set(by_domain) | set(by_theme):
        n_prop = int(proposals_per_cahier.get(cahier, 0))
        for d in by_domain.get(cahier, []):
            if d in domain_totals:
                domain_totals[d][0] += 1
                domain_totals[d][1] += n_prop
        for t in by_theme.get(cahier, []):
            if t in theme_totals:
                theme_totals[t][0] += 1
                theme_totals[t][1] += n_prop
        for d in by_domain.get(cahier, []):
            for t in by_theme.get(cahier, []):
                if (d, t) in cells:
                    cells[(d, t)][0] += 1
                    cells[(d, t)][1] += n_prop
    cell_frame = pd.DataFrame(
        [(d, t, c, p) for (d, t), (c, p) in cells.items()],
        columns=["domain", "theme", "cahiers", "proposals"],
    )
    reasons = []
    for t in themes:
        c, p = theme_totals[t]
        why = []
        if c < min_cahiers:
            why.append(f"{c} cahier{'s' if c > 1 else ''}")
        if p < min_proposals:
            why.append(f"{p} proposition{'s' if p > 1 else ''}")
        reasons.append((t, c, p, " et ".join(why)))
    theme_frame = pd.DataFrame(reasons, columns=["theme", "cahiers", "proposals", "blind_spot"])
    domain_frame = pd.DataFrame(
        [(d, c, p) for d, (c, p) in domain_totals.items()], columns=["domain", "cahiers", "proposals"]
    )
    return Coverage(cells=cell_frame, themes=theme_frame, domains=domain_frame)


def cahiers_in_cell(labels: pd.DataFrame, domain: str | None, theme: str | None) -> list[str]:
    """Cahiers labelled with ``domain`` and ``theme`` (None: any)."""
    sets = []
    if domain:
        sets.append(set(labels.loc[(labels["facet"] == "domains") & (labels["label"] == domain), "unit"]))
    if theme:
        sets.append(set(labels.loc[(labels["facet"] == "themes") & (labels["label"] == theme), "unit"]))
    if not sets:
        return sorted(set(labels["unit"]))
    return sorted(set.intersection(*sets))

