"""train_model: cross-validated metrics and the decision threshold chosen on out-of-fold scores."""

from __future__ import annotations

import numpy as np
import pytest

from ess_nlp.classify import TextClassifier, TextFeatures
from ess_nlp.classify.data import FacetLabels, TrainingData
from ess_nlp.classify.evaluation import decide_all, label_metrics
from ess_nlp.classify.train import THRESHOLD_GRID, best_threshold, train_model
from ess_nlp.taxonomy import Taxonomy

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def data(texts: list[str], labels: list[tuple[str, ...]]) -> TrainingData:
    facet = FacetLabels(facet="sujets", column="sujets", labels=labels, multi_label=True)
    return TrainingData(texts=texts, facets={"sujets": facet}, source="inline.csv", sha256="0" * 64)


def estimator() -> TextClassifier:
    return TextClassifier(features=TextFeatures(word_ngrams=(1, 1), char_ngrams=None), C=1.0, random_state=0)


def test_the_threshold_is_chosen_on_out_of_fold_scores(
    mini_taxonomy: Taxonomy, multi_label_data: tuple[list[str], list[tuple[str, ...]]]
) -> None:
    texts, labels = multi_label_data
    model = train_model(data(texts, labels), mini_taxonomy, estimator=estimator(), folds=3)
    info = model.meta["facets"]["sujets"]
    tuning = info["threshold_tuning"]
    assert [float(t) for t in tuning["macro_f1"]] == list(THRESHOLD_GRID)
    best = max(tuning["macro_f1"].values())
    assert tuning["macro_f1"][f"{tuning['chosen']:.2f}"] == best
    assert info["threshold"] == tuning["chosen"] == model.threshold("sujets")
    assert info["cv"]["macro_f1"] == pytest.approx(best, abs=1e-4)
    untuned = train_model(data(texts, labels), mini_taxonomy, estimator=estimator(), folds=3, tune_threshold=False)
    assert untuned.threshold("sujets") == 0.5 and "threshold_tuning" not in untuned.meta["facets"]["sujets"]


def test_best_threshold_prefers_the_estimators_own_on_ties(mini_taxonomy: Taxonomy) -> None:
    facet = mini_taxonomy.facet("sujets")
    scores = np.array([[0.9, 0.05, 0.05], [0.05, 0.9, 0.05], [0.05, 0.05, 0.9]])
    labels = [(facet.label_ids[0],), (facet.label_ids[1],), (facet.label_ids[2],)]
    chosen, tried = best_threshold(scores, labels, facet, default=0.5)
    assert chosen == 0.5 and set(tried["macro_f1"].values()) == {1.0}
    # scores that only a low threshold turns into the second gold label
    scores = np.array([[0.8, 0.3, 0.0], [0.0, 0.8, 0.3], [0.3, 0.0, 0.8]])
    labels = [tuple(facet.label_ids[i] for i in row) for row in ([0, 1], [1, 2], [2, 0])]
    chosen, _ = best_threshold(scores, labels, facet)
    assert chosen <= 0.3
    assert label_metrics(labels, decide_all(scores, facet, chosen), facet.label_ids)["macro_f1"] == 1.0


def weak_estimator() -> TextClassifier:
    """Single characters and a regularisation so strong that every text gets about the same scores."""
    return TextClassifier(features=TextFeatures(word_ngrams=None, char_ngrams=(1, 1)), C=1e-6, random_state=0)


def test_train_model_keeps_the_candidate_with_the_best_out_of_fold_figure(
    mini_taxonomy: Taxonomy, multi_label_data: tuple[list[str], list[tuple[str, ...]]]
) -> None:
    from ess_nlp.classify.model import model_card

    texts, labels = multi_label_data
    model = train_model(data(texts, labels), mini_taxonomy, candidates=[weak_estimator(), estimator()], folds=3)
    info = model.meta["facets"]["sujets"]
    weak, good = info["features_choice"]["candidates"]
    assert good["macro_f1"] > weak["macro_f1"]
    assert info["features_choice"]["chosen"] == good["features"] == "n-grammes"
    assert model.classifiers["sujets"].C == 1.0  # the good candidate was fitted, not the weak one
    alone = train_model(data(texts, labels), mini_taxonomy, estimator=estimator(), folds=3)
    assert info["cv"] == alone.meta["facets"]["sujets"]["cv"]  # its cross-validation, same folds
    assert "features_choice" not in alone.meta["facets"]["sujets"]
    assert [c["C"] for c in model.meta["estimator"]["candidates"]] == [1e-6, 1.0]
    assert "Traits retenus : n-grammes" in model_card(model.meta)
    # ties go to the first candidate
    tied = train_model(data(texts, labels), mini_taxonomy, candidates=[estimator(), estimator().set_params(max_iter=3000)],
                       folds=3)  # fmt: skip
    assert tied.classifiers["sujets"].max_iter != 3000
    with pytest.raises(ValueError, match="not both"):
        train_model(data(texts, labels), mini_taxonomy, estimator=estimator(), candidates=[estimator()])


def test_the_default_candidates_add_minilm_only_where_it_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    from ess_nlp.classify import train

    monkeypatch.setattr(train, "sentence_model_installed", lambda: False)
    (only,) = train.default_candidates(5)
    assert only.get_params() == train.default_estimator(5).get_params()
    monkeypatch.setattr(train, "sentence_model_installed", lambda: True)
    plain, dense = train.default_candidates(5)
    assert plain.get_params() == only.get_params()
    assert dense.features.embeddings == "minilm" and dense.random_state == 5
    assert [train.features_label(c) for c in (plain, dense)] == ["n-grammes", "n-grammes + minilm"]
