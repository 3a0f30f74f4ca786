"""Saving and loading topic models: ``models/topics/<name>/<version>/``, no pickle.

A model folder holds:

- ``meta.json``: what the model is (package versions, parameters, seed, training-data
  hash, date, metrics, the files below);
- ``topics.json``: unit ids, origins, topics (id, name, label, keywords, size), keyword
  vocabulary and how each keyword is shown, notes;
- ``arrays.npz``: topics, raw topics, probabilities, similarities, embeddings, 2-D map;
- ``doc_term.npz``: keyword counts per unit (a SciPy sparse matrix);
- ``backend.json`` + ``backend.npz``: the embedding backend's learned state;
- ``README.md``: a short model card generated from ``meta.json``.

Everything is JSON or NumPy arrays read with ``allow_pickle=False``; ``meta.json`` lists each
file with its SHA-256, checked on loading. A folder is written to a temporary sibling and
then renamed, so a failure never leaves a partial model (as the classifiers do).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from ess_nlp._folders import atomic_folder
from ess_nlp._provenance import file_sha256, package_versions
from ess_nlp.errors import ModelError
from ess_nlp.topics._config import TopicConfig
from ess_nlp.topics._embeddings import backend_from_state
from ess_nlp.topics._model import TopicInfo, TopicResult

__all__ = ["DEFAULT_MODELS_DIR", "FORMAT_VERSION", "load_topic_model", "save_topic_model"]

DEFAULT_MODELS_DIR = Path("models") / "topics"
FORMAT_VERSION = 1
KIND = "topics"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")
_PACKAGES = (
    "ess-nlp",
    "bertopic",
    "umap-learn",
    "hdbscan",
    "scikit-learn",
    "scipy",
    "numpy",
    "spacy",
    "sentence-transformers",
    "torch",
)
_ARRAYS = ("topics", "raw_topics", "probability", "similarity", "embeddings", "coords")


def _versions() -> dict[str, str]:
    return package_versions(_PACKAGES)


def save_topic_model(
    result: TopicResult,
    name: str,
    *,
    root: str | Path = DEFAULT_MODELS_DIR,
    version: str | None = None,
) -> Path:
    """Write ``result`` to ``root/name/version`` (version: UTC date-time by default); returns the folder."""
    for label, value in (("nom", name), ("version", version)):
        if value is not None and not _NAME.match(value):
            raise ModelError(
                f"Le {label} de modèle « {value} » n'est pas valide : lettres, chiffres, « - », « _ » "
                "ou « . » attendus (80 caractères au plus)."
            )
    now = dt.datetime.now(dt.UTC)
    version = version or now.strftime("%Y%m%dT%H%M%SZ")
    folder = Path(root) / name / version
    if folder.exists():
        raise ModelError(f"Le dossier de modèle « {folder} » existe déjà : choisissez une autre version.")
    with atomic_folder(folder) as tmp:
        meta = _write_files(result, tmp, name=name, version=version, created=now)
        (tmp / "README.md").write_text(model_card(meta, result), encoding="utf-8")
    return folder


def _write_files(
    result: TopicResult, folder: Path, *, name: str, version: str, created: dt.datetime
) -> dict[str, Any]:
    arrays: dict[str, Any] = {key: np.asarray(getattr(result, key)) for key in _ARRAYS}
    np.savez_compressed(folder / "arrays.npz", allow_pickle=False, **arrays)
    sparse.save_npz(folder / "doc_term.npz", result.doc_term.tocsr(), compressed=True)
    topics = {
        "ids": list(result.ids),
        "origin": list(result.origin),
        "topics": [info.to_json() for info in result.info.values()],
        "vocabulary": list(result.vocabulary),
        "display": list(result.display),
        "notes": list(result.notes),
        "next_id": result.next_id,
    }
    _write_json(folder / "topics.json", topics)
    backend: dict[str, Any] = {}
    if result.backend is not None:
        config, state = result.backend.state()
        _write_json(folder / "backend.json", config)
        backend_arrays: dict[str, Any] = dict(state)
        np.savez_compressed(folder / "backend.npz", allow_pickle=False, **backend_arrays)
        backend = result.backend.describe()
    files = {path.name: file_sha256(path) for path in sorted(folder.iterdir())}
    meta = {
        "kind": KIND,
        "format_version": FORMAT_VERSION,
        "name": name,
        "version": version,
        "created_at": created.isoformat(timespec="seconds"),
        "packages": _versions(),
        "params": result.config.to_json(),
        "seed": result.config.seed,
        "backend": backend,
        "data": {"sha256": result.data_hash, "n_units": len(result.ids)},
        "metrics": dict(result.metrics),
        "n_topics": len(result.info),
        "files": files,
    }
    _write_json(folder / "meta.json", meta)
    return meta


def model_card(meta: dict[str, Any], result: TopicResult) -> str:
    """A short README (French) describing a saved topic model, from its meta.json."""
    metrics = meta.get("metrics", {})
    lines = [
        f"# Modèle de thèmes « {meta['name']} », version {meta['version']}",
        "",
        f"- Créé le : {meta['created_at']}",
        f"- Plongements : {meta['backend'].get('backend', '?')} ; graine : {meta['seed']}",
        f"- Unités : {meta['data']['n_units']} (empreinte SHA-256 des textes : `{meta['data']['sha256'][:16]}…`)",
        f"- Thèmes : {meta['n_topics']} ; unités non classées : {metrics.get('outlier_share', 0):.1%}",
        f"- Paramètres : `{json.dumps(meta['params'], ensure_ascii=False)}`",
        "",
        "| thème | taille | nom | mots-clés |",
        "|---|---|---|---|",
    ]
    for info in result.info.values():
        words = ", ".join(w for w, _ in info.keywords[:6])
        lines.append(
            f"| {info.id} | {info.size} | {info.name.replace('|', '/')} | {words.replace('|', '/')} |"
        )
    return "\n".join(lines) + "\n"


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"Modèle de thèmes incomplet : le fichier « {path} » manque.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ModelError(f"Le fichier « {path} » n'est pas un JSON lisible ({err}).") from None


def _load_npz(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}
    except FileNotFoundError:
        raise ModelError(f"Modèle de thèmes incomplet : le fichier « {path} » manque.") from None
    except (ValueError, OSError) as err:
        raise ModelError(f"Le fichier « {path} » n'est pas un tableau NumPy lisible ({err}).") from None


def load_topic_model(path: str | Path) -> TopicResult:
    """Read a folder written by :func:`save_topic_model` (no pickle anywhere)."""
    folder = Path(path)
    if not folder.is_dir():
        raise ModelError(f"Le dossier de modèle de thèmes « {folder} » n'existe pas.")
    meta = _read_json(folder / "meta.json")
    if not isinstance(meta, dict) or meta.get("kind") != KIND:
        raise ModelError(f"Le dossier « {folder} » ne contient pas un modèle de thèmes ess-nlp (meta.json).")
    if meta.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"Le modèle « {folder} » est au format {meta.get('format_version')} ; "
            f"cette version lit le format {FORMAT_VERSION}."
        )
    for file_name, digest in dict(meta.get("files", {})).items():
        file_path = folder / Path(str(file_name)).name
        if not file_path.is_file():
            raise ModelError(f"Modèle de thèmes incomplet : le fichier « {file_path} » manque.")
        if file_sha256(file_path) != digest:
            raise ModelError(
                f"Le fichier « {file_path} » a été modifié depuis l'enregistrement du modèle (SHA-256 différent)."
            )
    topics = _read_json(folder / "topics.json")
    arrays = _load_npz(folder / "arrays.npz")
    missing = [key for key in _ARRAYS if key not in arrays]
    if missing:
        raise ModelError(f"Le fichier « {folder / 'arrays.npz'} » ne contient pas {', '.join(missing)}.")
    try:
        doc_term = sparse.load_npz(folder / "doc_term.npz").tocsr()
    except FileNotFoundError:
        raise ModelError(
            f"Modèle de thèmes incomplet : le fichier « {folder / 'doc_term.npz'} » manque."
        ) from None
    backend = None
    if (folder / "backend.json").exists():
        backend = backend_from_state(_read_json(folder / "backend.json"), _load_npz(folder / "backend.npz"))
    info = {
        int(t["topic"]): TopicInfo(
            int(t["topic"]),
            str(t["name"]),
            str(t["label"]),
            tuple((str(w), float(s)) for w, s in t["keywords"]),
            int(t["size"]),
        )
        for t in topics["topics"]
    }
    n = len(topics["ids"])
    if any(len(arrays[key]) != n for key in _ARRAYS) or doc_term.shape[0] != n:
        raise ModelError(f"Le modèle « {folder} » est incohérent : les tableaux n'ont pas {n} lignes.")
    return TopicResult(
        ids=tuple(topics["ids"]),
        topics=arrays["topics"].astype(np.int64),
        raw_topics=arrays["raw_topics"].astype(np.int64),
        probability=arrays["probability"].astype(np.float32),
        similarity=arrays["similarity"].astype(np.float32),
        origin=tuple(topics["origin"]),
        embeddings=arrays["embeddings"].astype(np.float32),
        coords=arrays["coords"].astype(np.float32),
        doc_term=doc_term,
        vocabulary=tuple(topics["vocabulary"]),
        display=tuple(topics["display"]),
        info=info,
        config=TopicConfig.from_json(meta["params"]),
        backend=backend,
        metrics=meta.get("metrics", {}),
        notes=tuple(topics.get("notes", ())),
        next_id=int(topics.get("next_id", 0)),
        data_hash=str(meta.get("data", {}).get("sha256", "")),
    )
