"""The ``meta.json`` of a versioned model folder, read and checked one way for every model kind
(classifiers in ``models/<name>/<version>/``, the sentence-kind model in
``models/sentence-kinds/<version>/``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ess_nlp.errors import ModelError

META_FILE = "meta.json"


def read_model_meta(folder: Path, *, what: str, max_version: int) -> dict[str, Any]:
    """The folder's metadata, or :class:`ModelError` in one French sentence: no folder, no or
    unreadable ``meta.json`` (``what`` names the kind of model expected), a missing format
    version or one newer than ``max_version``."""
    meta_path = folder / META_FILE
    if not folder.is_dir():
        raise ModelError(f"{folder} : dossier de modèle introuvable.")
    if not meta_path.is_file():
        raise ModelError(f"{folder} : pas de fichier {META_FILE} ; ce dossier n'est pas {what}.")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ModelError(f"{meta_path} : fichier illisible ou JSON invalide ({err}).") from err
    if not isinstance(meta, dict):
        raise ModelError(f"{meta_path} : un objet JSON est attendu.")
    version = meta.get("format_version")
    if not isinstance(version, int):
        raise ModelError(f"{meta_path} : champ « format_version » absent ou invalide (un entier est attendu).")
    if version > max_version:
        raise ModelError(
            f"{folder} : modèle au format {version}, plus récent que celui que lit cette version d'ess-nlp "
            f"(format {max_version} au plus) ; mettez ess-nlp à jour."
        )
    return meta
