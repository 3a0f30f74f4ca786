"""Which unit to annotate next (the model's hesitations, other people's disagreements) and the
machine's labels that pre-fill the annotation form."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ess_nlp.store import Store
from ess_nlp.store.views.corpus import (
    LEVEL_PREDICTIONS,
    classification_available,
    current_model_info,
    extraction_available,
    unit_labels,
)
from ess_nlp.store.views.items import SECTION_TO_ITEM
from ess_nlp.store.views.names import app_taxonomy

__all__ = ["annotation_queue", "model_ranking", "suggestion"]


def model_ranking(store: Store, level: str, facet: str) -> list[str]:
    """Units of ``level``, those the current model hesitates most about on ``facet`` first
    (``ess_nlp.classify.rank_for_annotation``, uncertainty); empty without a classifier."""
    if facet == "kind" or not classification_available(store):
        return []
    from ess_nlp.classify import rank_for_annotation

    taxonomy, _problem = app_taxonomy()
    if taxonomy is None:
        return []
    try:
        spec = taxonomy.facet(facet)
    except KeyError:
        return []
    info = current_model_info(store) or {}
    meta = info.get("meta") if isinstance(info.get("meta"), dict) else {}
    threshold = float((meta or {}).get("facets", {}).get(facet, {}).get("threshold", spec.threshold))
    labels = list(spec.label_ids)
    column = {label: k for k, label in enumerate(labels)}
    ids: list[str] = []
    index: dict[str, int] = {}
    cells: list[tuple[int, int, float]] = []
    for unit_id, label, score in store.conn.execute(
        f"SELECT p.unit_id, p.label, p.score {LEVEL_PREDICTIONS} AND p.facet = ?"
        " WHERE u.level = ? ORDER BY u.source_id, u.ord",
        (facet, level),
    ):
        if label not in column:
            continue
        if unit_id not in index:
            index[unit_id] = len(ids)
            ids.append(unit_id)
        cells.append((index[unit_id], column[label], float(score)))
    if not ids:
        return []
    import numpy as np

    scores = np.zeros((len(ids), len(labels)))
    for i, k, score in cells:
        scores[i, k] = score
    ranked = rank_for_annotation(ids, scores, threshold=threshold, multi_label=spec.multi_label)
    return [unit_id for unit_id, _ in ranked]


def annotation_queue(
    store: Store,
    level: str,
    facet: str,
    annotator: str,
    *,
    ranking: Sequence[str] = (),
    others_first: bool = False,
    limit: int = 200,
) -> list[str]:
    """Units of ``level`` to annotate on ``facet``, most useful first, without those
    ``annotator`` already did.

    With a model ``ranking`` (see :func:`model_ranking`), the units the model hesitates most
    about come first. ``others_first`` (or without a ranking) puts first the units other people
    annotated and this annotator has not (each gives agreement data), those they disagree on
    first; then the rest in ranking or source order.
    """
    conn = store.conn
    done_by_me = {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT unit_id FROM app_annotations WHERE facet = ? AND annotator = ?",
            (facet, annotator),
        )
    }
    others: dict[str, set[str]] = {}
    for unit, labels in conn.execute(
        "SELECT a.unit_id, a.labels FROM app_annotations a JOIN units u ON u.id = a.unit_id"
        " WHERE a.facet = ? AND a.annotator != ? AND u.level = ?",
        (facet, annotator, level),
    ):
        others.setdefault(unit, set()).add(labels)
    queue: list[str] = []
    if others_first or not ranking:
        queue = sorted((u for u in others if u not in done_by_me), key=lambda u: -len(others[u]))[:limit]
    taken = set(queue) | done_by_me
    if ranking:
        rest: Iterable[str] = ranking
    else:
        where = "level = ?"
        params: list[object] = [level]
        if level == "sentence" and facet == "kind":
            where += " AND length(text) > 30"
        rest = (
            r[0] for r in conn.execute(f"SELECT id FROM units WHERE {where} ORDER BY source_id, ord", params)
        )
    for unit in rest:
        if len(queue) >= limit:
            break
        if unit not in taken:
            queue.append(unit)
            taken.add(unit)
    return queue


def suggestion(store: Store, unit_id: str, facet: str) -> list[str]:
    """The machine's labels for a unit, to pre-fill the annotation form."""
    conn = store.conn
    if facet == "kind":
        kinds = []
        if extraction_available(store):
            for kind, table in (
                ("proposal", "proposals"),
                ("constat", "constats"),
                ("initiative", "initiatives"),
            ):
                hit = conn.execute(
                    f"SELECT 1 FROM {table} t JOIN units u ON u.id = ?"
                    " WHERE t.unit_id = u.id OR t.unit_id = u.parent_id"
                    " OR (u.level = 'sentence' AND t.start < u.end AND u.start < t.end"
                    "     AND t.cahier_id = u.cahier_id) LIMIT 1",
                    (unit_id,),
                ).fetchone()
                if hit:
                    kinds.append(kind)
            return kinds
        row = conn.execute("SELECT kind FROM units WHERE id = ?", (unit_id,)).fetchone()
        section_kind = SECTION_TO_ITEM.get(row[0]) if row and row[0] else None
        return [section_kind] if section_kind else []
    labels = unit_labels(store, "cahier")
    own = labels[(labels["unit"] == unit_id) & (labels["facet"] == facet)]
    if own.empty and classification_available(store):
        level = conn.execute("SELECT level FROM units WHERE id = ?", (unit_id,)).fetchone()
        if level:
            labels = unit_labels(store, level[0])
            own = labels[(labels["unit"] == unit_id) & (labels["facet"] == facet)]
    return list(own["label"])

