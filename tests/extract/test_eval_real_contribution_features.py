"""The contribution features of ``benchmarks/eval_real.py --proposes-signals``, on invented text
and invented sentence probabilities."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from eval_real import PROPOSAL_CUES, contribution_features

N_AGGREGATES = 13


def _scores(*proposal: float) -> list[dict[str, float]]:
    return [{"proposal": p, "constat": (1 - p) / 2, "description": (1 - p) / 4, "other": (1 - p) / 4} for p in proposal]


def test_aggregates_of_the_sentence_probabilities() -> None:
    out = contribution_features(_scores(0.2, 0.9, 0.4), "Rien.")
    assert len(out) == N_AGGREGATES + len(PROPOSAL_CUES)
    highest, top2, top3, mean, log_n, above_half, above_03 = out[:7]
    assert highest == pytest.approx(0.9)
    assert top2 == pytest.approx(0.65)
    assert top3 == pytest.approx(0.5)
    assert mean == pytest.approx(0.5)
    assert log_n == pytest.approx(math.log(4))
    assert above_half == pytest.approx(1 / 3)
    assert above_03 == pytest.approx(2 / 3)
    assert out[7:9] == pytest.approx([0.25, 0.4])  # constat: mean, highest


def test_a_contribution_with_no_scored_sentence_is_all_zeros_but_its_cues() -> None:
    out = contribution_features([], "Il faut créer un congé.")
    assert out[:N_AGGREGATES] == [0.0] * N_AGGREGATES
    assert sum(out[N_AGGREGATES:]) > 0


def test_cues_are_counted_case_blind() -> None:
    names = list(PROPOSAL_CUES)
    plain = contribution_features(_scores(0.5), "Le congé est court.")[N_AGGREGATES:]
    cued = contribution_features(_scores(0.5), "IL FAUT allonger le congé. Il faudrait aussi l'obliger ?")[N_AGGREGATES:]
    assert plain[names.index("il faut")] == 0.0
    assert cued[names.index("il faut")] == pytest.approx(math.log(3))
    assert cued[names.index("oblig-")] > 0 and cued[names.index("?")] > 0
    assert cued[names.index("nous")] == 0.0
