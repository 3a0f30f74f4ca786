"""Loading the data files of the extraction components (patterns, cue lists, gazetteer, places).

Every file is JSON Lines shipped inside the package (``patterns/`` and ``data/``). Loading is
lazy and cached; a malformed file raises ``ConfigError`` naming the file and the line.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ess_nlp.errors import ConfigError

FIGURE_UNITS: tuple[str, ...] = (
    "emplois", "personnes", "euros", "hectares", "m2", "annees", "tonnes", "adherents",
    "benevoles", "structures", "logements", "pourcent", "km", "repas", "heures",
)


def data_path(relative: str) -> Path:
    """Path of a data file shipped in the package, e.g. ``"patterns/proposals.jsonl"``."""
    return Path(__file__).resolve().parent / relative


def read_jsonl(path: str | Path, *, required: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Read a JSON Lines file into dicts, checking that each row has the ``required`` keys."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise ConfigError(f"{path} : fichier de motifs illisible ({err.strerror}) ; "
                          "un fichier JSON Lines lisible était attendu.") from err
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise ConfigError(f"{path}, ligne {number} : JSON invalide ({err.msg}) ; "
                              "un objet JSON par ligne était attendu.") from err
        if not isinstance(row, dict):
            raise ConfigError(f"{path}, ligne {number} : {type(row).__name__} reçu ; "
                              "un objet JSON par ligne était attendu.")
        missing = [key for key in required if key not in row]
        if missing:
            raise ConfigError(f"{path}, ligne {number} : clé(s) manquante(s) {', '.join(missing)} ; "
                              f"chaque ligne doit avoir {', '.join(required)}.")
        rows.append(row)
    return rows


@functools.lru_cache(maxsize=32)
def load_rows(relative: str, required: tuple[str, ...] = ()) -> tuple[dict[str, Any], ...]:
    """Cached :func:`read_jsonl` of a packaged data file."""
    return tuple(read_jsonl(data_path(relative), required=required))


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def norm_name(text: str) -> str:
    """Accent-, case- and punctuation-insensitive key: "Saint-Étienne" -> "saint etienne"."""
    text = strip_accents(text.replace("œ", "oe").replace("Œ", "OE")).lower()
    return _NON_ALNUM.sub(" ", text).strip()


def iter_words(text: str) -> Iterator[str]:
    yield from norm_name(text).split()
