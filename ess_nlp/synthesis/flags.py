"""Flags on syntheses whose cited passages changed labels.

When a passage is first cited, its labels are recorded: the domains and themes the classifier
gave it, its section and its cahier, and the topic each topic model put it in (with the
topic's name). :func:`refresh_flags` compares them with the labels now in the store (after a
retrain, a new classification run or a topic edit) and opens a flag for each cited passage
whose labels changed or that disappeared (source removed or re-imported); the page shows
them until someone marks them as seen (:func:`acknowledge_flags`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ess_nlp.store import Store, views

__all__ = ["Flag", "acknowledge_flags", "fingerprints", "open_flags", "refresh_flags"]

_CHUNK = 400


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def fingerprints(store: Store, unit_ids: Iterable[str]) -> dict[str, str]:
    """``{unit id: canonical JSON of its labels}``; ``"{}"`` for a unit no longer stored."""
    ids = sorted(set(unit_ids))
    conn = store.conn
    chain: dict[str, list[str]] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for r in conn.execute(
            "SELECT id, parent_id, section_id, cahier_id FROM units"
            f" WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            chain[r["id"]] = [x for x in dict.fromkeys((r["id"], r["parent_id"], r["section_id"], r["cahier_id"])) if x]
    related = sorted({x for c in chain.values() for x in c})
    labels: dict[str, dict[str, set[str]]] = {}
    for kept in views.unit_labels(conn, units=related):
        labels.setdefault(kept.unit, {}).setdefault(kept.facet, set()).add(kept.label)
    topics: dict[str, dict[str, str]] = {}
    if related:
        runs = conn.execute("SELECT model, max(id) AS run FROM topic_runs GROUP BY model").fetchall()
        for run in runs:
            for start in range(0, len(related), _CHUNK):
                chunk = related[start : start + _CHUNK]
                for r in conn.execute(
                    "SELECT a.unit_id, a.topic_id, t.name FROM topic_assignments a LEFT JOIN topics t"
                    " ON t.run_id = a.run_id AND t.topic_id = a.topic_id"
                    f" WHERE a.run_id = ? AND a.unit_id IN ({','.join('?' * len(chunk))})",
                    [run["run"], *chunk],
                ):
                    value = f"{r['topic_id']} {r['name'] or ''}".strip()
                    topics.setdefault(r["unit_id"], {})[run["model"]] = value
    out: dict[str, str] = {}
    for unit_id in ids:
        if unit_id not in chain:
            out[unit_id] = "{}"
            continue
        facets: dict[str, set[str]] = {}
        topic_of: dict[str, str] = {}
        for x in chain[unit_id]:
            for facet, values in labels.get(x, {}).items():
                facets.setdefault(facet, set()).update(values)
            for model, value in topics.get(x, {}).items():
                topic_of.setdefault(model, value)
        data: dict[str, Any] = {"labels": {f: sorted(v) for f, v in sorted(facets.items())}, "topics": topic_of}
        out[unit_id] = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return out


def sync_citations(store: Store, synthesis_id: int, unit_ids: Iterable[str]) -> None:
    """Record the units the current version cites (new ones with their labels now); call
    inside the save transaction."""
    wanted = set(unit_ids)
    conn = store.conn
    known = {r[0] for r in conn.execute("SELECT unit_id FROM synthesis_citations WHERE synthesis_id = ?", (synthesis_id,))}
    gone = known - wanted
    for unit_id in gone:
        conn.execute("DELETE FROM synthesis_citations WHERE synthesis_id = ? AND unit_id = ?", (synthesis_id, unit_id))
    new = wanted - known
    if new:
        prints = fingerprints(store, new)
        conn.executemany(
            "INSERT INTO synthesis_citations(synthesis_id, unit_id, fingerprint) VALUES (?, ?, ?)",
            [(synthesis_id, u, prints[u]) for u in sorted(new)],
        )


@dataclass(frozen=True)
class Flag:
    """An open flag: a cited passage whose labels changed (``what`` in French)."""

    id: int
    synthesis_id: int
    unit: str
    what: str
    detected_at: str


def _describe(before: str, after: str) -> str:
    a, b = json.loads(before or "{}"), json.loads(after or "{}")
    if not b:
        return "passage introuvable : sa source a été retirée ou réimportée"
    parts = []
    names = {"domains": "domaines", "themes": "thèmes"}
    for facet in sorted(set(a.get("labels", {})) | set(b.get("labels", {}))):
        old, new = a.get("labels", {}).get(facet, []), b.get("labels", {}).get(facet, [])
        if old != new:
            parts.append(f"{names.get(facet, facet)} {', '.join(old) or '(aucun)'} → {', '.join(new) or '(aucun)'}")
    for model in sorted(set(a.get("topics", {})) | set(b.get("topics", {}))):
        old_t, new_t = a.get("topics", {}).get(model, "(aucun)"), b.get("topics", {}).get(model, "(aucun)")
        if old_t != new_t:
            parts.append(f"thème émergent ({model}) « {old_t} » → « {new_t} »")
    return "étiquettes modifiées : " + " ; ".join(parts) if parts else "étiquettes modifiées"


def refresh_flags(store: Store, synthesis_ids: Iterable[int] | None = None) -> int:
    """Compare the labels of every cited passage with those recorded; open a flag for each
    change not yet flagged. Returns the number of flags opened now."""
    conn = store.conn
    where, params = "", []
    if synthesis_ids is not None:
        ids = list(synthesis_ids)
        if not ids:
            return 0
        where = f" WHERE synthesis_id IN ({','.join('?' * len(ids))})"
        params = ids
    rows = conn.execute(f"SELECT synthesis_id, unit_id, fingerprint FROM synthesis_citations{where}", params).fetchall()
    if not rows:
        return 0
    now_prints = fingerprints(store, (r["unit_id"] for r in rows))
    opened = 0
    with store.transaction():
        for r in rows:
            now = now_prints[r["unit_id"]]
            if now == r["fingerprint"]:
                continue
            already = conn.execute(
                "SELECT 1 FROM synthesis_flags WHERE synthesis_id = ? AND unit_id = ? AND after = ?"
                " AND acknowledged_at IS NULL",
                (r["synthesis_id"], r["unit_id"], now),
            ).fetchone()
            if already:
                continue
            conn.execute(
                "INSERT INTO synthesis_flags(synthesis_id, unit_id, before, after, detected_at) VALUES (?, ?, ?, ?, ?)",
                (r["synthesis_id"], r["unit_id"], r["fingerprint"], now, _now()),
            )
            opened += 1
    return opened


def open_flags(store: Store, synthesis_id: int) -> list[Flag]:
    rows = store.conn.execute(
        "SELECT id, synthesis_id, unit_id, before, after, detected_at FROM synthesis_flags"
        " WHERE synthesis_id = ? AND acknowledged_at IS NULL ORDER BY id",
        (synthesis_id,),
    )
    return [Flag(r["id"], r["synthesis_id"], r["unit_id"], _describe(r["before"], r["after"]), r["detected_at"]) for r in rows]


def flagged_syntheses(store: Store) -> dict[int, int]:
    """``{synthesis id: open flags}``."""
    return {
        int(r[0]): int(r[1])
        for r in store.conn.execute(
            "SELECT synthesis_id, count(*) FROM synthesis_flags WHERE acknowledged_at IS NULL GROUP BY synthesis_id"
        )
    }


def acknowledge_flags(store: Store, synthesis_id: int, *, who: str, flag_ids: Iterable[int] | None = None) -> int:
    """Mark flags as seen: the recorded labels of those passages become the current ones."""
    flags = open_flags(store, synthesis_id)
    wanted = set(flag_ids) if flag_ids is not None else {f.id for f in flags}
    chosen = [f for f in flags if f.id in wanted]
    with store.transaction() as conn:
        for f in chosen:
            after = conn.execute("SELECT after FROM synthesis_flags WHERE id = ?", (f.id,)).fetchone()[0]
            conn.execute(
                "UPDATE synthesis_flags SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ?", (who, _now(), f.id)
            )
            conn.execute(
                "UPDATE synthesis_citations SET fingerprint = ? WHERE synthesis_id = ? AND unit_id = ?",
                (after, synthesis_id, f.unit),
            )
    return len(chosen)
