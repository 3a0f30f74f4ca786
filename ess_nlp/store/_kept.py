"""People's annotations across a re-ingest: held before a source's units are replaced or
removed, then re-anchored to the new units or kept detached for review (migration 0010).

A unit id starts with the content hash of its document, so every id changes when the file
changes. An annotation follows its unit to the new unit of the same level holding the same
text (whitespace aside; among several, the one at the same place in the structure, then the
nearest); a cahier or section whose text changed keeps its annotations when the new one sits
at the same place in the structure under the same title. Anything else is detached: stored
in ``detached_annotations`` with the text it was about, never deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field

__all__ = ["AnnotationOutcome", "HeldAnnotations", "hold_annotations", "restore_annotations"]

_TABLES = ("app_annotations", "annotations")


@dataclass(frozen=True)
class _OldUnit:
    id: str
    level: str
    title: str | None
    text: str
    start: int

    @property
    def place(self) -> str:
        """The unit's place in its document's structure (``c1.s2.p3``), without the hash."""
        return self.id.split(":", 1)[-1]


@dataclass
class HeldAnnotations:
    """Annotation rows of one source, taken before its units go."""

    source_path: str
    units: dict[str, _OldUnit] = field(default_factory=dict)
    rows: list[tuple[str, dict[str, object]]] = field(default_factory=list)


@dataclass(frozen=True)
class AnnotationOutcome:
    reanchored: int = 0
    detached: int = 0


def hold_annotations(conn: sqlite3.Connection, source_id: int, source_path: str) -> HeldAnnotations:
    held = HeldAnnotations(source_path)
    for table in _TABLES:
        cursor = conn.execute(
            f"SELECT a.*, u.level AS _level, u.title AS _title, u.text AS _text, u.start AS _start"
            f" FROM {table} a JOIN units u ON u.id = a.unit_id WHERE u.source_id = ? ORDER BY a.id",
            (source_id,),
        )
        names = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            unit_id = str(row["unit_id"])
            held.units.setdefault(
                unit_id,
                _OldUnit(unit_id, str(row["_level"]), row["_title"], str(row["_text"]), int(row["_start"])),
            )
            held.rows.append((table, {k: v for k, v in row.items() if not k.startswith("_")}))
    return held


def _norm(text: str) -> str:
    return " ".join(text.split())


def _targets(conn: sqlite3.Connection, held: HeldAnnotations, source_id: int | None) -> dict[str, str]:
    """``{old unit id: new unit id}`` for the old units that found their new unit."""
    if source_id is None or not held.units:
        return {}
    by_text: dict[tuple[str, str], list[_OldUnit]] = {}
    by_place: dict[tuple[str, str], _OldUnit] = {}
    for unit_id, level, title, text, start in conn.execute(
        "SELECT id, level, title, text, start FROM units WHERE source_id = ? ORDER BY ord", (source_id,)
    ):
        new = _OldUnit(unit_id, level, title, text, start)
        by_text.setdefault((level, _norm(text)), []).append(new)
        by_place[(level, new.place)] = new
    out: dict[str, str] = {}
    for old in held.units.values():
        same = by_text.get((old.level, _norm(old.text)), [])
        if same:
            best = min(same, key=lambda n: (n.place != old.place, abs(n.start - old.start)))
            out[old.id] = best.id
            continue
        placed = by_place.get((old.level, old.place))
        if (
            placed is not None
            and old.level in ("cahier", "section")
            and _norm(old.title or "") == _norm(placed.title or "")
        ):
            out[old.id] = placed.id
    return out


def restore_annotations(
    conn: sqlite3.Connection, held: HeldAnnotations, source_id: int | None, *, reason: str
) -> AnnotationOutcome:
    """Put the held rows back on the new units of ``source_id`` (``None``: the source was
    removed) or, failing that, in ``detached_annotations`` with ``reason``."""
    if not held.rows:
        return AnnotationOutcome()
    targets = _targets(conn, held, source_id)
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    reanchored = detached = 0
    for table, row in held.rows:
        old = held.units[str(row["unit_id"])]
        new_id = targets.get(old.id)
        if new_id is not None:
            values = {**row, "unit_id": new_id}
            columns = ", ".join(values)
            conn.execute(
                f"INSERT INTO {table}({columns}) VALUES ({', '.join('?' * len(values))})",
                list(values.values()),
            )
            reanchored += 1
        else:
            conn.execute(
                "INSERT INTO detached_annotations(origin, row, source_path, unit_id, level, unit_title, unit_text,"
                " reason, detached_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    table,
                    json.dumps(row, ensure_ascii=False),
                    held.source_path,
                    old.id,
                    old.level,
                    old.title,
                    old.text,
                    reason,
                    now,
                ),
            )
            detached += 1
    return AnnotationOutcome(reanchored, detached)
