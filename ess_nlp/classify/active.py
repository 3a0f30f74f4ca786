"""Active learning: which unlabelled units should annotators label first.

Three strategies over the scores of a facet (``(n_units, n_labels)`` arrays in [0, 1]):

- ``uncertainty``: the label whose score is closest to the decision threshold (multi-label) or
  the smallest margin between the two best labels (single-label) — the model hesitates;
- ``entropy``: the mean binary entropy of the label scores — the model is unsure overall;
- ``disagreement``: the mean absolute difference between two scorers (e.g. the supervised
  model and the zero-shot scorer, or two model versions) — they disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

STRATEGIES = ("uncertainty", "entropy", "disagreement")


def annotation_priority(
    scores: np.ndarray,
    *,
    strategy: str = "uncertainty",
    threshold: float = 0.5,
    multi_label: bool = True,
    other: np.ndarray | None = None,
) -> np.ndarray:
    """One priority per unit (higher = ask an annotator first)."""
    scores = np.asarray(scores, dtype=float)
    if scores.ndim != 2:
        raise ValueError("scores must be a (n_units, n_labels) array")
    if strategy == "uncertainty":
        if multi_label:
            return np.asarray(1.0 - 2.0 * np.abs(scores - threshold).min(axis=1, initial=np.inf))
        ranked = np.sort(scores, axis=1)
        margin = ranked[:, -1] - (ranked[:, -2] if scores.shape[1] > 1 else 0.0)
        return np.asarray(1.0 - margin)
    if strategy == "entropy":
        p = np.clip(scores, 1e-12, 1 - 1e-12)
        return np.asarray((-(p * np.log2(p) + (1 - p) * np.log2(1 - p))).mean(axis=1))
    if strategy == "disagreement":
        if other is None:
            raise ValueError("the disagreement strategy needs the scores of a second scorer (other=...)")
        other = np.asarray(other, dtype=float)
        if other.shape != scores.shape:
            raise ValueError(f"other has shape {other.shape}, expected {scores.shape}")
        return np.asarray(np.abs(scores - other).mean(axis=1))
    raise ValueError(f"unknown strategy {strategy!r} (expected one of {', '.join(STRATEGIES)})")


def rank_for_annotation(
    unit_ids: Sequence[str],
    scores: np.ndarray,
    *,
    strategy: str = "uncertainty",
    threshold: float = 0.5,
    multi_label: bool = True,
    other: np.ndarray | None = None,
    exclude: Sequence[str] = (),
    limit: int | None = None,
) -> list[tuple[str, float]]:
    """``(unit_id, priority)`` best first, leaving out ``exclude`` (already annotated units).

    Ties keep the input order, so the ranking is deterministic.
    """
    if len(unit_ids) != len(scores):
        raise ValueError(f"{len(unit_ids)} unit ids but {len(scores)} rows of scores")
    priority = annotation_priority(
        scores, strategy=strategy, threshold=threshold, multi_label=multi_label, other=other
    )
    skip = set(exclude)
    order = np.argsort(-priority, kind="stable")
    ranked = [(unit_ids[i], float(priority[i])) for i in order if unit_ids[i] not in skip]
    return ranked if limit is None else ranked[:limit]
