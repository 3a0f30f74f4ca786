"""Bad input gives a clear French message or one sensible topic, never a traceback."""

from __future__ import annotations

import numpy as np
import pytest
from topics_corpus import add_sections, make_corpus

from ess_nlp.errors import ConfigError
from ess_nlp.store import Store
from ess_nlp.topics import OUTLIER, TopicConfig, fit_topics
from ess_nlp.topics.step import topics_step


def test_fewer_units_than_the_minimum_cluster_size_make_one_topic() -> None:
    texts = ["Développer le covoiturage rural.", "Des pistes cyclables sûres.", "Plus de bus le soir."]
    result = fit_topics(texts, config=TopicConfig(min_cluster_size=5))
    assert list(result.info) == [0]
    assert (result.topics == 0).all()
    assert result.info[0].size == 3
    assert any("un seul thème" in note for note in result.notes)
    assert result.coords.shape == (3, 2)


def test_identical_texts_make_one_topic() -> None:
    result = fit_topics(["Créer une monnaie locale complémentaire."] * 40)
    assert list(result.info) == [0]
    assert result.info[0].size == 40
    assert "monnaie" in result.info[0].label.lower()
    assert any("distinctes (1)" in note for note in result.notes)


def test_one_very_long_text_among_others() -> None:
    ids, texts, _ = make_corpus(per_subject=10, seed=5)
    long_text = (
        "Le logement social et la rénovation thermique des copropriétés. " * 20_000
    )  # ~1.3 M characters
    result = fit_topics([*texts, long_text], [*ids, "long"], config=TopicConfig(seed=5))
    assert len(result.ids) == len(texts) + 1
    assert result.topics[-1] != OUTLIER or result.outlier_share <= 0.10
    assert len(result.info) >= 2


def test_empty_texts_are_left_out_and_named_in_notes() -> None:
    ids, texts, _ = make_corpus(per_subject=10, seed=6)
    result = fit_topics([*texts, "", "   \n"], [*ids, "vide-1", "vide-2"])
    assert "vide-1" not in result.ids and "vide-2" not in result.ids
    assert any("2 unité(s) au texte vide" in note for note in result.notes)


def test_only_empty_texts_raise_a_clear_message() -> None:
    with pytest.raises(ConfigError, match="les 3 unités fournies sont vides"):
        fit_topics(["", " ", "\n"])
    with pytest.raises(ConfigError, match="liste de textes est vide"):
        fit_topics([])


def test_texts_without_content_words_raise_a_clear_message() -> None:
    with pytest.raises(ConfigError, match="aucun mot porteur de sens"):
        fit_topics(["le la les", "123 456", "et ou donc"] * 5)


def test_no_cluster_found_gives_one_topic() -> None:
    # Twelve unrelated texts with a minimum size of six: no community is that large.
    texts = [
        f"Sujet {w} unique"
        for w in (
            "vélo",
            "fromage",
            "banque",
            "piano",
            "ski",
            "orge",
            "radio",
            "satellite",
            "tricot",
            "volcan",
            "théâtre",
            "abeille",
        )
    ]
    result = fit_topics(texts, config=TopicConfig(min_cluster_size=6, seed=1))
    assert len(result.info) >= 1
    assert result.outlier_share <= 0.10
    assert np.isfinite(result.similarity).all()


@pytest.mark.parametrize("count", [1, 2])
def test_one_or_two_units_make_one_topic(count: int) -> None:
    texts = ["Développer le covoiturage rural.", "Des pistes cyclables sûres."][:count]
    result = fit_topics(texts)
    assert list(result.info) == [0] and result.info[0].size == count
    assert any("un seul thème" in note for note in result.notes)


def test_a_topic_holding_most_units_is_reported() -> None:
    # A very low resolution asks for few, large communities: one of them holds most units.
    ids, texts, _ = make_corpus(per_subject=40, seed=8, subjects=("mobilite",))
    more_ids, more_texts, _ = make_corpus(per_subject=8, seed=8, subjects=("logement", "finance"))
    config = TopicConfig(seed=8, resolution=0.1, min_cluster_size=5, map_2d=False)
    result = fit_topics([*texts, *more_texts], [*ids, *more_ids], config=config)
    assert result.metrics["dominant_share"] > 0.5
    assert any("Un seul thème regroupe" in note for note in result.notes)


@pytest.mark.parametrize("count", [0, 1, 2])
def test_pipeline_step_on_a_tiny_level_says_so_in_french(tmp_path, count: int) -> None:  # type: ignore[no-untyped-def]
    with Store(tmp_path / "ess.sqlite3") as store:
        ids, texts, _ = make_corpus(per_subject=count, seed=9, subjects=("mobilite",))
        if count:
            add_sections(store, ids, texts)
        report = topics_step(store)
    assert not report.failed
    assert report.counts["units"] == count
    if count == 0:
        assert "aucune" in report.summary.lower()
    else:
        assert "un seul thème" in report.summary


def test_pipeline_step_on_identical_texts_says_so_in_french(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Store(tmp_path / "ess.sqlite3") as store:
        add_sections(store, [f"c{i}" for i in range(12)], ["Créer une monnaie locale complémentaire."] * 12)
        report = topics_step(store)
    assert "distinctes (1)" in report.summary and report.counts["topics"] == 1
