"""The blended model kind: supervised + zero-shot, calibrated, chosen on out-of-fold scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ess_nlp.classify import ClassificationModel, load_model, save_model
from ess_nlp.classify.blend import Blend, cross_fitted, fit_blend, indicator, reliability
from ess_nlp.classify.data import FacetLabels, TrainingData
from ess_nlp.classify.train import small_data_estimator, train_model
from ess_nlp.taxonomy import Taxonomy

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def test_fit_blend_trusts_the_informative_scorer() -> None:
    rng = np.random.default_rng(0)
    Y = rng.integers(0, 2, size=(400, 3))
    informative = np.clip(0.5 + 0.4 * (2 * Y - 1) + rng.normal(0, 0.1, Y.shape), 0.01, 0.99)
    noise = rng.uniform(0.05, 0.95, Y.shape)
    blend = fit_blend(noise, informative, Y)
    assert blend.zero_shot > 5 * abs(blend.supervised)
    combined = blend.combine(noise, informative)
    assert combined.shape == Y.shape and ((combined > 0) & (combined < 1)).all()
    assert (
        reliability(combined, Y)["ece"] < reliability(informative, Y)["ece"]
        or reliability(combined, Y)["ece"] < 0.05
    )


def test_single_label_blend_sums_to_one_and_json_round_trip() -> None:
    blend = Blend(1.5, 0.5, -0.2)
    p = blend.combine(np.array([[0.7, 0.2, 0.1]]), np.array([[0.6, 0.3, 0.4]]), single_label=True)
    assert p.sum() == pytest.approx(1.0) and int(p.argmax()) == 0
    assert Blend.from_json(blend.to_json()) == blend


def test_reliability_of_calibrated_and_overconfident_scores() -> None:
    rng = np.random.default_rng(1)
    p = rng.uniform(0, 1, 20000)
    y = (rng.uniform(0, 1, p.size) < p).astype(int)
    assert reliability(p, y)["ece"] < 0.02
    overconfident = np.where(p > 0.5, 0.99, 0.01)
    assert reliability(overconfident, y)["ece"] > 0.2
    curve = reliability(p, y)
    assert sum(b["n"] for b in curve["bins"]) == p.size and len(curve["bins"]) == 10


def test_cross_fitted_scores_are_out_of_fold() -> None:
    rng = np.random.default_rng(2)
    Y = rng.integers(0, 2, size=(50, 2))
    sup, zero = rng.uniform(0.05, 0.95, Y.shape), rng.uniform(0.05, 0.95, Y.shape)
    out = cross_fitted(sup, zero, Y, folds=5, seed=0)
    assert out.shape == Y.shape and not np.allclose(out, fit_blend(sup, zero, Y).combine(sup, zero))


@pytest.fixture(scope="module")
def blended(
    mini_taxonomy: Taxonomy, multi_label_data: tuple[list[str], list[tuple[str, ...]]]
) -> ClassificationModel:
    texts, labels = multi_label_data
    data = TrainingData(texts, {"sujets": FacetLabels("sujets", "sujets", list(labels), True)}, "mini", "0")
    return train_model(data, mini_taxonomy, estimator=small_data_estimator(0), folds=3, blend=True)


def test_blend_model_kind_meta_and_card(blended: ClassificationModel, tmp_path: Path) -> None:
    assert blended.kind == "blend" and blended.method("sujets") == "blend"
    info = blended.meta["facets"]["sujets"]
    assert set(info["blend_sources"]) >= {"supervised_macro_f1", "zero_shot_macro_f1", "blend_macro_f1"}
    assert 0 <= info["reliability"]["ece"] <= 1 and info["reliability"]["bins"]
    folder = save_model(blended, tmp_path / "mini" / "1")
    card = (folder / "README.md").read_text("utf-8")
    assert "mélange calibré" in card and "Fiabilité des scores" in card and "| tranche de score |" in card
    loaded = load_model(folder)
    assert loaded.kind == "blend" and loaded.blends == blended.blends
    texts = ["Les loyers sont trop chers pour les familles.", "Le médecin soigne les malades."]
    np.testing.assert_array_equal(
        loaded.predict_proba(texts, "sujets"), blended.predict_proba(texts, "sujets")
    )


def test_blend_records_its_zero_shot_calibration(blended: ClassificationModel) -> None:
    assert blended.meta["zero_shot_borrow"] == "relative"
    assert blended.zero_shot.borrow == "relative"
    # A blended model saved before the key existed scores with the calibration it was fitted on.
    older = ClassificationModel(
        blended.taxonomy,
        blended.classifiers,
        meta={k: v for k, v in blended.meta.items() if k != "zero_shot_borrow"},
        blends=blended.blends,
    )
    assert older.zero_shot.borrow == "full"
    assert ClassificationModel(blended.taxonomy).zero_shot.borrow == "relative"


def test_blend_differs_from_the_supervised_scores(blended: ClassificationModel) -> None:
    texts = ["Les loyers sont trop chers pour les familles.", "Le médecin soigne les malades."]
    assert not np.allclose(blended.predict_proba(texts, "sujets"), blended.supervised_proba(texts, "sujets"))
    top = blended.predict_proba(texts, "sujets").argmax(axis=1)
    assert [blended.taxonomy.facet("sujets").label_ids[k] for k in top] == ["logement", "sante"]


def test_low_best_score_is_incertain(mini_taxonomy: Taxonomy) -> None:
    model = ClassificationModel(mini_taxonomy, uncertain_below=0.99)
    [prediction] = model.predict(["Les loyers sont trop chers pour les familles."])
    assert prediction.labels["sujets"] == [] and prediction.uncertain == ("sujets",)
    assert prediction.to_json()["uncertain"] == ["sujets"]
    assert model.decide({"logement": 0.995, "emploi": 0.1, "sante": 0.0}, "sujets") == ["logement"]


def test_indicator() -> None:
    assert indicator([("a",), ("b", "a")], ["a", "b"]).tolist() == [[1, 0], [1, 1]]
