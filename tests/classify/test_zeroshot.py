"""Zero-shot scoring from label descriptions: scores in [0, 1], right label first, explanations."""

from __future__ import annotations

import numpy as np
import pytest

from ess_nlp.classify import LemmatizedText, ZeroShotScorer
from ess_nlp.classify.zeroshot import content_lemmas
from ess_nlp.taxonomy import Taxonomy, load_taxonomy


@pytest.fixture(scope="module")
def scorer(mini_taxonomy: Taxonomy) -> ZeroShotScorer:
    return ZeroShotScorer(mini_taxonomy).fit()


def test_scores_are_probabilities_and_pick_the_described_label(scorer: ZeroShotScorer) -> None:
    texts = [
        "Les loyers flambent et les familles ne trouvent plus de logement.",
        "Le chômage recule grâce au chantier d'insertion qui embauche des salariés.",
        "Les malades attendent des mois pour voir un médecin.",
    ]
    proba = scorer.predict_proba(texts, "sujets")
    assert proba.shape == (3, 3)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert list(np.argmax(proba, axis=1)) == [0, 1, 2]


def test_text_without_evidence_scores_low(scorer: ZeroShotScorer) -> None:
    proba = scorer.predict_proba(["", "Bonjour à tous."], "sujets")
    assert (proba < 0.5).all()


def test_near_words_count_through_vectors(mini_taxonomy: Taxonomy) -> None:
    # "appartement" is in no lexicon; its vector is close to "maison"/"logement".
    with_vectors = ZeroShotScorer(mini_taxonomy).fit().raw_scores(["Un appartement."], "sujets")
    exact_only = ZeroShotScorer(mini_taxonomy, similarity=1.5).fit().raw_scores(["Un appartement."], "sujets")
    assert exact_only[0, 0] == 0.0
    assert with_vectors[0, 0] > 0.0


def test_explanations_name_words_and_sentences(scorer: ZeroShotScorer) -> None:
    text = "Le quartier est calme. Les loyers des logements augmentent sans cesse."
    lemmas = "le quartier être calme le loyer de logement augmenter sans cesse"
    item = LemmatizedText(text, lemmas, [(0, 22, "le quartier être calme"), (23, len(text), lemmas[23:])])
    [explanation] = scorer.explain([item], "sujets", "logement")
    terms = [e.term for e in explanation.terms]
    assert "loyer" in terms and "logement" in terms
    assert explanation.terms[0].weight >= explanation.terms[-1].weight
    assert explanation.sentences and explanation.sentences[0].start == 23


def test_calibration_from_examples_or_borrowed(mini_taxonomy: Taxonomy) -> None:
    own = ZeroShotScorer(mini_taxonomy).fit()
    bare = _without_examples(mini_taxonomy)
    borrowed = ZeroShotScorer(bare).fit()
    assert own._calibration["sujets"] != borrowed._calibration["sujets"]
    assert borrowed._calibration["sujets"][0] > 0  # more relative evidence, higher score


def _without_examples(taxonomy: Taxonomy) -> Taxonomy:
    facet = taxonomy.facets[0]
    labels = [{**label.model_dump(), "examples": ()} for label in facet.labels]
    return Taxonomy.model_validate(
        {**taxonomy.model_dump(), "facets": [{**facet.model_dump(), "labels": labels}]}
    )


def test_borrowed_calibration_reads_the_relative_score_only(mini_taxonomy: Taxonomy) -> None:
    # The same evidence diluted in words that match no label: lower raw scores, same ranking.
    texts = [
        "Le loyer du logement.",
        "Le loyer du logement, la table, la chaise, le stylo, le piano, la lampe.",
    ]
    bare = _without_examples(mini_taxonomy)
    relative = ZeroShotScorer(bare, similarity=1.5).fit()
    full = ZeroShotScorer(bare, similarity=1.5, borrow="full").fit()
    raw = relative.raw_scores(texts, "sujets")
    assert raw[1, 0] < raw[0, 0] and raw[0, 1:].max() == raw[1, 1:].max() == 0.0
    p_relative, p_full = relative.predict_proba(texts, "sujets"), full.predict_proba(texts, "sujets")
    assert p_relative[0, 0] == pytest.approx(p_relative[1, 0]) and p_relative[0, 0] > 0.5
    assert p_full[1, 0] < p_full[0, 0]  # the older calibration also reads the absolute level
    assert (p_relative[:, 1:] < 0.5).all()
    with pytest.raises(ValueError, match="borrow"):
        ZeroShotScorer(bare, borrow="sometimes")


def test_default_taxonomy_scores_a_cahier_sentence() -> None:
    scorer = ZeroShotScorer(load_taxonomy()).fit()
    proba = scorer.predict_proba(
        ["La monnaie locale circule chez les commerçants grâce à l'épargne solidaire."], "themes"
    )
    assert load_taxonomy().facet("themes").label_ids[int(np.argmax(proba))] == "T5"


def test_content_lemmas_drop_stop_words_and_numbers() -> None:
    assert content_lemmas("le logement de 12 famille être cher") == ["logement", "famille", "cher"]
