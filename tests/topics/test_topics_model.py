"""Fitting: determinism, quality on a synthetic corpus, outlier reduction, labels, prediction."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score
from topics_corpus import assert_clean_label, make_corpus

from ess_nlp.errors import ConfigError
from ess_nlp.topics import OUTLIER, TopicConfig, fit_topics, predict_topics
from ess_nlp.topics._model import reduce_outliers, similarities


def test_two_runs_give_identical_assignments(corpus, fitted) -> None:  # type: ignore[no-untyped-def]
    ids, texts, _ = corpus
    again = fit_topics(texts, ids, config=TopicConfig(seed=7))
    assert np.array_equal(again.topics, fitted.topics)
    assert np.array_equal(again.coords, fitted.coords)
    assert [i.label for i in again.info.values()] == [i.label for i in fitted.info.values()]
    assert again.data_hash == fitted.data_hash


def test_recovers_the_synthetic_subjects(corpus, fitted) -> None:  # type: ignore[no-untyped-def]
    _, _, subjects = corpus
    assert normalized_mutual_info_score(subjects, fitted.topics) > 0.8
    assert 3 <= len(fitted.info) <= 6
    assert fitted.metrics["n_units"] == len(subjects)


def test_labels_are_short_clean_phrases(fitted) -> None:  # type: ignore[no-untyped-def]
    for info in fitted.info.values():
        assert_clean_label(info.label)
        assert info.name == info.label
        assert len(info.keywords) >= 3
        assert all(score > 0 for _, score in info.keywords)


def test_at_most_ten_percent_unassigned_with_noise() -> None:
    ids, texts, _ = make_corpus(per_subject=12, seed=3)
    noise = [
        "Réunion du mardi soir, compte rendu disponible en mairie.",
        "Merci aux participants venus nombreux malgré la pluie.",
        "La salle était trop petite pour accueillir tout le monde.",
        "Voir le document joint pour les détails de la soirée.",
        "Un grand merci aux bénévoles de l'association organisatrice.",
        "Prochaine rencontre prévue au printemps avec les élus locaux.",
    ]
    texts = texts + noise
    ids = ids + [f"bruit-{i}" for i in range(len(noise))]
    result = fit_topics(texts, ids, config=TopicConfig(seed=3))
    assert result.outlier_share <= 0.10
    reassigned = [i for i, o in enumerate(result.origin) if o == "outlier"]
    assert all(result.topics[i] != OUTLIER for i in reassigned)
    assert result.metrics["reassigned"] == len(reassigned)
    strict = fit_topics(texts, ids, config=TopicConfig(seed=3, max_outliers=0.0))
    assert strict.outlier_share == 0.0


def test_reduce_outliers_moves_the_closest_first() -> None:
    embeddings = np.array(
        [[1, 0], [1, 0], [0, 1], [0, 1], [0.9, 0.1], [0.6, 0.8], [0.71, 0.7]], dtype=np.float32
    )
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    topics = np.array([0, 0, 1, 1, -1, -1, -1])
    new, moved = reduce_outliers(embeddings, topics, max_share=0.15)  # one of seven may stay out
    assert new[4] == 0 and new[5] == 1 and moved[4] and moved[5]
    assert new[6] == OUTLIER and not moved[6]  # the most ambiguous one stays unassigned
    sims = similarities(embeddings, new)
    assert sims[4] > 0.9 and -1.0 <= sims.min() <= sims.max() <= 1.0
    unchanged, none = reduce_outliers(embeddings, topics, max_share=1.0)
    assert np.array_equal(unchanged, topics) and not none.any()


def test_probabilities_and_origins_are_consistent(fitted) -> None:  # type: ignore[no-untyped-def]
    assert set(fitted.origin) <= {"cluster", "outlier", "unassigned"}
    for i, origin in enumerate(fitted.origin):
        if origin == "outlier":
            assert fitted.probability[i] == 0.0
        assert 0.0 <= fitted.probability[i] <= 1.0
    assert fitted.coords.shape == (len(fitted.ids), 2)


def test_predict_topics_places_new_texts(fitted, corpus) -> None:  # type: ignore[no-untyped-def]
    _, texts, _ = corpus
    topics, sims = predict_topics(fitted, texts[:5])
    assert np.array_equal(topics, fitted.topics[:5])
    assert (sims > 0).all()


def test_bad_parameters_and_ids_raise_french_errors() -> None:
    with pytest.raises(ConfigError, match="Moteur de plongement « bert » inconnu"):
        TopicConfig(backend="bert")
    with pytest.raises(ConfigError, match="max_outliers"):
        TopicConfig(max_outliers=1.5)
    with pytest.raises(ConfigError, match="identifiant « a » apparaît plusieurs fois"):
        fit_topics(["un texte", "un autre"], ["a", "a"])
    with pytest.raises(ConfigError, match="un par texte"):
        fit_topics(["un texte"], ["a", "b"])


@pytest.mark.slow
def test_a_fresh_process_gives_the_same_topics(corpus, fitted) -> None:  # type: ignore[no-untyped-def]
    """What a process imported before fitting (torch, UMAP…) must not change the result."""
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "from topics_corpus import make_corpus;"
        "from ess_nlp.topics import TopicConfig, fit_topics;"
        "ids, texts, _ = make_corpus();"
        "r = fit_topics(texts, ids, config=TopicConfig(seed=7));"
        "print(json.dumps([r.topics.tolist(), r.embeddings.round(6).tolist()]))"
    )
    folder = str(Path(__file__).parent)
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script, folder], capture_output=True, text=True, check=True
    )
    topics, embeddings = json.loads(done.stdout.strip().splitlines()[-1])
    assert topics == fitted.topics.tolist()
    assert np.allclose(embeddings, fitted.embeddings, atol=1e-6)
