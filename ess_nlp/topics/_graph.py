"""Topic clustering that gives the same answer on every machine: a k-nearest-neighbour graph of
the units, Leiden communities, the resolution chosen by stability across seeds.

Why not UMAP + HDBSCAN (BERTopic's method, the default until version 0.1 of this module): UMAP's
stochastic layout amplifies the last bits of its input, so the rounding differences between two
BLAS kernels (``OPENBLAS_CORETYPE=Haswell`` or not, 1e-5 on float32 embeddings) give another
layout, and HDBSCAN's ``eom`` selection then sometimes keeps the root: one topic holding
everything. Measured on the Grand Débat reports: adjusted Rand index 0.80 between the two kernels
(0.39 on Vrai Débat), and on some machines a collapse to one topic (NMI 0.42 -> 0.02).

Here every step is either exact or insensitive to such noise:

1. cosine similarities are computed in float64 and rounded to ``SIMILARITY_DECIMALS`` decimals
   (kernel noise is ~1e-14, so the rounded values are the same everywhere);
2. each unit keeps its ``k`` most similar units (ties broken by position), the graph is made
   symmetric with the larger weight;
3. Leiden (igraph, modularity with a resolution) partitions the graph, seeded; it has no
   floating-point work that depends on BLAS or on threads;
4. the resolution is chosen among ``RESOLUTIONS`` as the one whose partitions agree most across
   ``runs`` seeds (mean pairwise adjusted Rand index), among partitions that are not degenerate
   (at least two topics, no topic holding most units), ties going to the partition found at
   the most resolutions; the partition kept is the seed run that agrees most with the others
   (a consensus, not one arbitrary seed).
"""

from __future__ import annotations

import contextlib
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

__all__ = [
    "RESOLUTIONS",
    "SIMILARITY_DECIMALS",
    "GraphPartition",
    "knn_graph",
    "layout",
    "leiden",
    "stable_partition",
]

#: Modularity resolutions tried when none is given (higher: more, smaller topics).
RESOLUTIONS: tuple[float, ...] = (0.6, 0.8, 1.0, 1.2, 1.5, 2.0)
#: Similarities are rounded to this many decimals before the graph is built.
SIMILARITY_DECIMALS = 6
# Largest share of units one community may hold for a partition to count as informative.
_DEGENERATE_SHARE = 0.5
# Rows of the similarity matrix computed at once (bounded memory: block x n float64).
_BLOCK = 1024


def knn_graph(embeddings: np.ndarray, k: int) -> sparse.csr_matrix:
    """Symmetric weighted graph linking each unit to its ``k`` most similar units (cosine).

    ``embeddings`` are L2-normalised rows. Similarities are computed in float64 by blocks of
    rows and rounded to ``SIMILARITY_DECIMALS`` decimals; among equal similarities the unit
    that comes first wins. Weights are the similarity clipped to a small positive floor, and
    an edge found from both ends keeps the larger weight.
    """
    vectors = np.asarray(embeddings, dtype=np.float64)
    n = vectors.shape[0]
    k = max(1, min(k, n - 1))
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        sims = np.round(vectors[start:stop] @ vectors.T, SIMILARITY_DECIMALS)
        sims[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        # The k-th largest similarity of each row; every larger one is kept, then the first
        # equal ones (by position) up to k: an exact top-k whatever the partition algorithm.
        kth = -np.partition(-sims, k - 1, axis=1)[:, k - 1]
        for i in range(stop - start):
            row = sims[i]
            above = np.flatnonzero(row > kth[i])
            tied = np.flatnonzero(row == kth[i])
            chosen = np.concatenate([above, tied[: k - len(above)]])
            rows.append(np.full(len(chosen), start + i, dtype=np.int64))
            cols.append(chosen.astype(np.int64))
            weights.append(row[chosen])
    row_idx = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    col_idx = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    values = np.maximum(np.concatenate(weights) if weights else np.zeros(0), 10.0**-SIMILARITY_DECIMALS)
    graph = sparse.csr_matrix((values, (row_idx, col_idx)), shape=(n, n))
    return graph.maximum(graph.T).tocsr()


def _igraph(graph: sparse.csr_matrix) -> Any:
    import igraph

    upper = sparse.triu(graph, k=1).tocoo()
    return igraph.Graph(
        n=graph.shape[0],
        edges=np.column_stack([upper.row, upper.col]).tolist(),
        edge_attrs={"weight": upper.data.tolist()},
    )


@contextlib.contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """igraph draws from a ``random.Random(seed)`` inside the block, and from the global
    ``random`` module (its state restored) after it."""
    import igraph

    state = random.getstate()
    igraph.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)
        random.setstate(state)


def leiden(graph: sparse.csr_matrix, resolution: float, seed: int) -> np.ndarray:
    """Leiden communities of ``graph`` (modularity at ``resolution``), numbered by decreasing
    size then first member; the same graph and seed give the same partition everywhere."""
    net = _igraph(graph)
    with _seeded(seed):
        membership = net.community_leiden(
            objective_function="modularity", weights="weight", resolution=resolution, n_iterations=-1
        ).membership
    return _renumber(np.asarray(membership, dtype=np.int64))


def layout(graph: sparse.csr_matrix, seed: int) -> np.ndarray:
    """2-D positions of the units for the document map: a force-directed layout
    (Fruchterman-Reingold, seeded) of the same neighbour graph, so that neighbours sit close
    and each topic forms a region. Less than a second for a few thousand units, where a 2-D
    UMAP needs tens of seconds of compilation in each new process."""
    net = _igraph(graph)
    with _seeded(seed):
        coords = net.layout_fruchterman_reingold(weights="weight", niter=500, grid="auto").coords
    return np.asarray(coords, dtype=np.float32).reshape(-1, 2)


def _renumber(labels: np.ndarray) -> np.ndarray:
    """Labels 0, 1, … by decreasing community size, ties by first member."""
    if labels.size == 0:
        return labels
    ids, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))
    mapping = np.empty(ids.max() + 1, dtype=np.int64)
    mapping[ids[order]] = np.arange(len(ids))
    renumbered: np.ndarray = mapping[labels]
    return renumbered


def _degenerate(labels: np.ndarray, min_size: int) -> bool:
    sizes = np.bincount(labels)
    kept = sizes[sizes >= min_size]
    return len(kept) < 2 or sizes.max() > _DEGENERATE_SHARE * len(labels)


@dataclass(frozen=True)
class GraphPartition:
    """The partition kept, the resolution chosen and, per resolution tried, its stability
    (mean pairwise adjusted Rand index across seeds) and number of communities."""

    labels: np.ndarray
    resolution: float
    stability: float
    tried: tuple[dict[str, float | int | bool], ...] = field(default_factory=tuple)

    def membership(self, graph: sparse.csr_matrix) -> np.ndarray:
        """Share of each unit's edge weight that stays inside its community (0..1)."""
        coo = graph.tocoo()
        inside = self.labels[coo.row] == self.labels[coo.col]
        total = np.bincount(coo.row, weights=coo.data, minlength=graph.shape[0])
        kept = np.bincount(coo.row, weights=coo.data * inside, minlength=graph.shape[0])
        return np.divide(kept, total, out=np.zeros_like(total), where=total > 0).astype(np.float32)


def stable_partition(
    graph: sparse.csr_matrix,
    *,
    seed: int,
    runs: int,
    min_size: int,
    resolutions: Sequence[float] = RESOLUTIONS,
) -> GraphPartition:
    """The most stable Leiden partition over ``resolutions`` (see the module docstring).

    Candidates are compared on: not degenerate, then stability (rounded to three decimals),
    then how many resolutions give the same partition (adjusted Rand index >= 0.95: a plateau
    is a structure of the data, not of one parameter value), then closeness to resolution 1
    (plain modularity). When every resolution gives a degenerate partition, the best of them
    is kept anyway (the caller reports it).
    """
    from sklearn.metrics import adjusted_rand_score

    runs = max(1, runs)
    medoids: list[np.ndarray] = []
    scores: list[tuple[bool, float]] = []
    tried = []
    for resolution in resolutions:
        partitions = [leiden(graph, resolution, seed + i) for i in range(runs)]
        agreement = [1.0] * runs
        if runs > 1:
            pair = {
                (i, j): adjusted_rand_score(partitions[i], partitions[j])
                for i, j in itertools.combinations(range(runs), 2)
            }
            agreement = [
                sum(pair[min(i, j), max(i, j)] for j in range(runs) if j != i) / (runs - 1) for i in range(runs)
            ]
        stability = round(float(np.mean(agreement)), 3)
        medoid = max(range(runs), key=lambda i: (round(agreement[i], 6), -i))
        labels = partitions[medoid]
        degenerate = _degenerate(labels, min_size)
        medoids.append(labels)
        scores.append((not degenerate, stability))
        tried.append(
            {
                "resolution": float(resolution),
                "stability": stability,
                "communities": int(labels.max()) + 1 if labels.size else 0,
                "degenerate": bool(degenerate),
            }
        )
    plateau = [
        sum(1 for other in medoids if round(adjusted_rand_score(labels, other), 3) >= 0.95) for labels in medoids
    ]
    best = max(
        range(len(medoids)),
        key=lambda i: (scores[i][0], scores[i][1], plateau[i], -abs(np.log(resolutions[i])), -i),
    )
    return GraphPartition(
        labels=medoids[best], resolution=float(resolutions[best]), stability=scores[best][1], tried=tuple(tried)
    )
