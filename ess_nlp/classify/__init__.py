"""Classification of cahiers, sections and sentences into the facets of a taxonomy.

- :class:`ZeroShotScorer` scores labels from their descriptions alone (no labelled data);
- :class:`TextClassifier` is the supervised scikit-learn estimator (single- or multi-label);
- :class:`Blend` combines both into calibrated probabilities (the ``blend`` model kind, the
  shipped default), :func:`reliability` measures calibration;
- :class:`ClassificationModel` puts them together for a taxonomy, and :func:`save_model` /
  :func:`load_model` store it as a versioned folder ``models/<name>/<version>/``;
- :func:`load_training_data`, :func:`train_model`, :func:`evaluate_model` retrain and measure;
- :func:`rank_for_annotation` orders unlabelled units for annotators (active learning);
- :func:`classify_step` is the pipeline step that scores the stored units.
"""

from __future__ import annotations

from ess_nlp.classify._records import Evidence, Explanation, Prediction, SentenceEvidence
from ess_nlp.classify._text import LemmatizedText, lemmatize, unit_text
from ess_nlp.classify.active import rank_for_annotation
from ess_nlp.classify.blend import Blend, reliability
from ess_nlp.classify.data import TrainingData, annotations_training_data, load_training_data
from ess_nlp.classify.estimator import TextClassifier
from ess_nlp.classify.evaluation import label_metrics
from ess_nlp.classify.features import TextFeatures
from ess_nlp.classify.model import (
    ClassificationModel,
    default_model_path,
    load_model,
    models_root,
    save_model,
)
from ess_nlp.classify.step import classify_step
from ess_nlp.classify.train import evaluate_model, train_model
from ess_nlp.classify.zeroshot import ZeroShotScorer

__all__ = [
    "Blend",
    "ClassificationModel",
    "Evidence",
    "Explanation",
    "LemmatizedText",
    "Prediction",
    "SentenceEvidence",
    "TextClassifier",
    "TextFeatures",
    "TrainingData",
    "ZeroShotScorer",
    "annotations_training_data",
    "classify_step",
    "default_model_path",
    "evaluate_model",
    "label_metrics",
    "lemmatize",
    "load_model",
    "load_training_data",
    "models_root",
    "rank_for_annotation",
    "reliability",
    "save_model",
    "train_model",
    "unit_text",
]
