"""Placing units added since the last fit into the existing topics, without refitting them.

When a few files are added to a corpus whose topics people already read, named and edited,
refitting would move units between topics for no reason of theirs. Instead each new unit is
embedded with the backend that fitted the topics and placed in the topic whose mean embedding
is the most similar (origin ``assigned``); the other units keep their topic, probability and
position. The topics are refitted (and matched to the previous ones) once the units placed since
the last fit exceed ``PLACE_SHARE`` of the units that fit saw.

The same placement serves corpora too large to cluster at once: ``fit_topics`` clusters a seeded
sample of ``TopicConfig.max_fit_units`` units and places the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ess_nlp.topics._embeddings import EmbeddingBackend
from ess_nlp.topics._graph import SIMILARITY_DECIMALS
from ess_nlp.topics._model import OUTLIER, TopicResult, _doc_term, centroids, data_hash, refresh
from ess_nlp.topics._text import Analyzer, surface_forms

__all__ = ["PLACE_SHARE", "place_units"]

#: Units placed since the last fit, as a share of the units that fit clustered, beyond which the
#: topics are refitted instead.
PLACE_SHARE = 0.10
# New units embedded and placed at once, and units of the previous run they are compared with
# for their position on the map (bounded memory and time whatever the corpus size).
_BATCH = 4096
_REFERENCE_UNITS = 2000


def place_units(
    previous: TopicResult, ids: Sequence[str], texts: Sequence[str], backend: EmbeddingBackend
) -> tuple[TopicResult, int]:
    """A result over ``ids`` (in that order): units of ``previous`` keep their topic and
    everything else; the others are placed in the nearest topic of ``previous`` (cosine with
    the topic means, computed in float64 and rounded like the neighbour graph, first topic on
    ties). Works by batches, so millions of units can be placed in bounded memory. Returns the
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
    old = np.asarray([i for i, unit_id in enumerate(ids) if unit_id in index], dtype=np.int64)
    if len(old):
        source = np.asarray([index[ids[i]] for i in old], dtype=np.int64)
        embeddings[old] = previous.embeddings[source]
        topics[old], raw[old] = previous.topics[source], previous.raw_topics[source]
        probability[old], coords[old] = previous.probability[source], previous.coords[source]
        for i, j in zip(old.tolist(), source.tolist(), strict=True):
            origin[i] = previous.origin[j]
    if new:
        topic_ids, means = centroids(previous.embeddings, previous.topics)
        means64 = means.astype(np.float64)
        # On the map, a placed unit sits on its most similar unit among (a sample of) the others.
        reference = np.arange(len(previous.ids))
        if len(reference) > _REFERENCE_UNITS:
            rng = np.random.default_rng(previous.config.seed)
            reference = np.sort(rng.choice(len(reference), _REFERENCE_UNITS, replace=False))
        reference64 = previous.embeddings[reference].astype(np.float64)
        for start in range(0, len(new), _BATCH):
            batch = new[start : start + _BATCH]
            vectors = np.asarray(backend.transform([texts[i] for i in batch]), dtype=np.float32)
            embeddings[batch] = vectors
            vectors64 = vectors.astype(np.float64)
            if topic_ids:
                best = np.round(vectors64 @ means64.T, SIMILARITY_DECIMALS).argmax(axis=1)
                topics[batch] = raw[batch] = np.asarray(topic_ids, dtype=np.int64)[best]
                for i in batch:
                    origin[i] = "assigned"
            nearest = np.round(vectors64 @ reference64.T, SIMILARITY_DECIMALS).argmax(axis=1)
            coords[batch] = previous.coords[reference[nearest]]
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
