"""Placing units added since the last fit into the existing topics, without refitting them.

When a few files are added to a corpus whose topics people already read, named and edited,
refitting would move units between topics for no reason of theirs. Instead each new unit is
embedded with the backend that fitted the topics and placed in the topic whose mean embedding
is the most similar (origin ``assigned``); the other units keep their topic, probability and
position. The topics are refitted (and matched to the previous ones) once the units placed since
the last fit exceed ``PLACE_SHARE`` of the units that fit saw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ess_nlp.topics._embeddings import EmbeddingBackend
from ess_nlp.topics._model import OUTLIER, TopicResult, _doc_term, centroids, data_hash, refresh
from ess_nlp.topics._text import Analyzer, surface_forms

__all__ = ["PLACE_SHARE", "place_units"]

#: Units placed since the last fit, as a share of the units that fit clustered, beyond which the
#: topics are refitted instead.
PLACE_SHARE = 0.10


def place_units(
    previous: TopicResult, ids: Sequence[str], texts: Sequence[str], backend: EmbeddingBackend
) -> tuple[TopicResult, int]:
    """A result over ``ids`` (in that order): units of ``previous`` keep their topic and
    everything else; the others are placed in the nearest topic of ``previous``. Returns the
    result and how many units were placed."""
    index = previous.index()
    new = [i for i, unit_id in enumerate(ids) if unit_id not in index]
    n = len(ids)
    width = previous.embeddings.shape[1]
    embeddings = np.zeros((n, width), dtype=np.float32)
    topics = np.full(n, OUTLIER, dtype=np.int64)
    raw = np.full(n, OUTLIER, dtype=np.int64)
    probability = np.zeros(n, dtype=np.float32)
    coords = np.zeros((n, 2), dtype=np.float32)
    origin = ["unassigned"] * n
    for i, unit_id in enumerate(ids):
        j = index.get(unit_id)
        if j is None:
            continue
        embeddings[i] = previous.embeddings[j]
        topics[i], raw[i] = previous.topics[j], previous.raw_topics[j]
        probability[i], coords[i], origin[i] = previous.probability[j], previous.coords[j], previous.origin[j]
    if new:
        vectors = np.asarray(backend.transform([texts[i] for i in new]), dtype=np.float32)
        embeddings[new] = vectors
        topic_ids, means = centroids(previous.embeddings, previous.topics)
        if topic_ids:
            best = (vectors @ means.T).argmax(axis=1)
            topics[new] = raw[new] = np.asarray(topic_ids, dtype=np.int64)[best]
            for i in new:
                origin[i] = "assigned"
        # On the map, a placed unit sits on its most similar unit of the previous run.
        nearest = (vectors @ previous.embeddings.T).argmax(axis=1)
        coords[new] = previous.coords[nearest]
    analyzer = Analyzer((1, 2), previous.config.stop_words)
    doc_term, vocabulary = _doc_term(texts, analyzer)
    forms = surface_forms(texts, analyzer, vocabulary)
    result = replace(
        previous,
        ids=tuple(ids),
        topics=topics,
        raw_topics=raw,
        probability=probability,
        similarity=np.zeros(n, dtype=np.float32),
        origin=tuple(origin),
        embeddings=embeddings,
        coords=coords,
        doc_term=doc_term,
        vocabulary=vocabulary,
        display=tuple(forms.get(key, key) for key in vocabulary),
        backend=backend,
        data_hash=data_hash(ids, texts),
    )
    return refresh(result), len(new)
