"""Fixtures of the topic tests: a synthetic French corpus and one shared fit."""

from __future__ import annotations

import pytest
from topics_corpus import make_corpus


@pytest.fixture(scope="session")
def corpus() -> tuple[list[str], list[str], list[str]]:
    return make_corpus()


@pytest.fixture(scope="session")
def fitted(corpus: tuple[list[str], list[str], list[str]]):  # type: ignore[no-untyped-def]
    """One fit of the synthetic corpus, shared by the tests that only read it."""
    from ess_nlp.topics import TopicConfig, fit_topics

    ids, texts, _ = corpus
    return fit_topics(texts, ids, config=TopicConfig(seed=7))
