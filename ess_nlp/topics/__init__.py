"""Topics: reproducible clustering of units into topics people can edit.

::

    from ess_nlp.topics import TopicConfig, fit_topics, save_topic_model
    result = fit_topics(texts, ids, config=TopicConfig(backend="tfidf-svd", seed=42))
    for topic in result.topic_ids:
        print(topic, result.info[topic].name, result.info[topic].size)

With the database: :func:`run_topics` clusters the stored units of a level, keeps the ids
and names of the topics it matches from the previous run and replays the edit log;
:func:`edit_topics` applies and logs one edit (merge, split, move, rename). Figures live in
:mod:`ess_nlp.topics.figures`; the pipeline step is :func:`ess_nlp.topics.step.topics_step`.
"""

from __future__ import annotations

from ess_nlp.topics._analysis import (
    MISSING_VALUE,
    fit_topics_per_label,
    hierarchy_linkage,
    label_topic_counts,
    topic_hierarchy,
    topic_sizes_by,
    topics_per_label,
)
from ess_nlp.topics._config import DEFAULT_BACKEND, DEFAULT_LEVEL, DEFAULT_SEED, TopicConfig
from ess_nlp.topics._db import (
    TopicRun,
    assignments_table,
    edit_topics,
    latest_run_id,
    list_edits,
    load_run,
    model_name,
    predicted_labels,
    run_topics,
    stored_units,
    topic_models,
    unit_metadata,
)
from ess_nlp.topics._edits import (
    EDIT_KINDS,
    Edit,
    EditOutcome,
    apply_edit,
    apply_edits,
    merge_edit,
    move_edit,
    rename_edit,
    split_edit,
)
from ess_nlp.topics._embeddings import BACKENDS, DEFAULT_SENTENCE_MODEL, make_backend, resolve_sentence_model
from ess_nlp.topics._identity import MATCH_THRESHOLD, match_topics, with_stable_ids
from ess_nlp.topics._io import DEFAULT_MODELS_DIR, load_topic_model, save_topic_model
from ess_nlp.topics._model import OUTLIER, OUTLIER_LABEL, TopicInfo, TopicResult, fit_topics, predict_topics
from ess_nlp.topics._text import FRENCH_STOP_WORDS, LABEL_SEPARATOR, make_label

__all__ = [
    "BACKENDS",
    "DEFAULT_BACKEND",
    "DEFAULT_LEVEL",
    "DEFAULT_MODELS_DIR",
    "DEFAULT_SEED",
    "DEFAULT_SENTENCE_MODEL",
    "EDIT_KINDS",
    "FRENCH_STOP_WORDS",
    "LABEL_SEPARATOR",
    "MATCH_THRESHOLD",
    "MISSING_VALUE",
    "OUTLIER",
    "OUTLIER_LABEL",
    "Edit",
    "EditOutcome",
    "TopicConfig",
    "TopicInfo",
    "TopicResult",
    "TopicRun",
    "apply_edit",
    "apply_edits",
    "assignments_table",
    "edit_topics",
    "fit_topics",
    "fit_topics_per_label",
    "hierarchy_linkage",
    "label_topic_counts",
    "latest_run_id",
    "list_edits",
    "load_run",
    "load_topic_model",
    "make_backend",
    "make_label",
    "match_topics",
    "merge_edit",
    "model_name",
    "move_edit",
    "predict_topics",
    "predicted_labels",
    "rename_edit",
    "resolve_sentence_model",
    "run_topics",
    "save_topic_model",
    "split_edit",
    "stored_units",
    "topic_hierarchy",
    "topic_models",
    "topic_sizes_by",
    "topics_per_label",
    "unit_metadata",
    "with_stable_ids",
]
