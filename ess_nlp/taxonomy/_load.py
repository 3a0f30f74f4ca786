"""Reading a taxonomy YAML file into a validated :class:`Taxonomy`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ess_nlp.errors import ConfigError
from ess_nlp.taxonomy._schema import Taxonomy

logger = logging.getLogger(__name__)

DEFAULT_TAXONOMY_NAME = "default.yaml"

# French wording of the pydantic error types a taxonomy author is likely to meet.
_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu (champs permis : voir le schéma de taxonomie dans le README)",
    "string_type": "un texte est attendu",
    "string_too_short": "le texte est vide",
    "string_pattern_mismatch": "identifiant invalide (lettres sans accent, chiffres, « _ » ou « - » attendus)",
    "string_too_long": "identifiant trop long (64 caractères au plus)",
    "too_short": "la liste est trop courte",
    "tuple_type": "une liste est attendue",
    "bool_type": "true ou false est attendu",
    "bool_parsing": "true ou false est attendu",
    "float_type": "un nombre est attendu",
    "float_parsing": "un nombre est attendu",
    "int_type": "un nombre entier est attendu",
    "int_parsing": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "model_type": "un objet (clé: valeur) est attendu",
    "dict_type": "un objet (clé: valeur) est attendu",
}


def default_taxonomy_path() -> Path:
    """The taxonomy shipped with the package (domains and themes of the cahiers)."""
    return Path(str(resources.files("ess_nlp.taxonomy").joinpath(DEFAULT_TAXONOMY_NAME)))


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and validate a taxonomy file (the default one when ``path`` is None).

    Raises :class:`ConfigError` naming the file and the field when the file is missing,
    is not valid YAML or breaks the schema.
    """
    path = default_taxonomy_path() if path is None else Path(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise ConfigError(f"{path} : fichier de taxonomie introuvable.") from err
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(
            f"{path} : fichier de taxonomie illisible ({err}) ; un fichier YAML en UTF-8 est attendu."
        ) from err
    return parse_taxonomy(raw_text, source=str(path))


def parse_taxonomy(text: str, *, source: str = "<taxonomie>") -> Taxonomy:
    """Validate the YAML ``text`` of a taxonomy; ``source`` names it in error messages."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", ligne {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{source}{where} : YAML invalide ({getattr(err, 'problem', err)}).") from err
    if not isinstance(data, dict):
        raise ConfigError(
            f"{source} : une taxonomie est attendue (un objet avec « name » et « facets »), "
            f"reçu : {type(data).__name__}."
        )
    try:
        taxonomy = Taxonomy.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_describe(err, data, source)) from err
    logger.debug("loaded taxonomy %s from %s", taxonomy.name, source)
    return taxonomy


def _describe(err: ValidationError, data: Any, source: str) -> str:
    """One French sentence for the first schema error: file, field path, problem."""
    first = err.errors()[0]
    where = _field_path(first["loc"], data)
    if first["type"] == "value_error":
        problem = str(first.get("ctx", {}).get("error", first["msg"]))
    else:
        problem = _MESSAGES.get(first["type"], first["msg"])
    received = ""
    if first["type"] not in ("missing",) and "input" in first and not isinstance(first["input"], dict | list):
        received = f" (reçu : {first['input']!r})"
    if first["type"] == "too_short":
        problem += f" (au moins {first.get('ctx', {}).get('min_length', 1)} élément(s) attendu(s))"
    field = f"champ « {where} »" if where else "racine du fichier"
    return f"{source} : {field} : {problem}{received}."


def _field_path(loc: Sequence[int | str], data: Any) -> str:
    """``facets[themes].labels[T3].name`` rather than ``facets.1.labels.2.name``."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            item = node[key] if isinstance(node, list) and key < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            parts[-1:] = [f"{parts[-1] if parts else ''}[{ident if ident is not None else key}]"]
            node = item
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts)


def dump_taxonomy(taxonomy: Taxonomy) -> str:
    """YAML text of ``taxonomy`` that :func:`parse_taxonomy` reads back to an equal object."""
    data = taxonomy.model_dump(mode="json", exclude_none=True)
    for facet in data["facets"]:
        for label in facet["labels"]:
            if not label.get("description"):
                label.pop("description", None)  # absent, not empty: an empty one is refused
    header = f"# Taxonomie « {taxonomy.name} » (version {taxonomy.version}).\n"
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
