"""Grouping proposals that make the same demand across cahiers ("proposée par 7 cahiers").

Two similarities, chosen by ``method``:

- ``"lexical"`` (default): the cosine similarity of two TF-IDF views
  averaged: light-stemmed content words (uni- and bigrams), which catch the same words in
  another order or inflection, and character 3-5-grams inside words, which catch spelling
  variants and derived forms ("mutualiser" / "mutualisation");
- ``"semantic"``: the mean of the lexical similarity and the cosine of the
  proposals' meaning vectors, the TF-IDF-weighted mean of the French word vectors of
  ``fr_core_news_md`` over content words, their common direction removed; synonyms and
  paraphrases ("publier le taux d'acceptation des prêts" / "publier le nombre de prêts accordés
  et refusés") come closer than their words alone say. Without ``fr_core_news_md`` installed
  the lexical similarity is used, with a warning.

Similarities are rounded to 4 decimals before any threshold, so the groups do not depend on the
BLAS kernel or the thread count. Groups are stars: the proposal with the most neighbours takes
every ungrouped neighbour at least ``threshold`` similar to it, and so on; a star avoids the
chains single-link clustering builds between unrelated proposals. A group is then named by its
most central member (the highest total similarity to the others). Only groups spanning at least
``min_cahiers`` cahiers are kept.

Measured on a labelled set of real paraphrase pairs (``benchmarks/eval_paraphrase.py``; the
semantic threshold is the one picked on its dev part), the semantic method does not beat the
lexical one on the test part once proposals are grouped, so the lexical method stays the
default; neither reaches the precision 0.85 / recall 0.70 issue 16 asks for.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from ess_nlp.errors import ModelError
from ess_nlp.extract._resources import norm_name

logger = logging.getLogger(__name__)

Method = Literal["lexical", "semantic"]
DEFAULT_METHOD: Method = "lexical"
#: The threshold of the lexical method (before issue 16), chosen on the hand-written set.
LEXICAL_THRESHOLD = 0.4
#: The threshold of the semantic method, picked on the dev part of the real pair set (best F1
#: among thresholds with dev precision >= 0.85; ``benchmarks/eval_paraphrase.py``).
SEMANTIC_THRESHOLD = 0.78
DEFAULT_THRESHOLD = LEXICAL_THRESHOLD
#: Decimals similarities are rounded to before thresholding (same groups on every BLAS kernel).
DECIMALS = 4


def default_threshold(method: Method) -> float:
    return LEXICAL_THRESHOLD if method == "lexical" else SEMANTIC_THRESHOLD

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


def meaning_vectors(texts: Sequence[str]) -> np.ndarray | None:
    """One L2-normalised vector per text from ``fr_core_news_md``'s word vectors (TF-IDF
    weighted mean over content words, common direction removed), rounded to 4 decimals; None
    when the model is not installed."""
    from ess_nlp.topics._embeddings import SpacyVectorsBackend
    from ess_nlp.topics._text import FRENCH_STOP_WORDS

    try:
        vectors = SpacyVectorsBackend(stop_words=sorted(FRENCH_STOP_WORDS)).fit_transform(list(texts))
    except ModelError as err:
        logger.warning("%s Regroupement des propositions par leurs mots seulement.", err)
        return None
    except ValueError:  # no content word at all
        return np.zeros((len(texts), 1), dtype=np.float32)
    return np.round(np.asarray(vectors, dtype=np.float64), DECIMALS).astype(np.float32)


def similarity_matrix(
    texts: Sequence[str], *, threshold: float = 0.0, method: Method = "lexical"
) -> sparse.csr_matrix:
    """Pairwise similarity of ``texts`` (sparse, symmetric, diagonal 1), by ``method`` (see the
    module docstring), rounded to ``DECIMALS``.

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
    meaning = meaning_vectors(texts) if method == "semantic" else None
    step = max(1, min(n, BLOCK_ENTRIES // n))
    blocks = []
    for start in range(0, n, step):
        stop = min(n, start + step)
        block = ((xw[start:stop] @ xw_t + xc[start:stop] @ xc_t) * 0.5).tocsr()
        block.data = np.round(block.data.astype(np.float64), DECIMALS).astype(np.float32)
        if meaning is not None:
            dense = np.round(meaning[start:stop].astype(np.float64) @ meaning.T.astype(np.float64), DECIMALS)
            dense = np.round((block.toarray().astype(np.float64) + np.clip(dense, 0.0, 1.0)) * 0.5, DECIMALS)
            if threshold > 0:
                dense[dense < threshold] = 0.0
            block = sparse.csr_matrix(dense.astype(np.float32))
        if threshold > 0:
            block.data[block.data < threshold] = 0
            block.eliminate_zeros()
        blocks.append(block)
    return sparse.vstack(blocks, format="csr")


def group_duplicates(
    proposals: Sequence[tuple[str, str, str | None]],
    *,
    threshold: float | None = None,
    min_cahiers: int = 2,
    method: Method = DEFAULT_METHOD,
) -> list[DuplicateGroup]:
    """Groups of proposals making the same demand, given ``(id, text, cahier)`` triples
    (``threshold`` defaults to the one chosen for ``method``).

    Largest groups first. A proposal belongs to one group at most.
    """
    if len(proposals) < 2:
        return []
    threshold = default_threshold(method) if threshold is None else threshold
    ids = [p[0] for p in proposals]
    cahiers = [p[2] or p[0] for p in proposals]
    sim = similarity_matrix([p[1] for p in proposals], threshold=threshold, method=method)
    return groups_from_similarity(sim, ids, cahiers, threshold=threshold, min_cahiers=min_cahiers)


def groups_from_similarity(
    similarity: sparse.csr_matrix,
    ids: Sequence[str],
    cahiers: Sequence[str],
    *,
    threshold: float,
    min_cahiers: int = 2,
) -> list[DuplicateGroup]:
    """The star groups of a similarity matrix (entries below ``threshold`` ignored)."""
    ids = list(ids)
    pairs = similarity.tocoo()
    keep = (pairs.row != pairs.col) & (pairs.data >= threshold)
    sim = sparse.csr_matrix((pairs.data[keep], (pairs.row[keep], pairs.col[keep])), shape=pairs.shape)
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
        members.sort(key=lambda m: (-m[1], m[0]))
        indices = [int(centre)] + [j for j, _ in members]
        if len({cahiers[i] for i in indices}) < min_cahiers:
            continue
        assigned[indices] = True
        groups.append(_named(sim, ids, indices, len({cahiers[i] for i in indices})))
    groups.sort(key=lambda g: (-g.cahiers, -len(g.members), g.centre))
    return groups


def _named(sim: sparse.csr_matrix, ids: list[str], indices: list[int], cahiers: int) -> DuplicateGroup:
    """The group of ``indices`` with its most central member first (highest total similarity
    to the other members; ties by position), members by similarity to it."""
    inner = sim[indices][:, indices].toarray().astype(np.float64)
    totals = np.round(inner.sum(axis=1), DECIMALS)
    centre = int(np.lexsort((np.arange(len(indices)), -totals))[0])
    others = sorted((k for k in range(len(indices)) if k != centre), key=lambda k: (-inner[centre, k], k))
    return DuplicateGroup(
        centre=ids[indices[centre]],
        members=(ids[indices[centre]], *(ids[indices[k]] for k in others)),
        similarities=(1.0, *(round(float(inner[centre, k]), DECIMALS) for k in others)),
        cahiers=cahiers,
    )


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


