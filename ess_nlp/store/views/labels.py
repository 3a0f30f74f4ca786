"""The one rule for the labels of a unit (domains, themes).

1. A person's annotation wins: the latest labels saved for a unit and facet in the app
   (``app_annotations``, whoever saved them) replace the model's labels for that facet, an
   empty list included ("none of these applies"). Judgments of the classifier's own table
   (``annotations``, one row per label) count the same way where the app saved nothing: the
   latest judgment of each label, the labels judged 1 kept.
2. Otherwise the labels the current classification model assigned (``is_current``; the latest
   model when none is marked), with their scores.
3. Without any classification in the database, a cahier takes the domains its own form field
   names ("Domaine : Se loger, Consommer"), read against the taxonomy's names.

The overview, the theme drafts, the synthesis exports and the IRaMuTeQ corpus all read labels
through :func:`unit_labels`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from ess_nlp.text import fold

__all__ = ["LabelSource", "UnitLabel", "current_model_id", "unit_labels"]

LabelSource = Literal["annotation", "model", "form"]

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class UnitLabel:
    """One label kept on one unit, with where it comes from (score 1 for a person's choice)."""

    unit: str
    level: str
    facet: str
    label: str
    score: float
    source: LabelSource


def current_model_id(conn: sqlite3.Connection) -> int | None:
    """The classification model whose predictions count: the one marked current, else the
    latest that stored predictions; ``None`` when nothing was classified."""
    row = conn.execute("SELECT id FROM model_versions WHERE is_current = 1").fetchone()
    if row is None:
        row = conn.execute("SELECT max(model_id) FROM predictions").fetchone()
    if row is None or row[0] is None:
        return None
    if conn.execute("SELECT 1 FROM predictions WHERE model_id = ? LIMIT 1", (row[0],)).fetchone() is None:
        return None
    return int(row[0])


def unit_labels(
    conn: sqlite3.Connection,
    *,
    level: str | None = None,
    units: Sequence[str] | None = None,
    facet: str | None = None,
    label: str | None = None,
) -> list[UnitLabel]:
    """The labels kept on units, by the rule of this module.

    ``level``, ``units`` (ids), ``facet`` and ``label`` narrow the answer; they do not change
    it: a unit's labels are the same whichever filter found it.
    """
    if units is not None and not units:
        return []
    human = _human_labels(conn, level, units, facet)
    out: list[UnitLabel] = []
    for (unit_id, unit_facet), (unit_level, labels) in sorted(human.items()):
        out.extend(UnitLabel(unit_id, unit_level, unit_facet, x, 1.0, "annotation") for x in labels)
    model_id = current_model_id(conn)
    if model_id is not None:
        for unit_id, unit_level, unit_facet, name, score in _predictions(conn, model_id, level, units, facet):
            if (unit_id, unit_facet) not in human:
                out.append(UnitLabel(unit_id, unit_level, unit_facet, name, float(score or 0.0), "model"))
    elif facet in (None, "domains") and level in (None, "cahier"):
        for unit_id, name in _form_domains(conn, units):
            if (unit_id, "domains") not in human:
                out.append(UnitLabel(unit_id, "cahier", "domains", name, 1.0, "form"))
    if label is not None:
        out = [x for x in out if x.label == label]
    return out


def _unit_filter(level: str | None, alias: str = "u") -> tuple[str, list[object]]:
    if level is None:
        return "", []
    return f" AND {alias}.level = ?", [level]


def _chunks(units: Sequence[str] | None) -> Iterator[list[str] | None]:
    if units is None:
        yield None
        return
    ids = list(dict.fromkeys(units))
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _in(ids: list[str] | None, column: str) -> tuple[str, list[object]]:
    if ids is None:
        return "", []
    return f" AND {column} IN ({','.join('?' * len(ids))})", list(ids)


def _human_labels(
    conn: sqlite3.Connection, level: str | None, units: Sequence[str] | None, facet: str | None
) -> dict[tuple[str, str], tuple[str, tuple[str, ...]]]:
    """``{(unit, facet): (level, labels)}`` where a person decided."""
    found: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
    level_sql, level_params = _unit_filter(level)
    facet_sql, facet_params = (
        ("AND a.facet = ?", [facet]) if facet is not None else ("AND a.facet != 'kind'", [])
    )
    for ids in _chunks(units):
        ids_sql, ids_params = _in(ids, "a.unit_id")
        for unit_id, unit_level, unit_facet, labels in conn.execute(
            "SELECT a.unit_id, u.level, a.facet, a.labels FROM app_annotations a JOIN units u ON u.id = a.unit_id"
            f" WHERE 1 {facet_sql}{level_sql}{ids_sql}"
            " AND a.id = (SELECT max(b.id) FROM app_annotations b WHERE b.unit_id = a.unit_id AND b.facet = a.facet)",
            [*facet_params, *level_params, *ids_params],
        ):
            found[(unit_id, unit_facet)] = (unit_level, tuple(json.loads(labels or "[]")))
        judged: dict[tuple[str, str], tuple[str, list[str]]] = {}
        for unit_id, unit_level, unit_facet, name, value in conn.execute(
            "SELECT a.unit_id, u.level, a.facet, a.label, a.value FROM annotations a JOIN units u ON u.id = a.unit_id"
            f" WHERE 1 {facet_sql}{level_sql}{ids_sql}"
            " AND a.id = (SELECT max(b.id) FROM annotations b"
            " WHERE b.unit_id = a.unit_id AND b.facet = a.facet AND b.label = a.label)"
            " ORDER BY a.unit_id, a.facet, a.label",
            [*facet_params, *level_params, *ids_params],
        ):
            if (unit_id, unit_facet) in found:
                continue
            entry = judged.setdefault((unit_id, unit_facet), (unit_level, []))
            if value:
                entry[1].append(name)
        found.update({key: (lvl, tuple(names)) for key, (lvl, names) in judged.items()})
    return found


def _predictions(
    conn: sqlite3.Connection, model_id: int, level: str | None, units: Sequence[str] | None, facet: str | None
) -> Iterable[tuple[str, str, str, str, float]]:
    facet_sql, facet_params = (" AND p.facet = ?", [facet]) if facet is not None else ("", [])
    level_sql, level_params = _unit_filter(level)
    for ids in _chunks(units):
        ids_sql, ids_params = _in(ids, "u.id")
        # Units first, then their predictions by primary key (CROSS JOIN fixes that order): SQLite
        # would otherwise walk every prediction of the model and look each unit up.
        yield from conn.execute(
            "SELECT u.id, u.level, p.facet, p.label, p.score FROM units u CROSS JOIN predictions p"
            " ON p.unit_id = u.id AND p.model_id = ?"
            f" WHERE p.assigned = 1{facet_sql}{level_sql}{ids_sql} ORDER BY u.id, p.facet, p.score DESC",
            [model_id, *facet_params, *level_params, *ids_params],
        )


def _form_domains(conn: sqlite3.Connection, units: Sequence[str] | None) -> Iterator[tuple[str, str]]:
    from ess_nlp.taxonomy import load_taxonomy

    names = {label.id: label.name for label in load_taxonomy().facet("domains").labels}
    by_fold = {fold(name): key for key, name in names.items()}
    by_fold.update({fold(key.replace("_", " ")): key for key in names})
    for ids in _chunks(units):
        ids_sql, ids_params = _in(ids, "id")
        for unit_id, value in conn.execute(
            "SELECT id, json_extract(metadata, '$.domain') FROM units"
            f" WHERE level = 'cahier' AND json_extract(metadata, '$.domain') IS NOT NULL{ids_sql} ORDER BY id",
            ids_params,
        ):
            for key in dict.fromkeys(
                by_fold.get(fold(part)) for part in str(value).replace(";", ",").split(",")
            ):
                if key:
                    yield unit_id, key
