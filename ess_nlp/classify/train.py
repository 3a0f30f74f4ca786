"""Training a versioned model from labelled texts, with cross-validated metrics.

``train_model`` fits one :class:`~ess_nlp.classify.TextClassifier` per labelled facet, measures
it by k-fold cross-validation first (same seed, same decision rule as the final model), keeps
the features with the best out-of-fold macro-F1 among its candidates (by default n-grams alone,
or n-grams and MiniLM sentence embeddings: :func:`default_candidates`), picks the decision
threshold that gives the best out-of-fold macro-F1, and returns a
:class:`~ess_nlp.classify.ClassificationModel` whose ``meta`` records everything the model card
needs. ``evaluate_model`` scores a model on another labelled file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import clone

from ess_nlp.classify.blend import Blend, cross_fitted, fit_blend, indicator, reliability
from ess_nlp.classify.data import TrainingData
from ess_nlp.classify.estimator import TextClassifier
from ess_nlp.classify.evaluation import cross_validate, decide_all, label_metrics
from ess_nlp.classify.features import TextFeatures, sentence_model_installed
from ess_nlp.classify.model import ClassificationModel
from ess_nlp.classify.zeroshot import ZeroShotScorer
from ess_nlp.errors import ConfigError
from ess_nlp.taxonomy import Facet, Taxonomy

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

#: Decision thresholds tried on the out-of-fold scores (``tune_threshold``).
THRESHOLD_GRID: tuple[float, ...] = tuple(round(float(t), 2) for t in np.arange(0.2, 0.61, 0.05))


def default_estimator(seed: int = 0) -> TextClassifier:
    """The estimator chosen by measurement (see ``benchmarks/eval_classification.py``)."""
    return TextClassifier(random_state=seed)


def default_candidates(seed: int = 0) -> tuple[TextClassifier, ...]:
    """The estimators ``train_model`` chooses among, facet by facet, when it is given none: the
    default estimator (n-grams of lemmas), and the same with MiniLM sentence embeddings added
    where the sentence model is installed.

    Chosen by measurement (``benchmarks/eval_classification.py --only default-nested``, the
    choice made inside each outer training set): the embeddings help short texts in few
    examples (Vrai Débat, 375 proposals: 0.552 -> 0.617) and hurt long reports (Grand Débat
    single-theme: 0.875 -> 0.868), and the cross-validation of the training set tells which.
    """
    candidates = [default_estimator(seed)]
    if sentence_model_installed():
        candidates.append(TextClassifier(features=TextFeatures(embeddings="minilm"), random_state=seed))
    else:
        logger.info("sentence model not installed: n-gram features only")
    return tuple(candidates)


def small_data_estimator(seed: int = 0) -> TextClassifier:
    """The estimator of the shipped default model, trained on a few dozen long cahiers.

    Word unigrams on lemmas seen in at least two cahiers, stronger regularisation: measured on
    the 65 sample cahiers (5-fold CV, seed 0) it matches the default estimator on domains
    (macro-F1 0.618 against 0.625) and beats it on themes (0.421 against 0.385), trains in a
    second instead of minutes and saves 2.6 MB instead of 44 MB.
    """
    return TextClassifier(
        features=TextFeatures(word_ngrams=(1, 1), char_ngrams=None, min_df=2), C=1.0, random_state=seed
    )


def train_model(
    data: TrainingData,
    taxonomy: Taxonomy,
    *,
    estimator: TextClassifier | None = None,
    candidates: Sequence[TextClassifier] | None = None,
    seed: int = 0,
    folds: int = 5,
    name: str | None = None,
    version: str | None = None,
    extra_meta: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    tune_threshold: bool = True,
    blend: bool = False,
    zero_shot: ZeroShotScorer | None = None,
) -> ClassificationModel:
    """Cross-validate then fit a classifier for each facet of ``data``.

    ``folds`` is lowered to the size of the rarest label when needed (at least 2). With
    ``tune_threshold``, the decision threshold of a multi-label facet is the one of
    :data:`THRESHOLD_GRID` with the best out-of-fold macro-F1 (ties: the closest to the
    estimator's own); the cross-validated metrics are those at that threshold (chosen on the
    same scores, so slightly optimistic) and ``meta`` keeps the macro-F1 of every threshold
    tried. Raises :class:`ConfigError` when a facet cannot be cross-validated.

    The classifier is ``estimator`` when given; otherwise, for each facet, the one of
    ``candidates`` (default :func:`default_candidates`) whose cross-validation gives the best
    out-of-fold macro-F1 (at the tuned threshold for a multi-label facet; ties: the first
    candidate). Every candidate is cross-validated on the same folds and ``meta`` records their
    figures; the facet's metrics are those of the one kept, so slightly optimistic, like the
    threshold's. ``benchmarks/eval_classification.py --only default-nested`` measures the choice
    from outside (nested cross-validation).

    With ``blend``, each facet's scores become the calibrated blend of the classifier and the
    zero-shot scorer (:mod:`ess_nlp.classify.blend`): the blend is fitted on the out-of-fold
    scores of the cross-validation (so chosen by nested cross-validation: the classifier never
    saw the texts the blend learns from), the threshold is tuned on cross-fitted blended scores,
    and ``meta`` records the metrics of the supervised, zero-shot and blended scores with the
    reliability curve of the latter. ``zero_shot``: the scorer to blend with (default: a new
    one on ``taxonomy``; pass one to reuse its caches across many trainings).
    """
    templates = _templates(estimator, candidates, seed)
    classifiers: dict[str, TextClassifier] = {}
    blends: dict[str, Blend] = {}
    facets_meta: dict[str, Any] = {}
    steps = len(data.facets) * (len(templates) + 1)
    done = 0
    for facet_id, labelled in data.facets.items():
        facet = taxonomy.facet(facet_id)
        texts = data.facet_texts(facet_id)
        counts = labelled.counts()
        k = min(folds, min(counts.values())) if not labelled.multi_label else min(folds, len(texts))
        if k < 2:
            raise ConfigError(
                f"{data.source} : pas assez d'exemples dans la colonne « {labelled.column} » pour une validation "
                "croisée (au moins 2 textes par label attendus)."
            )
        logger.info("facet %s: %d-fold cross-validation on %d texts", facet_id, k, len(texts))
        runs = []
        for candidate in templates:
            runs.append(
                cross_validate(
                    candidate, texts, labelled.labels, facet, multi_label=labelled.multi_label, folds=k, seed=seed
                )
            )
            done += 1
            if progress is not None:
                progress(done, steps)
        best, choice = _choose(runs, templates, labelled.labels, facet, tune_threshold and facet.multi_label)
        if choice is not None:
            logger.info("facet %s: features %s chosen (%s)", facet_id, choice["chosen"], choice["candidates"])
        template = templates[best]
        cv_metrics, oof = runs[best]
        clf = clone(template)
        tuning: dict[str, Any] | None = None
        blend_meta: dict[str, Any] | None = None
        if blend:
            scorer = zero_shot if zero_shot is not None else ZeroShotScorer(taxonomy)
            zero_shot = scorer
            oof, blends[facet_id], blend_meta = _blend(oof, texts, labelled.labels, facet, scorer, seed, k)
            cv_metrics = {
                **label_metrics(labelled.labels, decide_all(oof, facet, template.threshold), facet.label_ids),
                "folds": k,
            }
        if tune_threshold and facet.multi_label:
            threshold, tuning = best_threshold(oof, labelled.labels, facet, default=float(template.threshold))
            clf.set_params(threshold=threshold)
            cv_metrics = {
                **label_metrics(labelled.labels, decide_all(oof, facet, threshold), facet.label_ids),
                "folds": k,
            }
        target: Any = list(labelled.labels) if labelled.multi_label else [row[0] for row in labelled.labels]
        clf.fit(texts, target)
        classifiers[facet_id] = clf
        done += 1
        if progress is not None:
            progress(done, steps)
        facets_meta[facet_id] = {
            "label_col": labelled.column,
            "multi_label": labelled.multi_label,
            "threshold": float(clf.threshold),
            "n_train": len(texts),
            "label_counts": dict(sorted(counts.items())),
            "untrained_labels": [label for label in facet.label_ids if label not in counts],
            "cv": cv_metrics,
        }
        if choice is not None:
            facets_meta[facet_id]["features_choice"] = choice
        if tuning is not None:
            facets_meta[facet_id]["threshold_tuning"] = tuning
        if blend_meta is not None:
            facets_meta[facet_id].update(blend_meta)
    described: dict[str, Any] = (
        _describe_estimator(templates[0])
        if len(templates) == 1
        else {
            "choice": "per facet, the candidate with the best out-of-fold macro-F1",
            "candidates": [_describe_estimator(candidate) for candidate in templates],
        }
    )
    meta: dict[str, Any] = {
        "seed": seed,
        "training_data": data.describe(),
        "estimator": described,
        "facets": facets_meta,
    }
    if blend and zero_shot is not None:
        meta["zero_shot_borrow"] = zero_shot.borrow
    if name is not None:
        meta["name"] = name
    if version is not None:
        meta["version"] = version
    meta.update(extra_meta or {})
    return ClassificationModel(taxonomy, classifiers, meta=meta, blends=blends)


def _blend(
    oof: np.ndarray,
    texts: Sequence[str],
    labels: Sequence[Sequence[str]],
    facet: Facet,
    scorer: ZeroShotScorer,
    seed: int,
    folds: int,
) -> tuple[np.ndarray, Blend, dict[str, Any]]:
    """Cross-fitted blended out-of-fold scores, the blend fitted on all of them, and what the
    model card shows (metrics of each scorer alone, reliability of the blend)."""
    zero = scorer.predict_proba(list(texts), facet.id)
    Y = indicator(labels, facet.label_ids)
    single = not facet.multi_label
    blended = cross_fitted(oof, zero, Y, folds=folds, seed=seed, single_label=single)
    fitted = fit_blend(oof, zero, Y)
    rule = facet.threshold

    def macro(scores: np.ndarray) -> float:
        return round(
            float(label_metrics(labels, decide_all(scores, facet, rule), facet.label_ids)["macro_f1"]), 4
        )

    meta = {
        "blend_sources": {"supervised_macro_f1": macro(oof), "zero_shot_macro_f1": macro(zero),
                          "blend_macro_f1": macro(blended), "threshold": rule},
        "reliability": reliability(blended, Y),
        "reliability_supervised": reliability(oof, Y),
    }  # fmt: skip
    return blended, fitted, meta


def features_label(estimator: TextClassifier) -> str:
    """What an estimator reads, in a few words (model cards, logs): ``n-grammes``, and the
    embeddings it adds."""
    features = estimator.features
    if not isinstance(features, TextFeatures):
        return "n-grammes" if features == "auto" else str(features)
    parts = ["n-grammes"] if features.word_ngrams or features.char_ngrams else []
    if features.embeddings is not None:
        parts.append(str(features.embeddings))
    return " + ".join(parts)


def _templates(
    estimator: TextClassifier | None, candidates: Sequence[TextClassifier] | None, seed: int
) -> list[TextClassifier]:
    """Fresh copies of what ``train_model`` may fit, each seeded with ``seed``."""
    if estimator is not None and candidates is not None:
        raise ValueError("train_model takes an estimator or candidates, not both")
    if estimator is not None:
        templates = [clone(estimator)]
    else:
        templates = [clone(c) for c in (candidates if candidates is not None else default_candidates(seed))]
    if not templates:
        raise ValueError("train_model needs at least one candidate estimator")
    for candidate in templates:
        candidate.set_params(random_state=seed)
    return templates


def _choose(
    runs: Sequence[tuple[dict[str, Any], np.ndarray]],
    templates: Sequence[TextClassifier],
    labels: Sequence[Sequence[str]],
    facet: Facet,
    tuned: bool,
) -> tuple[int, dict[str, Any] | None]:
    """The index of the candidate with the best out-of-fold macro-F1 (ties: the first) and what
    the model card says of the choice (None when there was none to make)."""
    if len(templates) == 1:
        return 0, None
    figures = [_choice_figure(run, labels, facet, tuned, c) for run, c in zip(runs, templates, strict=True)]
    best = max(range(len(templates)), key=lambda i: (round(figures[i], 6), -i))
    return best, {
        "candidates": [
            {"features": features_label(c), "macro_f1": round(f, 4)} for c, f in zip(templates, figures, strict=True)
        ],
        "chosen": features_label(templates[best]),
    }


def _choice_figure(
    run: tuple[dict[str, Any], np.ndarray],
    labels: Sequence[Sequence[str]],
    facet: Facet,
    tuned: bool,
    estimator: TextClassifier,
) -> float:
    """A candidate's out-of-fold macro-F1: at the best threshold of the grid when the threshold
    is tuned afterwards, else at the estimator's own."""
    metrics, oof = run
    if not tuned:
        return float(metrics["macro_f1"])
    _, tuning = best_threshold(oof, labels, facet, default=float(estimator.threshold))
    return float(max(tuning["macro_f1"].values()))


def best_threshold(
    scores: np.ndarray, labels: Sequence[Sequence[str]], facet: Facet, *, default: float = 0.5
) -> tuple[float, dict[str, Any]]:
    """The threshold of :data:`THRESHOLD_GRID` whose decisions on ``scores`` (texts x labels, in
    the facet's label order) give the best macro-F1 against ``labels``; ties go to the one
    closest to ``default``. Returns it with the macro-F1 of every threshold tried."""
    tried = {
        t: float(label_metrics(labels, decide_all(scores, facet, t), facet.label_ids)["macro_f1"])
        for t in THRESHOLD_GRID
    }
    chosen = max(tried, key=lambda t: (round(tried[t], 6), -abs(t - default)))
    return chosen, {"chosen": chosen, "macro_f1": {f"{t:.2f}": round(f, 4) for t, f in tried.items()}}


def evaluate_model(model: ClassificationModel, data: TrainingData) -> dict[str, Any]:
    """Metrics of ``model`` on labelled ``data``: the contract dict for a single facet, or
    ``{facet: dict}`` when the data label several facets."""
    results = {}
    for facet_id, labelled in data.facets.items():
        facet = model.taxonomy.facet(facet_id)
        proba = model.predict_proba(data.facet_texts(facet_id), facet_id)
        predicted = decide_all(proba, facet, model.threshold(facet_id))
        if not labelled.multi_label and facet.multi_label:
            # Single-label gold: compare with the best label only.
            predicted = [row[:1] for row in predicted]
        results[facet_id] = label_metrics(labelled.labels, predicted, facet.label_ids)
    if len(results) == 1:
        return next(iter(results.values()))
    return results


def _describe_estimator(estimator: TextClassifier) -> dict[str, Any]:
    params = estimator.get_params(deep=False)
    features = params.pop("features")
    described: dict[str, Any] = {"class": f"{type(estimator).__module__}.{type(estimator).__name__}"}
    described.update(
        {k: v for k, v in params.items() if isinstance(v, int | float | str | bool | type(None))}
    )
    if features == "auto":
        features = TextFeatures()  # what TextClassifier(features="auto") fits
    described["features"] = _describe_features(features) if isinstance(features, TextFeatures) else features
    return described


def _describe_features(features: TextFeatures) -> dict[str, Any]:
    return {
        "class": f"{type(features).__module__}.{type(features).__name__}",
        **{k: list(v) if isinstance(v, tuple) else v for k, v in features.get_params().items()},
    }
