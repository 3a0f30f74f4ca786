"""Metrics of predicted labels against gold labels, in the ``ess-nlp evaluate`` contract.

``{"n", "macro_f1", "micro_f1", "accuracy", "per_label": {label: {"precision", "recall", "f1",
"support"}}}``: macro-F1 averages over the labels that occur in the gold or the predictions
(scikit-learn's convention), ``accuracy`` is the share of texts whose label set is exactly
right (plain accuracy for single-label data).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import KFold, StratifiedKFold

from ess_nlp.classify.estimator import TextClassifier
from ess_nlp.taxonomy import Facet


def label_metrics(
    gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]], labels: Sequence[str]
) -> dict[str, Any]:
    """The contract dict for label sets (one list of labels per text)."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold rows but {len(predicted)} predictions")
    labels = list(labels)
    index = {label: k for k, label in enumerate(labels)}
    Y = np.zeros((len(gold), len(labels)), dtype=int)
    P = np.zeros_like(Y)
    for i, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        for label in g:
            Y[i, index[label]] = 1
        for label in p:
            P[i, index[label]] = 1
    used = [k for k in range(len(labels)) if Y[:, k].any() or P[:, k].any()]
    precision, recall, f1, support = precision_recall_fscore_support(
        Y, P, labels=list(range(len(labels))), average=None, zero_division=0
    )
    n = len(gold)
    return {
        "n": n,
        "macro_f1": float(f1_score(Y, P, labels=used, average="macro", zero_division=0)) if used else 0.0,
        "micro_f1": float(f1_score(Y, P, average="micro", zero_division=0)) if n else 0.0,
        "accuracy": float(accuracy_score(Y, P)) if n else 0.0,
        "per_label": {
            label: {
                "precision": float(precision[k]),
                "recall": float(recall[k]),
                "f1": float(f1[k]),
                "support": int(support[k]),
            }
            for k, label in enumerate(labels)
        },
    }


def decide_all(proba: np.ndarray, facet: Facet, threshold: float) -> list[list[str]]:
    """Apply the facet's decision rule to each row of scores (taxonomy label order)."""
    return [
        facet.decide(dict(zip(facet.label_ids, map(float, row), strict=True)), threshold) for row in proba
    ]


def cross_validate(
    estimator: TextClassifier,
    texts: Sequence[str],
    labels: Sequence[Sequence[str]],
    facet: Facet,
    *,
    multi_label: bool,
    folds: int = 5,
    seed: int = 0,
) -> tuple[dict[str, Any], np.ndarray]:
    """Out-of-fold metrics of ``estimator`` and the out-of-fold scores (taxonomy label order).

    Single-label data use stratified folds; multi-label data plain shuffled folds. Labels are
    decided with the facet's rule, as the trained model will decide them.
    """
    from sklearn.base import clone

    texts = list(texts)
    n = len(texts)
    y_single = [row[0] for row in labels]
    if multi_label:
        splitter: Any = KFold(n_splits=folds, shuffle=True, random_state=seed)
        splits = list(splitter.split(np.zeros(n)))
    else:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        splits = list(splitter.split(np.zeros(n), y_single))
    oof = np.zeros((n, len(facet.label_ids)))
    for train, test in splits:
        clf = clone(estimator)
        target: Any = [tuple(labels[i]) for i in train] if multi_label else [y_single[i] for i in train]
        clf.fit([texts[i] for i in train], target)
        proba = clf.predict_proba([texts[i] for i in test])
        for k, label in enumerate(clf.classes_):
            oof[test, facet.label_ids.index(str(label))] = proba[:, k]
    predicted = decide_all(oof, facet, estimator.threshold)
    metrics = label_metrics(labels, predicted, facet.label_ids)
    metrics["folds"] = folds
    return metrics, oof
