"""Topic-model parameters, defaults in one place, checked with French messages."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from ess_nlp.errors import ConfigError

__all__ = ["CLUSTERERS", "DEFAULT_BACKEND", "DEFAULT_CLUSTERER", "DEFAULT_LEVEL", "DEFAULT_SEED", "TopicConfig"]

#: Chosen by ``benchmarks/topics_benchmark.py``: best NMI on the Grand Débat reports, and fastest.
DEFAULT_BACKEND = "tfidf-svd"
DEFAULT_SEED = 42
#: ``leiden``: k-nearest-neighbour graph + Leiden, resolution chosen by stability (the same
#: topics whatever the BLAS kernel or thread count); ``umap-hdbscan``: BERTopic's seeded UMAP +
#: HDBSCAN, kept for comparison (its topics change with the BLAS kernel). See ``docs/topics.md``.
CLUSTERERS = ("leiden", "umap-hdbscan")
DEFAULT_CLUSTERER = "leiden"
#: Sections: one subject each (a list of proposals, findings, an initiative), long enough to
#: embed, a few per cahier. See ``docs/topics.md``.
DEFAULT_LEVEL = "section"


@dataclass(frozen=True)
class TopicConfig:
    """Everything that decides a topic model; two fits with equal configs and texts agree.

    ``min_cluster_size=None`` picks ``max(5, 2% of the units)``, at most 100.
    ``max_outliers`` is the largest share of units left unassigned after outlier reduction
    (0 assigns every unit to its nearest topic). With the ``leiden`` clusterer, ``n_neighbors``
    is the number of neighbours of each unit in the similarity graph, ``resolution=None``
    chooses the resolution by stability across ``consensus_runs`` seeds, and communities
    smaller than the minimum cluster size are left unassigned (then reduced like outliers).
    A topic holding more than ``max_topic_share`` of the units is reported in the notes.
    Above ``max_fit_units`` units, the topics are fitted on a seeded sample of that many units
    and the others are placed in the nearest topic (``None``: fit on every unit).
    """

    backend: str = DEFAULT_BACKEND
    clusterer: str = DEFAULT_CLUSTERER
    seed: int = DEFAULT_SEED
    embedding_model: str | None = None
    min_cluster_size: int | None = None
    min_samples: int | None = None
    n_neighbors: int = 15
    n_components: int = 5
    resolution: float | None = None
    consensus_runs: int = 5
    max_topic_share: float = 0.5
    max_fit_units: int | None = 20_000
    svd_components: int = 100
    max_outliers: float = 0.10
    top_n_words: int = 10
    label_words: int = 3
    stop_words: tuple[str, ...] = field(default_factory=tuple)
    map_2d: bool = True

    def __post_init__(self) -> None:
        from ess_nlp.topics._embeddings import BACKENDS

        if self.backend not in BACKENDS:
            raise ConfigError(
                f"Moteur de plongement « {self.backend} » inconnu : choisissez parmi {', '.join(BACKENDS)}."
            )
        if self.clusterer not in CLUSTERERS:
            raise ConfigError(
                f"Méthode de regroupement « {self.clusterer} » inconnue : choisissez parmi {', '.join(CLUSTERERS)}."
            )
        _check_int("seed", self.seed, 0)
        _check_int("consensus_runs", self.consensus_runs, 1)
        if self.max_fit_units is not None:
            _check_int("max_fit_units", self.max_fit_units, 10)
        if self.resolution is not None and not (0.0 < self.resolution <= 100.0):
            raise ConfigError(
                f"Paramètre resolution = {self.resolution} invalide : un nombre strictement positif "
                "(au plus 100) est attendu."
            )
        if self.min_cluster_size is not None:
            _check_int("min_cluster_size", self.min_cluster_size, 2)
        if self.min_samples is not None:
            _check_int("min_samples", self.min_samples, 1)
        _check_int("n_neighbors", self.n_neighbors, 2)
        _check_int("n_components", self.n_components, 2)
        _check_int("svd_components", self.svd_components, 2)
        _check_int("top_n_words", self.top_n_words, 1)
        _check_int("label_words", self.label_words, 1)
        for name in ("max_outliers", "max_topic_share"):
            value = getattr(self, name)
            if not (0.0 <= value <= 1.0) or math.isnan(value):
                raise ConfigError(f"Paramètre {name} = {value} invalide : une part entre 0 et 1 est attendue.")

    def cluster_size_for(self, n_units: int) -> int:
        """The minimum cluster size used for ``n_units`` units."""
        if self.min_cluster_size is not None:
            return self.min_cluster_size
        return int(min(100, max(5, round(0.02 * n_units))))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["stop_words"] = list(self.stop_words)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TopicConfig:
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"Paramètres de thèmes inconnus : {', '.join(unknown)}.")
        values = dict(data)
        # Models saved before the Leiden clusterer existed were fitted with UMAP + HDBSCAN.
        values.setdefault("clusterer", "umap-hdbscan")
        if "stop_words" in values:
            values["stop_words"] = tuple(values["stop_words"])
        return cls(**values)


def _check_int(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(
            f"Paramètre {name} = {value!r} invalide : un entier supérieur ou égal à {minimum} est attendu."
        )
