"""Sentence kinds learned from real labels: proposal, constat, description, other.

The extraction rules (``ess_proposals``, ``ess_constats``) know how the cahiers write; on real
text no one here wrote they miss terse diagnoses and keep argumentative prose. This package
adds a classifier trained on real labelled French text (the development parts of the sets in
``../shared/data``: the Assemblée nationale consultation's segments, the Grand Débat reports'
fields, directory sheets and fiches for descriptions), shipped as a versioned model folder
``models/sentence-kinds/<version>/``, and the spaCy component ``ess_kinds`` that scores every
sentence. Extraction then combines the scores with the rules and the document's structure:
in sections of a known kind (constats, propositions, initiative), and in lists introduced by
"Nous proposons :", structure decides; elsewhere the model does (:class:`Decision`).

- :class:`SentenceKindClassifier`: the scikit-learn estimator (``fit``/``predict_proba``).
- :func:`load_kind_model`, :func:`save_kind_model`: the model folder.
- ``python -m ess_nlp.extract.kinds.train``: retrains it from ``../shared/data``.
- :mod:`ess_nlp.extract.kinds.data`: the real sets and their fixed dev/test parts.
"""

from __future__ import annotations

from ess_nlp.extract.kinds.cues import CuedText, cued_texts
from ess_nlp.extract.kinds.data import KINDS
from ess_nlp.extract.kinds.estimator import KindFeatures, SentenceKindClassifier
from ess_nlp.extract.kinds.model import (
    MODEL_NAME,
    Decision,
    KindModel,
    default_kind_model_path,
    load_kind_model,
    save_kind_model,
)

__all__ = [
    "KINDS",
    "MODEL_NAME",
    "CuedText",
    "Decision",
    "KindFeatures",
    "KindModel",
    "SentenceKindClassifier",
    "cued_texts",
    "default_kind_model_path",
    "load_kind_model",
    "save_kind_model",
]
