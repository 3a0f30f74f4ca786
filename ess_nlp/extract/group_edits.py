"""People's corrections of the proposal groups: « fusionner » two groups, « séparer » a proposal
from its group (issue 16).

Edits are stored in ``duplicate_edits`` and applied at once to the stored groups; every rebuild
of the groups (``rebuild_duplicate_groups``, run by the extraction step) replays them in order on
the automatic groups, so a correction survives re-runs. A group is named by its most central
proposal (its first member); a merged group keeps the name of the group that received the other.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from ess_nlp.errors import ConfigError
from ess_nlp.store import Store

__all__ = ["StoredGroup", "merge_proposals", "replay_edits", "split_proposal", "stored_groups", "write_groups"]


@dataclass
class StoredGroup:
    """A group's members (most central first) with their similarity to it (0.0 when a person
    put the member there), and whether a person edited the group."""

    members: list[str]
    similarities: list[float]
    edited: bool = False
    extra: dict[str, object] = field(default_factory=dict)


_CHUNK = 500  # ids per query (SQLite's parameter limit)


def _rows_by_ids(store: Store, select: str, ids: Sequence[str]) -> Iterator[sqlite3.Row]:
    """The rows of ``select`` (a query ending in ``WHERE column IN``) for ``ids``, asked by
    chunks of ``_CHUNK`` ids: a group may hold more proposals than SQLite takes parameters."""
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        yield from store.conn.execute(f"{select} ({','.join('?' * len(chunk))})", chunk)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def replay_edits(groups: list[StoredGroup], edits: Iterable[sqlite3.Row | dict[str, object]],
                 known: set[str]) -> list[StoredGroup]:
    """``groups`` with ``edits`` applied in order (edits naming unknown proposals skipped);
    groups left with fewer than two members are dropped."""
    groups = [StoredGroup(list(g.members), list(g.similarities), g.edited) for g in groups]
    where = {m: g for g in groups for m in g.members}
    for edit in edits:
        action, moved, other = edit["action"], str(edit["proposal_id"]), edit["other_id"]
        if moved not in known or (other is not None and str(other) not in known):
            continue
        if action == "split":
            group = where.pop(moved, None)
            if group is not None:
                i = group.members.index(moved)
                del group.members[i], group.similarities[i]
                if i == 0 and group.similarities:
                    group.similarities[0] = 1.0
                group.edited = True
            continue
        target = where.get(str(other))
        if target is None:
            target = StoredGroup([str(other)], [1.0], True)
            groups.append(target)
            where[str(other)] = target
        source = where.get(moved)
        if source is target:
            continue
        incoming = source.members if source is not None else [moved]
        if source is not None:
            source.members = []
        for m in incoming:
            target.members.append(m)
            target.similarities.append(0.0)
            where[m] = target
        target.edited = True
    return [g for g in groups if len(g.members) >= 2]


def _cahiers_and_organisations(store: Store, members: Sequence[str]) -> tuple[int, int]:
    """How many cahiers and organisations ``members`` come from (each cahier's metadata read once)."""
    cahier_ids = {r[0] or "" for r in _rows_by_ids(store, "SELECT cahier_id FROM proposals WHERE id IN", members)}
    metadata: dict[str, str | None] = {
        r[0]: r[1] for r in _rows_by_ids(store, "SELECT id, metadata FROM units WHERE id IN",
                                         sorted(c for c in cahier_ids if c))
    }
    organisations = set()
    for cahier in cahier_ids:
        raw = metadata.get(cahier)
        meta = json.loads(raw) if raw else {}
        name = " ".join(str(meta.get("organisation") or "").lower().split())
        organisations.add(name or f"cahier:{cahier}")
    return len(cahier_ids), len(organisations)


def write_groups(store: Store, groups: list[StoredGroup]) -> int:
    """Replace the stored groups by ``groups`` (largest first); return how many were written."""
    texts = {  # each group's label: the text of its first member
        r["id"]: r["text"]
        for r in _rows_by_ids(store, "SELECT id, text FROM proposals WHERE id IN", [g.members[0] for g in groups])
    }
    counted = [(g, *_cahiers_and_organisations(store, g.members)) for g in groups]
    counted.sort(key=lambda x: (-x[1], -len(x[0].members), x[0].members[0]))
    with store.transaction(durable=True) as conn:
        conn.execute("DELETE FROM duplicate_groups")
        for group, cahiers, organisations in counted:
            cursor = conn.execute(
                "INSERT INTO duplicate_groups(label, size, cahiers, organisations, edited) VALUES (?, ?, ?, ?, ?)",
                (texts[group.members[0]], len(group.members), cahiers, organisations, int(group.edited)),
            )
            conn.executemany(
                "INSERT INTO duplicate_members(group_id, proposal_id, similarity) VALUES (?, ?, ?)",
                [(cursor.lastrowid, m, s) for m, s in zip(group.members, group.similarities, strict=True)],
            )
    return len(counted)


def stored_groups(store: Store) -> list[StoredGroup]:
    """The groups as stored, members most central first."""
    groups: dict[int, StoredGroup] = {}
    labels = {r["id"]: r for r in store.conn.execute("SELECT id, label, edited FROM duplicate_groups")}
    for r in store.conn.execute(
        "SELECT m.group_id, m.proposal_id, m.similarity, p.text FROM duplicate_members m"
        " JOIN proposals p ON p.id = m.proposal_id ORDER BY m.group_id, m.similarity DESC, m.proposal_id"
    ):
        g = groups.setdefault(r["group_id"], StoredGroup([], [], bool(labels[r["group_id"]]["edited"])))
        if r["text"] == labels[r["group_id"]]["label"] and r["similarity"] == 1.0 and g.members:
            g.members.insert(0, r["proposal_id"])
            g.similarities.insert(0, 1.0)
        else:
            g.members.append(r["proposal_id"])
            g.similarities.append(float(r["similarity"]))
    return list(groups.values())


def _check(store: Store, *ids: str) -> None:
    for pid in ids:
        if store.conn.execute("SELECT 1 FROM proposals WHERE id = ?", (pid,)).fetchone() is None:
            raise ConfigError(f"Proposition « {pid} » introuvable : sa source a peut-être été retirée ou réimportée.")


def _record_and_apply(store: Store, action: str, proposal: str, other: str | None, author: str | None) -> int:
    with store.transaction(durable=True) as conn:
        conn.execute(
            "INSERT INTO duplicate_edits(action, proposal_id, other_id, author, created_at) VALUES (?, ?, ?, ?, ?)",
            (action, proposal, other, author, _now()),
        )
        edit: dict[str, object] = {"action": action, "proposal_id": proposal, "other_id": other}
        known = {proposal} | ({other} if other else set())
        return write_groups(store, replay_edits(stored_groups(store), [edit], known))


def merge_proposals(store: Store, proposal: str, into: str, *, author: str | None = None) -> int:
    """« Fusionner » : put ``proposal``'s group (or ``proposal`` alone) into ``into``'s group;
    kept through re-runs. Returns the number of groups now stored."""
    if proposal == into:
        raise ConfigError("Fusion impossible : choisissez deux propositions différentes.")
    _check(store, proposal, into)
    return _record_and_apply(store, "merge", proposal, into, author)


def split_proposal(store: Store, proposal: str, *, author: str | None = None) -> int:
    """« Séparer » : take ``proposal`` out of its group; kept through re-runs. Returns the
    number of groups now stored."""
    _check(store, proposal)
    return _record_and_apply(store, "split", proposal, None, author)
