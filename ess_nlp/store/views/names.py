"""The display names of labels, read from the taxonomy the app shows (``$ESS_NLP_TAXONOMY`` or
the package's default), with the labels a database holds that the taxonomy lacks."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable

from ess_nlp.errors import EssNlpError
from ess_nlp.settings import settings
from ess_nlp.taxonomy import Taxonomy, load_taxonomy

__all__ = ["app_taxonomy", "label_names", "names_with_unknown", "taxonomy_path"]


def taxonomy_path() -> str | None:
    """The label set the app shows: ``$ESS_NLP_TAXONOMY`` (a taxonomy YAML file, e.g. for
    another consultation), or None for the package's default taxonomy."""
    path = settings().taxonomy
    return str(path) if path is not None else None


@functools.lru_cache(maxsize=4)
def _load_taxonomy(path: str | None, stamp: float) -> tuple[Taxonomy | None, str | None]:
    try:
        return load_taxonomy(path), None
    except EssNlpError as err:
        return None, str(err)


def app_taxonomy() -> tuple[Taxonomy | None, str | None]:
    """``(taxonomy, None)``, or ``(None, the French reason)`` when the file cannot be used."""
    path = taxonomy_path()
    try:
        stamp = os.stat(path).st_mtime if path else 0.0
    except OSError:
        stamp = -1.0
    return _load_taxonomy(path, stamp)


def label_names(facet: str) -> dict[str, str]:
    """Display names of a facet's labels (``domains``/``themes``) from the app's taxonomy
    (:func:`app_taxonomy`), or the built-in names when it cannot be read; a facet the
    taxonomy lacks has no names."""
    taxonomy, _problem = app_taxonomy()
    if taxonomy is None:  # the file named by $ESS_NLP_TAXONOMY cannot be read: the package's names
        taxonomy = _load_taxonomy(None, 0.0)[0]
    if taxonomy is None:
        return {}
    try:
        labels = taxonomy.facet(facet).labels
    except KeyError:
        return {}
    if facet == "themes":
        return {label.id: f"{label.id} {label.display_name}" for label in labels}
    return {label.id: label.display_name for label in labels}


def names_with_unknown(names: dict[str, str], found: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """``names`` plus the labels found in the database that the taxonomy lacks (shown as
    « id (hors taxonomie) »), and the list of those labels."""
    unknown = sorted({str(x) for x in found} - set(names))
    return {**names, **{u: f"{u} (hors taxonomie)" for u in unknown}}, unknown

