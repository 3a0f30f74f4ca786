"""Blending the supervised classifier with the zero-shot scorer, and calibration measures.

A blended facet scores each label with

    p = sigmoid(a · logit(p_supervised) + b · logit(p_zero_shot) + c)

where ``a``, ``b``, ``c`` are one logistic regression fitted on out-of-fold supervised scores
(inner cross-validation of ``train_model``) against the gold labels: the weights say how much
each scorer is trusted and the result is a calibrated probability (Platt scaling of the blend).
Three numbers per facet, kept in ``meta.json``; no pickle.

:func:`reliability` gives the reliability curve (mean score against observed frequency in ten
equal-width bins) and the expected calibration error (ECE) of per-label probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

_EPS = 1e-4


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1 - _EPS)
    return np.asarray(np.log(q / (1 - q)))


@dataclass(frozen=True)
class Blend:
    """Weights of the supervised and zero-shot logits and the intercept (see the module docstring)."""

    supervised: float
    zero_shot: float
    intercept: float

    def combine(
        self, supervised: np.ndarray, zero_shot: np.ndarray, *, single_label: bool = False
    ) -> np.ndarray:
        """Blended probabilities, same shape as the inputs (texts x labels).

        ``single_label``: rows are renormalised to sum to one (one label per text).
        """
        z = self.supervised * _logit(supervised) + self.zero_shot * _logit(zero_shot) + self.intercept
        p = 1.0 / (1.0 + np.exp(-z))
        if single_label and p.size:
            p = p / np.clip(p.sum(axis=1, keepdims=True), 1e-12, None)
        return np.asarray(p)

    def to_json(self) -> dict[str, float]:
        return {
            "supervised": round(self.supervised, 6),
            "zero_shot": round(self.zero_shot, 6),
            "intercept": round(self.intercept, 6),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Blend:
        return cls(float(data["supervised"]), float(data["zero_shot"]), float(data["intercept"]))


def fit_blend(supervised: np.ndarray, zero_shot: np.ndarray, Y: np.ndarray, *, C: float = 1.0) -> Blend:
    """The blend whose probabilities best fit the indicator matrix ``Y`` (log-loss, L2 ``C``).

    ``supervised`` must be out-of-fold scores (the model did not see those texts).
    """
    X = np.column_stack([_logit(supervised).ravel(), _logit(zero_shot).ravel()])
    y = np.asarray(Y, dtype=int).ravel()
    if y.min() == y.max():
        return Blend(1.0, 0.0, 0.0)
    model = LogisticRegression(C=C, max_iter=1000).fit(X, y)
    a, b = (round(float(w), 6) for w in model.coef_[0])
    # Rounded as meta.json keeps them, so a saved model scores exactly as the one in memory.
    return Blend(a, b, round(float(model.intercept_[0]), 6))


def cross_fitted(
    supervised: np.ndarray, zero_shot: np.ndarray, Y: np.ndarray, *, folds: int = 5, seed: int = 0,
    single_label: bool = False,
) -> np.ndarray:  # fmt: skip
    """Blended scores where each text's blend was fitted without it (for honest metrics)."""
    n = supervised.shape[0]
    out = np.zeros_like(supervised, dtype=np.float64)
    k = max(2, min(folds, n))
    for train, test in KFold(k, shuffle=True, random_state=seed).split(np.zeros(n)):
        blend = fit_blend(supervised[train], zero_shot[train], Y[train])
        out[test] = blend.combine(supervised[test], zero_shot[test], single_label=single_label)
    return out


def indicator(labels: Sequence[Sequence[str]], label_ids: Sequence[str]) -> np.ndarray:
    """Texts x labels 0/1 matrix of label sets."""
    index = {label: k for k, label in enumerate(label_ids)}
    Y = np.zeros((len(labels), len(label_ids)), dtype=int)
    for i, row in enumerate(labels):
        for label in row:
            Y[i, index[label]] = 1
    return Y


def reliability(proba: np.ndarray, Y: np.ndarray, *, bins: int = 10) -> dict[str, Any]:
    """Reliability curve and expected calibration error of per-label probabilities.

    Every (text, label) pair counts once; bins are ``[k/bins, (k+1)/bins)``. ECE is the
    count-weighted mean of ``|observed frequency - mean score|`` over the bins.
    """
    p = np.asarray(proba, dtype=np.float64).ravel()
    y = np.asarray(Y, dtype=np.float64).ravel()
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    rows = []
    ece = 0.0
    for k in range(bins):
        mask = which == k
        n = int(mask.sum())
        if not n:
            continue
        mean, observed = float(p[mask].mean()), float(y[mask].mean())
        ece += n / max(len(p), 1) * abs(observed - mean)
        rows.append(
            {"low": round(float(edges[k]), 2), "high": round(float(edges[k + 1]), 2), "n": n,
             "mean_score": round(mean, 4), "observed": round(observed, 4)}
        )  # fmt: skip
    return {"ece": round(float(ece), 4), "bins": rows, "n": len(p)}
