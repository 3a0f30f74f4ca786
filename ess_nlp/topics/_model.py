"""Fitting a topic model: embeddings -> clustering -> outlier reduction -> French keywords and
labels.

The default clusterer (``leiden``, :mod:`ess_nlp.topics._graph`) partitions a
k-nearest-neighbour graph of the units and gives the same topics whatever the BLAS kernel,
the thread count or the process. ``umap-hdbscan`` runs BERTopic with a seeded UMAP and
HDBSCAN (its own defaults build an unseeded UMAP), kept for comparison. Everything after
clustering (outlier reduction, keywords, labels, edits, identities, saving) works on the plain
arrays of a :class:`TopicResult`, so a result can be edited, saved and reloaded without any
clustering object.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy import sparse

from ess_nlp.errors import ConfigError
from ess_nlp.topics._config import TopicConfig
from ess_nlp.topics._embeddings import EmbeddingBackend, make_backend
from ess_nlp.topics._text import Analyzer, make_label, surface_forms

logger = logging.getLogger(__name__)

__all__ = [
    "METHOD_VERSION",
    "OUTLIER",
    "Progress",
    "TopicInfo",
    "TopicResult",
    "centroids",
    "fit_topics",
    "predict_topics",
    "reduce_outliers",
    "refresh",
    "topic_keywords",
]

#: Version of the fitting method, stored with each run: a stored run is reused only when the
#: method that made it is the current one (bump it when a change alters the topics).
METHOD_VERSION = "2"
#: Topic id of units no topic holds.
OUTLIER = -1
#: Label of the unassigned units.
OUTLIER_LABEL = "Non classé"

Progress = Callable[[int, int], None]
_STAGES = 5
# Keywords looked at when building a label (a phrase may rank below the top ten).
_LABEL_CANDIDATES = 30

ORIGINS = ("cluster", "outlier", "manual", "unassigned", "assigned")


@dataclass(frozen=True)
class TopicInfo:
    """One topic: stable ``id``, ``name`` (kept across re-runs, changed by renaming), the
    automatic ``label`` from its current keywords, its keywords with c-TF-IDF scores."""

    id: int
    name: str
    label: str
    keywords: tuple[tuple[str, float], ...]
    size: int

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.id,
            "name": self.name,
            "label": self.label,
            "size": self.size,
            "keywords": [[word, score] for word, score in self.keywords],
        }


@dataclass(frozen=True, eq=False)
class TopicResult:
    """A fitted (and possibly edited) topic model over ``ids``; arrays are aligned with ``ids``.

    - ``topics``: final topic of each unit (``-1``: unassigned), after outlier reduction and edits;
    - ``raw_topics``: the clusterer's topic after outlier reduction, before any edit (what a
      re-run is matched against);
    - ``probability``: HDBSCAN membership strength (0 for units it left out);
    - ``similarity``: cosine between the unit's embedding and the mean embedding of its topic
      (for an unassigned unit: of the nearest topic), so weak members can be shown;
    - ``origin``: ``cluster`` (placed by the clusterer), ``outlier`` (reassigned from the
      outliers), ``manual`` (moved by an edit), ``assigned`` (added after the fit and placed in
      the nearest topic without refitting) or ``unassigned``;
    - ``embeddings``: L2-normalised document vectors; ``coords``: 2-D map positions;
    - ``doc_term``: counts of keyword n-grams (``vocabulary`` keys, shown as ``display``).
    """

    ids: tuple[str, ...]
    topics: np.ndarray
    raw_topics: np.ndarray
    probability: np.ndarray
    similarity: np.ndarray
    origin: tuple[str, ...]
    embeddings: np.ndarray
    coords: np.ndarray
    doc_term: sparse.csr_matrix
    vocabulary: tuple[str, ...]
    display: tuple[str, ...]
    info: Mapping[int, TopicInfo]
    config: TopicConfig
    backend: EmbeddingBackend | None = None
    metrics: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    next_id: int = 0
    data_hash: str = ""

    @property
    def topic_ids(self) -> list[int]:
        """Ids of the topics holding at least one unit, in increasing order."""
        return sorted(self.info)

    def index(self) -> dict[str, int]:
        return {unit_id: i for i, unit_id in enumerate(self.ids)}

    def members(self, topic: int) -> list[str]:
        return [self.ids[i] for i in np.flatnonzero(self.topics == topic)]

    def name(self, topic: int) -> str:
        if topic == OUTLIER:
            return OUTLIER_LABEL
        return self.info[topic].name

    @property
    def outlier_share(self) -> float:
        return float(np.mean(self.topics == OUTLIER)) if len(self.ids) else 0.0


@contextlib.contextmanager
def quiet_import() -> Iterator[None]:
    """Import BERTopic/UMAP without umap's "Tensorflow not installed" ImportWarning (only here)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*ParametricUMAP.*", category=ImportWarning)
        yield


def data_hash(ids: Sequence[str], texts: Sequence[str]) -> str:
    """sha256 of the clustered ``(id, text)`` pairs, in order."""
    digest = hashlib.sha256()
    for unit_id, text in zip(ids, texts, strict=True):
        digest.update(unit_id.encode("utf-8") + b"\x1f" + text.encode("utf-8") + b"\x1e")
    return digest.hexdigest()


def _doc_term(texts: Sequence[str], analyzer: Analyzer) -> tuple[sparse.csr_matrix, tuple[str, ...]]:
    from sklearn.feature_extraction.text import CountVectorizer

    min_df = 2 if len(texts) >= 50 else 1
    for low in (min_df, 1):
        try:
            vectorizer = CountVectorizer(analyzer=analyzer, min_df=low, dtype=np.int32)
            matrix = vectorizer.fit_transform(list(texts)).tocsr()
        except ValueError:
            continue
        return matrix, tuple(vectorizer.get_feature_names_out())
    return sparse.csr_matrix((len(texts), 0), dtype=np.int32), ()


def centroids(embeddings: np.ndarray, topics: np.ndarray) -> tuple[list[int], np.ndarray]:
    """Topic ids (increasing, outliers excluded) and their L2-normalised mean embeddings."""
    ids = sorted(int(t) for t in np.unique(topics) if t != OUTLIER)
    if not ids:
        return [], np.zeros((0, embeddings.shape[1]), dtype=np.float32)
    means = np.stack([embeddings[topics == t].mean(axis=0) for t in ids]).astype(np.float32)
    norms = np.linalg.norm(means, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return ids, means / norms


def similarities(embeddings: np.ndarray, topics: np.ndarray) -> np.ndarray:
    """Cosine of each unit with its topic's centroid (unassigned: with the nearest centroid)."""
    ids, matrix = centroids(embeddings, topics)
    if not ids:
        return np.zeros(len(topics), dtype=np.float32)
    sims = embeddings @ matrix.T
    position = {t: i for i, t in enumerate(ids)}
    out = sims.max(axis=1)
    assigned = topics != OUTLIER
    out[assigned] = sims[np.flatnonzero(assigned), [position[int(t)] for t in topics[assigned]]]
    clipped: np.ndarray = np.clip(out, -1.0, 1.0).astype(np.float32)
    return clipped


def reduce_outliers(
    embeddings: np.ndarray, topics: np.ndarray, max_share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Reassign outliers to their nearest topic until at most ``max_share`` remain unassigned.

    The outliers closest to a topic centroid (cosine) are reassigned first; the farthest
    ones, up to ``max_share`` of all units, stay unassigned. Returns the new topics and a
    mask of the reassigned units. Deterministic (ties broken by position).
    """
    topics = topics.copy()
    outliers = np.flatnonzero(topics == OUTLIER)
    allowed = int(np.floor(max_share * len(topics) + 1e-9))
    n_move = len(outliers) - allowed
    reassigned = np.zeros(len(topics), dtype=bool)
    ids, matrix = centroids(embeddings, topics)
    if n_move <= 0 or not ids:
        return topics, reassigned
    sims = embeddings[outliers] @ matrix.T
    best = sims.argmax(axis=1)
    best_sim = sims[np.arange(len(outliers)), best]
    order = np.lexsort((outliers, -best_sim))[:n_move]
    chosen = outliers[order]
    topics[chosen] = np.asarray(ids)[best[order]]
    reassigned[chosen] = True
    return topics, reassigned


def class_idf(class_counts: sparse.csr_matrix) -> np.ndarray:
    """The c-TF-IDF idf of BERTopic's ``ClassTfidfTransformer``: ``log(avg words per class / df + 1)``."""
    df = np.asarray(class_counts.sum(axis=0), dtype=np.float64).ravel()
    average = float(np.asarray(class_counts.sum(axis=1)).mean()) if class_counts.shape[0] else 0.0
    with np.errstate(divide="ignore"):
        idf = np.log(int(average) / np.where(df > 0, df, np.inf) + 1.0)
    return idf


def class_tfidf(class_counts: sparse.csr_matrix, idf: np.ndarray) -> np.ndarray:
    """c-TF-IDF scores as BERTopic computes them with ``reduce_frequent_words=True``:
    L1-normalised counts, square-rooted, times ``idf`` (dense, one row per class)."""
    counts = np.asarray(class_counts.toarray(), dtype=np.float64)
    totals = counts.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1.0
    weights: np.ndarray = np.sqrt(counts / totals) * idf[np.newaxis, :]
    return weights


def topic_keywords(
    doc_term: sparse.csr_matrix, topics: np.ndarray, display: Sequence[str], top_n: int
) -> dict[int, tuple[tuple[str, float, int], ...]]:
    """c-TF-IDF keywords of every topic as ``(keyword, score, count in topic)`` (outliers
    included as a class when scoring, as BERTopic does)."""
    classes = sorted(int(t) for t in np.unique(topics))
    if doc_term.shape[1] == 0 or not classes:
        return {t: () for t in classes if t != OUTLIER}
    position = {t: i for i, t in enumerate(classes)}
    rows = np.asarray([position[int(t)] for t in topics])
    onehot = sparse.csr_matrix(
        (np.ones(len(topics), dtype=np.float64), (rows, np.arange(len(topics)))),
        shape=(len(classes), len(topics)),
    )
    counts = (onehot @ doc_term.astype(np.float64)).tocsr()
    scores = class_tfidf(counts, class_idf(counts))
    result: dict[int, tuple[tuple[str, float, int], ...]] = {}
    for topic, i in position.items():
        if topic == OUTLIER:
            continue
        row = scores[i]
        order = np.lexsort((np.arange(len(row)), -row))[:top_n]
        topic_counts = counts[i].toarray().ravel()
        result[topic] = tuple((display[j], float(row[j]), int(topic_counts[j])) for j in order if row[j] > 0)
    return result


def refresh(result: TopicResult, *, names: Mapping[int, str] | None = None) -> TopicResult:
    """Recompute sizes, keywords, labels and similarities after ``topics`` changed.

    Topics keep their names (``names`` overrides them); a topic without a name is named
    after its label.
    """
    top_n = result.config.top_n_words
    candidates = topic_keywords(result.doc_term, result.topics, result.display, max(top_n, _LABEL_CANDIDATES))
    known = {t: info.name for t, info in result.info.items()}
    known.update(names or {})
    counts = {int(t): int(n) for t, n in zip(*np.unique(result.topics, return_counts=True), strict=True)}
    info: dict[int, TopicInfo] = {}
    for topic in sorted(candidates):
        ranked = [(word, score) for word, score, _ in candidates[topic]]
        occurrences = {word: float(n) for word, _, n in candidates[topic]}
        label = make_label(ranked, result.config.label_words, counts=occurrences) or f"Thème {topic}"
        info[topic] = TopicInfo(topic, known.get(topic) or label, label, tuple(ranked[:top_n]), counts[topic])
    next_id = max([result.next_id, *[t + 1 for t in info]])
    return replace(
        result, info=info, similarity=similarities(result.embeddings, result.topics), next_id=next_id
    )


def _cluster(
    texts: Sequence[str],
    embeddings: np.ndarray,
    config: TopicConfig,
    min_cluster_size: int,
    analyzer: Analyzer,
    graph: Callable[[], sparse.csr_matrix],
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Topics (``-1``: unassigned; others numbered by decreasing size), membership strengths
    and what the clusterer chose (resolution, stability), with the configured clusterer."""
    if config.clusterer == "umap-hdbscan":
        topics, probs = _cluster_umap_hdbscan(texts, embeddings, config, min_cluster_size, analyzer)
        return topics, probs, {}
    return _cluster_leiden(graph(), config, min_cluster_size)


def _cluster_leiden(
    graph: sparse.csr_matrix, config: TopicConfig, min_cluster_size: int
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Leiden on the k-nearest-neighbour graph; communities under ``min_cluster_size`` units
    are left unassigned."""
    from ess_nlp.topics._graph import RESOLUTIONS, stable_partition

    resolutions = RESOLUTIONS if config.resolution is None else (float(config.resolution),)
    runs = config.consensus_runs if config.resolution is None or config.consensus_runs > 1 else 1
    partition = stable_partition(
        graph, seed=config.seed, runs=runs, min_size=min_cluster_size, resolutions=resolutions
    )
    labels = partition.labels.copy()
    sizes = np.bincount(labels)
    labels[sizes[labels] < min_cluster_size] = OUTLIER
    probability = np.where(labels == OUTLIER, 0.0, partition.membership(graph)).astype(np.float32)
    chosen = {
        "resolution": partition.resolution,
        "stability": partition.stability,
        "resolutions_tried": list(partition.tried),
    }
    return labels, probability, chosen


def _cluster_umap_hdbscan(
    texts: Sequence[str],
    embeddings: np.ndarray,
    config: TopicConfig,
    min_cluster_size: int,
    analyzer: Analyzer,
) -> tuple[np.ndarray, np.ndarray]:
    """BERTopic with a seeded UMAP and HDBSCAN: topics (by decreasing size), probabilities."""
    from sklearn.feature_extraction.text import CountVectorizer

    with quiet_import():
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer
        from hdbscan import HDBSCAN
        from umap import UMAP

    n = len(texts)
    umap_model = UMAP(
        n_neighbors=min(config.n_neighbors, n - 1),
        n_components=min(config.n_components, n - 2),
        min_dist=0.0,
        metric="euclidean",  # on unit vectors: the same neighbours as cosine, and vectorised
        random_state=config.seed,
        n_jobs=1,
    )
    hdbscan_model = HDBSCAN(
        min_cluster_size=min_cluster_size,
        min_samples=config.min_samples,
        metric="euclidean",
        cluster_selection_method="eom",
        prediction_data=False,
    )
    model = BERTopic(
        umap_model=umap_model,
        hdbscan_model=hdbscan_model,
        vectorizer_model=CountVectorizer(analyzer=analyzer),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        top_n_words=config.top_n_words,
        calculate_probabilities=False,
        verbose=False,
    )
    topics, probabilities = model.fit_transform(list(texts), embeddings=np.asarray(embeddings, np.float32))
    probs = (
        np.zeros(n, dtype=np.float32)
        if probabilities is None
        else np.asarray(probabilities, dtype=np.float32)
    )
    return np.asarray(topics, dtype=np.int64), probs


def _map_2d(
    embeddings: np.ndarray, config: TopicConfig, graph: Callable[[], sparse.csr_matrix]
) -> np.ndarray:
    """2-D positions for the document map, computed once here (figures never re-embed): a
    layout of the neighbour graph with the ``leiden`` clusterer, a 2-D UMAP with
    ``umap-hdbscan``, a PCA below 10 units."""
    n = embeddings.shape[0]
    if n >= 10 and config.clusterer == "leiden":
        from ess_nlp.topics._graph import layout

        return layout(graph(), config.seed)
    if n < 10 or embeddings.shape[1] < 2:
        from sklearn.decomposition import PCA

        if n < 2 or embeddings.shape[1] < 2:
            return np.zeros((n, 2), dtype=np.float32)
        coords = PCA(n_components=min(2, n), random_state=config.seed).fit_transform(embeddings)
        return np.pad(coords, ((0, 0), (0, 2 - coords.shape[1]))).astype(np.float32)
    with quiet_import():
        from umap import UMAP

    umap_model = UMAP(
        n_neighbors=min(config.n_neighbors, n - 1),
        n_components=2,
        min_dist=0.1,
        metric="euclidean",
        random_state=config.seed,
        n_jobs=1,
    )
    return np.asarray(umap_model.fit_transform(embeddings), dtype=np.float32)


def fit_topics(
    texts: Sequence[str],
    ids: Sequence[str] | None = None,
    *,
    config: TopicConfig | None = None,
    progress: Progress | None = None,
) -> TopicResult:
    """Cluster ``texts`` (identified by ``ids``, default "1", "2"… in order) into topics.

    Empty texts are left out (named in ``notes``). Fewer distinct texts than twice the
    minimum cluster size, or no cluster found, give one topic holding every unit (also
    said in ``notes``). Two calls with the same texts, ids and config return the same
    assignments.
    """
    # Load every BLAS library first (numpy's and SciPy's): threadpoolctl limits only the
    # libraries already loaded, and a library loaded later would run multi-threaded, giving
    # different floating-point sums (so different topics) depending on what was imported.
    import scipy.linalg  # noqa: F401
    import sklearn.decomposition  # noqa: F401
    from threadpoolctl import threadpool_limits

    # One BLAS thread: the matrices are small, the results stay bitwise reproducible, and
    # parallel BLAS on a busy machine is many times slower (measured: SVD 0.2 s vs 9.6 s).
    with threadpool_limits(limits=1, user_api="blas"):
        return _fit_topics(texts, ids, config=config, progress=progress)


def _fit_topics(
    texts: Sequence[str],
    ids: Sequence[str] | None,
    *,
    config: TopicConfig | None,
    progress: Progress | None,
) -> TopicResult:
    config = config or TopicConfig()
    texts = [str(t) if t is not None else "" for t in texts]
    ids = [str(i) for i in ids] if ids is not None else [str(i) for i in range(1, len(texts) + 1)]
    if len(ids) != len(texts):
        raise ConfigError(f"{len(ids)} identifiants pour {len(texts)} textes : il en faut un par texte.")
    if len(set(ids)) != len(ids):
        duplicate = next(i for i in ids if ids.count(i) > 1)
        raise ConfigError(
            f"L'identifiant « {duplicate} » apparaît plusieurs fois : chaque unité doit avoir le sien."
        )
    if not texts:
        raise ConfigError("Aucune unité à regrouper en thèmes : la liste de textes est vide.")
    keep = [i for i, text in enumerate(texts) if text.strip()]
    if not keep:
        raise ConfigError(
            f"Aucun texte à regrouper : les {len(texts)} unités fournies sont vides "
            "(un texte non vide est attendu)."
        )
    notes: list[str] = []
    if len(keep) < len(texts):
        skipped = len(texts) - len(keep)
        notes.append(f"{skipped} unité(s) au texte vide laissée(s) de côté.")
    ids = [ids[i] for i in keep]
    texts = [texts[i] for i in keep]
    if config.max_fit_units is not None and len(texts) > config.max_fit_units:
        return _fit_on_sample(texts, ids, config, notes, progress)
    return _fit_kept(texts, ids, config, notes, progress)


def _fit_on_sample(
    texts: list[str], ids: list[str], config: TopicConfig, notes: list[str], progress: Progress | None
) -> TopicResult:
    """Fit on a seeded sample of ``config.max_fit_units`` units, then place the others."""
    from ess_nlp.topics._placement import place_units

    assert config.max_fit_units is not None
    started = time.perf_counter()
    n, size = len(texts), config.max_fit_units
    chosen = np.sort(np.random.default_rng(config.seed).choice(n, size=size, replace=False))
    fitted = _fit_kept([texts[i] for i in chosen], [ids[i] for i in chosen], config, list(notes), progress)
    assert fitted.backend is not None
    result, placed = place_units(fitted, ids, texts, fitted.backend)
    notes = [
        *fitted.notes,
        f"Thèmes calculés sur un échantillon de {size} unités sur {n} (tiré avec la graine {config.seed}) ; "
        f"les {placed} autres ont été placées dans le thème le plus proche.",
    ]
    metrics = {
        **fitted.metrics,
        "n_units": n,
        "n_topics": len(result.info),
        "outlier_share": round(result.outlier_share, 6),
        "fitted_units": size,
        "placed": placed,
        "dominant_share": round(_dominant_share(result.topics), 6),
        "total_s": round(time.perf_counter() - started, 3),
    }
    return replace(result, notes=tuple(notes), metrics=metrics)


def _fit_kept(
    texts: list[str], ids: list[str], config: TopicConfig, notes: list[str], progress: Progress | None
) -> TopicResult:
    """Fit on these (non-empty) texts, every one of them."""
    n = len(texts)
    timings: dict[str, float] = {}

    def stage(done: int) -> None:
        if progress is not None:
            progress(done, _STAGES)

    started = time.perf_counter()
    analyzer = Analyzer((1, 2), config.stop_words)
    doc_term, vocabulary = _doc_term(texts, analyzer)
    forms = surface_forms(texts, analyzer, vocabulary)
    display = tuple(forms.get(key, key) for key in vocabulary)
    timings["keywords_s"] = time.perf_counter() - started
    stage(1)

    t0 = time.perf_counter()
    backend = make_backend(
        config.backend,
        seed=config.seed,
        model=config.embedding_model,
        stop_words=config.stop_words,
        svd_components=config.svd_components,
    )
    exact = np.asarray(backend.fit_transform(texts), dtype=np.float64)
    embeddings = exact.astype(np.float32)
    timings["embedding_s"] = time.perf_counter() - t0
    stage(2)

    @functools.cache
    def graph() -> sparse.csr_matrix:
        """The neighbour graph of the units, built once for clustering and map."""
        from ess_nlp.topics._graph import knn_graph

        return knn_graph(exact, config.n_neighbors)

    t0 = time.perf_counter()
    min_cluster_size = config.cluster_size_for(n)
    distinct = len({" ".join(t.split()).lower() for t in texts})
    probability = np.ones(n, dtype=np.float32)
    chosen: dict[str, Any] = {}
    one_topic_said = True  # the two fallbacks below say why everything is one topic
    if distinct < 2 * min_cluster_size:
        notes.append(
            f"Trop peu d'unités distinctes ({distinct}) pour former plusieurs thèmes d'au moins "
            f"{min_cluster_size} unités : elles forment un seul thème."
        )
        raw = np.zeros(n, dtype=np.int64)
    else:
        raw, probability, chosen = _cluster(texts, exact, config, min_cluster_size, analyzer, graph)
        one_topic_said = not (raw != OUTLIER).any()
        if one_topic_said:
            notes.append("Aucun groupe net n'a été trouvé : toutes les unités forment un seul thème.")
            raw = np.zeros(n, dtype=np.int64)
            probability = np.ones(n, dtype=np.float32)
    timings["clustering_s"] = time.perf_counter() - t0
    stage(3)

    outliers_before = float(np.mean(raw == OUTLIER))
    topics, reassigned = reduce_outliers(embeddings, raw, config.max_outliers)
    origin = tuple(
        "unassigned" if t == OUTLIER else ("outlier" if moved else "cluster")
        for t, moved in zip(topics, reassigned, strict=True)
    )
    t0 = time.perf_counter()
    coords = _map_2d(exact, config, graph) if config.map_2d else np.zeros((n, 2), dtype=np.float32)
    timings["map_s"] = time.perf_counter() - t0
    stage(4)

    result = TopicResult(
        ids=tuple(ids),
        topics=topics,
        raw_topics=topics.copy(),
        probability=np.where(reassigned, 0.0, probability).astype(np.float32),
        similarity=np.zeros(n, dtype=np.float32),
        origin=origin,
        embeddings=embeddings,
        coords=coords,
        doc_term=doc_term,
        vocabulary=vocabulary,
        display=display,
        info={},
        config=config,
        backend=backend,
        notes=tuple(notes),
        data_hash=data_hash(ids, texts),
    )
    result = refresh(result)
    dominant = _dominant_share(result.topics)
    if dominant > config.max_topic_share and not one_topic_said:
        notes.append(
            f"Un seul thème regroupe {100 * dominant:.0f} % des unités : les textes se ressemblent trop "
            "pour être séparés en sujets distincts (essayez un autre niveau d'unités ou --resolution)."
        )
        result = replace(result, notes=tuple(notes))
    metrics = {
        "method_version": METHOD_VERSION,
        "n_units": n,
        "n_topics": len(result.info),
        "min_cluster_size": min_cluster_size,
        "outlier_share_before_reduction": round(outliers_before, 6),
        "outlier_share": round(result.outlier_share, 6),
        "reassigned": int(reassigned.sum()),
        "dominant_share": round(dominant, 6),
        **chosen,
        **{k: round(v, 3) for k, v in timings.items()},
        "total_s": round(time.perf_counter() - started, 3),
    }
    stage(5)
    logger.info(
        "topics: %d units, %d topics, %.1f%% unassigned", n, len(result.info), 100 * result.outlier_share
    )
    return replace(result, metrics=metrics)


def _dominant_share(topics: np.ndarray) -> float:
    """Share of all units held by the largest topic (unassigned units excluded from topics)."""
    assigned = topics[topics != OUTLIER]
    if not len(topics) or not len(assigned):
        return 0.0
    return float(np.bincount(assigned - assigned.min()).max() / len(topics))


def predict_topics(result: TopicResult, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Nearest topic (by cosine with topic centroids) and similarity for new texts."""
    if result.backend is None:
        raise ConfigError(
            "Ce modèle de thèmes n'a pas de moteur de plongement : il ne peut pas classer de nouveaux textes."
        )
    ids, matrix = centroids(result.embeddings, result.topics)
    vectors = result.backend.transform(list(texts))
    if not ids:
        return np.full(len(texts), OUTLIER, dtype=np.int64), np.zeros(len(texts), dtype=np.float32)
    sims = vectors @ matrix.T
    best = sims.argmax(axis=1)
    return np.asarray(ids, dtype=np.int64)[best], sims[np.arange(len(texts)), best].astype(np.float32)
