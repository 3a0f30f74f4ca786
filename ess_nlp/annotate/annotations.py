"""Annotations made in the app: saving with conflict detection, reading back, agreement.

No streamlit here (a notebook can call every function). Annotations are append-only rows of
``app_annotations`` (migration 0005): a save never replaces anything. Two people saving the same
unit at once both keep their rows; the later one is told (``SaveResult.conflict``) that someone
else saved different labels since the form opened, and can adopt them or keep their own.

Domain and theme annotations are also written, in the same transaction, to the classifier's
``annotations`` table (migration 0002, one row per label with value 1 or 0), which
``ess_nlp.classify.annotations_training_data`` trains from.

Each row says where its labels came from (``origin``, migration 0013): chosen by the person,
the machine's suggestion explicitly confirmed, or the suggestion saved untouched
(:data:`ORIGINS`). Retraining compares models only on the first two
(:func:`confirmed_units`): the untouched suggestions would favour the model that made them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ess_nlp.errors import EssNlpError
from ess_nlp.store import Store

# The facet of the extraction kinds, annotated on sentences and paragraphs.
KIND_FACET = "kind"
KIND_LABELS: dict[str, str] = {
    "proposal": "Proposition",
    "constat": "Constat",
    "initiative": "Initiative",
}


#: Where an annotation's labels came from (``app_annotations.origin``; NULL: saved before it was recorded).
ORIGINS: dict[str, str] = {
    "person": "choisies par la personne",
    "confirmed": "suggestion de la machine confirmée",
    "prefilled": "suggestion de la machine enregistrée sans modification",
}
#: The origins that count as a person's judgement (used to compare models).
CONFIRMED_ORIGINS = ("person", "confirmed")


class AnnotationError(EssNlpError, ValueError):
    """An annotation that cannot be saved (unknown unit, label or empty annotator name)."""


@dataclass(frozen=True)
class Annotation:
    revision: int
    unit: str
    facet: str
    annotator: str
    labels: tuple[str, ...]
    created_at: str


@dataclass(frozen=True)
class SaveResult:
    """``saved`` is the row written; ``conflict`` the other annotation saved in between (with
    different labels) since ``seen``, or None."""

    saved: Annotation
    conflict: Annotation | None = None


def _row(row: object) -> Annotation:
    r = row  # sqlite3.Row
    return Annotation(
        revision=int(r["id"]),  # type: ignore[index]
        unit=r["unit_id"],  # type: ignore[index]
        facet=r["facet"],  # type: ignore[index]
        annotator=r["annotator"],  # type: ignore[index]
        labels=tuple(json.loads(r["labels"])),  # type: ignore[index]
        created_at=r["created_at"],  # type: ignore[index]
    )


def latest_revision(store: Store, unit: str, facet: str) -> int:
    """The latest revision saved on ``(unit, facet)`` by anyone (0: none)."""
    row = store.conn.execute(
        "SELECT max(id) FROM app_annotations WHERE unit_id = ? AND facet = ?", (unit, facet)
    ).fetchone()
    return int(row[0] or 0)


def save_annotation(
    store: Store,
    unit: str,
    facet: str,
    labels: Sequence[str],
    *,
    annotator: str,
    seen: int | None,
    allowed: Sequence[str] | None = None,
    prefilled: Sequence[str] | None = None,
    confirmed: bool = False,
) -> SaveResult:
    """Append ``annotator``'s ``labels`` for ``(unit, facet)``; report a concurrent save.

    ``seen`` is :func:`latest_revision` as it was when the form was shown. If another save on
    the same unit and facet came in since, with other labels, it is returned as the conflict
    (both rows are kept either way).

    ``prefilled`` is the machine's suggestion the form was pre-filled with (None: nothing was
    pre-filled). Labels equal to it are recorded as ``"prefilled"`` unless the person
    ``confirmed`` them (``"confirmed"``); other labels as ``"person"``.
    """
    who = annotator.strip()
    if not who:
        raise AnnotationError("Indiquez votre nom d'annotateur avant d'enregistrer : il est vide.")
    if allowed is not None:
        unknown = [label for label in labels if label not in allowed]
        if unknown:
            raise AnnotationError(
                f"Étiquette(s) inconnue(s) pour « {facet} » : {', '.join(unknown)} ; "
                f"attendues : {', '.join(allowed)}."
            )
    chosen = sorted(dict.fromkeys(labels))
    origin = annotation_origin(chosen, prefilled, confirmed=confirmed)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    with store.transaction(durable=True) as conn:
        if conn.execute("SELECT 1 FROM units WHERE id = ?", (unit,)).fetchone() is None:
            raise AnnotationError(
                f"L'unité « {unit} » n'existe plus dans la base (son fichier a été ré-importé ou retiré) : "
                "rechargez la page."
            )
        others = conn.execute(
            "SELECT * FROM app_annotations WHERE unit_id = ? AND facet = ? AND id > ? ORDER BY id DESC",
            (unit, facet, seen or 0),
        ).fetchall()
        cursor = conn.execute(
            "INSERT INTO app_annotations(unit_id, facet, annotator, labels, seen, created_at, origin)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (unit, facet, who, json.dumps(chosen, ensure_ascii=False), seen, now, origin),
        )
        saved = Annotation(int(cursor.lastrowid or 0), unit, facet, who, tuple(chosen), now)
        if facet != KIND_FACET:
            # The classifier trains from its own table (migration 0002): one row per label,
            # 1 for the labels chosen and 0 for the others of the facet when they are known.
            values = {label: 1 for label in chosen}
            values.update({label: 0 for label in (allowed or ()) if label not in values})
            conn.executemany(
                "INSERT INTO annotations(unit_id, annotator, facet, label, value, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [(unit, who, facet, label, value, now) for label, value in sorted(values.items())],
            )
    conflict = next((_row(r) for r in others if sorted(json.loads(r["labels"])) != chosen), None)
    return SaveResult(saved, conflict)


def annotation_origin(labels: Sequence[str], prefilled: Sequence[str] | None, *, confirmed: bool = False) -> str:
    """``"person"``, ``"confirmed"`` or ``"prefilled"`` (see :data:`ORIGINS`)."""
    if prefilled is None or sorted(set(labels)) != sorted(set(prefilled)):
        return "person"
    return "confirmed" if confirmed else "prefilled"


def confirmed_units(store: Store, facets: Sequence[str] | None = None) -> dict[str, set[str]]:
    """Per facet, the units whose latest annotation (by anyone) is a person's judgement
    (:data:`CONFIRMED_ORIGINS`), not the machine's suggestion saved untouched nor a row saved
    before origins were recorded."""
    rows = store.conn.execute(
        "SELECT a.unit_id, a.facet, a.origin FROM app_annotations a WHERE a.id ="
        " (SELECT max(b.id) FROM app_annotations b WHERE b.unit_id = a.unit_id AND b.facet = a.facet)"
    ).fetchall()
    out: dict[str, set[str]] = {f: set() for f in facets or ()}
    for r in rows:
        if (facets is None or r["facet"] in facets) and r["origin"] in CONFIRMED_ORIGINS:
            out.setdefault(r["facet"], set()).add(r["unit_id"])
    return out


def origin_counts(store: Store, facets: Sequence[str] | None = None) -> dict[str, int]:
    """How many (unit, facet) pairs have their latest annotation of each origin (``"unknown"``
    for rows saved before origins were recorded)."""
    rows = store.conn.execute(
        "SELECT a.facet, coalesce(a.origin, 'unknown') AS origin, count(*) AS n FROM app_annotations a WHERE a.id ="
        " (SELECT max(b.id) FROM app_annotations b WHERE b.unit_id = a.unit_id AND b.facet = a.facet)"
        " GROUP BY a.facet, coalesce(a.origin, 'unknown')"
    ).fetchall()
    out: dict[str, int] = {}
    for r in rows:
        if facets is None or r["facet"] in facets:
            out[r["origin"]] = out.get(r["origin"], 0) + int(r["n"])
    return out


def current_annotations(store: Store, facet: str | None = None, *, unit: str | None = None) -> pd.DataFrame:
    """Each annotator's latest labels per unit and facet: ``unit, facet, annotator, labels,
    revision, created_at`` (``labels`` a tuple)."""
    where, params = [], []
    if facet is not None:
        where.append("facet = ?")
        params.append(facet)
    if unit is not None:
        where.append("unit_id = ?")
        params.append(unit)
    sql = (
        "SELECT a.* FROM app_annotations a JOIN ("
        " SELECT max(id) AS id FROM app_annotations"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " GROUP BY unit_id, facet, annotator) last ON last.id = a.id ORDER BY a.id"
    )
    rows = [_row(r) for r in store.conn.execute(sql, params)]
    return pd.DataFrame(
        [(a.unit, a.facet, a.annotator, a.labels, a.revision, a.created_at) for a in rows],
        columns=["unit", "facet", "annotator", "labels", "revision", "created_at"],
    )


def history(store: Store, unit: str) -> list[Annotation]:
    """Every save on ``unit``, oldest first."""
    rows = store.conn.execute("SELECT * FROM app_annotations WHERE unit_id = ? ORDER BY id", (unit,))
    return [_row(r) for r in rows]


# --- agreement -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    label: str
    units: int  # units annotated by at least two annotators
    annotators: int
    kappa: float | None  # Cohen's (two annotators) or Fleiss' (more); None when undefined
    method: str  # "Cohen" | "Fleiss"
    observed: float | None  # share of units where every annotator agrees on this label


def agreement(current: pd.DataFrame, facet: str, labels: Sequence[str]) -> list[Agreement]:
    """Agreement per label on ``facet`` between annotators, over units at least two annotated.

    Each label is a yes/no decision per unit and annotator. With exactly two annotators on every
    shared unit, Cohen's kappa; otherwise Fleiss' kappa (which allows a varying number of
    annotators per unit).
    """
    part = current[current["facet"] == facet]
    per_unit: dict[str, dict[str, tuple[str, ...]]] = {
        str(u): dict(zip(g["annotator"], g["labels"], strict=True)) for u, g in part.groupby("unit")
    }
    shared = {u: a for u, a in per_unit.items() if len(a) >= 2}
    annotators = sorted({name for a in shared.values() for name in a})
    out = []
    for label in labels:
        if not shared:
            out.append(Agreement(label, 0, len(annotators), None, "—", None))
            continue
        counts = np.array(
            [[sum(label in ls for ls in a.values()), len(a)] for a in shared.values()], dtype=float
        )
        yes, n = counts[:, 0], counts[:, 1]
        observed = float(np.mean((yes == 0) | (yes == n)))
        if len(annotators) == 2 and (n == 2).all():
            kappa = _cohen(shared, annotators, label)
            method = "Cohen"
        else:
            kappa = _fleiss(yes, n)
            method = "Fleiss"
        out.append(Agreement(label, len(shared), len(annotators), kappa, method, observed))
    return out


def _cohen(shared: dict[str, dict[str, tuple[str, ...]]], annotators: list[str], label: str) -> float | None:
    a = np.array([label in shared[u][annotators[0]] for u in shared], dtype=float)
    b = np.array([label in shared[u][annotators[1]] for u in shared], dtype=float)
    po = float(np.mean(a == b))
    pe = float(a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean()))
    if pe >= 1.0:
        return None  # both always said the same thing: kappa undefined
    return (po - pe) / (1 - pe)


def _fleiss(yes: np.ndarray, n: np.ndarray) -> float | None:
    no = n - yes
    p_i = (yes * (yes - 1) + no * (no - 1)) / (n * (n - 1))
    p_bar = float(p_i.mean())
    p_yes = float(yes.sum() / n.sum())
    pe = p_yes**2 + (1 - p_yes) ** 2
    if pe >= 1.0:
        return None
    return (p_bar - pe) / (1 - pe)
