"""Topics seen through other labels: per domain/theme, over metadata, and as a hierarchy.

Every function takes a :class:`TopicResult` and plain mappings keyed by unit id (the
classifier's domains or themes, a cahier's territory or organisation type), and returns a
pandas DataFrame the app and the figures use as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from ess_nlp.topics._config import TopicConfig
from ess_nlp.topics._model import OUTLIER, TopicResult, class_idf, class_tfidf, fit_topics
from ess_nlp.topics._text import make_label

__all__ = [
    "MISSING_VALUE",
    "fit_topics_per_label",
    "label_topic_counts",
    "topic_hierarchy",
    "topic_sizes_by",
    "topics_per_label",
]

#: Shown for units whose metadata value is unknown.
MISSING_VALUE = "(non renseigné)"


def _labels_of(labels: Mapping[str, Iterable[str] | str | None], unit_id: str) -> list[str]:
    value = labels.get(unit_id)
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [v for v in value if v]


def _class_tfidf(result: TopicResult) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Topic ids, their c-TF-IDF rows and the idf over topics."""
    ids = result.topic_ids
    rows = [np.flatnonzero(result.topics == t) for t in ids]
    counts = sparse.vstack([sparse.csr_matrix(result.doc_term[r].sum(axis=0)) for r in rows]).tocsr()
    idf = class_idf(counts)
    return ids, class_tfidf(counts, idf), idf


def _keywords(scores: np.ndarray, display: Sequence[str], top_n: int) -> list[tuple[str, float]]:
    order = np.lexsort((np.arange(len(scores)), -scores))[:top_n]
    return [(display[j], float(scores[j])) for j in order if scores[j] > 0]


def topics_per_label(
    result: TopicResult, labels: Mapping[str, Iterable[str] | str | None], *, top_n: int = 5
) -> pd.DataFrame:
    """How each label (a domain, a theme) spreads over the topics, with label-specific keywords.

    ``labels`` maps unit ids to one label or several (multi-label: a unit counts once per
    label). Columns: label, topic, name, count, share_of_label, share_of_topic, keywords
    (the topic's c-TF-IDF keywords computed on the units of that label only, as BERTopic's
    ``topics_per_class``).
    """
    columns = ["label", "topic", "name", "count", "share_of_label", "share_of_topic", "keywords"]
    if not result.info:
        return pd.DataFrame(columns=columns)
    ids, _, idf = _class_tfidf(result)
    sizes = {t: result.info[t].size for t in ids}
    by_label: dict[str, list[int]] = {}
    for i, unit_id in enumerate(result.ids):
        for label in _labels_of(labels, unit_id):
            by_label.setdefault(label, []).append(i)
    records = []
    for label in sorted(by_label):
        rows = np.asarray(by_label[label])
        topics = result.topics[rows]
        for topic in sorted(set(int(t) for t in topics)):
            chosen = rows[topics == topic]
            keywords: list[tuple[str, float]] = []
            if topic != OUTLIER and result.doc_term.shape[1]:
                counts = sparse.csr_matrix(result.doc_term[chosen].sum(axis=0))
                scores = class_tfidf(counts, idf)[0]
                keywords = _keywords(scores, result.display, top_n)
            records.append(
                {
                    "label": label,
                    "topic": topic,
                    "name": result.name(topic),
                    "count": len(chosen),
                    "share_of_label": len(chosen) / len(rows),
                    "share_of_topic": len(chosen) / sizes[topic] if topic in sizes else np.nan,
                    "keywords": [w for w, _ in keywords],
                }
            )
    return pd.DataFrame.from_records(records, columns=columns)


def topic_sizes_by(
    result: TopicResult, values: Mapping[str, str | None], *, missing: str = MISSING_VALUE
) -> pd.DataFrame:
    """Topic sizes over a metadata field (territory, organisation type…).

    ``values`` maps unit ids to the field's value (None or absent: ``missing``). Columns:
    value, topic, name, count, share_of_value, share_of_topic.
    """
    frame = pd.DataFrame(
        {
            "value": [values.get(u) or missing for u in result.ids],
            "topic": result.topics.astype(int),
        }
    )
    table = frame.groupby(["value", "topic"], sort=True).size().rename("count").reset_index()
    table["name"] = [result.name(int(t)) for t in table["topic"]]
    table["share_of_value"] = table["count"] / table.groupby("value")["count"].transform("sum")
    table["share_of_topic"] = table["count"] / table.groupby("topic")["count"].transform("sum")
    return table[["value", "topic", "name", "count", "share_of_value", "share_of_topic"]]


def label_topic_counts(
    result: TopicResult,
    rows: Mapping[str, Iterable[str] | str | None],
    columns: Mapping[str, Iterable[str] | str | None],
) -> pd.DataFrame:
    """Units per (row label, column label, topic), e.g. domain × theme × topic.

    A unit with several labels on either side counts once per pair. Units without a label
    on one side are left out. Columns: row, column, topic, name, count.
    """
    counts: dict[tuple[str, str, int], int] = {}
    for i, unit_id in enumerate(result.ids):
        topic = int(result.topics[i])
        for row in _labels_of(rows, unit_id):
            for column in _labels_of(columns, unit_id):
                counts[(row, column, topic)] = counts.get((row, column, topic), 0) + 1
    records = [
        {"row": r, "column": c, "topic": t, "name": result.name(t), "count": n}
        for (r, c, t), n in sorted(counts.items())
    ]
    return pd.DataFrame.from_records(records, columns=["row", "column", "topic", "name", "count"])


def topic_hierarchy(result: TopicResult) -> pd.DataFrame:
    """How topics group, from most to least similar (average linkage on c-TF-IDF, cosine).

    One row per merge, as BERTopic's ``hierarchical_topics``: parent (new id above the
    topic ids), parent_name (label of the merged keywords), left, right (topic or parent
    ids), distance, topics (the leaf topic ids under the parent). Empty with fewer than
    two topics.
    """
    columns = ["parent", "parent_name", "left", "right", "distance", "topics"]
    ids = result.topic_ids
    if len(ids) < 2:
        return pd.DataFrame(columns=columns)
    linkage = hierarchy_linkage(result)
    base = max(ids) + 1
    members: dict[int, list[int]] = {i: [t] for i, t in enumerate(ids)}
    node_ids = {i: t for i, t in enumerate(ids)}
    _, _, idf = _class_tfidf(result)
    records = []
    for step, (left, right, distance, _) in enumerate(linkage):
        left, right = int(left), int(right)
        node = len(ids) + step
        members[node] = sorted(members[left] + members[right])
        node_ids[node] = base + step
        rows = np.flatnonzero(np.isin(result.topics, members[node]))
        counts = sparse.csr_matrix(result.doc_term[rows].sum(axis=0))
        scores = class_tfidf(counts, idf)[0] if counts.shape[1] else np.zeros(0)
        name = make_label(_keywords(scores, result.display, 30), result.config.label_words)
        records.append(
            {
                "parent": node_ids[node],
                "parent_name": name or f"Groupe {node_ids[node]}",
                "left": node_ids[left],
                "right": node_ids[right],
                "distance": float(distance),
                "topics": members[node],
            }
        )
    return pd.DataFrame.from_records(records, columns=columns)


def hierarchy_linkage(result: TopicResult) -> np.ndarray:
    """SciPy linkage matrix over ``result.topic_ids`` (average linkage, cosine on c-TF-IDF)."""
    from scipy.cluster.hierarchy import linkage

    _, scores, _ = _class_tfidf(result)
    if scores.shape[1] == 0 or not np.any(scores):
        scores = _centroid_rows(result)
    norms = np.linalg.norm(scores, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(linkage(scores / norms, method="average", metric="cosine", optimal_ordering=True))


def _centroid_rows(result: TopicResult) -> np.ndarray:
    return np.stack([result.embeddings[result.topics == t].mean(axis=0) for t in result.topic_ids])


def fit_topics_per_label(
    texts: Sequence[str],
    ids: Sequence[str],
    labels: Mapping[str, Iterable[str] | str | None],
    *,
    config: TopicConfig | None = None,
) -> dict[str, TopicResult]:
    """A separate topic model for the units of each label (each domain, each theme)."""
    by_label: dict[str, list[int]] = {}
    for i, unit_id in enumerate(ids):
        for label in _labels_of(labels, unit_id):
            by_label.setdefault(label, []).append(i)
    return {
        label: fit_topics([texts[i] for i in rows], [ids[i] for i in rows], config=config)
        for label, rows in sorted(by_label.items())
    }
