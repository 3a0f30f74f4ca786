"""Above ``max_fit_units``, topics are fitted on a seeded sample and the other units placed."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import normalized_mutual_info_score
from topics_corpus import make_corpus

from ess_nlp.topics import TopicConfig, fit_topics


def test_a_large_level_is_fitted_on_a_sample_and_the_rest_placed() -> None:
    ids, texts, subjects = make_corpus(per_subject=30, seed=41)
    config = TopicConfig(seed=41, max_fit_units=60, map_2d=True)
    result = fit_topics(texts, ids, config=config)
    assert result.ids == tuple(ids)
    assert result.metrics["fitted_units"] == 60 and result.metrics["placed"] == len(ids) - 60
    assert sum(o == "assigned" for o in result.origin) == len(ids) - 60
    assert normalized_mutual_info_score(subjects, result.topics) > 0.8
    assert any("échantillon de 60 unités sur 120" in note for note in result.notes)
    assert result.coords.shape == (len(ids), 2) and np.isfinite(result.coords).all()
    again = fit_topics(texts, ids, config=config)
    assert np.array_equal(again.topics, result.topics)
    assert result.config == config  # stored parameters are the ones asked for
