"""Stable topic identities: match the topics of a re-run to the previous ones by members.

After new cahiers are added (or a parameter changes), the clusterer numbers its topics
afresh. Each new topic is matched to at most one previous topic by the Jaccard overlap of
their members (counted on the units both runs hold), one-to-one with the Hungarian
algorithm; a pair counts when the overlap reaches ``MATCH_THRESHOLD``. A matched topic
takes the previous id (and so its name); an unmatched one gets a new id, never reused.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

import numpy as np

from ess_nlp.topics._model import OUTLIER, TopicInfo, TopicResult

__all__ = ["MATCH_THRESHOLD", "match_topics", "relabel", "with_stable_ids"]

#: Smallest Jaccard overlap between an old and a new topic for the new one to keep the old id.
MATCH_THRESHOLD = 0.3


def match_topics(
    old: Mapping[int, Collection[str]],
    new: Mapping[int, Collection[str]],
    *,
    threshold: float = MATCH_THRESHOLD,
) -> dict[int, int]:
    """``{new topic: old topic}`` for the pairs whose members overlap enough.

    Overlap is the Jaccard index of the two member sets restricted to the units present in
    both runs (units added or removed since do not dilute it). One-to-one, maximising the
    total overlap; ties are broken by topic ids, so the result is deterministic.
    """
    old_ids = sorted(t for t in old if t != OUTLIER)
    new_ids = sorted(t for t in new if t != OUTLIER)
    if not old_ids or not new_ids:
        return {}
    old_units = set().union(*(set(old[t]) for t in old_ids))
    new_units = set().union(*(set(new[t]) for t in new_ids))
    common = old_units & new_units
    old_sets = [set(old[t]) & common for t in old_ids]
    new_sets = [set(new[t]) & common for t in new_ids]
    scores = np.zeros((len(new_ids), len(old_ids)))
    for i, members in enumerate(new_sets):
        for j, previous in enumerate(old_sets):
            union = len(members | previous)
            scores[i, j] = len(members & previous) / union if union else 0.0
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(-scores)
    return {new_ids[i]: old_ids[j] for i, j in zip(rows, cols, strict=True) if scores[i, j] >= threshold}


def relabel(
    result: TopicResult, mapping: Mapping[int, int], *, names: Mapping[int, str] | None = None
) -> TopicResult:
    """Rename topic ids everywhere (``mapping`` must be one-to-one; -1 stays -1)."""
    lookup = {
        **{int(t): int(t) for t in result.info},
        **{int(k): int(v) for k, v in mapping.items()},
        OUTLIER: OUTLIER,
    }
    if len(set(lookup.values())) != len(lookup):
        raise ValueError("topic id mapping is not one-to-one")

    def convert(array: np.ndarray) -> np.ndarray:
        return np.asarray([lookup.get(int(t), int(t)) for t in array], dtype=np.int64)

    names = names or {}
    info = {
        lookup[t]: TopicInfo(lookup[t], names.get(lookup[t], item.name), item.label, item.keywords, item.size)
        for t, item in result.info.items()
    }
    next_id = max([result.next_id, *[t + 1 for t in info]])
    return replace(
        result,
        topics=convert(result.topics),
        raw_topics=convert(result.raw_topics),
        info=info,
        next_id=next_id,
    )


def with_stable_ids(
    result: TopicResult,
    previous: Mapping[int, Collection[str]] | None,
    *,
    next_id: int,
    names: Mapping[int, str] | None = None,
    threshold: float = MATCH_THRESHOLD,
) -> tuple[TopicResult, dict[int, int]]:
    """Give a fresh fit the ids of the previous run's matching topics.

    ``previous`` holds the previous run's members per topic *before edits* (its raw
    topics); ``next_id`` is the first id never used; ``names`` are the stored names of the
    previous ids (a matched topic keeps its name). Unmatched topics get new ids from
    ``next_id`` on, largest topic first. Returns the relabelled result and the mapping
    ``{fit topic: stable id}``.
    """
    current = {t: result.members(t) for t in result.topic_ids}
    matched = match_topics(previous or {}, current, threshold=threshold)
    mapping: dict[int, int] = dict(matched)
    fresh = next_id
    unmatched = sorted((t for t in current if t not in matched), key=lambda t: (-len(current[t]), t))
    for topic in unmatched:
        mapping[topic] = fresh
        fresh += 1
    # Relabel in one step through temporary negative ids so old and new ids never collide.
    temporary = {t: -(i + 2) for i, t in enumerate(sorted(mapping))}
    staged = relabel(result, temporary)
    final = relabel(
        replace(staged, next_id=0),
        {temporary[t]: mapping[t] for t in mapping},
        names={mapping[t]: names[mapping[t]] for t in matched if names and mapping[t] in names},
    )
    return replace(final, next_id=max(fresh, final.next_id)), mapping
