"""Grouping near-duplicate proposals across cahiers ("proposée par 7 cahiers").

Proposals are compared by the cosine similarity of two TF-IDF views averaged: light-stemmed
content words (uni- and bigrams), which catch the same words in another order or inflection,
and character 3-5-grams inside words, which catch spelling variants and derived forms
("mutualiser" / "mutualisation"). Groups are stars: the proposal with the most neighbours
becomes a centre and takes every ungrouped neighbour at least ``threshold`` similar to it, and
so on; a star avoids the chains single-link clustering builds between unrelated proposals.
Only groups spanning at least ``min_cahiers`` cahiers are kept.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from ess_nlp.extract._resources import norm_name

DEFAULT_THRESHOLD = 0.4

_STOP = frozenset(
    ["a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "d", "dans", "de", "des", "du", "elle", "en", "et", "etre", "il", "ils", "l", "la", "le", "les", "leur", "leurs", "lui", "mais", "me", "meme", "mes", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas", "plus", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te", "tes", "ton", "tu", "un", "une", "vos", "votre", "vous", "y", "afin", "ainsi", "aussi", "autre", "autres", "cela", "comme", "dont", "doit", "doivent", "entre", "est", "faire", "faut", "faudrait", "il", "sont", "tout", "tous", "toute", "toutes", "tres", "si", "sans", "sous", "chaque"]
)
_SUFFIXES = ("issements", "issement", "ations", "ation", "ements", "ement", "ments", "ment", "ites", "ite",
             "euses", "euse", "eurs", "eur", "ives", "ive", "ifs", "if", "ables", "able", "iser", "ise",
             "er", "es", "s", "x", "e")


def stem(word: str) -> str:
    """A light French stemmer: strip one common suffix, keeping at least 4 letters."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _analyse(text: str) -> list[str]:
    words = [stem(w) for w in norm_name(text).split() if w not in _STOP and len(w) > 1 and not w.isdigit()]
    return words + [f"{a}_{b}" for a, b in itertools.pairwise(words)]


def _chars(text: str) -> str:
    return " ".join(w for w in norm_name(text).split() if w not in _STOP)


@dataclass(frozen=True)
class DuplicateGroup:
    """Proposals (ids) saying the same thing; ``centre`` is the most central one."""

    centre: str
    members: tuple[str, ...]
    similarities: tuple[float, ...]
    cahiers: int


#: Upper bound on the similarity entries computed at once (rows of a block x all texts), so that
#: memory grows with the number of similar pairs kept, not with the square of the number of texts.
BLOCK_ENTRIES = 5_000_000


def similarity_matrix(texts: Sequence[str], *, threshold: float = 0.0) -> sparse.csr_matrix:
    """Pairwise similarity of ``texts`` (sparse, symmetric, diagonal 1).

    Entries below ``threshold`` are dropped. Rows are computed by blocks of at most
    ``BLOCK_ENTRIES`` entries, so 40,000 proposals need a few hundred megabytes, not tens of
    gigabytes.
    """
    n = len(texts)
    if not n:
        return sparse.csr_matrix((0, 0), dtype=np.float32)
    words = TfidfVectorizer(analyzer=_analyse, sublinear_tf=True, min_df=1, dtype=np.float32)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1,
                            preprocessor=_chars, dtype=np.float32)
    try:
        xw = normalize(words.fit_transform(texts)).tocsr()
    except ValueError:  # no word at all (texts of digits or stop words only)
        xw = sparse.csr_matrix((n, 1), dtype=np.float32)
    xc = normalize(chars.fit_transform([t if t.strip() else "_" for t in texts])).tocsr()
    xw_t, xc_t = xw.T.tocsc(), xc.T.tocsc()
    step = max(1, min(n, BLOCK_ENTRIES // n))
    blocks = []
    for start in range(0, n, step):
        stop = min(n, start + step)
        block = ((xw[start:stop] @ xw_t + xc[start:stop] @ xc_t) * 0.5).tocsr()
        if threshold > 0:
            block.data[block.data < threshold] = 0
            block.eliminate_zeros()
        blocks.append(block)
    return sparse.vstack(blocks, format="csr")


def group_duplicates(
    proposals: Sequence[tuple[str, str, str | None]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_cahiers: int = 2,
) -> list[DuplicateGroup]:
    """Groups of near-duplicate proposals, given ``(id, text, cahier)`` triples.

    Largest groups first. A proposal belongs to one group at most.
    """
    if len(proposals) < 2:
        return []
    ids = [p[0] for p in proposals]
    cahiers = [p[2] or p[0] for p in proposals]
    pairs = similarity_matrix([p[1] for p in proposals], threshold=threshold).tocoo()
    off_diagonal = pairs.row != pairs.col
    sim = sparse.csr_matrix(
        (pairs.data[off_diagonal], (pairs.row[off_diagonal], pairs.col[off_diagonal])), shape=pairs.shape
    )
    degree = np.asarray((sim > 0).sum(axis=1)).ravel()
    order = np.argsort(-degree, kind="stable")
    assigned = np.zeros(len(ids), dtype=bool)
    groups: list[DuplicateGroup] = []
    for centre in order:
        if assigned[centre] or degree[centre] == 0:
            continue
        row = sim.getrow(centre)
        members = [(int(j), float(v)) for j, v in zip(row.indices, row.data, strict=True) if not assigned[j]]
        if not members:
            continue
        members.sort(key=lambda m: -m[1])
        indices = [int(centre)] + [j for j, _ in members]
        if len({cahiers[i] for i in indices}) < min_cahiers:
            continue
        assigned[indices] = True
        groups.append(DuplicateGroup(
            centre=ids[centre],
            members=tuple(ids[i] for i in indices),
            similarities=(1.0, *(round(v, 4) for _, v in members)),
            cahiers=len({cahiers[i] for i in indices}),
        ))
    groups.sort(key=lambda g: (-g.cahiers, -len(g.members), g.centre))
    return groups


def pairwise_scores(predicted: Sequence[Sequence[str]], gold: Sequence[Sequence[str]]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a grouping against gold groups (pairs in the same group)."""

    def pairs(groups: Sequence[Sequence[str]]) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for g in groups:
            items = sorted(set(g))
            out.update((a, b) for i, a in enumerate(items) for b in items[i + 1 :])
        return out

    p, g = pairs(predicted), pairs(gold)
    tp = len(p & g)
    precision = tp / len(p) if p else 1.0
    recall = tp / len(g) if g else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pairs_predicted": len(p), "pairs_gold": len(g)}


