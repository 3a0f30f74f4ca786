"""The sentence-kind classifier: a scikit-learn estimator from sentences to kinds.

:class:`KindFeatures` turns sentences (plain strings, or :class:`~ess_nlp.extract.kinds.CuedText`
carrying the rules' cues) into one sparse matrix: TF-IDF of lowercase word 1-2 grams, TF-IDF of
character 2-5 grams inside words, and the rules' cue tokens (binary, scaled by ``cue_weight``).
:class:`SentenceKindClassifier` is a multinomial logistic regression on them (lbfgs, a
deterministic solver). It follows the estimator contract: ``__init__`` stores parameters,
``fit`` returns ``self``, learned attributes end in ``_``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from ess_nlp.extract.kinds.cues import CuedText, cued_texts


def _restored(vectorizer: TfidfVectorizer, terms: np.ndarray, idf: np.ndarray | None) -> TfidfVectorizer:
    """A fitted vectorizer from its terms and IDF weights (see ``KindFeatures.__getstate__``)."""
    from sklearn.feature_extraction.text import TfidfTransformer

    vectorizer.vocabulary_ = {str(term): i for i, term in enumerate(terms.tolist())}
    if idf is not None:
        vectorizer.idf_ = idf
    else:
        vectorizer._tfidf = TfidfTransformer(norm=vectorizer.norm, use_idf=False,
                                             sublinear_tf=vectorizer.sublinear_tf).fit(np.zeros((1, len(terms))))
    return vectorizer


def _cue_string(text: Any) -> str:
    return " ".join(text.cues) if isinstance(text, CuedText) else ""


class KindFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]  # sklearn: untyped bases
    """Sentences -> sparse features (see the module docstring).

    Parameters
    ----------
    word_ngrams : (min_n, max_n) of lowercase word n-grams, or None for none.
    char_ngrams : (min_n, max_n) of character n-grams inside words, or None.
    min_df : minimum number of training sentences an n-gram must appear in.
    max_word_features, max_char_features : keep the most frequent word / character n-grams
        only (None: all); they bound the size of the model file.
    cue_weight : scale of the binary cue block against the (L2-normalised) n-gram blocks;
        0 leaves the cues out.
    """

    def __init__(
        self,
        word_ngrams: tuple[int, int] | None = (1, 2),
        char_ngrams: tuple[int, int] | None = (2, 5),
        min_df: int = 2,
        max_word_features: int | None = 60_000,
        max_char_features: int | None = 60_000,
        cue_weight: float = 0.5,
    ) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.cue_weight = cue_weight

    def _blocks(self) -> list[tuple[str, TfidfVectorizer]]:
        blocks = []
        if self.word_ngrams is not None:
            blocks.append(("word", TfidfVectorizer(ngram_range=tuple(self.word_ngrams), min_df=self.min_df,
                                                   max_features=self.max_word_features, sublinear_tf=True,
                                                   dtype=np.float64)))
        if self.char_ngrams is not None:
            blocks.append(("char", TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams),
                                                   min_df=self.min_df, sublinear_tf=True,
                                                   max_features=self.max_char_features, dtype=np.float64)))
        if self.cue_weight:
            blocks.append(("cues", TfidfVectorizer(token_pattern=r"\S+", lowercase=False, use_idf=False,
                                                   binary=True, norm=None, dtype=np.float64)))
        if not blocks:
            raise ValueError("KindFeatures: word_ngrams, char_ngrams and cue_weight are all off; nothing to learn from.")
        return blocks

    def fit(self, X: Sequence[str], y: Any = None) -> KindFeatures:
        texts = list(X)
        self.vectorizers_ = []
        for name, vectorizer in self._blocks():
            vectorizer.fit([_cue_string(t) or "none" for t in texts] if name == "cues" else [str(t) for t in texts])
            vectorizer.stop_words_ = None  # the pruned n-grams: only useful to debug, and large
            self.vectorizers_.append((name, vectorizer))
        return self

    def __getstate__(self) -> dict[str, Any]:
        """The fitted vectorizers as their terms (in column order) and IDF weights: a model
        file holds arrays, not one JSON entry per n-gram."""
        state = dict(self.__dict__)
        if "vectorizers_" in state:
            state["vectorizers_"] = [
                (name, np.array(sorted(v.vocabulary_, key=v.vocabulary_.get), dtype=str),
                 np.asarray(v.idf_) if v.use_idf else None)
                for name, v in state["vectorizers_"]
            ]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        packed = state.pop("vectorizers_", None)
        self.__dict__.update(state)
        if packed is not None:
            blocks = dict(self._blocks())
            self.vectorizers_ = [entry if len(entry) == 2 else (entry[0], _restored(blocks[entry[0]], *entry[1:]))
                                 for entry in packed]

    def transform(self, X: Sequence[str]) -> sparse.csr_matrix:
        check_is_fitted(self, "vectorizers_")
        texts = list(X)
        parts = []
        for name, vectorizer in self.vectorizers_:
            if name == "cues":
                parts.append(vectorizer.transform([_cue_string(t) or "none" for t in texts]) * self.cue_weight)
            else:
                parts.append(vectorizer.transform([str(t) for t in texts]))
        return sparse.hstack(parts, format="csr")


class SentenceKindClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]  # sklearn: untyped bases
    """Sentences -> kinds (``proposal``, ``constat``, ``description``, ``other``).

    Parameters
    ----------
    C : inverse regularisation strength of the logistic regression.
    class_weight : passed to ``LogisticRegression`` (None or "balanced").
    max_iter : iterations of the lbfgs solver.
    random_state : seed (lbfgs is deterministic; kept for the contract).
    word_ngrams, char_ngrams, min_df, max_word_features, max_char_features, cue_weight : see
        :class:`KindFeatures`.
    cues : compute the rules' cues of plain-string sentences with the extraction pipeline
        (``CuedText`` inputs keep theirs); False reads words only.
    """

    def __init__(
        self,
        C: float = 4.0,
        class_weight: str | None = None,
        max_iter: int = 3000,
        random_state: int = 0,
        word_ngrams: tuple[int, int] | None = (1, 2),
        char_ngrams: tuple[int, int] | None = (2, 5),
        min_df: int = 2,
        max_word_features: int | None = 60_000,
        max_char_features: int | None = 60_000,
        cue_weight: float = 0.5,
        cues: bool = True,
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.random_state = random_state
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.cue_weight = cue_weight
        self.cues = cues

    def _inputs(self, X: Sequence[str]) -> list[str]:
        texts = list(X)
        if self.cues and self.cue_weight and any(not isinstance(t, CuedText) for t in texts):
            return list(cued_texts(texts))
        return texts

    def fit(self, X: Sequence[str], y: Sequence[str], sample_weight: Sequence[float] | None = None) -> SentenceKindClassifier:
        texts = self._inputs(X)
        labels = np.asarray([str(label) for label in y])
        if len(texts) != len(labels):
            raise ValueError(f"SentenceKindClassifier.fit: {len(texts)} sentences but {len(labels)} labels.")
        self.features_ = KindFeatures(self.word_ngrams, self.char_ngrams, self.min_df, self.max_word_features,
                                      self.max_char_features, self.cue_weight if self.cues else 0.0).fit(texts)
        matrix = self.features_.transform(texts)
        self.model_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                         random_state=self.random_state, solver="lbfgs")
        with threadpool_limits(1):  # same figures whatever the BLAS kernel and thread count
            self.model_.fit(matrix, labels, sample_weight=None if sample_weight is None else np.asarray(sample_weight))
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """``(n_sentences, n_classes)`` probabilities, columns in ``classes_`` order."""
        check_is_fitted(self, "model_")
        texts = self._inputs(X)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        with threadpool_limits(1):
            return np.asarray(self.model_.predict_proba(self.features_.transform(texts)))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        proba = self.predict_proba(X)
        return np.asarray(self.classes_)[proba.argmax(axis=1)] if len(proba) else np.asarray([], dtype=str)
