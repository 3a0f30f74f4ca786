"""Active learning: ranking unlabelled units for annotators."""

from __future__ import annotations

import numpy as np
import pytest

from ess_nlp.classify import rank_for_annotation
from ess_nlp.classify.active import annotation_priority

SCORES = np.array([[0.95, 0.02], [0.52, 0.10], [0.40, 0.61], [0.05, 0.01]])


def test_uncertainty_puts_scores_near_the_threshold_first() -> None:
    ranked = rank_for_annotation(["a", "b", "c", "d"], SCORES)
    assert [unit for unit, _ in ranked] == ["b", "c", "a", "d"]


def test_single_label_margin_and_exclusion() -> None:
    ranked = rank_for_annotation(["a", "b", "c", "d"], SCORES, multi_label=False, exclude=["c"], limit=2)
    assert [unit for unit, _ in ranked] == ["d", "b"]  # margins 0.04 and 0.42; c (0.21) excluded


def test_disagreement_between_two_scorers() -> None:
    other = SCORES.copy()
    other[3] = [0.9, 0.9]
    ranked = rank_for_annotation(["a", "b", "c", "d"], SCORES, strategy="disagreement", other=other)
    assert ranked[0][0] == "d" and ranked[-1][1] == 0.0


def test_entropy_and_errors() -> None:
    priority = annotation_priority(SCORES, strategy="entropy")
    assert priority.argmax() == 2 and priority.argmin() == 3  # c: both scores near 0.5
    with pytest.raises(ValueError, match="needs the scores of a second scorer"):
        annotation_priority(SCORES, strategy="disagreement")
    with pytest.raises(ValueError, match="unknown strategy"):
        annotation_priority(SCORES, strategy="random")
    with pytest.raises(ValueError, match="unit ids"):
        rank_for_annotation(["a"], SCORES)
