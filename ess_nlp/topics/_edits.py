"""Edits people make to topics: merge, split, move units, rename — each with who, when, why.

An edit is a record (:class:`Edit`) applied by one function, :func:`apply_edit`, both when
a person makes it and when it is replayed on a re-run (in the order made). Replaying never
fails: an edit whose topics or units no longer exist is skipped, with the reason.

- ``merge``: ``{"topics": [a, b, ...], "into": a, "name": "..."}`` — members of every topic
  go to ``into`` (which keeps its id and name);
- ``split``: ``{"topic": t, "parts": k, "seed": s, "members": {"t": [...], "u": [...]}}`` —
  re-cluster one topic's members into ``k`` parts (seeded k-means on their embeddings); the
  largest part keeps ``t``, the others get new ids. On replay the new parts take the ids of
  the recorded parts they overlap most;
- ``move``: ``{"units": [...], "to": t}`` — put units in topic ``t`` (``-1``: unassign);
- ``rename``: ``{"topic": t, "name": "..."}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from ess_nlp.errors import ConfigError
from ess_nlp.topics._identity import match_topics
from ess_nlp.topics._model import OUTLIER, TopicResult, refresh

__all__ = [
    "EDIT_KINDS",
    "Edit",
    "EditOutcome",
    "apply_edit",
    "apply_edits",
    "merge_edit",
    "move_edit",
    "rename_edit",
    "split_edit",
]

EditKind = Literal["merge", "split", "move", "rename"]
EDIT_KINDS: tuple[EditKind, ...] = ("merge", "split", "move", "rename")
MAX_NAME_LENGTH = 200


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Edit:
    """One change to the topics, by ``who``, at ``at`` (ISO 8601 UTC), for ``why``."""

    kind: EditKind
    payload: Mapping[str, Any]
    who: str = ""
    why: str = ""
    at: str = field(default_factory=_now)
    id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "payload": dict(self.payload),
            "who": self.who,
            "why": self.why,
            "at": self.at,
        }


@dataclass(frozen=True)
class EditOutcome:
    """What applying an edit did: ``edit`` carries the completed payload (a split's parts)."""

    edit: Edit
    applied: bool
    message: str


def merge_edit(topics: Sequence[int], *, into: int | None = None, who: str = "", why: str = "") -> Edit:
    return Edit("merge", {"topics": [int(t) for t in topics], "into": into}, who=who, why=why)


def split_edit(topic: int, *, parts: int = 2, seed: int | None = None, who: str = "", why: str = "") -> Edit:
    return Edit("split", {"topic": int(topic), "parts": int(parts), "seed": seed}, who=who, why=why)


def move_edit(units: Sequence[str] | str, to: int, *, who: str = "", why: str = "") -> Edit:
    units = [units] if isinstance(units, str) else [str(u) for u in units]
    return Edit("move", {"units": units, "to": int(to)}, who=who, why=why)


def rename_edit(topic: int, name: str, *, who: str = "", why: str = "") -> Edit:
    return Edit("rename", {"topic": int(topic), "name": name}, who=who, why=why)


def _existing(result: TopicResult) -> str:
    return ", ".join(str(t) for t in result.topic_ids) or "aucun"


def apply_edit(result: TopicResult, edit: Edit, *, replay: bool = False) -> tuple[TopicResult, EditOutcome]:
    """Apply ``edit``; a bad edit raises ConfigError in French, unless ``replay`` (then it is skipped)."""
    handler = {"merge": _merge, "split": _split, "move": _move, "rename": _rename}.get(edit.kind)
    if handler is None:
        raise ConfigError(f"Modification « {edit.kind} » inconnue : {', '.join(EDIT_KINDS)} attendu.")
    try:
        return handler(result, edit, replay)
    except _Skip as skip:
        if not replay:
            raise ConfigError(str(skip)) from None
        return result, EditOutcome(edit, False, str(skip))


def apply_edits(result: TopicResult, edits: Sequence[Edit]) -> tuple[TopicResult, list[EditOutcome]]:
    """Replay ``edits`` in order (skipping those that no longer apply)."""
    outcomes = []
    for edit in edits:
        result, outcome = apply_edit(result, edit, replay=True)
        outcomes.append(outcome)
    return result, outcomes


class _Skip(Exception):
    """An edit that cannot apply; its message is the French reason."""


def _merge(result: TopicResult, edit: Edit, replay: bool) -> tuple[TopicResult, EditOutcome]:
    topics = list(dict.fromkeys(int(t) for t in edit.payload.get("topics", [])))
    into = edit.payload.get("into")
    into = int(into) if into is not None else None
    if into is not None and into not in topics:
        topics.insert(0, into)
    if OUTLIER in topics:
        raise _Skip(
            "Les unités non classées (thème -1) ne forment pas un thème : elles ne peuvent pas être fusionnées."
        )
    present = [t for t in topics if t in result.info]
    missing = [t for t in topics if t not in result.info]
    if not replay and (missing or len(topics) < 2):
        if len(topics) < 2:
            raise _Skip("Une fusion demande au moins deux thèmes distincts.")
        raise _Skip(
            f"Thème(s) {', '.join(map(str, missing))} introuvable(s) : thèmes existants {_existing(result)}."
        )
    if not present:
        raise _Skip(f"Fusion ignorée : aucun des thèmes {', '.join(map(str, topics))} n'existe plus.")
    if into is None:
        into = max(present, key=lambda t: (result.info[t].size, -t))
    if present == [into]:
        raise _Skip(f"Fusion sans objet : seul le thème {into} existe encore.")
    name = str(edit.payload.get("name") or (result.info[into].name if into in result.info else ""))
    new_topics = result.topics.copy()
    for topic in present:
        new_topics[result.topics == topic] = into
    names = {into: name} if name else {}
    updated = refresh(replace(result, topics=new_topics), names=names)
    final_name = updated.info[into].name
    done = replace(edit, payload={"topics": topics, "into": into, "name": final_name})
    merged = ", ".join(str(t) for t in present if t != into) or "aucun autre"
    return updated, EditOutcome(
        done, True, f"Thèmes {merged} fusionnés dans le thème {into} « {final_name} »."
    )


def _split(result: TopicResult, edit: Edit, replay: bool) -> tuple[TopicResult, EditOutcome]:
    from sklearn.cluster import KMeans

    topic = int(edit.payload["topic"])
    parts = int(edit.payload.get("parts") or 2)
    seed = edit.payload.get("seed")
    seed = int(seed) if seed is not None else result.config.seed
    if topic not in result.info:
        raise _Skip(f"Thème {topic} introuvable : thèmes existants {_existing(result)}.")
    if parts < 2:
        raise _Skip(f"Un thème se divise en au moins deux parties ({parts} demandée).")
    rows = np.flatnonzero(result.topics == topic)
    if len(rows) < parts:
        raise _Skip(f"Le thème {topic} n'a que {len(rows)} unité(s) : impossible d'en faire {parts} parties.")
    vectors = result.embeddings[rows]
    labels = KMeans(n_clusters=parts, n_init=10, random_state=seed).fit_predict(vectors)
    found = {int(k): [result.ids[rows[i]] for i in np.flatnonzero(labels == k)] for k in range(parts)}
    found = {k: v for k, v in found.items() if v}
    if len(found) < 2:
        raise _Skip(f"Le thème {topic} n'a pas pu être divisé : ses unités sont trop semblables.")
    recorded = edit.payload.get("members")
    next_id = result.next_id
    if recorded:
        previous = {int(k): list(v) for k, v in recorded.items()}
        matched = match_topics(previous, found, threshold=0.0)
        ids: dict[int, int] = {}
        for part in sorted(found, key=lambda k: (-len(found[k]), k)):
            if part in matched and matched[part] not in ids.values():
                ids[part] = matched[part]
            else:
                ids[part] = next_id
                next_id += 1
    else:
        order = sorted(found, key=lambda k: (-len(found[k]), min(found[k])))
        ids = {order[0]: topic}
        for part in order[1:]:
            ids[part] = next_id
            next_id += 1
    new_topics = result.topics.copy()
    for i, row in enumerate(rows):
        new_topics[row] = ids[int(labels[i])]
    updated = refresh(replace(result, topics=new_topics, next_id=next_id))
    members = {str(ids[k]): found[k] for k in sorted(found, key=lambda k: ids[k])}
    done = replace(edit, payload={"topic": topic, "parts": parts, "seed": seed, "members": members})
    names = ", ".join(f"{t} « {updated.info[int(t)].name} »" for t in members if int(t) in updated.info)
    return updated, EditOutcome(done, True, f"Thème {topic} divisé en {len(members)} : {names}.")


def _move(result: TopicResult, edit: Edit, replay: bool) -> tuple[TopicResult, EditOutcome]:
    units = [str(u) for u in edit.payload.get("units", [])]
    to = int(edit.payload["to"])
    if to != OUTLIER and to not in result.info:
        raise _Skip(f"Thème de destination {to} introuvable : thèmes existants {_existing(result)}.")
    index = result.index()
    missing = [u for u in units if u not in index]
    if missing and not replay:
        raise _Skip(f"Unité(s) introuvable(s) dans ce modèle de thèmes : {', '.join(missing[:5])}.")
    present = [u for u in units if u in index]
    if not present:
        raise _Skip("Déplacement ignoré : aucune des unités n'existe plus.")
    new_topics = result.topics.copy()
    origin = list(result.origin)
    probability = result.probability.copy()
    for unit in present:
        i = index[unit]
        new_topics[i] = to
        origin[i] = "unassigned" if to == OUTLIER else "manual"
        probability[i] = 0.0 if to == OUTLIER else 1.0
    updated = refresh(replace(result, topics=new_topics, origin=tuple(origin), probability=probability))
    target = "hors thème" if to == OUTLIER else f"dans le thème {to} « {updated.info[to].name} »"
    return updated, EditOutcome(edit, True, f"{len(present)} unité(s) placée(s) {target}.")


def _rename(result: TopicResult, edit: Edit, replay: bool) -> tuple[TopicResult, EditOutcome]:
    topic = int(edit.payload["topic"])
    name = " ".join(str(edit.payload.get("name", "")).split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise _Skip(f"Nom de thème invalide : un texte de 1 à {MAX_NAME_LENGTH} caractères est attendu.")
    if topic not in result.info:
        raise _Skip(f"Thème {topic} introuvable : thèmes existants {_existing(result)}.")
    info = dict(result.info)
    info[topic] = replace(info[topic], name=name)
    done = replace(edit, payload={"topic": topic, "name": name})
    return replace(result, info=info), EditOutcome(done, True, f"Thème {topic} renommé « {name} ».")
