"""Zero-shot scoring: labels from their descriptions alone, no labelled data.

Each label gets a lexicon of lemmas drawn from its name, keywords, description and examples
(weighted by where the lemma came from, and divided by the number of labels of the facet
whose lexicon holds it, so words shared by every label count little). A text's content lemmas
then vote for the labels: an exact lemma match counts fully; a word close to a lexicon word in
the ``fr_core_news_md`` vector space (cosine above ``similarity``) counts in proportion to how
close it is ("logement" votes for a label described with "habitat"). A label's raw score is the
average vote of the text's content words.

Raw scores become probabilities in [0, 1] through a small logistic calibration per facet,
fitted on the taxonomy's own example sentences (each example is a positive for its label and a
negative for the others, scored with lexicons built without it). A taxonomy without enough
examples borrows a calibration fitted on the default taxonomy's examples, on the relative score
alone (a label's share of the best label's score; ``borrow="relative"``): the absolute level of
raw scores depends on how many words the label descriptions hold, so it does not carry over from
one taxonomy to another (on the 14 CIS themes, described in a few words each, it kept all but
the best label under 0.5). Such scores rank the labels of a text and say which come close to the
best; only a taxonomy's own examples make them calibrated probabilities. ``borrow="full"`` is
the calibration of the models trained before (relative and absolute score), kept so that those
models score as they did.

Every score can say why: the words that voted for the label (and the lexicon word they matched)
and, for texts that carry their sentences, the sentences where the label scores highest.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from ess_nlp.classify._numeric import kernel_stable_float
from ess_nlp.classify._records import Evidence, Explanation, SentenceEvidence
from ess_nlp.classify._text import LemmatizedText, lemmatize
from ess_nlp.nlp import french_stop_words
from ess_nlp.taxonomy import Facet, Taxonomy, load_taxonomy

logger = logging.getLogger(__name__)

_CONTENT = re.compile(r"^[^\W\d_][\w'’-]*$", re.UNICODE)
_MIN_EXAMPLES_TO_CALIBRATE = 2


@dataclass(frozen=True)
class SourceWeights:
    """How much a lemma weighs in a label's lexicon, by where it was written."""

    name: float = 2.0
    keywords: float = 2.0
    description: float = 1.0
    examples: float = 0.5


def content_lemmas(lemmas: str) -> list[str]:
    """The lemmas that can carry meaning: words of 3+ characters, not stop words, not numbers."""
    stop_words = french_stop_words()
    return [
        lemma
        for lemma in lemmas.split()
        if len(lemma) > 2 and lemma not in stop_words and _CONTENT.match(lemma)
    ]


class _FacetLexicon:
    """Lexicons of one facet: terms (lemmas or lemma phrases) x labels weight matrix."""

    def __init__(self, facet: Facet, bags: list[dict[str, float]]) -> None:
        self.facet = facet
        document_frequency = Counter(term for bag in bags for term in bag)
        self.terms = sorted(document_frequency)
        self.index = {term: i for i, term in enumerate(self.terms)}
        self.weights = np.zeros((len(self.terms), len(bags)))
        for j, bag in enumerate(bags):
            for term, weight in bag.items():
                self.weights[self.index[term], j] = weight / document_frequency[term]
        self.unigrams = [t for t in self.terms if " " not in t]
        self.phrases = {t for t in self.terms if " " in t}
        self.max_phrase = max((len(t.split()) for t in self.phrases), default=1)


class ZeroShotScorer:
    """Scores texts against the labels of a taxonomy without training data.

    Parameters
    ----------
    taxonomy : the labels to score (default: the project taxonomy).
    similarity : cosine from which a word counts as a near match of a lexicon word; above 1,
        only exact lemma matches count (no word vectors needed).
    weights : lexicon weights by source (name, keywords, description, examples).
    calibrate : fit the probability calibration on the taxonomy's examples (else a fixed,
        uncalibrated logistic squashing of the raw score).
    borrow : calibration of a taxonomy without enough examples, fitted on the default
        taxonomy's: ``"relative"`` (default; share of the best label's score only) or ``"full"``
        (share and absolute level, as models trained before it; see the module docstring).
    """

    def __init__(
        self,
        taxonomy: Taxonomy | None = None,
        *,
        similarity: float = 0.65,
        weights: SourceWeights | None = None,
        calibrate: bool = True,
        borrow: str = "relative",
    ) -> None:
        if borrow not in BORROW_MODES:
            raise ValueError(f"borrow must be one of {BORROW_MODES}, got {borrow!r}")
        self.taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
        self.similarity = similarity
        self.weights = weights or SourceWeights()
        self.calibrate = calibrate
        self.borrow = borrow
        self._lexicons: dict[str, _FacetLexicon] = {}
        self._calibration: dict[str, tuple[float, float, float]] = {}
        self._affinity_cache: dict[str, dict[str, tuple[np.ndarray, list[str | None]]]] = {}
        self._vectors: _Vectors | None = None
        self.fitted = False

    # --- building ---------------------------------------------------------------------------

    def fit(self) -> ZeroShotScorer:
        """Build the label lexicons and fit the calibration (lemmatises the label texts)."""
        for facet in self.taxonomy.facets:
            self._lexicons[facet.id] = _FacetLexicon(facet, self._bags(facet))
            self._affinity_cache[facet.id] = {}
        for facet in self.taxonomy.facets:
            self._calibration[facet.id] = self._fit_calibration(facet)
        self.fitted = True
        return self

    def _bags(self, facet: Facet, leave_out: tuple[str, int] | None = None) -> list[dict[str, float]]:
        w = self.weights
        bags = []
        for label in facet.labels:
            sources: list[tuple[str, float]] = [(label.name, w.name), (label.description, w.description)]
            if label.short_name:
                sources.append((label.short_name, w.name))
            sources += [
                (example, w.examples)
                for k, example in enumerate(label.examples)
                if leave_out != (label.id, k)
            ]
            lemma_strings = lemmatize(
                [text for text, _ in sources] + list(label.keywords), cache=_LABEL_CACHE
            )
            bag: dict[str, float] = {}
            for (_, weight), lemmas in zip(sources, lemma_strings, strict=False):
                for term in content_lemmas(lemmas):
                    bag[term] = max(bag.get(term, 0.0), weight)
            for lemmas in lemma_strings[len(sources) :]:
                tokens = lemmas.split()
                if len(tokens) > 1:  # a multi-word keyword counts as a phrase only
                    phrase = " ".join(tokens)
                    bag[phrase] = max(bag.get(phrase, 0.0), w.keywords)
                else:
                    for word in content_lemmas(lemmas):
                        bag[word] = max(bag.get(word, 0.0), w.keywords)
            bags.append(bag)
        return bags

    def _fit_calibration(self, facet: Facet, *, relative_only: bool = False) -> tuple[float, float, float]:
        if not self.calibrate:
            return _DEFAULT_CALIBRATION
        counts = [len(label.examples) for label in facet.labels]
        if min(counts) < _MIN_EXAMPLES_TO_CALIBRATE:
            return _borrowed_calibration(self)
        features, targets = [], []
        for j, label in enumerate(facet.labels):
            for k, example in enumerate(label.examples):
                lexicon = _FacetLexicon(facet, self._bags(facet, leave_out=(label.id, k)))
                raw = self._raw(lexicon, [lemmatize([example], cache=_LABEL_CACHE)[0]], {})[0]
                for i in range(len(facet.labels)):
                    features.append(_calibration_features(raw, i))
                    targets.append(int(i == j))
        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
        X = np.array(features)
        model.fit(X[:, :1] if relative_only else X, np.array(targets))
        a, b = (float(model.coef_[0][0]), 0.0) if relative_only else (float(x) for x in model.coef_[0])
        # Rounded: the solver's last bits depend on the BLAS kernel (ess_nlp.classify._numeric).
        return (kernel_stable_float(a), kernel_stable_float(b), kernel_stable_float(float(model.intercept_[0])))

    # --- scoring ----------------------------------------------------------------------------

    def raw_scores(self, texts: Sequence[str], facet: str) -> np.ndarray:
        """Average vote of each text's content words for each label, ``(n_texts, n_labels)``."""
        self._check()
        lexicon = self._lexicons[facet]
        return self._raw(lexicon, lemmatize(texts), self._affinity_cache[facet])

    def predict_proba(self, texts: Sequence[str], facet: str) -> np.ndarray:
        """Calibrated scores in [0, 1], ``(n_texts, n_labels)`` in the facet's label order."""
        return self._calibrate(self.raw_scores(texts, facet), facet)

    def _calibrate(self, raw: np.ndarray, facet: str) -> np.ndarray:
        a, b, c = self._calibration[facet]
        out = np.zeros_like(raw)
        for i in range(raw.shape[1]):
            x = np.array([_calibration_features(row, i) for row in raw]).reshape(-1, 2)
            out[:, i] = 1.0 / (1.0 + np.exp(-(a * x[:, 0] + b * x[:, 1] + c)))
        return out

    def explain(self, texts: Sequence[str], facet: str, label: str, *, top: int = 5) -> list[Explanation]:
        """For each text, the words that voted for ``label`` (best first) and its best sentences."""
        self._check()
        lexicon = self._lexicons[facet]
        j = lexicon.facet.label_ids.index(label)
        cache = self._affinity_cache[facet]
        explanations = []
        for text, lemmas in zip(texts, lemmatize(texts), strict=True):
            bag = self._bag(lexicon, lemmas)
            total = sum(bag.values())
            affinity = self._affinities(lexicon, list(bag), cache)
            votes = []
            for term, count in bag.items():
                row, via = affinity[term]
                if row[j] > 0:
                    votes.append(Evidence(term, float(count * row[j] / total), via[j]))
            votes.sort(key=lambda e: (-e.weight, e.term))
            sentences: list[SentenceEvidence] = []
            if isinstance(text, LemmatizedText) and len(text.sentences) > 1:
                raw = self._raw(lexicon, [s[2] for s in text.sentences], cache)
                proba = self._calibrate(raw, facet)[:, j]
                order = np.argsort(-raw[:, j], kind="stable")[:2]
                sentences = [
                    SentenceEvidence(text.sentences[i][0], text.sentences[i][1], float(proba[i]))
                    for i in order
                    if raw[i, j] > 0
                ]
            explanations.append(Explanation(tuple(votes[:top]), tuple(sentences)))
        return explanations

    def _check(self) -> None:
        if not self.fitted:
            self.fit()

    def _bag(self, lexicon: _FacetLexicon, lemmas: str) -> Counter[str]:
        words = content_lemmas(lemmas)
        bag = Counter(words)
        if lexicon.phrases:
            tokens = lemmas.split()
            for n in range(2, lexicon.max_phrase + 1):
                for i in range(len(tokens) - n + 1):
                    phrase = " ".join(tokens[i : i + n])
                    if phrase in lexicon.phrases:
                        bag[phrase] += 1
        return bag

    def _raw(
        self,
        lexicon: _FacetLexicon,
        lemma_strings: Sequence[str],
        cache: dict[str, tuple[np.ndarray, list[str | None]]],
    ) -> np.ndarray:
        bags = [self._bag(lexicon, lemmas) for lemmas in lemma_strings]
        vocabulary = sorted({term for bag in bags for term in bag})
        affinity = self._affinities(lexicon, vocabulary, cache)
        out = np.zeros((len(bags), lexicon.weights.shape[1]))
        for i, bag in enumerate(bags):
            if not bag:
                continue
            counts = np.fromiter(bag.values(), dtype=float)
            rows = np.stack([affinity[term][0] for term in bag])
            # einsum, not BLAS (a BLAS kernel changes the last bits of a product; see _near_matches).
            out[i] = np.einsum("k,kj->j", counts, rows, optimize=False) / counts.sum()
        return out

    def _affinities(
        self,
        lexicon: _FacetLexicon,
        terms: Sequence[str],
        cache: dict[str, tuple[np.ndarray, list[str | None]]],
    ) -> dict[str, tuple[np.ndarray, list[str | None]]]:
        """Per term: its vote for each label, and the lexicon word each vote went through."""
        missing = [t for t in dict.fromkeys(terms) if t not in cache]
        if missing:
            exact = [t for t in missing if t in lexicon.index or " " in t]
            for term in exact:
                row = (
                    lexicon.weights[lexicon.index[term]]
                    if term in lexicon.index
                    else np.zeros(lexicon.weights.shape[1])
                )
                cache[term] = (row.copy(), [None] * len(row))
            fuzzy = [t for t in missing if t not in lexicon.index and " " not in t]
            if fuzzy:
                cache.update(self._near_matches(lexicon, fuzzy))
        return {t: cache[t] for t in terms}

    def _near_matches(
        self, lexicon: _FacetLexicon, terms: list[str]
    ) -> dict[str, tuple[np.ndarray, list[str | None]]]:
        n_labels = lexicon.weights.shape[1]
        nothing: list[str | None] = [None] * n_labels
        empty = {t: (np.zeros(n_labels), list(nothing)) for t in terms}
        if self.similarity > 1 or not lexicon.unigrams:
            return empty
        if self._vectors is None:
            self._vectors = _Vectors()
        lex_vectors, lex_ok = self._vectors.matrix(lexicon.unigrams)
        lex_rows = np.array([lexicon.index[t] for t in lexicon.unigrams])
        lex_weights = lexicon.weights[lex_rows]  # (n_unigrams, n_labels)
        result: dict[str, tuple[np.ndarray, list[str | None]]] = {}
        for start in range(0, len(terms), 2048):
            chunk = terms[start : start + 2048]
            vectors, ok = self._vectors.matrix(chunk)
            # einsum, not BLAS: a BLAS kernel (OPENBLAS_CORETYPE, CPU) changes the last bits of
            # a float32 product, hence the scores; numpy's own loop gives the same on every machine.
            sims = np.einsum("ik,jk->ij", vectors, lex_vectors, optimize=False)
            sims[~ok] = 0.0
            sims[:, ~lex_ok] = 0.0
            strength = np.clip((sims - self.similarity) / (1.0 - self.similarity), 0.0, None)
            strength = sparse.csr_matrix(strength)
            values = np.zeros((len(chunk), n_labels))
            best = np.zeros((len(chunk), n_labels), dtype=int)
            for j in range(n_labels):
                votes = sparse.csr_matrix(strength.multiply(lex_weights[:, j][None, :]))
                values[:, j] = votes.max(axis=1).toarray().ravel()
                best[:, j] = np.asarray(votes.argmax(axis=1)).ravel()
            for i, term in enumerate(chunk):
                via = [lexicon.unigrams[best[i, j]] if values[i, j] > 0 else None for j in range(n_labels)]
                result[term] = (values[i], via)
        return result


def _calibration_features(raw_row: np.ndarray, i: int) -> tuple[float, float]:
    """(share of the best label's score, log of the score) of label ``i``."""
    best = float(raw_row.max()) if raw_row.size else 0.0
    value = float(raw_row[i])
    relative = value / best if best > 0 else 0.0
    return (relative, math.log(value + 1e-3))


# Used only when calibration is switched off: a fixed squashing of the raw score.
_DEFAULT_CALIBRATION = (4.0, 1.0, 0.0)

BORROW_MODES = ("relative", "full")

_LABEL_CACHE: dict[str, str] = {}
_BORROWED: dict[tuple[float, str, str], tuple[float, float, float]] = {}


def _borrowed_calibration(scorer: ZeroShotScorer) -> tuple[float, float, float]:
    """The calibration fitted on the default taxonomy's examples (averaged over its facets), on
    the relative score alone or on both features (``scorer.borrow``)."""
    key = (scorer.similarity, repr(scorer.weights), scorer.borrow)
    if key not in _BORROWED:
        default = ZeroShotScorer(similarity=scorer.similarity, weights=scorer.weights)
        relative = scorer.borrow == "relative"
        fitted = [
            default._fit_calibration(facet, relative_only=relative) for facet in default.taxonomy.facets
        ]
        _BORROWED[key] = tuple(float(np.mean([c[k] for c in fitted])) for k in range(3))  # type: ignore[assignment]
        logger.info("zero-shot calibration borrowed from the default taxonomy: %s", _BORROWED[key])
    return _BORROWED[key]


class _Vectors:
    """Unit-length word vectors of ``fr_core_news_md`` looked up by lemma."""

    def __init__(self) -> None:
        from spacy.strings import get_string_id

        from ess_nlp.nlp import VECTORS_PIPELINE, load_pipeline

        nlp = load_pipeline(
            VECTORS_PIPELINE,
            disable=("tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner"),
        )
        table = nlp.vocab.vectors
        data = np.asarray(table.data, dtype=np.float32)
        norms = np.linalg.norm(data, axis=1, keepdims=True)
        self._data = data / np.where(norms == 0, 1.0, norms)
        self._key2row = table.key2row
        self._id = get_string_id

    def matrix(self, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        rows = np.array([self._key2row.get(self._id(w), -1) for w in words], dtype=int)
        ok = rows >= 0
        out = np.zeros((len(words), self._data.shape[1]), dtype=np.float32)
        out[ok] = self._data[rows[ok]]
        return out, ok
